mod db {
    attesto_macros::attesto_migration!(prefix = "a_", dialect = "sqlite", prefix = "b_");
}
mod types {
    attesto_macros::attesto_migration!(types(json = String, json = String));
}

fn main() {}
