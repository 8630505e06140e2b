mod suffix {
    attesto_macros::attesto_migration!(prefix = "oauth_"suffix);
}
mod junk {
    attesto_macros::attesto_migration!(prefix = "oauth_" junk);
}
mod semicolon {
    attesto_macros::attesto_migration!(prefix = "oauth_";);
}
mod type_key_alone {
    attesto_macros::attesto_migration!(types(timestamp));
}

fn main() {}
