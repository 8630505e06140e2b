//! The MySQL dialect on a three-node MariaDB Galera cluster, which
//! `scripts/test-galera.sh` starts: `UP_SQL` on node 1, a row of every
//! table written on node 2 and read back on node 3, `DOWN_SQL` on node 3,
//! nothing left on node 1. Then every table accepted under `wsrep_mode =
//! REQUIRED_PRIMARY_KEY` (the authorization codes have MySQL's own primary
//! key), and a code raced from two nodes taken exactly once.

use attesto_test_support::{for_each_table, sample_row};
use sqlx::{Connection, Executor, MySqlConnection};

mod db {
    attesto_macros::attesto_migration!(dialect = "mariadb", prefix = "gal_", integrations(sqlx));
    attesto_test_support::sample_timestamps!();
}
attesto_test_support::rows!(db);

/// Held by each test for its whole run: one test sets a global mode of the
/// cluster, which must not reach the others.
static CLUSTER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The environment variable holding the three nodes' URLs.
const URLS_VAR: &str = "ATTESTO_GALERA_URLS";

/// The nodes' URLs, with their database replaced by `database`.
fn nodes(database: &str) -> Vec<String> {
    let urls = std::env::var(URLS_VAR).unwrap_or_else(|_| {
        panic!("{URLS_VAR} is not set: these tests need a Galera cluster; run ./scripts/test-galera.sh, which starts one")
    });
    let urls: Vec<String> = urls
        .split_whitespace()
        .map(|url| match url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{database}"),
            None => panic!("{URLS_VAR}: {url:?} is not a URL"),
        })
        .collect();
    assert_eq!(urls.len(), 3, "{URLS_VAR} must hold three URLs");
    urls
}

/// A connection to `url` whose reads wait until the node has applied every
/// write the cluster committed before them (Galera's causality check):
/// without it, a read on node 3 may not see node 2's last commit yet.
async fn connect(url: &str) -> MySqlConnection {
    let mut conn = MySqlConnection::connect(url).await.expect("connect");
    conn.execute("SET SESSION wsrep_sync_wait = 1")
        .await
        .expect("wsrep_sync_wait");
    conn
}

/// A fresh database on the cluster, created on node 1.
async fn database(name: &str) -> Vec<String> {
    let admin = nodes("mysql");
    let mut conn = connect(&admin[0]).await;
    conn.execute(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .await
    .expect("drop");
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("create");
    // Each node applies the statement in the cluster's order, a moment
    // later: a causal read on each waits for it.
    for url in &admin[1..] {
        let found: Option<String> = sqlx::query_scalar(
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?",
        )
        .bind(name)
        .fetch_optional(&mut connect(url).await)
        .await
        .expect("schemata");
        assert_eq!(found.as_deref(), Some(name), "{url}");
    }
    nodes(name)
}

macro_rules! write_on {
    ($conn:expr, $db:ident, $Row:ident $module:ident [$($key:ident),*] { $($field:ident),* }) => {{
        let row = sample_row!($db, $Row { $($field),* });
        row.insert()
            .execute(&mut *$conn)
            .await
            .unwrap_or_else(|e| panic!("insert into {}: {e}", $db::$Row::TABLE));
        row
    }};
}

macro_rules! read_on {
    ($conn:expr, $rows:expr, $db:ident, $Row:ident $module:ident [$($key:ident),*] { $($field:ident),* }) => {{
        let row = $rows
            .iter()
            .find_map(|r| match r {
                Written::$Row(r) => Some(r),
                _ => None,
            })
            .expect("written");
        let back = $db::$Row::select_by_key($(&row.$key),*)
            .fetch_one(&mut *$conn)
            .await
            .unwrap_or_else(|e| panic!("read {}: {e}", $db::$Row::TABLE));
        assert_eq!(&back, row, "{}", $db::$Row::TABLE);
    }};
}

/// One written row of each table.
// Named after the row structs, so that the macros can name the variants.
#[allow(clippy::large_enum_variant, clippy::enum_variant_names)]
enum Written {
    AuthorizationCodeRow(db::AuthorizationCodeRow),
    RefreshTokenRow(db::RefreshTokenRow),
    DeviceCodeRow(db::DeviceCodeRow),
    CibaRequestRow(db::CibaRequestRow),
    LogoutSessionRow(db::LogoutSessionRow),
    DpopNonceRow(db::DpopNonceRow),
    DpopReplayRow(db::DpopReplayRow),
    PushedAuthorizationRequestRow(db::PushedAuthorizationRequestRow),
    ClientIdMetadataRow(db::ClientIdMetadataRow),
    ConsentGrantRow(db::ConsentGrantRow),
}

macro_rules! push_written {
    ($conn:expr, $rows:expr, $db:ident, $Row:ident $module:ident [$($key:ident),*] { $($field:ident),* }) => {
        $rows.push(Written::$Row(write_on!($conn, $db, $Row $module [$($key),*] { $($field),* })));
    };
}

/// The tables of `schema` whose name starts with `gal_`.
async fn tables(conn: &mut MySqlConnection, schema: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_name LIKE 'gal\\_%' ORDER BY table_name",
    )
    .bind(schema)
    .fetch_all(conn)
    .await
    .expect("tables")
}

