// This crate's sqlx (declared for no target in Cargo.toml) lacks `json`,
// which the JSON columns' binding needs; the other types are the host's,
// so nothing else is missing.
mod db {
    attesto_macros::attesto_migration!(
        types(timestamp = std::time::SystemTime, uuid = [u8; 16]),
        integrations(sqlx)
    );
}

fn main() {}
