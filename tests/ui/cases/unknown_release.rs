mod version {
    attesto_macros::attesto_migration!(version = "0.7.9");
}
mod from {
    attesto_macros::attesto_migration!(from = "0.5");
}

fn main() {}
