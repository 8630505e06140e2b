// Types pass through as tokens; the compiler reports a bad one where it
// stands in the invocation.
mod db {
    attesto_macros::attesto_migration!(types(timestamp = 5));
}

fn main() {}
