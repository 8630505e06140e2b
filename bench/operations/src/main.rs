//! The operations benchmark: the stores' operations at a real server's
//! volumes, the generated sqlx methods against hand-written sqlx of the
//! same semantics, in the same run, on PostgreSQL and MariaDB.
//!
//! `scripts/bench-operations.sh [SCALE]` starts the servers and runs it in
//! a release build; BENCHMARKS.md says what it measures and how to read it.
//! Arguments: `--scale F` (the fraction of the volumes below, default 0.1),
//! `--seconds S` (each measurement's length, default 1), `--out FILE` (the
//! report, also printed), `--only TEXT` (only the workloads whose name
//! holds it, without the sweep, the rotations and the statement counts).
//!
//! Volumes at scale 1: 1,000,000 authorization codes (half expired);
//! 1,000,000 refresh tokens in 200,000 families of 5; 1,000,000 DPoP
//! replays (80 % expired); 200,000 logout sessions over 50,000 sids;
//! 100,000 DPoP nonces.

use std::fmt::Write as _;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod pg {
    attesto_macros::attesto_migration!(prefix = "b_", integrations(sqlx));
}

mod my {
    attesto_macros::attesto_migration!(dialect = "mariadb", prefix = "b_", integrations(sqlx));
}

/// The concurrencies measured.
const CONNECTIONS: [usize; 3] = [1, 8, 32];

/// What the command line asks.
struct Options {
    scale: f64,
    seconds: f64,
    out: Option<String>,
    /// Only the workloads whose name holds this (`--only`), and none of
    /// the sweep, rotations and statement counts.
    only: Option<String>,
}

/// The `--only` filter of this run.
static ONLY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Whether this run measures `workload`.
fn selected(workload: &str) -> bool {
    ONLY.get()
        .and_then(Option::as_ref)
        .is_none_or(|only| workload.contains(only.as_str()))
}

/// Whether this run measures everything (no `--only`).
fn everything() -> bool {
    ONLY.get().is_none_or(Option::is_none)
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        scale: 0.1,
        seconds: 1.0,
        out: None,
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--scale" => options.scale = value()?.parse().map_err(|e| format!("--scale: {e}"))?,
            "--seconds" => {
                options.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?
            }
            "--out" => options.out = Some(value()?),
            "--only" => options.only = Some(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if !(options.scale > 0.0 && options.scale <= 1.0) {
        return Err("--scale must be in (0, 1]".to_owned());
    }
    Ok(options)
}

/// Latencies and errors of one measurement.
#[derive(Default)]
struct Sample {
    ops: u64,
    errors: u64,
    deadlocks: u64,
    latencies: Vec<Duration>,
    wall: Duration,
}

impl Sample {
    fn ops_per_second(&self) -> f64 {
        self.ops as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted[i]
    }

    fn merge(&mut self, other: Sample) {
        self.ops += other.ops;
        self.errors += other.errors;
        self.deadlocks += other.deadlocks;
        self.latencies.extend(other.latencies);
        self.wall += other.wall;
    }
}

/// Whether `e` is a deadlock or a lock wait timeout (MySQL 1213, 1205;
/// PostgreSQL 40P01).
fn is_deadlock(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            matches!(db.code().as_deref(), Some("40001" | "40P01" | "HY000"))
                && (db.message().contains("eadlock") || db.message().contains("lock wait"))
        }
        _ => false,
    }
}

/// Runs `op(worker, n)` on `connections` workers for `seconds`; every op's
/// latency and every error counted.
async fn measure<F, Fut>(connections: usize, seconds: f64, op: Arc<F>) -> Sample
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), sqlx::Error>> + Send,
{
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..connections {
        let op = op.clone();
        tasks.spawn(async move {
            let mut sample = Sample::default();
            let mut n = 0;
            while Instant::now() < deadline {
                let at = Instant::now();
                match op(worker, n).await {
                    Ok(()) => {
                        sample.ops += 1;
                        sample.latencies.push(at.elapsed());
                    }
                    Err(e) if is_deadlock(&e) => sample.deadlocks += 1,
                    Err(e) => {
                        if sample.errors == 0 {
                            eprintln!("error: {e}");
                        }
                        sample.errors += 1;
                    }
                }
                n += 1;
            }
            sample
        });
    }
    let mut total = Sample::default();
    while let Some(done) = tasks.join_next().await {
        if let Ok(sample) = done {
            total.merge(sample);
        }
    }
    total.wall = started.elapsed();
    total
}

/// One line of the report.
struct Line {
    dialect: &'static str,
    workload: &'static str,
    connections: usize,
    generated: Sample,
    hand: Sample,
}

/// A unique run id, so that the keys of one run never meet another's.
static RUN: AtomicU64 = AtomicU64::new(0);

fn key(prefix: &str, worker: usize, n: u64) -> String {
    format!("{prefix}-{}-{worker}-{n}", RUN.load(Ordering::Relaxed))
}

