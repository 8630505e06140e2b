//! The expansions attesto's real-database tests run (`tests/db`), one per
//! integration and dialect, compiled once for the whole test binary.
//!
//! They are public and this crate denies `missing_docs`: a generated item
//! without a doc comment (a constant, a field, a glue method, an outcome
//! variant) fails the build, and so the test command. Besides the
//! integrations: each dialect without one, host derives and attributes, and
//! an upgrade (`tests/orm/src/lib.rs` holds diesel and sea-orm).
//!
//! Every test gets a database of its own, so one prefix serves them all.
#![deny(missing_docs)]

/// sqlx on PostgreSQL.
pub mod sqlx_pg {
    attesto_macros::attesto_migration!(prefix = "t_", integrations(sqlx));
}

/// sqlx on SQLite.
pub mod sqlx_lite {
    attesto_macros::attesto_migration!(dialect = "sqlite", prefix = "t_", integrations(sqlx));
}

/// sqlx on MySQL (MariaDB in the tests).
pub mod sqlx_my {
    attesto_macros::attesto_migration!(dialect = "mysql", prefix = "t_", integrations(sqlx));
}

/// postgres, sync, with tokio-postgres beside it (one set of glue serves
/// both; the operations' methods are postgres's).
pub mod pg_crate {
    attesto_macros::attesto_migration!(prefix = "t_", integrations(postgres, tokio_postgres));
}

/// tokio-postgres, async.
pub mod tokio_pg {
    attesto_macros::attesto_migration!(prefix = "t_", integrations(tokio_postgres));
}

/// rusqlite.
pub mod lite {
    attesto_macros::attesto_migration!(dialect = "sqlite", prefix = "t_", integrations(rusqlite));
}

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
