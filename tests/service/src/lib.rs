//! The expansion that the async-service tests run beside the
//! single-dialect ones of `attesto-driver-tests` and `attesto-orm-tests`:
//! one invocation for PostgreSQL, SQLite and MariaDB, with `tracing`, as a
//! service that runs on either dialect by URL would write it.
//!
//! It is public and this crate denies `missing_docs`: a generated item
//! without a doc comment fails the build.
#![deny(missing_docs)]

/// One invocation for three dialects: one set of rows, outcomes and
/// timestamps, a module per dialect, and `Pool`, chosen by URL.
pub mod multi {
    attesto::attesto_migration!(
        dialects("postgres", "sqlite", "mariadb"),
        prefix = "s_",
        integrations(sqlx),
        tracing
    );
    attesto_test_support::sample_timestamps!();
}