/// Generated, then hand-written, then generated, then hand-written: each
/// form half of `seconds` twice, so that a slow moment of the machine hits
/// both alike.
macro_rules! compare {
    ($lines:expr, $dialect:expr, $workload:expr, $seconds:expr, $generated:expr, $hand:expr) => {{
        if crate::selected($workload) {
            let (generated_op, hand_op) = (
                ::std::sync::Arc::new($generated),
                ::std::sync::Arc::new($hand),
            );
            for connections in crate::CONNECTIONS {
                let (mut generated, mut hand) =
                    (crate::Sample::default(), crate::Sample::default());
                for _ in 0..2 {
                    crate::RUN.fetch_add(1, ::std::sync::atomic::Ordering::Relaxed);
                    generated.merge(
                        crate::measure(connections, $seconds / 2.0, generated_op.clone()).await,
                    );
                    crate::RUN.fetch_add(1, ::std::sync::atomic::Ordering::Relaxed);
                    hand.merge(crate::measure(connections, $seconds / 2.0, hand_op.clone()).await);
                }
                eprintln!(
                    "{} {} x{connections}: {:.0} / {:.0} ops/s",
                    $dialect,
                    $workload,
                    generated.ops_per_second(),
                    hand.ops_per_second()
                );
                $lines.push(crate::Line {
                    dialect: $dialect,
                    workload: $workload,
                    connections,
                    generated,
                    hand,
                });
            }
        }
    }};
}

#[macro_use]
mod generated;
mod mariadb_side;
mod postgres_side;
mod tracing_side;

/// The sweep under load, and the rotations' errors, of one dialect.
struct Extra {
    dialect: &'static str,
    /// Statements per operation, counted by the server: workload,
    /// generated, hand-written (MariaDB).
    statements: Vec<(&'static str, f64, f64)>,
    swept: u64,
    sweep: Duration,
    worst_take: Duration,
    takes: u64,
    take_errors: u64,
    rotations: Vec<(&'static str, u64, u64, u64)>,
}

impl Extra {
    /// The extras of a run that measured only some workloads.
    fn skipped(dialect: &'static str) -> Extra {
        Extra {
            dialect,
            statements: Vec::new(),
            swept: 0,
            sweep: Duration::ZERO,
            worst_take: Duration::ZERO,
            takes: 0,
            take_errors: 0,
            rotations: Vec::new(),
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let options = match options() {
        Ok(options) => options,
        Err(e) => {
            eprintln!("bench-operations: {e}");
            std::process::exit(2);
        }
    };
    let _ = ONLY.set(options.only.clone());
    let started = Instant::now();
    let mut lines = Vec::new();
    let mut extras = Vec::new();
    extras.push(postgres_side::run(&options, &mut lines).await);
    extras.push(mariadb_side::run(&options, &mut lines).await);
    if selected("tracing") {
        let (spans, records) = tracing_side::run(options.seconds, &mut lines).await;
        eprintln!("tracing: the subscriber saw {spans} spans and {records} records");
    }
    let report = report(&options, &lines, &extras, started.elapsed());
    println!("{report}");
    if let Some(out) = &options.out
        && let Err(e) = std::fs::write(out, &report)
    {
        eprintln!("bench-operations: cannot write {out}: {e}");
        std::process::exit(1);
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn report(options: &Options, lines: &[Line], extras: &[Extra], took: Duration) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "scale {} (codes {}, refresh tokens {}, replays {}, sessions {}, nonces {}); {} s per measurement; ran {:.0} s\n",
        options.scale,
        volume(options.scale, 1_000_000),
        volume(options.scale, 1_000_000),
        volume(options.scale, 1_000_000),
        volume(options.scale, 200_000),
        volume(options.scale, 100_000),
        options.seconds,
        took.as_secs_f64()
    );
    let _ = writeln!(
        out,
        "| dialect | workload | connections | generated ops/s | hand-written ops/s | ratio | generated p50 / p99 | hand-written p50 / p99 | errors (deadlocks) gen / hand |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    for line in lines {
        let ratio = line.generated.ops_per_second() / line.hand.ops_per_second().max(1e-9);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.0} | {:.0} | {:.2} | {} / {} | {} / {} | {} ({}) / {} ({}) |",
            line.dialect,
            line.workload,
            line.connections,
            line.generated.ops_per_second(),
            line.hand.ops_per_second(),
            ratio,
            ms(line.generated.percentile(0.5)),
            ms(line.generated.percentile(0.99)),
            ms(line.hand.percentile(0.5)),
            ms(line.hand.percentile(0.99)),
            line.generated.errors,
            line.generated.deadlocks,
            line.hand.errors,
            line.hand.deadlocks,
        );
    }
    let counted: Vec<&Extra> = extras.iter().filter(|e| !e.statements.is_empty()).collect();
    if !counted.is_empty() {
        let _ = writeln!(
            out,
            "\n| dialect | workload | statements per op, generated | statements per op, hand-written |"
        );
        let _ = writeln!(out, "|---|---|---|---|");
        for extra in counted {
            for (workload, generated, hand) in &extra.statements {
                let _ = writeln!(
                    out,
                    "| {} | {workload} | {generated:.2} | {hand:.2} |",
                    extra.dialect
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\n| dialect | expired codes swept | sweep | live-code takes during it | worst take | take errors |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for extra in extras {
        let _ = writeln!(
            out,
            "| {} | {} | {:.2} s | {} | {} | {} |",
            extra.dialect,
            extra.swept,
            extra.sweep.as_secs_f64(),
            extra.takes,
            ms(extra.worst_take),
            extra.take_errors
        );
    }
    let _ = writeln!(
        out,
        "\n| dialect | rotations at 32 connections | done | errors | deadlocks |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for extra in extras {
        for (families, done, errors, deadlocks) in &extra.rotations {
            let _ = writeln!(
                out,
                "| {} | {families} | {done} | {errors} | {deadlocks} |",
                extra.dialect
            );
        }
    }
    out
}

/// `full` at `scale`, at least 1.
fn volume(scale: f64, full: u64) -> u64 {
    ((full as f64 * scale).round() as u64).max(1)
}
