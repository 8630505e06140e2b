mod db {
    attesto_macros::attesto_migration!(config = "fixtures/wrong_type.toml");
}

fn main() {}
