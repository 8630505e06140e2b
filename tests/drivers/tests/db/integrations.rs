//! Every table, written through the generated binding and read back
//! through the generated mapping, equal, with no hand-written bind or
//! `get`: sqlx on PostgreSQL, SQLite and MariaDB, postgres and
//! tokio-postgres, rusqlite; each row once with a value in every field,
//! once as its constructor starts it. Then `select_by_key`,
//! `delete_by_key` and the batched `sweep`.

use attesto_driver_tests::{host_lite, lite, pg_crate, sqlx_lite, sqlx_my, sqlx_pg, tokio_pg};
use attesto_test_support::{for_each_new, for_each_table, sample_refresh_token, sample_row};

/// A replay that expired a minute ago and one that lives a minute more.
macro_rules! replays {
    ($db:ident) => {{
        let now = $db::TimestampUsec::now();
        let minute = chrono::TimeDelta::minutes(1);
        let expired = $db::DpopReplayRow::new($db::NewDpopReplay {
            jti: "expired".to_owned(),
            expires_at: now.checked_add(-minute).expect("in range"),
            inserted_at: now.checked_add(-minute * 2).expect("in range"),
        });
        let live = $db::DpopReplayRow::new($db::NewDpopReplay {
            jti: "live".to_owned(),
            expires_at: now.checked_add(minute).expect("in range"),
            inserted_at: now,
        });
        (now, expired, live)
    }};
}

macro_rules! sqlx_round_trip {
    ($pool:expr, $db:ident, $Row:ident $_module:ident [$($key:ident),*] { $($field:ident),* } $(new $New:ident)?) => {{
        let row = sample_row!($db, $Row { $($field),* } $(new $New)?);
        row.insert()
            .execute($pool)
            .await
            .unwrap_or_else(|e| panic!("insert into {}: {e}", $db::$Row::TABLE));
        let back = $db::$Row::select_by_key($(&row.$key),*)
            .fetch_one($pool)
            .await
            .unwrap_or_else(|e| panic!("read {}: {e}", $db::$Row::TABLE));
        assert_eq!(back, row);
        let gone = $db::$Row::delete_by_key($(&row.$key),*)
            .execute($pool)
            .await
            .expect("delete");
        assert_eq!(gone.rows_affected(), 1, "{}", $db::$Row::TABLE);
        let none = $db::$Row::select_by_key($(&row.$key),*)
            .fetch_optional($pool)
            .await
            .expect("select");
        assert!(none.is_none(), "{}", $db::$Row::TABLE);
    }};
}

macro_rules! sqlx_suite {
    ($pool:expr, $db:ident) => {{
        let pool = $pool;
        sqlx::raw_sql($db::UP_SQL).execute(pool).await.expect("up");
        for_each_table!($db, sqlx_round_trip, pool);
        for_each_new!($db, sqlx_round_trip, pool);

        // The sweeper deletes what expired and keeps what lives.
        let (now, expired, live) = replays!($db);
        expired.insert().execute(pool).await.expect("insert");
        live.insert().execute(pool).await.expect("insert");
        let swept = $db::DpopReplayRow::sweep(pool, &now, $db::SWEEP_BATCH)
            .await
            .expect("sweep");
        assert_eq!(swept, 1);
        assert!(
            $db::DpopReplayRow::select_by_key("expired")
                .fetch_optional(pool)
                .await
                .expect("select")
                .is_none()
        );
        assert_eq!(
            $db::DpopReplayRow::select_by_key(&live.jti)
                .fetch_one(pool)
                .await
                .expect("select"),
            live
        );

        sqlx::raw_sql($db::DOWN_SQL)
            .execute(pool)
            .await
            .expect("down");
    }};
}

#[tokio::test(flavor = "current_thread")]
async fn sqlx_on_postgres() {
    let url = attesto_test_support::fresh_postgres("sqlx_pg");
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    sqlx_suite!(&pool, sqlx_pg);
}

#[tokio::test(flavor = "current_thread")]
async fn sqlx_on_sqlite() {
    // One connection: each has an in-memory database of its own.
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("open");
    sqlx_suite!(&pool, sqlx_lite);
}

#[tokio::test(flavor = "current_thread")]
async fn sqlx_on_mysql() {
    let url = attesto_test_support::fresh_mysql("sqlx_my");
    let pool = sqlx::MySqlPool::connect(&url).await.expect("connect");
    sqlx_suite!(&pool, sqlx_my);
}

macro_rules! postgres_round_trip {
    ($client:expr, $db:ident, $Row:ident $_module:ident [$($key:ident),*] { $($field:ident),* } $(new $New:ident)?) => {{
        let row = sample_row!($db, $Row { $($field),* } $(new $New)?);
        $client
            .execute($db::$Row::INSERT_SQL, &row.params())
            .unwrap_or_else(|e| panic!("insert into {}: {e:?}", $db::$Row::TABLE));
        let read = $client
            .query_one($db::$Row::SELECT_BY_KEY_SQL, &[$(&row.$key),*])
            .expect("select");
        let back = $db::$Row::try_from(&read)
            .unwrap_or_else(|e| panic!("read {}: {e}", $db::$Row::TABLE));
        assert_eq!(back, row);
        let gone = $client.execute($db::$Row::DELETE_BY_KEY_SQL, &[$(&row.$key),*]).expect("delete");
        assert_eq!(gone, 1);
    }};
}

