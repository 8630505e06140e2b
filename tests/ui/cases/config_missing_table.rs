mod db {
    attesto_macros::attesto_migration!(config = "fixtures/invalid_prefix.toml", config_key = "attesto_");
}

fn main() {}
