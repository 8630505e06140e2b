// This crate does not depend on rusqlite: the error says what to add, with
// the features the generated code needs. The constants and rows are still
// generated beside it, so that their uses below add no error of their own.
mod db {
    attesto_macros::attesto_migration!(dialect = "sqlite", integrations(rusqlite));
}

fn main() {
    let _ = db::UP_SQL.len() + db::AuthorizationCodeRow::COLUMNS.len();
}
