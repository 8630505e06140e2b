//! Concurrency, on PostgreSQL and MariaDB: for each single-use operation,
//! 32 callers on separate connections race for the same row, 20 rounds.
//! Exactly one wins each round and every loser gets the right miss. The
//! same harness, run against a deliberately naive read-then-write version,
//! sees more than one winner: the test can see a race.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Barrier;

const CALLERS: usize = 32;
const ROUNDS: usize = 20;

/// What one caller got.
#[derive(Debug, Clone, PartialEq)]
enum Got {
    /// It won.
    Won,
    /// It missed, as it should have.
    Missed,
    /// It got something it should not have, described.
    Wrong(String),
}

/// Runs `ROUNDS` rounds of `CALLERS` concurrent calls of `call(round)`,
/// after `setup(round)`; returns the winners of each round, and panics on
/// a wrong answer.
async fn race<S, SF, C, CF>(what: &str, setup: S, call: C) -> Vec<usize>
where
    S: Fn(usize) -> SF,
    SF: Future<Output = ()>,
    C: Fn(usize) -> CF + Send + Sync + 'static,
    CF: Future<Output = Got> + Send + 'static,
{
    let call = Arc::new(call);
    let mut winners = Vec::new();
    for round in 0..ROUNDS {
        setup(round).await;
        let barrier = Arc::new(Barrier::new(CALLERS));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..CALLERS {
            let (barrier, call) = (barrier.clone(), call.clone());
            tasks.spawn(async move {
                barrier.wait().await;
                call(round).await
            });
        }
        let mut won = 0;
        while let Some(done) = tasks.join_next().await {
            match done.expect("task") {
                Got::Won => won += 1,
                Got::Missed => {}
                Got::Wrong(what_went_wrong) => panic!("{what}, round {round}: {what_went_wrong}"),
            }
        }
        winners.push(won);
    }
    winners
}

/// [`race`] on `pool`: each call of `setup` and `call` gets a clone of it.
async fn race_on<P, S, SF, C, CF>(what: &str, pool: &P, setup: S, call: C) -> Vec<usize>
where
    P: Clone + Send + Sync + 'static,
    S: Fn(P, usize) -> SF,
    SF: Future<Output = ()>,
    C: Fn(P, usize) -> CF + Send + Sync + 'static,
    CF: Future<Output = Got> + Send + 'static,
{
    let (setup_pool, call_pool) = (pool.clone(), pool.clone());
    race(
        what,
        move |round| setup(setup_pool.clone(), round),
        move |round| call(call_pool.clone(), round),
    )
    .await
}

/// [`race_on`], then exactly one winner in every round.
async fn one_winner_each_round<P, S, SF, C, CF>(what: &str, pool: &P, setup: S, call: C)
where
    P: Clone + Send + Sync + 'static,
    S: Fn(P, usize) -> SF,
    SF: Future<Output = ()>,
    C: Fn(P, usize) -> CF + Send + Sync + 'static,
    CF: Future<Output = Got> + Send + 'static,
{
    let winners = race_on(what, pool, setup, call).await;
    assert!(
        winners.iter().all(|w| *w == 1),
        "{what}: winners per round {winners:?}"
    );
}

