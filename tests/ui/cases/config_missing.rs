mod db {
    attesto_macros::attesto_migration!(config = "fixtures/no_such_file.toml");
}

fn main() {}
