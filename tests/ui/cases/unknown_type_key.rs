mod db {
    attesto_macros::attesto_migration!(types(datetime = std::time::SystemTime));
}

fn main() {}