#[test]
fn postgres_crate_binds_and_maps_by_name() {
    let (mut client, _) = attesto_test_support::fresh_postgres_client("pg_crate");
    client.batch_execute(pg_crate::UP_SQL).expect("up");
    for_each_table!(pg_crate, postgres_round_trip, client);
    for_each_new!(pg_crate, postgres_round_trip, client);

    let (now, expired, live) = replays!(pg_crate);
    client
        .execute(pg_crate::DpopReplayRow::INSERT_SQL, &expired.params())
        .expect("insert");
    client
        .execute(pg_crate::DpopReplayRow::INSERT_SQL, &live.params())
        .expect("insert");
    let swept =
        pg_crate::DpopReplayRow::sweep(&mut client, &now, pg_crate::SWEEP_BATCH).expect("sweep");
    assert_eq!(swept, 1);
    client.batch_execute(pg_crate::DOWN_SQL).expect("down");
}

#[tokio::test(flavor = "current_thread")]
async fn tokio_postgres_binds_and_maps_by_name() {
    let url = attesto_test_support::fresh_postgres("tokio_pg");
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    client.batch_execute(tokio_pg::UP_SQL).await.expect("up");
    let row = sample_refresh_token!(tokio_pg);
    client
        .execute(tokio_pg::RefreshTokenRow::INSERT_SQL, &row.params())
        .await
        .expect("insert");
    let read = client
        .query_one(tokio_pg::RefreshTokenRow::SELECT_BY_KEY_SQL, &[&row.id])
        .await
        .expect("select");
    assert_eq!(
        tokio_pg::RefreshTokenRow::try_from(&read).expect("map"),
        row
    );
}

macro_rules! rusqlite_round_trip {
    ($conn:expr, $db:ident, $Row:ident $_module:ident [$($key:ident),*] { $($field:ident),* } $(new $New:ident)?) => {{
        let row = sample_row!($db, $Row { $($field),* } $(new $New)?);
        $conn
            .execute($db::$Row::INSERT_SQL, row.params())
            .unwrap_or_else(|e| panic!("insert into {}: {e:?}", $db::$Row::TABLE));
        let back = $conn
            .query_row($db::$Row::SELECT_BY_KEY_SQL, [$(&row.$key),*], |r| $db::$Row::try_from(r))
            .unwrap_or_else(|e| panic!("read {}: {e}", $db::$Row::TABLE));
        assert_eq!(back, row);
        let gone = $conn.execute($db::$Row::DELETE_BY_KEY_SQL, [$(&row.$key),*]).expect("delete");
        assert_eq!(gone, 1);
    }};
}

#[test]
fn rusqlite_binds_and_maps_by_name() {
    let conn = rusqlite::Connection::open_in_memory().expect("open");
    conn.execute_batch(lite::UP_SQL).expect("up");
    for_each_table!(lite, rusqlite_round_trip, conn);
    for_each_new!(lite, rusqlite_round_trip, conn);

    let (now, expired, live) = replays!(lite);
    conn.execute(lite::DpopReplayRow::INSERT_SQL, expired.params())
        .expect("insert");
    conn.execute(lite::DpopReplayRow::INSERT_SQL, live.params())
        .expect("insert");
    let swept = lite::DpopReplayRow::sweep(&conn, &now, lite::SWEEP_BATCH).expect("sweep");
    assert_eq!(swept, 1);
    // SQLite stores UUIDs as 16-byte blobs and lists as JSON text.
    let row = sample_refresh_token!(lite);
    conn.execute(lite::RefreshTokenRow::INSERT_SQL, row.params())
        .expect("insert");
    let (id, scope): (String, String) = conn
        .query_row(
            "SELECT typeof(id), scope FROM t_attesto_refresh_tokens",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("typeof");
    assert_eq!(id, "blob");
    assert_eq!(scope, "[\"scope:a\",\"openid\"]");

    conn.execute_batch(lite::DOWN_SQL).expect("down");
}

#[test]
fn rusqlite_takes_json_text_in_string_fields() {
    let conn = rusqlite::Connection::open_in_memory().expect("open");
    conn.execute_batch(host_lite::UP_SQL).expect("up");
    let now = chrono::DateTime::from_timestamp(1_767_225_600, 0)
        .expect("a time")
        .naive_utc();
    let request = host_lite::PushedAuthorizationRequestRow {
        request_uri: "urn:x".to_owned(),
        params: r#"{"client_id":"c"}"#.to_owned(),
        expires_at: now,
        inserted_at: now,
    };
    conn.execute(
        host_lite::PushedAuthorizationRequestRow::INSERT_SQL,
        request.params(),
    )
    .expect("insert");
    let stored: String = conn
        .query_row("SELECT json_extract(params, '$.client_id') FROM t_attesto_pushed_authorization_requests", [], |r| r.get(0))
        .expect("json");
    assert_eq!(stored, "c");
}
