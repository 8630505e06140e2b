// The file was generated for this invocation, then edited by hand.
mod edited {
    attesto_macros::attesto_migration!(prefix = "ui_", migrations_path = "fixtures/migrations-edited");
}
// The file is intact, but the invocation asks for another prefix.
mod other_prefix {
    attesto_macros::attesto_migration!(prefix = "other_", migrations_path = "fixtures/migrations-sqlx");
}

fn main() {}
