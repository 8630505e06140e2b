//! The in-process cost of one `attesto_migration!` expansion: parse the
//! arguments, resolve the prefix, render the SQL and build the tokens; of
//! the same up to the generated code, which is what the macro does inside
//! the compiler before the compiler lexes the text; and of the SQL
//! rendering alone.
//!
//! `cargo bench -p attesto-bench-expand --bench expand` measures the optimised
//! build; `cargo test -p attesto-bench-expand --bench expand -- --bench` measures
//! the unoptimised one cargo uses for proc macros in dev builds. Without
//! `--bench` each case runs once, as a smoke test.

use std::hint::black_box;
use std::time::{Duration, Instant};

use attesto_macros_core::{Host, expansion_for};
use attesto_schema::{Dialect, Schema};
use proc_macro2::TokenStream;

/// The host the expansions are for: a manifest that names the crates the
/// integrations' code uses, as a real host's does.
fn host() -> Host {
    Host {
        manifest_dir: Some(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../attesto-macros-core/fixtures/host"),
        ),
    }
}

/// Samples per case; each sample times a batch of iterations.
const SAMPLES: usize = 51;
/// The shortest a batch may take, so that the clock's resolution is noise.
const MIN_BATCH: Duration = Duration::from_millis(5);

/// A named piece of work; it returns a size so that nothing is optimised away.
type Case = (&'static str, Box<dyn Fn() -> usize>);

fn expansion(args: &'static str) -> Box<dyn Fn() -> usize> {
    Box::new(move || {
        let input: TokenStream = args.parse().expect("valid tokens");
        let output = expansion_for(black_box(input), &host())
            .and_then(|code| code.into_tokens())
            .expect("expands");
        // What the compiler receives, flattened, so the tokens are built.
        output.into_iter().count()
    })
}

/// An explicit prefix, nothing else.
const EXPLICIT: &str = r#"prefix = "oauth_""#;
/// SQLite, with the host's derive and types spliced into the code.
const HOST_TYPES: &str = r#"prefix = "oauth_", dialect = "sqlite", derive(sqlx::FromRow),
    types(timestamp = chrono::NaiveDateTime, json = serde_json::Value, uuid = uuid::Uuid)"#;

/// Up to the generated code: inside the compiler, the macro's work ends
/// here and the compiler's lexer takes the text.
fn generation(args: &'static str) -> Box<dyn Fn() -> usize> {
    Box::new(move || {
        let input: TokenStream = args.parse().expect("valid tokens");
        let code = expansion_for(black_box(input), &host()).expect("expands");
        black_box(code).into_parts().len()
    })
}

fn main() {
    let measure = std::env::args().any(|a| a == "--bench");
    let cases: Vec<Case> = vec![
        (
            "render up+down SQL (attesto-schema)",
            Box::new(|| {
                let schema = Schema::new(Dialect::Postgres, black_box("oauth_")).expect("valid");
                schema.up_sql().len() + schema.down_sql().len()
            }),
        ),
        ("generate code: prefix = \"oauth_\"", generation(EXPLICIT)),
        (
            "generate code: sqlite, derive, types",
            generation(HOST_TYPES),
        ),
        ("expand: prefix = \"oauth_\"", expansion(EXPLICIT)),
        ("expand: sqlite, derive, types", expansion(HOST_TYPES)),
        ("expand: prefix from Cargo.toml", expansion("")),
        ("expand: upgrade from 0.6.1", expansion(r#"from = "0.6.1""#)),
        (
            "generate code: integrations(sqlx)",
            generation(r#"prefix = "oauth_", integrations(sqlx)"#),
        ),
        (
            "generate code: integrations(postgres)",
            generation(r#"prefix = "oauth_", integrations(postgres)"#),
        ),
        (
            "generate code: sqlite, integrations(rusqlite)",
            generation(r#"prefix = "oauth_", dialect = "sqlite", integrations(rusqlite)"#),
        ),
    ];
    if !measure {
        for (name, case) in &cases {
            assert!(black_box(case()) > 0, "{name}");
        }
        println!(
            "expand: {} cases ran once (pass --bench to measure)",
            cases.len()
        );
        return;
    }
    let profile = if cfg!(debug_assertions) {
        "unoptimised"
    } else {
        "optimised"
    };
    println!("one expansion, in-process ({profile}), per iteration over {SAMPLES} samples");
    println!(
        "{:<40} {:>11} {:>11} {:>11}",
        "case", "median", "min", "max"
    );
    for (name, case) in &cases {
        let (median, min, max) = measure_case(case.as_ref());
        println!(
            "{name:<40} {:>11} {:>11} {:>11}",
            fmt(median),
            fmt(min),
            fmt(max)
        );
    }
}

/// Per-iteration time in nanoseconds: median, min and max over the samples.
fn measure_case(case: &dyn Fn() -> usize) -> (f64, f64, f64) {
    // Warm up, and size a batch so that it outlasts MIN_BATCH.
    let mut batch = 1usize;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            black_box(case());
        }
        if start.elapsed() >= MIN_BATCH {
            break;
        }
        batch *= 2;
    }
    let mut per_iter: Vec<f64> = (0..SAMPLES)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                black_box(case());
            }
            start.elapsed().as_nanos() as f64 / batch as f64
        })
        .collect();
    per_iter.sort_by(f64::total_cmp);
    (per_iter[SAMPLES / 2], per_iter[0], per_iter[SAMPLES - 1])
}

fn fmt(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.1} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}
