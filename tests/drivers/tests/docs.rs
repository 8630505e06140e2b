//! Every item an expansion generates carries a doc comment, as the brief
//! holds every generated item to: this test crate denies `missing_docs`
//! and makes each expansion public, so that a generated item without one
//! (a constant, a field, a glue method, an outcome variant) fails its
//! build. Each dialect, an upgrade, and each integration this crate's
//! drivers serve; `tests/orm/tests/docs.rs` holds diesel and sea-orm.
#![deny(missing_docs)]

/// PostgreSQL, no integration.
pub mod postgres_plain {
    attesto_macros::attesto_migration!(prefix = "oauth_");
}

/// SQLite, with host derives and attributes.
pub mod sqlite_plain {
    attesto_macros::attesto_migration!(dialect = "sqlite", derive(Eq), attrs(#[non_exhaustive]));
}

/// MySQL, an upgrade.
pub mod mysql_upgrade {
    attesto_macros::attesto_migration!(dialect = "mysql", from = "0.6.1");
}

/// sqlx on each dialect.
pub mod sqlx_postgres {
    attesto_macros::attesto_migration!(integrations(sqlx));
}

/// sqlx on SQLite.
pub mod sqlx_sqlite {
    attesto_macros::attesto_migration!(dialect = "sqlite", integrations(sqlx));
}

/// sqlx on MySQL.
pub mod sqlx_mysql {
    attesto_macros::attesto_migration!(dialect = "mysql", integrations(sqlx));
}

/// postgres, and tokio-postgres beside it.
pub mod postgres_clients {
    attesto_macros::attesto_migration!(integrations(postgres, tokio_postgres));
}

/// rusqlite.
pub mod rusqlite_sqlite {
    attesto_macros::attesto_migration!(dialect = "sqlite", integrations(rusqlite));
}

/// The check is the build; this says which expansions it covered.
#[test]
fn every_expansion_of_this_crate_built_with_missing_docs_denied() {
    for tables in [
        postgres_plain::TABLES,
        sqlite_plain::TABLES,
        sqlx_postgres::TABLES,
        sqlx_sqlite::TABLES,
        sqlx_mysql::TABLES,
        postgres_clients::TABLES,
        rusqlite_sqlite::TABLES,
    ] {
        assert_eq!(tables.len(), 10);
    }
    assert_eq!(mysql_upgrade::FROM_VERSION, Some("0.6.1"));
}