/// The generated operations, on one server, for one expansion.
macro_rules! single_use_races {
    ($db:ident, $pool:expr, $server:literal) => {{
        use $db::*;
        let pool = $pool;
        let now = Timestamp::now();
        let now_us: TimestampUsec = now.into();

        one_winner_each_round(
            concat!($server, ": code take"),
            &pool,
            |p, round| async move {
                rows::code(&format!("code-{round}"), "f", now, 600)
                    .put(&p)
                    .await
                    .expect("put");
            },
            move |p, round| async move {
                match AuthorizationCodeRow::take(&p, &format!("code-{round}"), &now)
                    .await
                    .expect("take")
                {
                    CodeTake::Taken(_) => Got::Won,
                    CodeTake::Missing => Got::Missed,
                    other => Got::Wrong(format!("{other:?}")),
                }
            },
        )
        .await;

        one_winner_each_round(
            concat!($server, ": refresh consume"),
            &pool,
            |p, round| async move {
                rows::token(&format!("rt-{round}"), &format!("fam-{round}"), now)
                    .insert_in_family(&p)
                    .await
                    .expect("insert");
            },
            move |p, round| async move {
                match RefreshTokenRow::consume(&p, &format!("rt-{round}"), &now)
                    .await
                    .expect("consume")
                {
                    RefreshConsume::Consumed(_) => Got::Won,
                    RefreshConsume::Reused(_) => Got::Missed,
                    other => Got::Wrong(format!("{other:?}")),
                }
            },
        )
        .await;

        one_winner_each_round(
            concat!($server, ": replay check"),
            &pool,
            |_, _| async {},
            move |p, round| async move {
                match rows::replay(&format!("jti-{round}"), now, 60)
                    .check_and_record(&p)
                    .await
                    .expect("check")
                {
                    ReplayCheck::Recorded => Got::Won,
                    ReplayCheck::Replay => Got::Missed,
                }
            },
        )
        .await;

        one_winner_each_round(
            concat!($server, ": nonce accept"),
            &pool,
            |p, round| async move {
                rows::nonce(&format!("nonce-{round}"), now, 300)
                    .issue(&p)
                    .await
                    .expect("issue");
            },
            move |p, round| async move {
                match DpopNonceRow::accept(&p, &format!("nonce-{round}"), &now, 300)
                    .await
                    .expect("accept")
                {
                    NonceAccept::Accepted => Got::Won,
                    NonceAccept::Used => Got::Missed,
                    other => Got::Wrong(format!("{other:?}")),
                }
            },
        )
        .await;

        one_winner_each_round(
            concat!($server, ": PAR take"),
            &pool,
            |p, round| async move {
                rows::par(&format!("urn:race:{round}"), now, 60)
                    .put(&p)
                    .await
                    .expect("put");
            },
            move |p, round| async move {
                match PushedAuthorizationRequestRow::take(&p, &format!("urn:race:{round}"), &now)
                    .await
                    .expect("take")
                {
                    ParTake::Taken(_) => Got::Won,
                    ParTake::Missing => Got::Missed,
                    other => panic!("take: {other:?}"),
                }
            },
        )
        .await;

        one_winner_each_round(
            concat!($server, ": consent consume"),
            &pool,
            |p, round| async move {
                rows::grant(&format!("grant-{round}"), "bind", now, 300)
                    .mint(&p)
                    .await
                    .expect("mint");
            },
            move |p, round| async move {
                match ConsentGrantRow::consume(&p, &format!("grant-{round}"), "bind", &now_us)
                    .await
                    .expect("consume")
                {
                    ConsentConsume::Consumed => Got::Won,
                    ConsentConsume::AlreadyConsumed => Got::Missed,
                    other => Got::Wrong(format!("{other:?}")),
                }
            },
        )
        .await;

        one_winner_each_round(
            concat!($server, ": device consume"),
            &pool,
            |p, round| async move {
                rows::device(&format!("dev-{round}"), &format!("UC-{round}"), now)
                    .put(&p)
                    .await
                    .expect("put");
                DeviceCodeRow::approve(
                    &p,
                    &format!("UC-{round}"),
                    "alice",
                    &vec![],
                    &serde_json::json!({}),
                )
                .await
                .expect("approve");
            },
            move |p, round| async move {
                match DeviceCodeRow::consume(&p, &format!("dev-{round}"), &now)
                    .await
                    .expect("consume")
                {
                    DeviceConsume::Consumed(_) => Got::Won,
                    DeviceConsume::NotApproved(_) => Got::Missed,
                    other => panic!("consume: {other:?}"),
                }
            },
        )
        .await;

        one_winner_each_round(
            concat!($server, ": CIBA consume"),
            &pool,
            |p, round| async move {
                rows::ciba(&format!("ciba-{round}"), now, 600, 5)
                    .put(&p)
                    .await
                    .expect("put");
                CibaRequestRow::approve(
                    &p,
                    &format!("ciba-{round}"),
                    &now,
                    "alice",
                    None,
                    None,
                    None,
                    &serde_json::json!({}),
                )
                .await
                .expect("approve");
            },
            move |p, round| async move {
                match CibaRequestRow::consume(&p, &format!("ciba-{round}"), &now)
                    .await
                    .expect("consume")
                {
                    CibaConsume::Consumed(_) => Got::Won,
                    CibaConsume::NotApproved(_) => Got::Missed,
                    other => panic!("consume: {other:?}"),
                }
            },
        )
        .await;

        one_winner_each_round(
            concat!($server, ": logout take_targets"),
            &pool,
            // One session: each is taken by exactly one caller (several
            // sessions of one sid at once: `takes_of_different_sessions`).
            |p, round| async move {
                rows::session(&format!("sid-{round}"), "alice", "rp1", now, 600)
                    .record(&p)
                    .await
                    .expect("record");
            },
            move |p, round| async move {
                match LogoutSessionRow::take_targets_by_sid(&p, &format!("sid-{round}"), &now)
                    .await
                    .expect("take")
                    .len()
                {
                    1 => Got::Won,
                    0 => Got::Missed,
                    n => Got::Wrong(format!("took {n} of 1 session")),
                }
            },
        )
        .await;
    }};
}

