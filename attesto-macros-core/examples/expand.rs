//! Prints what `attesto_migration!(ARGS)` expands to, as the code the macro
//! hands to the compiler (pipe it through `rustfmt` to read it), for the
//! crate in the current directory:
//!
//! ```sh
//! cargo run -q -p attesto-macros-core --example expand -- 'prefix = "oauth_"' | rustfmt --edition 2024
//! ```
//!
//! The compile-time benchmark writes its hand-written floors with it.

fn main() {
    let args = std::env::args().nth(1).unwrap_or_default();
    let tokens: proc_macro2::TokenStream = match args.parse() {
        Ok(tokens) => tokens,
        Err(e) => {
            eprintln!("error: cannot tokenize {args:?}: {e}");
            std::process::exit(2);
        }
    };
    // The host is the crate in the current directory, as cargo would name
    // it to the macro.
    let host = attesto_macros_core::Host {
        manifest_dir: std::env::current_dir().ok(),
    };
    match attesto_macros_core::expansion_for(tokens, &host).and_then(|code| code.into_tokens()) {
        Ok(expansion) => println!("{expansion}"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
