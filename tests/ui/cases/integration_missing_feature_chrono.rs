// This crate's sqlx lacks `chrono`, which the expansion's timestamp types
// bind through.
mod db {
    attesto_macros::attesto_migration!(
        dialect = "sqlite",
        types(json = String, strings = String, uuid = [u8; 16]),
        integrations(sqlx)
    );
}

fn main() {}
