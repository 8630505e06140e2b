//! Prints what `attesto_migration!(ARGS)` expands to, as one line of Rust
//! tokens (pipe it through `rustfmt` to read it):
//!
//! ```sh
//! cargo run -q -p attesto-macros --example expand -- 'prefix = "oauth_"' | rustfmt --edition 2024
//! ```
//!
//! The compile-time benchmark writes its hand-written floors with it.

// The expansion's own modules, compiled here as a normal program: a
// proc-macro crate exports nothing else.
#[path = "../src/args.rs"]
mod args;
#[path = "../src/code.rs"]
mod code;
#[path = "../src/config.rs"]
mod config;
#[path = "../src/drift.rs"]
mod drift;
#[path = "../src/errors.rs"]
mod errors;
#[path = "../src/expand.rs"]
mod expand;
#[path = "../src/types.rs"]
mod types;

fn main() {
    let args = std::env::args().nth(1).unwrap_or_default();
    let tokens: proc_macro2::TokenStream = match args.parse() {
        Ok(tokens) => tokens,
        Err(e) => {
            eprintln!("error: cannot tokenize {args:?}: {e}");
            std::process::exit(2);
        }
    };
    match expand::attesto_migration_inner(tokens) {
        Ok(expansion) => println!("{expansion}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
