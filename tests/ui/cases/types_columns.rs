mod unknown_column {
    attesto_macros::attesto_migration!(types(columns(paramz = String)));
}
mod unknown_table {
    attesto_macros::attesto_migration!(types(columns(tokens.claims = String)));
}
mod not_in_that_release {
    attesto_macros::attesto_migration!(version = "0.6.1", field_attrs(columns(resource = #[allow(dead_code)])));
}

fn main() {}
