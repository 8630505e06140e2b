//! No value is written that does not read back as written, through sqlx
//! (PostgreSQL, SQLite, MariaDB), postgres, tokio-postgres and rusqlite:
//!
//! - the expansion's timestamp types cannot hold a year outside 1 to 9999
//!   or a finer precision than their column keeps, and a host's timestamp
//!   type is refused at the binding, naming the column;
//! - JSON nested deeper than serde_json reads back (127 levels) is refused
//!   at the binding, naming the column, and nothing is written;
//! - a row that does not decode (deep JSON that another writer stored) is
//!   an error before anything is consumed: the row stays takeable;
//! - on MariaDB, a session whose `sql_mode` is not strict still cannot
//!   truncate a key: text longer than its column keeps is refused before
//!   it is sent, naming the column, and a key too long to be stored is
//!   looked up and missed.

use attesto_driver_tests::{
    host_lite, host_pg, host_sqlx, lite, pg_crate, sqlx_lite, sqlx_my, sqlx_mysql8, sqlx_pg,
    tokio_pg,
};
use attesto_test_support::code_with_claims as code;
use attesto_test_support::samples::{at, deep};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::json;

/// The timestamp types of module `$db` hold only what every dialect
/// stores and reads back.
macro_rules! timestamp_types {
    ($db:ident) => {{
        for year in [0, 10_000, -1] {
            let error = $db::Timestamp::new(at(year)).expect_err("out of range");
            assert!(
                error.to_string().contains("outside years 1 to 9999"),
                "{error}"
            );
            assert!($db::TimestampUsec::new(at(year)).is_err());
        }
        assert!($db::Timestamp::new(at(1)).is_ok() && $db::Timestamp::new(at(9999)).is_ok());
        let fraction = at(2026) + chrono::TimeDelta::milliseconds(700);
        let error = $db::Timestamp::new(fraction).expect_err("a fraction");
        assert!(
            error
                .to_string()
                .contains("finer fraction of a second than whole seconds"),
            "{error}"
        );
        assert_eq!(
            $db::Timestamp::truncate(fraction).map($db::Timestamp::naive),
            Ok(at(2026))
        );
        assert_eq!(
            $db::TimestampUsec::new(fraction).map($db::TimestampUsec::naive),
            Ok(fraction)
        );
        let nanos = at(2026) + chrono::TimeDelta::nanoseconds(1_500);
        assert!($db::TimestampUsec::new(nanos).is_err());
        let leap = NaiveDate::from_ymd_opt(2026, 6, 30)
            .and_then(|d| d.and_hms_milli_opt(23, 59, 59, 1_000))
            .expect("a leap second");
        assert!(
            $db::Timestamp::new(leap).is_err(),
            "a leap second is not stored as written"
        );
        assert_eq!(
            $db::Timestamp::from_unix(253_402_300_799).map($db::Timestamp::unix),
            Ok(253_402_300_799)
        );
        assert!($db::Timestamp::from_unix(253_402_300_800).is_err());
        assert!(
            $db::Timestamp::now()
                .checked_add_seconds(i64::MAX)
                .is_none()
        );
    }};
}

#[test]
fn the_timestamp_types_hold_what_every_dialect_reads_back() {
    timestamp_types!(sqlx_pg);
    timestamp_types!(sqlx_lite);
    timestamp_types!(sqlx_my);
    timestamp_types!(sqlx_mysql8);
    timestamp_types!(pg_crate);
    timestamp_types!(tokio_pg);
    timestamp_types!(lite);
}

/// A `DpopNonceRow` of the host-typed module `$db`, issued at `issued_at`.
macro_rules! host_nonce {
    ($db:ident, $issued_at:expr) => {
        $db::DpopNonceRow {
            id: uuid::Uuid::new_v4(),
            nonce: "n".to_owned(),
            issued_at: $issued_at,
            expires_at: at(2026),
            used_at: None,
        }
    };
}