#[tokio::test(flavor = "current_thread")]
async fn up_on_one_write_on_two_read_on_three_down_on_three() {
    let _cluster = CLUSTER.lock().await;
    let urls = database("attesto_galera");
    let urls = urls.await;
    let (mut one, mut two, mut three) = (
        connect(&urls[0]).await,
        connect(&urls[1]).await,
        connect(&urls[2]).await,
    );
    sqlx::raw_sql(db::UP_SQL)
        .execute(&mut one)
        .await
        .expect("up on node 1");
    assert_eq!(
        tables(&mut three, "attesto_galera").await.len(),
        db::TABLES.len()
    );

    let mut rows = Vec::new();
    for_each_table!(db, push_written, &mut two, rows);
    assert_eq!(rows.len(), db::TABLES.len());
    for_each_table!(db, read_on, &mut three, rows);

    sqlx::raw_sql(db::DOWN_SQL)
        .execute(&mut three)
        .await
        .expect("down on node 3");
    assert_eq!(
        tables(&mut one, "attesto_galera").await,
        Vec::<String>::new()
    );
}

/// Under `wsrep_mode = REQUIRED_PRIMARY_KEY`, the cluster accepts every
/// table of `UP_SQL`: on MySQL and MariaDB, attesto's own schema gives
/// `attesto_authorization_codes` a primary key (`code_hash`), which
/// upstream's PostgreSQL table does not have. (Before it did, the cluster
/// refused that table with error 4165 and ran nothing of `UP_SQL` after it.)
#[tokio::test(flavor = "current_thread")]
async fn required_primary_key_accepts_every_table() {
    let _cluster = CLUSTER.lock().await;
    let urls = database("attesto_galera_pk").await;
    let mut one = connect(&urls[0]).await;
    one.execute("SET GLOBAL wsrep_mode = 'REQUIRED_PRIMARY_KEY'")
        .await
        .expect("wsrep_mode");
    let up = sqlx::raw_sql(db::UP_SQL).execute(&mut one).await;
    // Written through the glue under the mode, on another node.
    let written = match &up {
        Ok(_) => {
            let mut two = connect(&urls[1]).await;
            rows::code("pk-code", "family", db::Timestamp::now(), 600)
                .put(&mut two)
                .await
        }
        Err(_) => Ok(()),
    };
    one.execute("SET GLOBAL wsrep_mode = ''")
        .await
        .expect("wsrep_mode");
    up.expect("UP_SQL under REQUIRED_PRIMARY_KEY");
    written.expect("a code written under REQUIRED_PRIMARY_KEY");
    let mut three = connect(&urls[2]).await;
    assert_eq!(
        tables(&mut three, "attesto_galera_pk").await.len(),
        db::TABLES.len()
    );
}

