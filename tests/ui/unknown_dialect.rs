mod db {
    attesto_macros::attesto_migration!(dialect = "mysql");
}

fn main() {}
