// A type the host does not have is reported where it stands in the
// invocation, once.
mod db {
    attesto_macros::attesto_migration!(types(json = NoSuchType));
}

fn main() {}
