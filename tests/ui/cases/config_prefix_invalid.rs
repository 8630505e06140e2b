mod db {
    attesto_macros::attesto_migration!(config = "fixtures/invalid_prefix.toml");
}

fn main() {}
