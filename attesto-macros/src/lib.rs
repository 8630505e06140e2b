//! `attesto_migration!`: the attesto store schema, expanded at compile time
//! into its migration SQL and one row struct per table.
//!
//! ```
//! mod db {
//!     attesto_macros::attesto_migration!(prefix = "oauth_");
//! }
//! assert_eq!(db::TABLES.len(), 10);
//! assert!(db::UP_SQL.starts_with("CREATE TABLE \"oauth_attesto_authorization_codes\""));
//! assert_eq!(db::DpopReplayRow::TABLE, "oauth_dpop_replays");
//! assert_eq!(db::DpopReplayRow::COLUMNS, ["jti", "expires_at", "inserted_at"]);
//! ```
//!
//! This crate is the proc-macro shell; the expansion lives in
//! `attesto-macros-core`, over the model and SQL of `attesto-schema`. See
//! the README for every argument.

use proc_macro::TokenStream;

/// Expands to the attesto schema's migration SQL and row structs.
///
/// Arguments (all optional, any order, each at most once):
///
/// - `prefix = "oauth_"`: the table-name prefix;
/// - `dialect = "postgres"` (default), `"sqlite"`, `"mysql"` (MySQL 8) or
///   `"mariadb"`; or `dialects("postgres", "sqlite", ...)` for one set of
///   rows over several (with `integrations(sqlx)`);
/// - `version = "2.13.0"`: the attesto_phoenix version whose schema to
///   install (default: the latest);
/// - `from = "0.19.0"`: generate the upgrade from that version's schema
///   instead of a fresh install;
/// - `config = "attesto.toml"`, `config_key = "attesto"`: read
///   `table_prefix` from the `[attesto]` table of that file;
/// - `migrations_path = "migrations"`: fail the build unless the migration
///   written there by `attesto gen-migration` matches this invocation;
/// - `derive(Path, ...)`: derives added to every row struct;
/// - `types(timestamp = T, timestamp_usec = T, json = T, uuid = T,
///   strings = T, columns(column = T, table.column = T))`: the Rust types
///   of the non-primitive columns;
/// - `attrs(#[...])`, `field_attrs(json = #[...], columns(column = #[...]))`:
///   attributes for every row struct, and for fields;
/// - `integrations(sqlx, postgres, tokio_postgres, rusqlite, diesel,
///   sea_orm)`: the glue of those libraries, generated;
/// - `tracing`: a span per operation and events for reuse, replay and
///   sweeps (with an integration and the `tracing` crate).
///
/// Without `prefix` or `config`, the prefix is
/// `[package.metadata.attesto] table_prefix` of the invoking crate's
/// `Cargo.toml`, or none. Paths are relative to the invoking crate's
/// `CARGO_MANIFEST_DIR`, and cargo rebuilds when a file read changes.
#[proc_macro]
pub fn attesto_migration(input: TokenStream) -> TokenStream {
    attesto_macros_core::expansion(input.into())
        .and_then(|code| code.lower(&compiler_lex))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Generated text as tokens, lexed by the compiler alone.
///
/// `proc_macro2`'s own `FromStr` first runs its fallback lexer over the
/// text to rule out input the compiler cannot recover from; in a dev build
/// that check, unoptimised, costs more than the compiler's lexing. The text
/// is attesto's own, and the same text is lexed through `proc_macro2` by
/// attesto-macros-core's tests.
fn compiler_lex(text: &str) -> syn::Result<proc_macro2::TokenStream> {
    text.parse::<TokenStream>()
        .map(proc_macro2::TokenStream::from)
        .map_err(attesto_macros_core::does_not_lex)
}