/// The naive versions: read the row, then write it, as a hand-written
/// store that passes every single-threaded test would. At least one round
/// must see two winners.
macro_rules! naive_races {
    ($pool:expr, $server:literal, $select:literal, $update:literal, $delete_select:literal, $delete:literal) => {{
        let pool = $pool;
        let now = db::Timestamp::now();

        let winners = race_on(
            concat!($server, ": naive code take"),
            &pool,
            |p, round| async move {
                rows::code(&format!("naive-{round}"), "f", now, 600)
                    .put(&p)
                    .await
                    .expect("put");
            },
            move |p, round| async move {
                let hash = format!("naive-{round}");
                let fresh = sqlx::query($select)
                    .bind(&hash)
                    .fetch_optional(&p)
                    .await
                    .expect("select")
                    .is_some();
                if !fresh {
                    return Got::Missed;
                }
                tokio::task::yield_now().await;
                sqlx::query($update)
                    .bind(now)
                    .bind(&hash)
                    .execute(&p)
                    .await
                    .expect("update");
                Got::Won
            },
        )
        .await;
        assert!(
            winners.iter().any(|w| *w > 1),
            "{}: the naive version never lost a race: {winners:?}",
            $server
        );

        let winners = race_on(
            concat!($server, ": naive PAR take"),
            &pool,
            |p, round| async move {
                rows::par(&format!("urn:naive:{round}"), now, 60)
                    .put(&p)
                    .await
                    .expect("put");
            },
            move |p, round| async move {
                let uri = format!("urn:naive:{round}");
                let found = sqlx::query($delete_select)
                    .bind(&uri)
                    .fetch_optional(&p)
                    .await
                    .expect("select")
                    .is_some();
                if !found {
                    return Got::Missed;
                }
                tokio::task::yield_now().await;
                sqlx::query($delete)
                    .bind(&uri)
                    .execute(&p)
                    .await
                    .expect("delete");
                Got::Won
            },
        )
        .await;
        assert!(
            winners.iter().any(|w| *w > 1),
            "{}: the naive PAR take never lost a race: {winners:?}",
            $server
        );
    }};
}

mod on_postgres {
    use super::*;

    use attesto_driver_tests::sqlx_pg as db;
    crate::operations::rows!(db);