/// The refusals a host's timestamp type meets at the binding: (value, what
/// the error says).
fn host_refusals() -> [(NaiveDateTime, &'static str); 3] {
    [
        (at(10_000), "dpop_nonces.issued_at takes years 1 to 9999"),
        (at(0), "dpop_nonces.issued_at takes years 1 to 9999"),
        (
            at(2026) + chrono::TimeDelta::milliseconds(700),
            "dpop_nonces.issued_at keeps whole seconds",
        ),
    ]
}

#[tokio::test(flavor = "current_thread")]
async fn sqlx_refuses_a_host_timestamp_that_would_not_read_back() {
    let url = attesto_test_support::fresh_postgres("host_sqlx");
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    sqlx::raw_sql(host_sqlx::UP_SQL)
        .execute(&pool)
        .await
        .expect("up");
    for (value, says) in host_refusals() {
        let nonce = host_nonce!(host_sqlx, value);
        let error = nonce.issue(&pool).await.expect_err("refused");
        assert!(error.to_string().contains(says), "{error}");
        let error = nonce.insert().execute(&pool).await.expect_err("refused");
        assert!(error.to_string().contains(says), "{error}");
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM t_dpop_nonces")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(count, 0, "nothing written");
}

#[test]
fn postgres_refuses_a_host_timestamp_that_would_not_read_back() {
    let (mut client, _) = attesto_test_support::fresh_postgres_client("host_pg");
    client.batch_execute(host_pg::UP_SQL).expect("up");
    for (value, says) in host_refusals() {
        let nonce = host_nonce!(host_pg, value);
        let error = nonce.issue(&mut client).expect_err("refused");
        let source = std::error::Error::source(&error)
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(source.contains(says), "{error}: {source}");
    }
    let count: i64 = client
        .query_one("SELECT count(*) FROM t_dpop_nonces", &[])
        .expect("count")
        .get(0);
    assert_eq!(count, 0, "nothing written");
}

#[test]
fn rusqlite_refuses_a_host_timestamp_that_would_not_read_back() {
    let conn = rusqlite::Connection::open_in_memory().expect("open");
    conn.execute_batch(host_lite::UP_SQL).expect("up");
    for (value, says) in host_refusals() {
        let nonce = host_nonce!(host_lite, value);
        let error = nonce.issue(&conn).expect_err("refused");
        assert!(error.to_string().contains(says), "{error}");
    }
    let count: i64 = conn
        .query_row("SELECT count(*) FROM t_dpop_nonces", [], |r| r.get(0))
        .expect("count");
    assert_eq!(count, 0, "nothing written");
}

/// Deep JSON through module `$db` on `$c` (`$aw`: `.await` or nothing):
/// refused past 127 levels, naming the column, and nothing written; 127
/// levels are written and read back.
macro_rules! json_depth {
    ($db:ident, $c:expr, $($aw:tt)*) => {{
        let error = code!($db, "deep", deep(200)).put($c)$($aw)*.expect_err("refused");
        let text = format!("{error} {:?}", std::error::Error::source(&error).map(ToString::to_string));
        assert!(
            text.contains("authorization_codes.claims is JSON that would not read back"),
            "{text}"
        );
        assert_eq!($db::AuthorizationCodeRow::get($c, "deep")$($aw)*.expect("get"), None, "nothing written");
        let edge = code!($db, "edge", deep(127));
        edge.put($c)$($aw)*.expect("127 levels read back");
        assert_eq!($db::AuthorizationCodeRow::get($c, "edge")$($aw)*.expect("get"), Some(edge));
    }};
}

#[tokio::test(flavor = "current_thread")]
async fn sqlx_refuses_json_that_would_not_read_back() {
    let url = attesto_test_support::fresh_postgres("deep_pg");
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    sqlx::raw_sql(sqlx_pg::UP_SQL)
        .execute(&pool)
        .await
        .expect("up");
    json_depth!(sqlx_pg, &pool, .await);
    // One connection: each has an in-memory database of its own.
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("open");
    sqlx::raw_sql(sqlx_lite::UP_SQL)
        .execute(&pool)
        .await
        .expect("up");
    json_depth!(sqlx_lite, &pool, .await);
    // MariaDB refuses JSON past 32 levels itself, naming the column's
    // check; within that, as the others.
    let url = attesto_test_support::fresh_mysql("deep_my");
    let pool = sqlx::MySqlPool::connect(&url).await.expect("connect");
    sqlx::raw_sql(sqlx_my::UP_SQL)
        .execute(&pool)
        .await
        .expect("up");
    let error = code!(sqlx_my, "deep", deep(200))
        .put(&pool)
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("claims"), "{error}");
    let error = code!(sqlx_my, "deeper", deep(40))
        .put(&pool)
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("claims"), "{error}");
    let edge = code!(sqlx_my, "edge", deep(30));
    edge.put(&pool).await.expect("written");
    assert_eq!(
        sqlx_my::AuthorizationCodeRow::get(&pool, "edge")
            .await
            .expect("get"),
        Some(edge)
    );
}

