// Nothing but a regular file is read: a FIFO would block the build, a
// device would fill memory.
mod fifo {
    attesto_macros::attesto_migration!(config = "fixtures/fifo.toml");
}
mod zero {
    attesto_macros::attesto_migration!(config = "/dev/zero");
}
mod directory {
    attesto_macros::attesto_migration!(config = "fixtures");
}

fn main() {}
