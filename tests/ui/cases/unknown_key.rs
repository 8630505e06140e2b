mod db {
    attesto_macros::attesto_migration!(table_prefix = "oauth_");
}

fn main() {}
