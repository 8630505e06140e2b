//! The expansions attesto's diesel and sea-orm tests run, one per library
//! and dialect, compiled once for the whole test binary (`tests/orm`).
//!
//! They are public and this crate denies `missing_docs`: an item of the
//! diesel or sea-orm glue without a doc comment fails the build, and so
//! the test command (`tests/drivers/src/lib.rs` does the same for the
//! other integrations).
//!
//! Every test gets a database of its own, so one prefix serves them all;
//! the diesel and sea-orm expansions of one dialect name the same tables,
//! which is how a row written through one is read through the other.
#![deny(missing_docs)]

/// diesel on PostgreSQL.
pub mod diesel_pg {
    attesto_macros::attesto_migration!(prefix = "orm_", integrations(diesel));
    attesto_test_support::sample_timestamps!();
}

/// diesel on SQLite.
pub mod diesel_lite {
    attesto_macros::attesto_migration!(dialect = "sqlite", prefix = "orm_", integrations(diesel));
    attesto_test_support::sample_timestamps!();
}

/// diesel on MariaDB.
pub mod diesel_my {
    attesto_macros::attesto_migration!(dialect = "mariadb", prefix = "orm_", integrations(diesel));
    attesto_test_support::sample_timestamps!();
}

/// sea-orm on PostgreSQL.
pub mod sea_pg {
    attesto_macros::attesto_migration!(prefix = "orm_", integrations(sea_orm));
    attesto_test_support::sample_timestamps!();
}

/// sea-orm on SQLite.
pub mod sea_lite {
    attesto_macros::attesto_migration!(dialect = "sqlite", prefix = "orm_", integrations(sea_orm));
    attesto_test_support::sample_timestamps!();
}

/// sea-orm on MariaDB.
pub mod sea_my {
    attesto_macros::attesto_migration!(dialect = "mariadb", prefix = "orm_", integrations(sea_orm));
    attesto_test_support::sample_timestamps!();
}

/// A JSON column typed by the host (`types(columns(params = ...))`), a
/// foreign type diesel has no `Queryable` impl for.
pub mod host_types {
    /// diesel on PostgreSQL.
    pub mod diesel_pg {
        attesto_macros::attesto_migration!(
            prefix = "host_",
            types(
                timestamp = chrono::NaiveDateTime,
                columns(params = std::collections::BTreeMap<String, String>)
            ),
            integrations(diesel),
        );
    }

    /// diesel on SQLite.
    pub mod diesel_lite {
        attesto_macros::attesto_migration!(
            dialect = "sqlite",
            prefix = "host_",
            types(
                timestamp = chrono::NaiveDateTime,
                columns(params = std::collections::BTreeMap<String, String>)
            ),
            integrations(diesel),
        );
    }

    /// sea-orm on SQLite.
    pub mod sea_lite {
        attesto_macros::attesto_migration!(
            dialect = "sqlite",
            prefix = "host_",
            types(
                timestamp = chrono::NaiveDateTime,
                columns(params = std::collections::BTreeMap<String, String>)
            ),
            integrations(sea_orm),
        );
    }
}
