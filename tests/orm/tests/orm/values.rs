//! No value is written through the operations of diesel and sea-orm that
//! does not read back as written (`tests/drivers/tests/db/values.rs` holds
//! the other integrations): a host's timestamp type out of range or of
//! another precision, JSON nested deeper than serde_json reads back, an
//! over-long key in a MariaDB session that is not strict. And a row that
//! does not decode is an error before anything is consumed.

use attesto_orm_tests::host_types::{diesel_lite as host_diesel, sea_lite as host_sea};
use attesto_orm_tests::{diesel_lite, diesel_my, diesel_pg, sea_lite, sea_my, sea_pg};
use attesto_test_support::code_with_claims as code;
use attesto_test_support::samples::{at, deep};
use chrono::NaiveDateTime;
use diesel::Connection;
use diesel::connection::SimpleConnection;
use sea_orm::ConnectionTrait;
use serde_json::json;

/// A nonce of the host-typed module `$db`, issued at `issued_at`.
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

#[test]
fn diesel_refuses_what_would_not_read_back() {
    let mut conn = diesel::SqliteConnection::establish(":memory:").expect("open");
    conn.batch_execute(host_diesel::UP_SQL).expect("up");
    for (value, says) in host_refusals() {
        let error = host_nonce!(host_diesel, value)
            .issue(&mut conn)
            .expect_err("refused");
        assert!(error.to_string().contains(says), "{error}");
    }
    let mut conn = diesel::SqliteConnection::establish(":memory:").expect("open");
    conn.batch_execute(diesel_lite::UP_SQL).expect("up");
    let error = code!(diesel_lite, "deep", deep(200))
        .put(&mut conn)
        .expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("authorization_codes.claims is JSON that would not read back"),
        "{error}"
    );
    assert_eq!(
        diesel_lite::AuthorizationCodeRow::get(&mut conn, "deep").expect("get"),
        None
    );
    let edge = code!(diesel_lite, "edge", deep(127));
    edge.put(&mut conn).expect("127 levels read back");
    assert_eq!(
        diesel_lite::AuthorizationCodeRow::get(&mut conn, "edge").expect("get"),
        Some(edge)
    );

    let url = attesto_test_support::fresh_postgres("deep_diesel");
    let mut conn = diesel::PgConnection::establish(&url).expect("connect");
    conn.batch_execute(diesel_pg::UP_SQL).expect("up");
    let error = code!(diesel_pg, "deep", deep(200))
        .put(&mut conn)
        .expect_err("refused");
    assert!(error.to_string().contains("claims is JSON"), "{error}");
}

#[tokio::test(flavor = "current_thread")]
async fn sea_orm_refuses_what_would_not_read_back() {
    let conn = sea_orm::Database::connect("sqlite::memory:")
        .await
        .expect("open");
    conn.execute_unprepared(host_sea::UP_SQL).await.expect("up");
    for (value, says) in host_refusals() {
        let error = host_nonce!(host_sea, value)
            .issue(&conn)
            .await
            .expect_err("refused");
        assert!(error.to_string().contains(says), "{error}");
    }
    let conn = sea_orm::Database::connect("sqlite::memory:")
        .await
        .expect("open");
    conn.execute_unprepared(sea_lite::UP_SQL).await.expect("up");
    let error = code!(sea_lite, "deep", deep(200))
        .put(&conn)
        .await
        .expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("authorization_codes.claims is JSON that would not read back"),
        "{error}"
    );
    assert_eq!(
        sea_lite::AuthorizationCodeRow::get(&conn, "deep")
            .await
            .expect("get"),
        None
    );
    let url = attesto_test_support::fresh_postgres("deep_sea_orm");
    let conn = sea_orm::Database::connect(&url).await.expect("connect");
    conn.execute_unprepared(sea_pg::UP_SQL).await.expect("up");
    let error = code!(sea_pg, "deep", deep(200))
        .put(&conn)
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("claims is JSON"), "{error}");
}

