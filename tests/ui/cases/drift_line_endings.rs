// Only the line endings differ, or only the final newline: the message
// says so, as `attesto check` does.
mod crlf {
    attesto_macros::attesto_migration!(prefix = "ui_", migrations_path = "fixtures/migrations-crlf");
}
mod unterminated {
    attesto_macros::attesto_migration!(prefix = "ui_", migrations_path = "fixtures/migrations-no-final-newline");
}

fn main() {}
