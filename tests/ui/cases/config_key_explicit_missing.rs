// An explicit key names a table the user expects: its absence is an error,
// in Cargo.toml as in a config file.
mod db {
    attesto_macros::attesto_migration!(config_key = "tenant");
}
mod dotted {
    attesto_macros::attesto_migration!(config = "fixtures/wrong_type.toml", config_key = "a.b");
}

fn main() {}