/// A code whose claims nest 200 deep, as another writer may store it.
fn undecodable(lists: &str) -> String {
    format!(
        "INSERT INTO orm_attesto_authorization_codes \
         (code_hash, client_id, subject, scope, resource, redirect_uri, claims, expires_at, consumed_success, inserted_at) \
         VALUES ('deep', 'c', 's', {lists}, {lists}, 'r', '{}', '2999-01-01 00:00:00', FALSE, '2026-01-01 00:00:00')",
        deep(200)
    )
}

#[tokio::test(flavor = "current_thread")]
async fn a_row_that_does_not_decode_stays_takeable() {
    let count =
        "SELECT count(*) AS n FROM orm_attesto_authorization_codes WHERE consumed_at IS NULL";
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel::RunQueryDsl;
    let url = attesto_test_support::fresh_postgres("undecodable_diesel");
    let mut conn = diesel::PgConnection::establish(&url).expect("connect");
    conn.batch_execute(diesel_pg::UP_SQL).expect("up");
    conn.batch_execute(&undecodable("'{}'"))
        .expect("another writer");
    diesel_pg::AuthorizationCodeRow::take(&mut conn, "deep", &diesel_pg::Timestamp::now())
        .expect_err("does not decode");
    let left: Vec<Count> = diesel::sql_query(count).load(&mut conn).expect("count");
    assert_eq!(left.first().map(|c| c.n), Some(1), "nothing consumed");

    let mut conn = diesel::SqliteConnection::establish(":memory:").expect("open");
    conn.batch_execute(diesel_lite::UP_SQL).expect("up");
    conn.batch_execute(&undecodable("'[]'"))
        .expect("another writer");
    diesel_lite::AuthorizationCodeRow::take(&mut conn, "deep", &diesel_lite::Timestamp::now())
        .expect_err("does not decode");
    let left: Vec<Count> = diesel::sql_query(count).load(&mut conn).expect("count");
    assert_eq!(left.first().map(|c| c.n), Some(1), "nothing consumed");

    let url = attesto_test_support::fresh_postgres("undecodable_sea_orm");
    let conn = sea_orm::Database::connect(&url).await.expect("connect");
    conn.execute_unprepared(sea_pg::UP_SQL).await.expect("up");
    conn.execute_unprepared(&undecodable("'{}'"))
        .await
        .expect("another writer");
    sea_pg::AuthorizationCodeRow::take(&conn, "deep", &sea_pg::Timestamp::now())
        .await
        .expect_err("does not decode");
    let left = conn
        .query_one_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            count,
        ))
        .await
        .expect("count")
        .expect("a row");
    assert_eq!(
        left.try_get::<i64>("", "n").expect("n"),
        1,
        "nothing consumed"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn mariadb_truncates_nothing_in_a_session_that_is_not_strict() {
    let long = "h".repeat(10_000);
    let url = attesto_test_support::fresh_mysql("lax_diesel");
    let mut conn = diesel::MysqlConnection::establish(&url).expect("connect");
    conn.batch_execute(diesel_my::UP_SQL).expect("up");
    conn.batch_execute("SET SESSION sql_mode = ''")
        .expect("lax");
    let error = code!(diesel_my, long, json!({}))
        .put(&mut conn)
        .expect_err("refused");
    assert!(error.to_string().contains("code_hash"), "{error}");
    assert_eq!(
        diesel_my::AuthorizationCodeRow::get(&mut conn, &long[..88]).expect("get"),
        None
    );

    let url = attesto_test_support::fresh_mysql("lax_sea_orm");
    let mut options = sea_orm::ConnectOptions::new(url);
    options.max_connections(1);
    let conn = sea_orm::Database::connect(options).await.expect("connect");
    conn.execute_unprepared(sea_my::UP_SQL).await.expect("up");
    conn.execute_unprepared("SET SESSION sql_mode = ''")
        .await
        .expect("lax");
    let error = code!(sea_my, long, json!({}))
        .put(&conn)
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("code_hash"), "{error}");
    assert_eq!(
        sea_my::AuthorizationCodeRow::get(&conn, &long[..88])
            .await
            .expect("get"),
        None
    );
}
