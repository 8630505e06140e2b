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
        from = "0.6.1",
        migrations_path = "fixtures/migrations-refinery",
    );
}

fn main() {
    assert_eq!(sqlx::MIGRATION_NAME, "create_attesto_tables");
    assert_eq!(refinery::MIGRATION_NAME, "upgrade_attesto_tables_0_6_1_to_0_19_0");
    assert_eq!(diesel::DIALECT, "sqlite");
}