#[test]
fn postgres_and_rusqlite_refuse_json_that_would_not_read_back() {
    let (mut client, _) = attesto_test_support::fresh_postgres_client("deep_pg_crate");
    client.batch_execute(pg_crate::UP_SQL).expect("up");
    json_depth!(pg_crate, &mut client,);
    let conn = rusqlite::Connection::open_in_memory().expect("open");
    conn.execute_batch(lite::UP_SQL).expect("up");
    json_depth!(lite, &conn,);
}

#[tokio::test(flavor = "current_thread")]
async fn tokio_postgres_refuses_json_that_would_not_read_back() {
    let url = attesto_test_support::fresh_postgres("deep_tokio_pg");
    let (mut client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    client.batch_execute(tokio_pg::UP_SQL).await.expect("up");
    json_depth!(tokio_pg, &mut client, .await);
}

/// The SQL that stores a code with claims nested 200 deep, as another
/// writer may (Ecto encodes any depth), and a pushed request likewise.
fn undecodable(table_prefix: &str) -> String {
    let claims = deep(200).to_string();
    format!(
        "INSERT INTO {table_prefix}attesto_authorization_codes \
         (code_hash, client_id, subject, scope, resource, redirect_uri, claims, expires_at, consumed_success, inserted_at) \
         VALUES ('deep', 'c', 's', '[]', '[]', 'r', '{claims}', '2999-01-01 00:00:00', FALSE, '2026-01-01 00:00:00');\n\
         INSERT INTO {table_prefix}attesto_pushed_authorization_requests (request_uri, params, expires_at, inserted_at) \
         VALUES ('urn:deep', '{claims}', '2999-01-01 00:00:00', '2026-01-01 00:00:00');"
    )
}

/// On PostgreSQL, lists are arrays.
fn undecodable_pg() -> String {
    undecodable("t_").replace("'[]', '[]'", "'{}', '{}'")
}

#[tokio::test(flavor = "current_thread")]
async fn sqlx_leaves_a_row_that_does_not_decode_takeable() {
    let url = attesto_test_support::fresh_postgres("undecodable_sqlx");
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    sqlx::raw_sql(sqlx_pg::UP_SQL)
        .execute(&pool)
        .await
        .expect("up");
    sqlx::raw_sql(sqlx::AssertSqlSafe(undecodable_pg()))
        .execute(&pool)
        .await
        .expect("another writer");
    let now = sqlx_pg::Timestamp::now();
    for _ in 0..2 {
        sqlx_pg::AuthorizationCodeRow::take(&pool, "deep", &now)
            .await
            .expect_err("does not decode");
        sqlx_pg::PushedAuthorizationRequestRow::take(&pool, "urn:deep", &now)
            .await
            .expect_err("does not decode");
    }
    let (unspent, present): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM t_attesto_authorization_codes WHERE consumed_at IS NULL), \
         (SELECT count(*) FROM t_attesto_pushed_authorization_requests)",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!((unspent, present), (1, 1), "nothing consumed");

    // One connection: each has an in-memory database of its own.
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("open");
    sqlx::raw_sql(sqlx_lite::UP_SQL)
        .execute(&pool)
        .await
        .expect("up");
    sqlx::raw_sql(sqlx::AssertSqlSafe(undecodable("t_")))
        .execute(&pool)
        .await
        .expect("another writer");
    let now = sqlx_lite::Timestamp::now();
    sqlx_lite::AuthorizationCodeRow::take(&pool, "deep", &now)
        .await
        .expect_err("does not decode");
    sqlx_lite::PushedAuthorizationRequestRow::take(&pool, "urn:deep", &now)
        .await
        .expect_err("does not decode");
    let (unspent, present): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM t_attesto_authorization_codes WHERE consumed_at IS NULL), \
         (SELECT count(*) FROM t_attesto_pushed_authorization_requests)",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!((unspent, present), (1, 1), "nothing consumed");
}

