// diesel's `table!` modules and sea-orm's entity modules are both named
// after the tables: one expansion cannot hold both.
mod both {
    attesto_macros::attesto_migration!(integrations(diesel, sea_orm));
}

fn main() {}
