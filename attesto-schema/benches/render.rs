//! How long rendering the migration takes: the work every
//! `attesto_migration!` expansion repeats.
//!
//! `cargo bench -p attesto-schema --bench render` measures; under
//! `cargo test --benches` each case runs once, as a smoke test.

use std::hint::black_box;
use std::time::{Duration, Instant};

use attesto_schema::{Dialect, Schema};

/// Samples per case; each sample times a batch of iterations.
const SAMPLES: usize = 101;
/// The shortest a batch may take, so that the clock's resolution is noise.
const MIN_BATCH: Duration = Duration::from_millis(2);

/// A named piece of work; it returns a length so that nothing is optimised away.
type Case = (&'static str, fn() -> usize);

fn main() {
    let measure = std::env::args().any(|a| a == "--bench");
    let cases: [Case; 4] = [
        ("validate prefix + up SQL, postgres", || {
            let schema = Schema::new(Dialect::Postgres, black_box("oauth_")).expect("valid");
            schema.up_sql().len()
        }),
        ("validate prefix + up SQL, sqlite", || {
            let schema = Schema::new(Dialect::Sqlite, black_box("oauth_")).expect("valid");
            schema.up_sql().len()
        }),
        ("down SQL, postgres", || {
            let schema = Schema::new(Dialect::Postgres, black_box("oauth_")).expect("valid");
            schema.down_sql().len()
        }),
        ("everything one expansion renders", || {
            let schema = Schema::new(Dialect::Postgres, black_box("oauth_")).expect("valid");
            let mut len = schema.up_sql().len() + schema.down_sql().len();
            for table in schema.tables() {
                len += schema.create_sql(table).len()
                    + schema.drop_sql(table).len()
                    + schema.insert_sql(table).len()
                    + schema.select_sql(table).len();
            }
            len
        }),
    ];
    if !measure {
        for (name, case) in cases {
            assert!(black_box(case()) > 0, "{name}");
        }
        println!(
            "render: {} cases ran once (pass --bench to measure)",
            cases.len()
        );
        return;
    }
    println!(
        "{:<40} {:>12} {:>12} {:>12}",
        "case", "median", "min", "max"
    );
    for (name, case) in cases {
        let (median, min, max) = measure_case(case);
        println!(
            "{name:<40} {:>12} {:>12} {:>12}",
            fmt(median),
            fmt(min),
            fmt(max)
        );
    }
}

/// Per-iteration time: median, min and max over the samples.
fn measure_case(case: fn() -> usize) -> (f64, f64, f64) {
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
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}
