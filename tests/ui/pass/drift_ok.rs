// Each layout's migration matches the invocation that generated it.
mod sqlx {
    attesto_macros::attesto_migration!(prefix = "ui_", migrations_path = "fixtures/migrations-sqlx");
}
mod diesel {
    attesto_macros::attesto_migration!(
        prefix = "ui_",
        dialect = "sqlite",
        migrations_path = "fixtures/migrations-diesel",
    );
}
mod refinery {
    attesto_macros::attesto_migration!(
        prefix = "ui_",
        from = "0.19.0",
        migrations_path = "fixtures/migrations-refinery",
    );
}

fn main() {
    assert_eq!(sqlx::MIGRATION_NAME, "create_attesto_tables");
    assert_eq!(refinery::MIGRATION_NAME, "upgrade_attesto_tables_0_18_0_to_1_2_0");
    assert_eq!(diesel::DIALECT, "sqlite");
}
