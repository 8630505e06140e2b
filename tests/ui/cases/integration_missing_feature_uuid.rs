// This crate's sqlx lacks `uuid`, which the `uuid::Uuid` keys need.
mod db {
    attesto_macros::attesto_migration!(
        dialect = "sqlite",
        types(json = String, strings = String, timestamp = std::time::SystemTime),
        integrations(sqlx)
    );
}

fn main() {}
