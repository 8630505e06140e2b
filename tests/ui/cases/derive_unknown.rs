// Derive paths pass through as tokens; the compiler reports an unknown one
// where it stands in the invocation.
mod db {
    attesto_macros::attesto_migration!(derive(Hash, NoSuchDerive));
}

fn main() {}
