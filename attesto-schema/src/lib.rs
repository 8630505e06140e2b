//! The attesto store schema as data, and its migration SQL.
//!
//! attesto_phoenix (release 0.19.0) installs nine tables for an OAuth 2.0 /
//! OpenID Connect server's token stores. This crate holds them once, as a
//! model ([`tables`]), validates the table-name prefix a host chooses
//! ([`validate_prefix`]), and renders the model as SQL for PostgreSQL and
//! SQLite ([`Schema`]). The `attesto-macros` crate expands the same model
//! at compile time.
//!
//! ```
//! use attesto_schema::{Dialect, Schema, tables};
//!
//! let names: Vec<_> = tables().iter().map(|t| t.name()).collect();
//! assert_eq!(names.len(), 9);
//! let schema = Schema::new(Dialect::Sqlite, "")?;
//! assert!(schema.down_sql().starts_with("DROP TABLE \"attesto_consent_grants\";"));
//! # Ok::<(), attesto_schema::PrefixError>(())
//! ```

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "config")]
pub mod config;
mod dialect;
mod migration;
mod model;
mod prefix;
mod release;
mod schema;
mod tables;
#[cfg(feature = "config")]
mod toml_doc;
mod upgrade;

pub use dialect::{Dialect, UnknownDialect};
pub use migration::{
    Drift, FoundMigration, HeaderError, Migration, MigrationFile, MigrationFormat, UtcTime,
    find_migrations, first_difference,
};
pub use model::{Column, ColumnDefault, Index, LogicalType, Predicate, Table};
pub use prefix::{PREFIX_GRAMMAR, PrefixError, validate_prefix};
pub use release::{Release, UnknownRelease, known_releases};
pub use schema::Schema;
pub use upgrade::{Upgrade, UpgradeError};

/// Every table of the latest release, in creation order.
pub fn tables() -> &'static [Table] {
    tables::TABLES
}

/// The table named `name` (without prefix).
pub fn table(name: &str) -> Option<&'static Table> {
    tables::TABLES.iter().find(|t| t.name() == name)
}
