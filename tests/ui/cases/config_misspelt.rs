// `table_prefx` would silently mean "no prefix": it is refused.
mod db {
    attesto_macros::attesto_migration!(config = "fixtures/misspelt.toml");
}

fn main() {}
