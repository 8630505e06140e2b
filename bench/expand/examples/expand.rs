//! Prints what `attesto_migration!(ARGS)` expands to, as the code the macro
//! hands to the compiler (pipe it through `rustfmt` to read it), for the
//! crate in the current directory:
//!
//! ```sh
//! cargo run -q -p attesto-bench-expand --example expand -- 'prefix = "oauth_"' | rustfmt --edition 2024
//! ```
//!
//! The compile-time benchmark writes its hand-written floors with it.
//!
//! With `--repeat N` it instead generates the code `N` times, as the macro
//! does inside the compiler (up to the text the compiler lexes), and prints
//! the time each took on average: a fixed amount of work for a profiler.
//! Built unoptimised, as cargo builds proc macros in dev builds:
//!
//! ```sh
//! cargo build -p attesto-bench-expand --example expand
//! valgrind --tool=callgrind target/debug/examples/expand --repeat 1 'prefix = "oauth_"'
//! valgrind --tool=callgrind target/debug/examples/expand --repeat 11 'prefix = "oauth_"'
//! ```
//!
//! (the difference of the two totals, divided by 10, is one expansion).

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let repeat = match args.iter().position(|a| a == "--repeat") {
        Some(at) => {
            let count = args.get(at + 1).and_then(|n| n.parse::<u32>().ok());
            let Some(count) = count.filter(|n| *n > 0) else {
                eprintln!("error: --repeat takes a count of at least 1");
                return ExitCode::from(2);
            };
            args.drain(at..at + 2);
            Some(count)
        }
        None => None,
    };
    let text = args.first().cloned().unwrap_or_default();
    let tokens = |text: &str| -> Result<proc_macro2::TokenStream, ExitCode> {
        text.parse().map_err(|e| {
            eprintln!("error: cannot tokenize {text:?}: {e}");
            ExitCode::from(2)
        })
    };
    // The host is the crate in the current directory, as cargo would name
    // it to the macro.
    let host = attesto_macros_core::Host {
        manifest_dir: std::env::current_dir().ok(),
    };
    if let Some(count) = repeat {
        let start = Instant::now();
        for _ in 0..count {
            let input = match tokens(&text) {
                Ok(input) => input,
                Err(code) => return code,
            };
            if let Err(e) = attesto_macros_core::expansion_for(input, &host) {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        }
        println!("{:?} per expansion", start.elapsed() / count);
        return ExitCode::SUCCESS;
    }
    let input = match tokens(&text) {
        Ok(input) => input,
        Err(code) => return code,
    };
    match attesto_macros_core::expansion_for(input, &host).and_then(|code| code.into_tokens()) {
        Ok(expansion) => {
            println!("{expansion}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