#[test]
fn postgres_and_rusqlite_leave_a_row_that_does_not_decode_takeable() {
    let (mut client, _) = attesto_test_support::fresh_postgres_client("undecodable_pg");
    client.batch_execute(pg_crate::UP_SQL).expect("up");
    client
        .batch_execute(&undecodable_pg())
        .expect("another writer");
    let now = pg_crate::Timestamp::now();
    pg_crate::AuthorizationCodeRow::take(&mut client, "deep", &now).expect_err("does not decode");
    pg_crate::PushedAuthorizationRequestRow::take(&mut client, "urn:deep", &now)
        .expect_err("does not decode");
    let row = client
        .query_one(
            "SELECT (SELECT count(*) FROM t_attesto_authorization_codes WHERE consumed_at IS NULL), \
             (SELECT count(*) FROM t_attesto_pushed_authorization_requests)",
            &[],
        )
        .expect("count");
    assert_eq!(
        (row.get::<_, i64>(0), row.get::<_, i64>(1)),
        (1, 1),
        "nothing consumed"
    );

    let conn = rusqlite::Connection::open_in_memory().expect("open");
    conn.execute_batch(lite::UP_SQL).expect("up");
    conn.execute_batch(&undecodable("t_"))
        .expect("another writer");
    let now = lite::Timestamp::now();
    lite::AuthorizationCodeRow::take(&conn, "deep", &now).expect_err("does not decode");
    lite::PushedAuthorizationRequestRow::take(&conn, "urn:deep", &now)
        .expect_err("does not decode");
    let counts: (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM t_attesto_authorization_codes WHERE consumed_at IS NULL), \
             (SELECT count(*) FROM t_attesto_pushed_authorization_requests)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("count");
    assert_eq!(counts, (1, 1), "nothing consumed");
}

#[tokio::test(flavor = "current_thread")]
async fn mariadb_truncates_nothing_in_a_session_that_is_not_strict() {
    let url = attesto_test_support::fresh_mysql("lax");
    let pool = sqlx::mysql::MySqlPoolOptions::new()
        .max_connections(1)
        // The setting of older or hand-tuned servers.
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::raw_sql("SET SESSION sql_mode = ''")
                    .execute(conn)
                    .await?;
                Ok(())
            })
        })
        .connect(&url)
        .await
        .expect("connect");
    sqlx::raw_sql(sqlx_my::UP_SQL)
        .execute(&pool)
        .await
        .expect("up");
    let mode: String = sqlx::query_scalar("SELECT @@SESSION.sql_mode")
        .fetch_one(&pool)
        .await
        .expect("mode");
    assert_eq!(mode, "", "the session is not strict");
    let long = "h".repeat(10_000);
    let error = code!(sqlx_my, long, json!({}))
        .put(&pool)
        .await
        .expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("code_hash keeps at most 88 characters"),
        "{error}"
    );
    // 88 characters of four bytes each fit; one more does not.
    let wide = "\u{1F510}".repeat(88);
    code!(sqlx_my, wide.clone(), json!({}))
        .put(&pool)
        .await
        .expect("88 characters are kept");
    assert!(matches!(
        sqlx_my::AuthorizationCodeRow::take(&pool, &wide, &sqlx_my::Timestamp::now())
            .await
            .expect("take"),
        sqlx_my::CodeTake::Taken(_)
    ));
    code!(sqlx_my, format!("{wide}x"), json!({}))
        .put(&pool)
        .await
        .expect_err("89 characters are refused");
    // Compared, not stored: a key too long to exist is a miss.
    assert!(matches!(
        sqlx_my::AuthorizationCodeRow::take(&pool, &long, &sqlx_my::Timestamp::now())
            .await
            .expect("take"),
        sqlx_my::CodeTake::Missing
    ));
    let replay = sqlx_my::DpopReplayRow::new(sqlx_my::NewDpopReplay {
        jti: "j".repeat(300),
        expires_at: sqlx_my::TimestampUsec::now(),
        inserted_at: sqlx_my::TimestampUsec::now(),
    });
    let error = replay.check_and_record(&pool).await.expect_err("refused");
    assert!(error.to_string().contains("jti"), "{error}");
    // An UPDATE is held to the same: a jti over its column's 255
    // characters is refused, not cut.
    let code = sqlx_my::AuthorizationCodeRow {
        family_id: Some("fam".to_owned()),
        ..code!(sqlx_my, "short", json!({}))
    };
    code.put(&pool).await.expect("a valid code is written");
    let error = sqlx_my::AuthorizationCodeRow::record_access_token(
        &pool,
        "fam",
        &"j".repeat(300),
        &sqlx_my::Timestamp::now(),
    )
    .await
    .expect_err("refused");
    assert!(error.to_string().contains("access_token_jti"), "{error}");
    assert_eq!(
        sqlx_my::AuthorizationCodeRow::get(&pool, "short")
            .await
            .expect("get")
            .and_then(|c| c.access_token_jti),
        None,
        "nothing stored"
    );
    let (codes, replays): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM t_attesto_authorization_codes), (SELECT count(*) FROM t_dpop_replays)",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!((codes, replays), (2, 0), "only the valid codes are written");
}
