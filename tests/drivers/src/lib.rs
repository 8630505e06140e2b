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
//!
//! The timestamp types hold their column's precision in the type: a value
//! of the other precision, or one built around the checks, does not
//! compile (each case beside the control that does).
//!
//! ```
//! use attesto_driver_tests::sqlx_pg::{NewDpopReplay, Timestamp, TimestampUsec};
//! // Whole seconds are whole microseconds: the conversion is lossless.
//! let now: TimestampUsec = Timestamp::now().into();
//! let _ = NewDpopReplay { jti: "j".to_owned(), expires_at: now, inserted_at: now };
//! ```
//!
//! ```compile_fail,E0308
//! use attesto_driver_tests::sqlx_pg::{NewDpopReplay, Timestamp};
//! // `dpop_replays` keeps microseconds: its fields are `TimestampUsec`.
//! let now = Timestamp::now();
//! let _ = NewDpopReplay { jti: "j".to_owned(), expires_at: now, inserted_at: now };
//! ```
//!
//! ```compile_fail,E0308
//! use attesto_driver_tests::sqlx_pg::{AuthorizationCodeRow, TimestampUsec};
//! // `consumed_at` keeps whole seconds: `take` takes no microsecond `now`.
//! async fn take(pool: &sqlx::PgPool) {
//!     let _ = AuthorizationCodeRow::take(pool, "hash", &TimestampUsec::now()).await;
//! }
//! ```
//!
//! ```compile_fail,E0423
//! // A value is built by `now`, `new`, `truncate` or `from_unix`, which
//! // check it, never around them.
//! let _ = attesto_driver_tests::sqlx_pg::Timestamp(chrono::NaiveDateTime::default());
//! ```
#![deny(missing_docs)]

/// sqlx on PostgreSQL.
pub mod sqlx_pg {
    attesto_macros::attesto_migration!(prefix = "t_", integrations(sqlx));
    attesto_test_support::sample_timestamps!();
}

/// sqlx on SQLite.
pub mod sqlx_lite {
    attesto_macros::attesto_migration!(dialect = "sqlite", prefix = "t_", integrations(sqlx));
    attesto_test_support::sample_timestamps!();
}

/// sqlx on MariaDB.
pub mod sqlx_my {
    attesto_macros::attesto_migration!(dialect = "mariadb", prefix = "t_", integrations(sqlx));
    attesto_test_support::sample_timestamps!();
}

/// sqlx on MySQL 8. The tests run it on MariaDB, to which its `SET_VAR`
/// hint is a comment: every statement but that hint is checked there.
pub mod sqlx_mysql8 {
    attesto_macros::attesto_migration!(dialect = "mysql", prefix = "t_", integrations(sqlx));
    attesto_test_support::sample_timestamps!();
}

/// postgres, sync, with tokio-postgres beside it (one set of glue serves
/// both; the operations' methods are postgres's).
pub mod pg_crate {
    attesto_macros::attesto_migration!(prefix = "t_", integrations(postgres, tokio_postgres));
    attesto_test_support::sample_timestamps!();
}

/// tokio-postgres, async.
pub mod tokio_pg {
    attesto_macros::attesto_migration!(prefix = "t_", integrations(tokio_postgres));
    attesto_test_support::sample_timestamps!();
}

/// rusqlite.
pub mod lite {
    attesto_macros::attesto_migration!(dialect = "sqlite", prefix = "t_", integrations(rusqlite));
    attesto_test_support::sample_timestamps!();
}

/// sqlx on PostgreSQL with a timestamp type of the host's, which the
/// binding checks as it binds.
pub mod host_sqlx {
    attesto_macros::attesto_migration!(
        prefix = "t_",
        types(timestamp = chrono::NaiveDateTime),
        integrations(sqlx)
    );
}

/// postgres with a timestamp type of the host's.
pub mod host_pg {
    attesto_macros::attesto_migration!(
        prefix = "t_",
        types(timestamp = chrono::NaiveDateTime),
        integrations(postgres)
    );
}

/// rusqlite with types of the host's: chrono's timestamps, and `String`
/// fields holding JSON text (the quickstart's lean choice, which needs no
/// serde_json).
pub mod host_lite {
    attesto_macros::attesto_migration!(
        dialect = "sqlite",
        prefix = "t_",
        types(
            timestamp = chrono::NaiveDateTime,
            json = String,
            strings = String
        ),
        integrations(rusqlite)
    );
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
