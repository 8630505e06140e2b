mod never_published {
    attesto_macros::attesto_migration!(version = "2.0.3");
}
mod with_a_v {
    attesto_macros::attesto_migration!(from = "v0.19.0");
}

fn main() {}
