// A key one letter off a valid one: the error names the one meant.
mod db {
    attesto_macros::attesto_migration!(integration(sqlx));
}

fn main() {}
