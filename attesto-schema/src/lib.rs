//! The attesto store schema as data, and its migration SQL.
//!
//! attesto_phoenix installs the tables of an OAuth 2.0 / OpenID Connect
//! server's token stores; each of its published versions installs one of a
//! few schema releases ([`Version`], [`Release`]). This crate holds every
//! release once, as a model ([`tables`]), validates the table-name prefix a
//! host chooses ([`validate_prefix`]), renders the model as SQL for
//! PostgreSQL, SQLite and MySQL ([`Schema`]), moves a database between
//! releases ([`Upgrade`]) and writes and checks migration files
//! ([`Migration`]). The `attesto-macros` crate expands the same model at
//! compile time.
//!
//! ```
//! use attesto_schema::{Dialect, Schema, Version, tables};
//!
//! assert_eq!(tables().len(), 10);
//! let schema = Schema::new(Dialect::Sqlite, "")?;
//! assert!(schema.down_sql().starts_with("DROP TABLE \"attesto_consent_grants\";"));
//! let old: Version = "0.19.0".parse().expect("a published version");
//! assert_eq!(old.release().version(), "0.18.0");
//! # Ok::<(), attesto_schema::PrefixError>(())
//! ```
//!
//! The crate is layered bottom-up, each layer importing only those below:
//! the vocabulary (`model`), the data (`data`), dialects (one module per
//! dialect, holding all it writes differently) and prefixes, the bound
//! schema and its SQL (`schema`, `upgrade`, `ops`), then migrations and
//! their files.

#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
#[cfg(feature = "config")]
pub mod config;
mod data;
#[cfg(feature = "config")]
pub mod declared;
mod describe;
mod dialect;
mod drift;
mod files;
mod layout;
mod lists;
mod migration;
mod model;
mod ops;
mod prefix;
mod schema;
mod text;
mod upgrade;
mod versions;
mod watch;

pub use describe::{ColumnDescription, Description, IndexDescription, SqlTypes, TableDescription};
pub use dialect::{Backend, Dialect, FAMILY_LOCK_NAMESPACE, LengthLimit, UnknownDialect};
pub use drift::{Drift, DriftKind, compare};
pub use files::{MAX_FILE_BYTES, ReadError, read_text};
pub use layout::{
    FoundMigration, MigrationFile, MigrationFormat, REFINERY_MAX_VERSION, UtcTime, VersionError,
    find_migrations,
};
pub use migration::{HeaderError, Migration};
pub use model::{
    Column, ColumnDefault, Cond, Index, LogicalType, OpKind, Operation, Outcome, Param, ParamType,
    Predicate, Release, Seconds, Set, Table, Time, Variant,
};
pub use ops::{Answer, Bind, COUNT_COLUMN, OUTCOME_COLUMN, Role, Statement};
pub use prefix::{PREFIX_GRAMMAR, PrefixError, validate_prefix};
pub use schema::Schema;
pub use text::{shown, shown_around};
pub use upgrade::{Upgrade, UpgradeError};
pub use versions::{UnknownVersion, Version, releases_with_versions};
pub use watch::{DIGEST_VAR, watch_migrations};

/// Every table of the latest release, in creation order.
pub fn tables() -> &'static [Table] {
    data::TABLES
}

/// The table named `name` (without prefix).
pub fn table(name: &str) -> Option<&'static Table> {
    data::TABLES.iter().find(|t| t.name() == name)
}
