mod rusqlite_on_postgres {
    attesto_macros::attesto_migration!(dialect = "postgres", integrations(rusqlite));
}
mod postgres_on_mysql {
    attesto_macros::attesto_migration!(dialect = "mysql", integrations(postgres, tokio_postgres));
}
mod unknown {
    attesto_macros::attesto_migration!(integrations(diesle));
}

fn main() {}
