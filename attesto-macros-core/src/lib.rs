//! The expansion of `attesto_migration!`, as a normal library: the
//! `attesto-macros` proc-macro crate is a thin shell over it, and tests,
//! benches and examples call it directly, on `proc_macro2` tokens.
//!
//! The work goes in one direction: parse the arguments into a checked model
//! (`args`), resolve the host's configuration, ask `attesto-schema` for
//! the schema and its SQL, then write the expansion as Rust source
//! ([`Code`]), with the host's own tokens spliced in where they must keep
//! their spans. The model knows no tokens.
//!
//! Semver-exempt: this crate's API serves `attesto-macros` and attesto's
//! own tests; users depend on `attesto-macros`.

mod args;
mod code;
mod config;
mod drift;
mod errors;
mod expand;
mod integrations;
mod types;

#[cfg(test)]
mod tests;

pub use code::{Code, Part, does_not_lex, str_literal};
pub use config::Host;
pub use expand::{attesto_migration_inner, expansion, expansion_for};
