//! The cost of the `tracing` argument: code put + take through the same
//! invocation with and without it, on PostgreSQL, first with no subscriber
//! (the spans are disabled at their callsite), then with a subscriber that
//! records every span and event of target `attesto` (a counter standing
//! for a real one's work).

use std::sync::atomic::{AtomicU64, Ordering};

use crate::Line;

/// The same invocation as `crate::pg`, with `tracing`.
mod traced {
    attesto_macros::attesto_migration!(prefix = "b_", integrations(sqlx), tracing);
}

/// A subscriber that counts what it is given, of target `attesto` only.
struct Counting {
    spans: AtomicU64,
    records: AtomicU64,
}

impl tracing::Subscriber for Counting {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target() == "attesto"
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(self.spans.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {
        self.records.fetch_add(1, Ordering::Relaxed);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {
        self.records.fetch_add(1, Ordering::Relaxed);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Put + take through the invocation `$db`, as a workload of `compare!`.
macro_rules! put_take {
    ($db:path, $tag:literal, $p:ident) => {{
        use $db as db;
        let now = db::Timestamp::now();
        move |worker, n| {
            let p = $p.clone();
            async move {
                let row = db::AuthorizationCodeRow::new(db::NewAuthorizationCode {
                    code_hash: crate::key($tag, worker, n),
                    client_id: "client-1".to_owned(),
                    subject: "alice".to_owned(),
                    redirect_uri: "https://rp.example/cb".to_owned(),
                    expires_at: now.checked_add_seconds(600).unwrap_or(now),
                    inserted_at: now,
                });
                row.put(&p).await?;
                match db::AuthorizationCodeRow::take(&p, &row.code_hash, &now).await? {
                    db::CodeTake::Taken(_) => Ok(()),
                    other => Err(sqlx::Error::Protocol(format!("take: {other:?}"))),
                }
            }
        }
    }};
}

/// Traced against untraced, without and with a subscriber; the counts the
/// subscriber saw.
pub async fn run(seconds: f64, lines: &mut Vec<Line>) -> (u64, u64) {
    let url = attesto_test_support::fresh_postgres("bench_tracing");
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(40)
        .connect(&url)
        .await
        .expect("connect to PostgreSQL");
    sqlx::raw_sql(crate::pg::UP_SQL)
        .execute(&pool)
        .await
        .expect("up");
    let (p, q) = (pool.clone(), pool.clone());
    compare!(
        lines,
        "PostgreSQL",
        "code put + take, tracing without a subscriber / untraced",
        seconds,
        put_take!(traced, "tc", p),
        put_take!(crate::pg, "uc", q)
    );
    let counting = std::sync::Arc::new(Counting {
        spans: AtomicU64::new(0),
        records: AtomicU64::new(0),
    });
    tracing::subscriber::set_global_default(CountingHandle(counting.clone()))
        .expect("the bench's one subscriber");
    let (p, q) = (pool.clone(), pool.clone());
    compare!(
        lines,
        "PostgreSQL",
        "code put + take, tracing with a subscriber / untraced",
        seconds,
        put_take!(traced, "ts", p),
        put_take!(crate::pg, "us", q)
    );
    (
        counting.spans.load(Ordering::Relaxed),
        counting.records.load(Ordering::Relaxed),
    )
}

/// The subscriber, shared with the report.
struct CountingHandle(std::sync::Arc<Counting>);

impl tracing::Subscriber for CountingHandle {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        self.0.enabled(metadata)
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        self.0.new_span(span)
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        self.0.record(span, values)
    }
    fn record_follows_from(&self, span: &tracing::span::Id, follows: &tracing::span::Id) {
        self.0.record_follows_from(span, follows)
    }
    fn event(&self, event: &tracing::Event<'_>) {
        self.0.event(event)
    }
    fn enter(&self, span: &tracing::span::Id) {
        self.0.enter(span)
    }
    fn exit(&self, span: &tracing::span::Id) {
        self.0.exit(span)
    }
}
