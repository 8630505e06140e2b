mod db {
    attesto_macros::attesto_migration!(dialect = "MariaDB");
}

fn main() {}
