mod db {
    attesto_macros::attesto_migration!(dialect = "postgres", prefix = "tenant_one_");
}

fn main() {}
