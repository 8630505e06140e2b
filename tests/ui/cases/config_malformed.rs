mod db {
    attesto_macros::attesto_migration!(config = "fixtures/malformed.toml");
}

fn main() {}
