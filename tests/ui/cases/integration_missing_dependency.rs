// This crate does not depend on rusqlite: the error says what to add, with
// the features the generated code needs.
mod db {
    attesto_macros::attesto_migration!(dialect = "sqlite", integrations(rusqlite));
}

fn main() {}
