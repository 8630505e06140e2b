// This crate's sqlx drives PostgreSQL and SQLite, not MySQL.
mod db {
    attesto_macros::attesto_migration!(
        dialect = "mysql",
        types(json = String, strings = String, timestamp = std::time::SystemTime, uuid = [u8; 16]),
        integrations(sqlx)
    );
}

fn main() {}
