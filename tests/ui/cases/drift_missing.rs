mod no_directory {
    attesto_macros::attesto_migration!(prefix = "ui_", migrations_path = "fixtures/no_such_dir");
}
mod no_migration {
    attesto_macros::attesto_migration!(prefix = "ui_", migrations_path = "fixtures/migrations-empty");
}

fn main() {}