/// Galera does not replicate row locks: two nodes that update one row
/// each commit locally, and the cluster's certification aborts the later
/// commit with a deadlock error (1213). An authorization code, a refresh
/// token and a pushed request raced from node 2 and node 3, 8 callers on
/// each, every round: exactly one caller wins each, every other misses or
/// fails with that error, never wins. Each claim and take reads its row
/// without a lock, then one autocommit write decides, certified by itself
/// (by the row's primary key). Each round opens fresh connections. With
/// the take's earlier order (`UPDATE`, a read, `COMMIT`), an abort that
/// landed during the read went unreported and two callers won, in about
/// 1 round in 150 (this test failed within 100 rounds). The rounds:
/// `ATTESTO_GALERA_ROUNDS`, 20 by default; `scripts/test-galera.sh` runs
/// 2,000.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_code_raced_from_two_nodes_is_taken_once() {
    let _cluster = CLUSTER.lock().await;
    const PER_NODE: usize = 8;
    let urls = database("attesto_galera_race").await;
    let mut one = connect(&urls[0]).await;
    sqlx::raw_sql(db::UP_SQL)
        .execute(&mut one)
        .await
        .expect("up");
    let now = db::Timestamp::now();
    let rounds: usize = std::env::var("ATTESTO_GALERA_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    /// What one caller got of one item: won, missed, or what went wrong.
    fn judged<T: std::fmt::Debug>(
        result: Result<T, sqlx::Error>,
        won: impl Fn(&T) -> bool,
        missed: impl Fn(&T) -> bool,
    ) -> Result<bool, String> {
        match result {
            Ok(outcome) if won(&outcome) => Ok(true),
            Ok(outcome) if missed(&outcome) => Ok(false),
            Ok(other) => Err(format!("{other:?}").chars().take(80).collect()),
            Err(sqlx::Error::Database(e))
                if e.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                    .is_some_and(|e| e.number() == 1213) =>
            {
                Ok(false)
            }
            Err(e) => Err(e.to_string()),
        }
    }
    for round in 0..rounds {
        let hash = format!("galera-code-{round}");
        let refresh = format!("galera-refresh-{round}");
        let uri = format!("urn:galera:{round}");
        rows::code(&hash, "family", now, 600)
            .put(&mut one)
            .await
            .expect("put on node 1");
        rows::token(&refresh, &format!("family-{round}"), now)
            .insert_in_family(&mut one)
            .await
            .expect("insert on node 1");
        rows::par(&uri, now, 600)
            .put(&mut one)
            .await
            .expect("put on node 1");
        // Fresh connections each round: a caller's first statements are
        // prepared on the server then, which widens the window between a
        // write and the commit, where the race once found two winners.
        let pools = pools(&urls[1..], 3 * PER_NODE);
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(3 * 2 * PER_NODE));
        let mut callers = tokio::task::JoinSet::new();
        for pool in &pools {
            for _ in 0..PER_NODE {
                for item in ["code", "refresh", "par"] {
                    let (pool, barrier) = (pool.clone(), barrier.clone());
                    let (hash, refresh, uri) = (hash.clone(), refresh.clone(), uri.clone());
                    callers.spawn(async move {
                        barrier.wait().await;
                        let got = match item {
                            "code" => judged(
                                db::AuthorizationCodeRow::take(&pool, &hash, &now).await,
                                |o| matches!(o, db::CodeTake::Taken(_)),
                                |o| matches!(o, db::CodeTake::Missing),
                            ),
                            "refresh" => judged(
                                db::RefreshTokenRow::consume(&pool, &refresh, &now).await,
                                |o| matches!(o, db::RefreshConsume::Consumed(_)),
                                |o| matches!(o, db::RefreshConsume::Reused(_)),
                            ),
                            _ => judged(
                                db::PushedAuthorizationRequestRow::take(&pool, &uri, &now).await,
                                |o| matches!(o, db::ParTake::Taken(_)),
                                |o| matches!(o, db::ParTake::Missing),
                            ),
                        };
                        (item, got)
                    });
                }
            }
        }
        let mut won = std::collections::BTreeMap::from([("code", 0), ("par", 0), ("refresh", 0)]);
        let mut seen = Vec::new();
        while let Some(done) = callers.join_next().await {
            let (item, got) = done.expect("caller");
            seen.push(format!("{item}: {got:?}"));
            match got {
                Ok(true) => *won.entry(item).or_insert(0) += 1,
                Ok(false) => {}
                Err(wrong) => panic!("round {round}: {item}: {wrong}"),
            }
        }
        assert!(
            won.values().all(|n| *n == 1),
            "round {round}: winners {won:?}; the callers saw: {seen:#?}"
        );
        for pool in pools {
            pool.close().await;
        }
    }
}

/// A pool of `size` connections, opened as callers ask for them, on each
/// of `urls`, whose reads wait for the node to apply what the cluster
/// committed before them.
fn pools(urls: &[String], size: usize) -> Vec<sqlx::MySqlPool> {
    urls.iter()
        .map(|url| {
            sqlx::mysql::MySqlPoolOptions::new()
                .max_connections(size as u32)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute("SET SESSION wsrep_sync_wait = 1").await?;
                        Ok(())
                    })
                })
                .connect_lazy(url)
                .expect("a pool's URL")
        })
        .collect()
}
