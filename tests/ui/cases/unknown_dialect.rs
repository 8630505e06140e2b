mod db {
    attesto_macros::attesto_migration!(dialect = "mariadb");
}

fn main() {}
