//! Every item the diesel and sea-orm glue generates carries a doc comment:
//! this test crate denies `missing_docs` and makes each expansion public,
//! so that one without fails its build (see `tests/drivers/tests/docs.rs`
//! for the other integrations).
#![deny(missing_docs)]

/// diesel on PostgreSQL.
pub mod diesel_postgres {
    attesto_macros::attesto_migration!(integrations(diesel));
}

/// diesel on SQLite.
pub mod diesel_sqlite {
    attesto_macros::attesto_migration!(dialect = "sqlite", integrations(diesel));
}

/// diesel on MySQL.
pub mod diesel_mysql {
    attesto_macros::attesto_migration!(dialect = "mysql", integrations(diesel));
}

/// sea-orm on PostgreSQL.
pub mod sea_orm_postgres {
    attesto_macros::attesto_migration!(integrations(sea_orm));
}

/// sea-orm on SQLite.
pub mod sea_orm_sqlite {
    attesto_macros::attesto_migration!(dialect = "sqlite", integrations(sea_orm));
}

/// sea-orm on MySQL.
pub mod sea_orm_mysql {
    attesto_macros::attesto_migration!(dialect = "mysql", integrations(sea_orm));
}

/// The check is the build; this says which expansions it covered.
#[test]
fn every_expansion_of_this_crate_built_with_missing_docs_denied() {
    for tables in [
        diesel_postgres::TABLES,
        diesel_sqlite::TABLES,
        diesel_mysql::TABLES,
        sea_orm_postgres::TABLES,
        sea_orm_sqlite::TABLES,
        sea_orm_mysql::TABLES,
    ] {
        assert_eq!(tables.len(), 10);
    }
}
