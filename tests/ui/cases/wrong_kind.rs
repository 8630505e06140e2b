mod number {
    attesto_macros::attesto_migration!(prefix = 5);
}
mod bare_word {
    attesto_macros::attesto_migration!(dialect = sqlite);
}
mod list_for_string {
    attesto_macros::attesto_migration!(config("attesto.toml"));
}
mod string_for_list {
    attesto_macros::attesto_migration!(derive = "Debug");
}
mod missing_value {
    attesto_macros::attesto_migration!(prefix);
}

fn main() {}
