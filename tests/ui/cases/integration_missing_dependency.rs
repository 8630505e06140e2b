// This crate depends on neither sqlx nor chrono, uuid and serde_json: the
// error says what to add, with the features the generated code needs.
mod db {
    attesto_macros::attesto_migration!(dialect = "sqlite", integrations(sqlx));
}

fn main() {}
