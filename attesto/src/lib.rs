//! attesto gives an OAuth 2.0 / OpenID Connect server the database schema
//! of its token stores, the one the Elixir library attesto_phoenix
//! installs, as a compile-time macro: the migration SQL, one row struct per
//! table and every operation of the stores, from one schema model, so that
//! schema and code cannot drift apart.
//!
//! ```toml
//! [dependencies]
//! attesto = "0.1"
//! sqlx = { version = "0.9", default-features = false, features = ["runtime-tokio", "postgres", "chrono", "uuid", "json"] }
//! chrono = { version = "0.4", default-features = false, features = ["std", "clock"] }
//! uuid = "1"
//! serde_json = "1"
//! ```
//!
//! ```ignore
//! mod db {
//!     attesto::attesto_migration!(prefix = "oauth_", integrations(sqlx));
//! }
//!
//! # async fn run(pool: sqlx::PgPool) -> Result<(), Box<dyn std::error::Error>> {
//! db::ensure(&pool).await?; // installs the tables once, then verifies them
//! let now = db::Timestamp::now();
//! match db::AuthorizationCodeRow::take(&pool, "code-hash", &now).await? {
//!     db::CodeTake::Taken(code) => { /* issue tokens for code.client_id */ }
//!     other => { /* invalid_grant: expired, replayed or unknown */ }
//! }
//! let swept = db::sweep_all(&pool, &now).await?;
//! # Ok(()) }
//! ```
//!
//! - [`attesto_migration!`]: the macro. Its arguments (`prefix`,
//!   `dialect`, `version`, `from`, `integrations`, `types`, `derive`,
//!   `migrations_path`, ...) are documented on it.
//! - [`example`](https://docs.rs/attesto/latest/attesto/example/) (feature
//!   `example`, which docs.rs builds): what one invocation generates, the invocation above on
//!   PostgreSQL, expanded by the macro itself: the constants (`UP_SQL`,
//!   `DOWN_SQL`, every statement), the row structs with their
//!   constructors, every operation's method with its signature and
//!   outcome enum, `verify`, `ensure` and `sweep_all`. Browse it to learn
//!   the API; your own invocation generates the same items for its
//!   prefix, dialect and integrations.
//! - [`schema`]: attesto-schema, which the generated `verify` and `ensure`
//!   call at run time (the catalog of a live database compared with a
//!   release), re-exported so that this crate is the one dependency.
//!
//! The `attesto` command (migration files, the drift guard, `attesto
//! status`) is the package `attesto-cli`: `cargo install attesto-cli`.

pub use attesto_macros::attesto_migration;
pub use attesto_schema as schema;

/// What `attesto_migration!(prefix = "oauth_", integrations(sqlx))`
/// generates on PostgreSQL, expanded by the macro itself when this crate's
/// feature `example` is on (docs.rs builds it so): every item below is
/// what the same invocation in your crate defines.
#[cfg(feature = "example")]
pub mod example {
    crate::attesto_migration!(prefix = "oauth_", integrations(sqlx));
}
