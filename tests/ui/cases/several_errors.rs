// Every bad argument of one invocation is reported, not just the first.
mod db {
    attesto_macros::attesto_migration!(prefix = "a_", colour = "red", prefix = "b_", dialect = "oracle");
}

fn main() {}