    async fn pool(test: &str) -> sqlx::PgPool {
        let url = attesto_test_support::fresh_postgres(test);
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(CALLERS as u32 + 4)
            .min_connections(CALLERS as u32)
            .connect(&url)
            .await
            .expect("connect");
        sqlx::raw_sql(db::UP_SQL).execute(&pool).await.expect("up");
        pool
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn exactly_one_caller_wins_each_single_use() {
        single_use_races!(db, pool("race_pg").await, "PostgreSQL");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_naive_read_then_write_loses_races() {
        naive_races!(
            pool("naive_pg").await,
            "PostgreSQL",
            "SELECT 1 FROM t_attesto_authorization_codes WHERE code_hash = $1 AND consumed_at IS NULL",
            "UPDATE t_attesto_authorization_codes SET consumed_at = $1 WHERE code_hash = $2",
            "SELECT 1 FROM t_attesto_pushed_authorization_requests WHERE request_uri = $1",
            "DELETE FROM t_attesto_pushed_authorization_requests WHERE request_uri = $1"
        );
    }
}

mod on_mariadb {
    use super::*;

    use attesto_driver_tests::sqlx_my as db;
    crate::operations::rows!(db);

    async fn pool(test: &str) -> sqlx::MySqlPool {
        let url = attesto_test_support::fresh_mysql(test);
        let pool = sqlx::mysql::MySqlPoolOptions::new()
            .max_connections(CALLERS as u32 + 4)
            .min_connections(CALLERS as u32)
            .connect(&url)
            .await
            .expect("connect");
        sqlx::raw_sql(db::UP_SQL).execute(&pool).await.expect("up");
        pool
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn exactly_one_caller_wins_each_single_use() {
        single_use_races!(db, pool("race_my").await, "MariaDB");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_naive_read_then_write_loses_races() {
        naive_races!(
            pool("naive_my").await,
            "MariaDB",
            "SELECT 1 FROM t_attesto_authorization_codes WHERE code_hash = ? AND consumed_at IS NULL",
            "UPDATE t_attesto_authorization_codes SET consumed_at = ? WHERE code_hash = ?",
            "SELECT 1 FROM t_attesto_pushed_authorization_requests WHERE request_uri = ?",
            "DELETE FROM t_attesto_pushed_authorization_requests WHERE request_uri = ?"
        );
    }

    /// Takes of different rows at once, on MariaDB: 24 callers take the
    /// sessions of 12 sids, two callers a sid, 30 rounds. Each session goes
    /// to exactly one caller (two callers of one sid may share its
    /// sessions: each is deleted by its own autocommit statement, whose
    /// count says who took it), every session is taken, and no caller
    /// meets a deadlock. The read goes through the `(sid, client_id)`
    /// index and each delete through the primary key: left to choose,
    /// MariaDB took the `expires_at` index for `sid = ? AND expires_at > ?`
    /// once the table had seen some churn, and takes of different sids
    /// deadlocked each other.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn takes_of_different_sessions_at_once_never_deadlock() {
        use db::LogoutSessionRow;
        use sqlx::Row;
        const SIDS: usize = 12;
        let url = attesto_test_support::fresh_mysql("takes_my");
        let pool = sqlx::mysql::MySqlPoolOptions::new()
            .max_connections(2 * SIDS as u32 + 4)
            .connect(&url)
            .await
            .expect("connect");
        sqlx::raw_sql(db::UP_SQL).execute(&pool).await.expect("up");
        let now = db::Timestamp::now();
        for round in 0..30 {
            for sid in 0..SIDS {
                for client in ["rp1", "rp2", "rp3"] {
                    rows::session(&format!("sid-{round}-{sid}"), "alice", client, now, 600)
                        .record(&pool)
                        .await
                        .expect("record");
                }
            }
            let barrier = Arc::new(Barrier::new(2 * SIDS));
            let mut tasks = tokio::task::JoinSet::new();
            for caller in 0..2 * SIDS {
                let (pool, barrier) = (pool.clone(), barrier.clone());
                tasks.spawn(async move {
                    let sid = format!("sid-{round}-{}", caller % SIDS);
                    barrier.wait().await;
                    let taken = LogoutSessionRow::take_targets_by_sid(&pool, &sid, &now).await;
                    (sid, taken)
                });
            }
            let mut taken: Vec<(String, String)> = Vec::new();
            while let Some(done) = tasks.join_next().await {
                let (sid, sessions) = done.expect("task");
                match sessions {
                    Ok(sessions) => taken.extend(
                        sessions
                            .into_iter()
                            .inspect(|s| assert_eq!(s.sid, sid))
                            .map(|s| (s.sid, s.client_id)),
                    ),
                    Err(e) => panic!("round {round}: {sid}: {e}"),
                }
            }
            taken.sort();
            let before = taken.len();
            taken.dedup();
            assert_eq!(before, taken.len(), "round {round}: a session taken twice");
            assert_eq!(taken.len(), 3 * SIDS, "round {round}: every session taken");
        }
        // The read goes through the sessions' (sid, client_id) index, each
        // delete through the primary key (of a row that is there: MariaDB
        // plans no index for a key it sees is absent).
        rows::session("sid-plan", "alice", "rp1", now, 600)
            .record(&pool)
            .await
            .expect("record");
        let live: uuid::Uuid =
            sqlx::query_scalar("SELECT id FROM t_attesto_logout_sessions WHERE sid = 'sid-plan'")
                .fetch_one(&pool)
                .await
                .expect("a session");
        for (sql, index) in [
            (
                LogoutSessionRow::TAKE_TARGETS_BY_SID_READ_SQL,
                "t_attesto_logout_sessions_sid_client_id_index",
            ),
            (LogoutSessionRow::TAKE_TARGETS_BY_SID_SQL, "PRIMARY"),
        ] {
            let binds = sql.matches('?').count();
            let mut query = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN {sql}")));
            for i in 0..binds {
                query = if sql.contains("`id` = ?") && i == 0 {
                    query.bind(live)
                } else if i + 1 == binds {
                    query.bind(now)
                } else {
                    query.bind("sid-plan")
                };
            }
            let plan = query.fetch_one(&pool).await.expect("explain");
            let key: Option<String> = plan.try_get("key").expect("key");
            assert_eq!(key.as_deref(), Some(index), "{sql}");
        }
    }
}

/// Reuse detection: a rotated token consumed again revokes its family, and
/// every later consume of the family misses as revoked.
use attesto_driver_tests::sqlx_pg as reuse;
crate::operations::rows!(reuse);

#[tokio::test(flavor = "current_thread")]
async fn reuse_of_a_rotated_token_revokes_the_whole_family() {
    use db::*;
    use reuse as db;
    let url = attesto_test_support::fresh_postgres("reuse");
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    sqlx::raw_sql(db::UP_SQL).execute(&pool).await.expect("up");
    let now = Timestamp::now();
    // A rotates to B, B to C.
    rows::token("A", "fam", now)
        .insert_in_family(&pool)
        .await
        .expect("insert");
    assert!(matches!(
        RefreshTokenRow::consume(&pool, "A", &now)
            .await
            .expect("consume"),
        RefreshConsume::Consumed(_)
    ));
    rows::token("B", "fam", now)
        .insert_in_family(&pool)
        .await
        .expect("insert");
    assert!(matches!(
        RefreshTokenRow::consume(&pool, "B", &now)
            .await
            .expect("consume"),
        RefreshConsume::Consumed(_)
    ));
    rows::token("C", "fam", now)
        .insert_in_family(&pool)
        .await
        .expect("insert");
    // A stolen A comes back: reuse, and the family goes.
    match RefreshTokenRow::consume(&pool, "A", &now)
        .await
        .expect("consume")
    {
        RefreshConsume::Reused(row) => {
            assert_eq!(
                RefreshTokenRow::revoke_family(&pool, &row.family_id)
                    .await
                    .expect("revoke"),
                3
            );
        }
        other => panic!("expected reuse, got {other:?}"),
    }
    for token in ["A", "B", "C"] {
        assert_eq!(
            RefreshTokenRow::consume(&pool, token, &now)
                .await
                .expect("consume"),
            RefreshConsume::FamilyRevoked,
            "{token}"
        );
    }
    assert_eq!(
        rows::token("D", "fam", now)
            .insert_in_family(&pool)
            .await
            .expect("insert"),
        RefreshInsert::FamilyRevoked
    );
}
