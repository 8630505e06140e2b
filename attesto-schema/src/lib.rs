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
//! let schema = Schema::new(Dialect::from_name("sqlite").expect("a dialect"), "")?;
//! assert!(schema.down_sql().starts_with("DROP TABLE \"attesto_consent_grants\";"));
//! let old: Version = "0.19.0".parse().expect("a published version");
//! assert_eq!(old.release().version(), "0.18.0");
//! # Ok::<(), attesto_schema::PrefixError>(())
//! ```
//!
//! # The live database
//!
//! [`Dialect::catalog_sql`] reads what a database holds, as rows of one
//! text column; [`Catalog::from_lines`] builds them into a [`Catalog`];
//! [`Catalog::compare`] says whether it holds a release exactly
//! ([`Verdict`]), and [`Catalog::identify`] which release it holds, or the
//! nearest. [`Target`] is what the macro's generated `verify` and `ensure`
//! call; `attesto status` prints the same verdict.
//!
//! Compared, for every table of the release (prefixed): that it exists;
//! each column's SQL type, `NOT NULL` and default as the dialect's catalog
//! prints them; the primary key's columns; each index's name, columns,
//! uniqueness and (PostgreSQL, SQLite) partial condition; and that no
//! table, column or index of another release is there. Ignored: tables
//! that are not attesto's (Ecto's `schema_migrations`, sqlx's
//! `_sqlx_migrations`, the service's own), the order of tables and columns
//! (an upgrade appends columns), names of primary-key constraints, index
//! methods, storage options, grants, and a non-unique index of the host's
//! own. A column of the host's own in an attesto table is ignored when it
//! takes NULL or has a default: neither attesto's statements nor Ecto's
//! name it, so every insert still works and every row still reads; one
//! that is `NOT NULL` without a default is a difference, since every insert
//! of the stores would fail. A unique index of the host's own is a
//! difference too: it can refuse a row the stores must write.
//!
//! ```
//! use attesto_schema::{Catalog, Dialect, Schema, Verdict};
//!
//! let schema = Schema::new(Dialect::default(), "oauth_")?; // PostgreSQL
//! assert_eq!(Catalog::expected(&schema).compare(&schema), Verdict::Match);
//! assert!(matches!(Catalog::default().compare(&schema), Verdict::Absent { .. }));
//! # Ok::<(), attesto_schema::PrefixError>(())
//! ```
//!
//! The crate is layered bottom-up, each layer importing only those below:
//! the vocabulary (`model`), the data (`data`), dialects (one module per
//! dialect, holding all it writes differently) and prefixes, the bound
//! schema and its SQL (`schema`, `upgrade`, `ops`), the live database
//! (`catalog`, `verify`, `live`), then migrations and their files.

mod catalog;
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
mod live;
mod migration;
mod model;
mod ops;
mod prefix;
#[doc(hidden)]
pub mod __private {
    //! Not a public API: what the generated code calls (see `private.rs`).
    pub use crate::private::*;
}
mod private;
mod resolution;
mod schema;
mod text;
mod upgrade;
mod verify;
mod versions;
mod watch;

pub use catalog::{
    Catalog, CatalogColumn, CatalogError, CatalogIndex, CatalogTable, Elsewhere, Privileges,
    SearchPath,
};
pub use describe::{ColumnDescription, Description, IndexDescription, SqlTypes, TableDescription};
pub use dialect::{
    Backend, Dialect, FAMILY_LOCK_NAMESPACE, INSTALL_LOCK_NAMESPACE, INSTALL_LOCK_PAUSE_MS,
    INSTALL_LOCK_TRIES, LengthLimit, UnknownDialect,
};
pub use drift::{Drift, DriftKind, compare};
pub use files::{MAX_FILE_BYTES, ReadError, read_text};
pub use layout::{
    FoundMigration, MigrationFile, MigrationFormat, REFINERY_MAX_VERSION, UtcTime, VersionError,
    find_migrations,
};
pub use live::{EnsureStep, Ensured, Interrupted, Mismatch, ServerMismatch, Target, VerifyError};
pub use migration::{HeaderError, Migration};
pub use model::{
    Alert, Column, ColumnDefault, Cond, Index, LogicalType, OpKind, Operation, Outcome, Param,
    ParamType, Predicate, Release, Seconds, Set, Table, Time, Variant,
};
pub use ops::{Answer, Bind, COUNT_COLUMN, OUTCOME_COLUMN, Role, Statement};
pub use prefix::{PREFIX_GRAMMAR, PrefixError, validate_prefix};
pub use resolution::SearchPathProblem;
pub use schema::Schema;
pub use text::{shown, shown_around};
pub use upgrade::{Upgrade, UpgradeError};
pub use verify::{Difference, DifferenceKind, Identified, Verdict};
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
