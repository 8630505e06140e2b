// Two copies of the migration; and a file whose name only looks like one.
mod twice {
    attesto_macros::attesto_migration!(prefix = "ui_", migrations_path = "fixtures/migrations-twice");
}
mod imposter {
    attesto_macros::attesto_migration!(prefix = "ui_", migrations_path = "fixtures/migrations-imposter");
}

fn main() {}
