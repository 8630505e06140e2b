mod backwards {
    attesto_macros::attesto_migration!(version = "0.6.1", from = "0.19.0");
}
mod same {
    attesto_macros::attesto_migration!(from = "2.13.0");
}

fn main() {}
