//! Refresh families and sweeps under concurrency, on PostgreSQL and
//! MariaDB: rotations of different families at once never fail (on
//! MariaDB a locking read of the family once deadlocked rotations of
//! families adjacent in the `family_id` index); a revocation racing
//! inserts into its family leaves no live token in it; and, on MariaDB, a
//! take of a live code completes while a sweep of many expired codes runs
//! (a sweep that was one full-scan `DELETE` held a lock on every row it
//! read, live ones included, until it ended).

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Barrier;

/// Families rotated at once, one connection each.
const FAMILIES: usize = 32;
/// Rounds of rotations.
const ROUNDS: usize = 20;
/// Inserts racing one revocation, per round.
const INSERTERS: usize = 8;
/// Rounds of the revocation race.
const REVOCATIONS: usize = 30;

/// The races of families, for one expansion on one server's `pool`.
macro_rules! family_races {
    ($db:ident, $pool:expr, $server:literal) => {{
        use $db::*;
        let pool = $pool;
        let now = Timestamp::now();

        // Rotations of adjacent families: ids that sort next to each
        // other in the `family_id` index, each family's parent consumed and
        // its child inserted by one caller, all callers at once.
        for round in 0..ROUNDS {
            for family in 0..FAMILIES {
                rows::token(
                    &format!("adj-{round}-{family:02}"),
                    &format!("fam-{round}-{family:02}"),
                    now,
                )
                .insert_in_family(&pool)
                .await
                .expect("insert");
            }
            let barrier = Arc::new(Barrier::new(FAMILIES));
            let mut tasks = tokio::task::JoinSet::new();
            for family in 0..FAMILIES {
                let (pool, barrier) = (pool.clone(), barrier.clone());
                tasks.spawn(async move {
                    barrier.wait().await;
                    let parent = format!("adj-{round}-{family:02}");
                    let consumed = RefreshTokenRow::consume(&pool, &parent, &now).await?;
                    let RefreshConsume::Consumed(_) = consumed else {
                        return Ok(format!("{parent}: {consumed:?}"));
                    };
                    let mut child = rows::token(
                        &format!("{parent}-child"),
                        &format!("fam-{round}-{family:02}"),
                        now,
                    );
                    child.generation = 1;
                    child.parent_hash = Some(parent.clone());
                    match child.insert_in_family(&pool).await? {
                        RefreshInsert::Inserted => Ok(String::new()),
                        other => Ok(format!("{parent}: child {other:?}")),
                    }
                });
            }
            while let Some(done) = tasks.join_next().await {
                let result: Result<String, sqlx::Error> = done.expect("task");
                match result {
                    Ok(wrong) if wrong.is_empty() => {}
                    Ok(wrong) => panic!("{}, round {round}: {wrong}", $server),
                    Err(e) => panic!("{}, round {round}: a rotation failed: {e}", $server),
                }
            }
        }

        // A revocation racing inserts into its family: every insert that
        // reports `Inserted` left a token the revocation revoked; every
        // `FamilyRevoked` left none.
        for round in 0..REVOCATIONS {
            let family = format!("rv-{round}");
            rows::token(&format!("rv-{round}-parent"), &family, now)
                .insert_in_family(&pool)
                .await
                .expect("insert");
            let barrier = Arc::new(Barrier::new(INSERTERS + 1));
            let mut tasks = tokio::task::JoinSet::new();
            for inserter in 0..INSERTERS {
                let (pool, barrier, family) = (pool.clone(), barrier.clone(), family.clone());
                tasks.spawn(async move {
                    let child = rows::token(&format!("rv-{round}-{inserter}"), &family, now);
                    barrier.wait().await;
                    let inserted = child.insert_in_family(&pool).await.expect("insert");
                    (Some((child.id, inserted)), 0)
                });
            }
            {
                let (pool, barrier, family) = (pool.clone(), barrier.clone(), family.clone());
                tasks.spawn(async move {
                    barrier.wait().await;
                    let revoked = RefreshTokenRow::revoke_family(&pool, &family)
                        .await
                        .expect("revoke");
                    (None, revoked)
                });
            }
            // Every call answered first, the revocation's too.
            let mut children = Vec::new();
            while let Some(done) = tasks.join_next().await {
                let (child, _) = done.expect("task");
                children.extend(child);
            }
            for (id, inserted) in children {
                let stored = RefreshTokenRow::select_by_key(&id)
                    .fetch_optional(&pool)
                    .await
                    .expect("select");
                match (inserted, stored) {
                    (RefreshInsert::Inserted, Some(row)) => assert!(
                        row.family_revoked,
                        "{}, round {round}: a live token in a revoked family",
                        $server
                    ),
                    (RefreshInsert::FamilyRevoked, None) => {}
                    (inserted, stored) => panic!(
                        "{}, round {round}: {inserted:?}, and the row {}",
                        $server,
                        if stored.is_some() { "stored" } else { "absent" }
                    ),
                }
            }
        }
    }};
}

