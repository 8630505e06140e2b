//! `attesto_migration!`: the attesto store schema, expanded at compile time
//! into its migration SQL and one row struct per table.
//!
//! ```
//! mod db {
//!     attesto_macros::attesto_migration!(prefix = "oauth_");
//! }
//! assert_eq!(db::TABLES.len(), 9);
//! assert!(db::UP_SQL.starts_with("CREATE TABLE \"oauth_attesto_authorization_codes\""));
//! assert_eq!(db::DpopReplayRow::TABLE, "oauth_dpop_replays");
//! assert_eq!(db::DpopReplayRow::COLUMNS, ["jti", "expires_at", "inserted_at"]);
//! ```
//!
//! The model, the prefix rules and the SQL come from `attesto-schema`; this
//! crate only parses the arguments, resolves the host's configuration and
//! turns the result into tokens. See the README for every argument.

mod args;
mod code;
mod config;
mod drift;
mod errors;
mod expand;
mod types;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Expands to the attesto schema's migration SQL and row structs.
///
/// Arguments (all optional, any order, each at most once):
///
/// - `prefix = "oauth_"`: the table-name prefix;
/// - `dialect = "postgres"` (default) or `"sqlite"`;
/// - `version = "0.19.0"`: the schema release (default: the latest);
/// - `from = "0.6.1"`: generate the upgrade from that release instead of a
///   fresh install;
/// - `config = "attesto.toml"`, `config_key = "attesto"`: read
///   `table_prefix` from the `[attesto]` table of that file;
/// - `migrations_path = "migrations"`: fail the build unless the migration
///   written there by `attesto gen-migration` matches this invocation;
/// - `derive(Path, ...)`: derives added to every row struct;
/// - `types(timestamp = T, json = T, uuid = T, strings = T)`: the Rust types
///   of the non-primitive columns.
///
/// Without `prefix` or `config`, the prefix is
/// `[package.metadata.attesto] table_prefix` of the invoking crate's
/// `Cargo.toml`, or none. Paths are relative to the invoking crate's
/// `CARGO_MANIFEST_DIR`, and cargo rebuilds when a file read changes.
#[proc_macro]
pub fn attesto_migration(input: TokenStream) -> TokenStream {
    expand::expansion(input.into())
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
/// the crate's tests.
fn compiler_lex(text: &str) -> syn::Result<proc_macro2::TokenStream> {
    text.parse::<TokenStream>()
        .map(proc_macro2::TokenStream::from)
        .map_err(code::does_not_lex)
}