mod on_postgres {
    use super::*;

    use attesto_driver_tests::sqlx_pg as db;
    crate::operations::rows!(db);

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn families_rotate_and_revoke_at_once() {
        let url = attesto_test_support::fresh_postgres("families_pg");
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(FAMILIES as u32 + 4)
            .connect(&url)
            .await
            .expect("connect");
        sqlx::raw_sql(db::UP_SQL).execute(&pool).await.expect("up");
        family_races!(db, pool, "PostgreSQL");
    }
}

mod on_mariadb {
    use super::*;

    use attesto_driver_tests::sqlx_my as db;
    crate::operations::rows!(db);

    /// A fresh database with the tables, a pool of `connections` on it,
    /// and its URL.
    async fn pool(test: &str, connections: u32) -> (sqlx::MySqlPool, String) {
        let url = attesto_test_support::fresh_mysql(test);
        let pool = sqlx::mysql::MySqlPoolOptions::new()
            .max_connections(connections)
            .connect(&url)
            .await
            .expect("connect");
        sqlx::raw_sql(db::UP_SQL).execute(&pool).await.expect("up");
        (pool, url)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn families_rotate_and_revoke_at_once() {
        family_races!(
            db,
            pool("families_my", FAMILIES as u32 + 4).await.0,
            "MariaDB"
        );
    }

    /// 100,000 expired codes and one live one: the live code's take, on a
    /// session that waits at most 1 s for a lock, completes while the sweep
    /// runs, and the sweep deletes exactly the expired codes.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_take_completes_while_a_sweep_runs() {
        use db::{AuthorizationCodeRow, CodeTake};
        use sqlx::{Connection, Executor};
        const EXPIRED: u64 = 100_000;
        let (pool, url) = pool("sweep_my", 4).await;
        let now = db::Timestamp::now();
        // Loaded by MariaDB's sequence engine: what is loaded is not under test.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO t_attesto_authorization_codes \
             (code_hash, client_id, subject, redirect_uri, expires_at, inserted_at) \
             SELECT CONCAT('old-', seq), 'client-1', 'alice', 'https://rp.example/cb', \
             ? - INTERVAL 1 DAY, ? - INTERVAL 2 DAY FROM seq_1_to_{EXPIRED}"
        )))
        .bind(now)
        .bind(now)
        .execute(&pool)
        .await
        .expect("load");
        rows::code("live", "fam", now, 600)
            .put(&pool)
            .await
            .expect("put");
        let mut taker = sqlx::MySqlConnection::connect(&url).await.expect("connect");
        taker
            .execute("SET SESSION innodb_lock_wait_timeout = 1")
            .await
            .expect("lock wait");

        let sweeper = {
            let pool = pool.clone();
            tokio::spawn(async move {
                let swept = AuthorizationCodeRow::sweep(&pool, &now, db::SWEEP_BATCH).await;
                (swept, Instant::now())
            })
        };
        // Into the sweep's run, then the take.
        tokio::time::sleep(Duration::from_millis(50)).await;
        let asked = Instant::now();
        let taken = AuthorizationCodeRow::take(&mut taker, "live", &now).await;
        let (answered, waited) = (Instant::now(), asked.elapsed());
        let (swept, ended) = sweeper.await.expect("sweeper");
        assert!(
            matches!(taken, Ok(CodeTake::Taken(_))),
            "the take during the sweep: {taken:?} after {waited:?}"
        );
        assert_eq!(swept.expect("sweep"), EXPIRED);
        assert!(
            answered < ended,
            "the take ({waited:?}) was answered only after the sweep ended"
        );
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t_attesto_authorization_codes")
            .fetch_one(&pool)
            .await
            .expect("count");
        assert_eq!(left, 1, "the live code stays");
    }
}
