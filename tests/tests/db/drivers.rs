//! One row per table, written and read back into the generated structs
//! through real drivers: sqlx on PostgreSQL and SQLite, the `postgres`
//! crate, and rusqlite.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::json;

/// Calls `$each!` once per table with the row struct and its fields, in the
/// order of SCHEMA.md (written out here, not taken from the model).
macro_rules! for_each_table {
    ($db:ident, $each:ident, $($ctx:expr),*) => {
        $each!($($ctx,)* $db, AuthorizationCodeRow {
            code_hash, client_id, subject, scope, resource, redirect_uri, code_challenge,
            code_challenge_method, cnf, nonce, claims, family_id, access_token_jti,
            access_token_expires_at, access_token_revoked_at, expires_at, consumed_at,
            consumed_success, inserted_at
        });
        $each!($($ctx,)* $db, RefreshTokenRow {
            id, token_hash, family_id, generation, client_id, subject, scope, resource, acr,
            auth_time, cnf, claims, consumed, consumed_at, successor, family_revoked,
            expires_at, parent_hash, inserted_at
        });
        $each!($($ctx,)* $db, DeviceCodeRow {
            id, device_code_hash, user_code, client_id, scope, resource, dpop_jkt, status,
            subject, granted_scope, granted_claims, last_polled_at, expires_at, inserted_at
        });
        $each!($($ctx,)* $db, LogoutSessionRow {
            id, sid, subject, client_id, backchannel_logout_uri, session_required, expires_at,
            inserted_at
        });
        $each!($($ctx,)* $db, DpopNonceRow { id, nonce, issued_at, expires_at, used_at });
        $each!($($ctx,)* $db, DpopReplayRow { jti, expires_at, inserted_at });
        $each!($($ctx,)* $db, PushedAuthorizationRequestRow {
            request_uri, params, expires_at, inserted_at
        });
        $each!($($ctx,)* $db, ClientIdMetadataRow { url, metadata, expires_at, inserted_at });
        $each!($($ctx,)* $db, ConsentGrantRow {
            token, binding_hash, subject, consumed_at, expires_at, inserted_at, updated_at
        });
    };
}

/// A non-default value of each field type, so that a round trip that drops
/// or mixes up a column is caught.
trait Sample {
    fn sample(column: &str) -> Self;
}

impl Sample for String {
    fn sample(column: &str) -> Self {
        // Short enough for `varchar(16)` columns.
        format!("v:{}", &column[..column.len().min(14)])
    }
}

impl Sample for i32 {
    fn sample(_: &str) -> Self {
        7
    }
}

impl Sample for i64 {
    fn sample(_: &str) -> Self {
        1_767_225_600
    }
}

impl Sample for bool {
    fn sample(_: &str) -> Self {
        true
    }
}

impl Sample for NaiveDateTime {
    fn sample(column: &str) -> Self {
        // Whole seconds: `timestamp(0)` columns round to them.
        let second = u32::try_from(column.len()).unwrap_or(0) % 60;
        NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(12, 34, second))
            .expect("valid date")
    }
}

impl Sample for uuid::Uuid {
    fn sample(_: &str) -> Self {
        uuid::Uuid::new_v4()
    }
}

impl Sample for serde_json::Value {
    fn sample(column: &str) -> Self {
        json!({ "column": column, "n": 1, "list": ["a", "b"] })
    }
}

impl Sample for Vec<String> {
    fn sample(column: &str) -> Self {
        vec![format!("{column}:a"), "openid".to_owned()]
    }
}

impl<T: Sample> Sample for sqlx::types::Json<T> {
    fn sample(column: &str) -> Self {
        sqlx::types::Json(T::sample(column))
    }
}

impl<T: Sample> Sample for Option<T> {
    fn sample(column: &str) -> Self {
        Some(T::sample(column))
    }
}

macro_rules! sample_row {
    ($db:ident, $Row:ident { $($field:ident),* }) => {
        $db::$Row { $($field: Sample::sample(stringify!($field)),)* }
    };
}

mod sqlx_pg {
    attesto_macros::attesto_migration!(
        prefix = "sqlx_",
        derive(sqlx::FromRow),
        types(
            timestamp = chrono::NaiveDateTime,
            json = serde_json::Value,
            uuid = uuid::Uuid,
            strings = Vec<String>,
        ),
    );
}

mod sqlx_lite {
    attesto_macros::attesto_migration!(
        dialect = "sqlite",
        prefix = "sqlx_",
        derive(sqlx::FromRow),
        types(
            timestamp = chrono::NaiveDateTime,
            json = sqlx::types::Json<serde_json::Value>,
            uuid = uuid::Uuid,
            strings = sqlx::types::Json<Vec<String>>,
        ),
    );
}

mod pg_crate {
    attesto_macros::attesto_migration!(
        prefix = "pg_",
        derive(postgres_from_row::FromRow),
        types(
            timestamp = chrono::NaiveDateTime,
            json = serde_json::Value,
            uuid = uuid::Uuid,
            strings = Vec<String>,
        ),
    );
}

mod rusqlite_db {
    attesto_macros::attesto_migration!(
        dialect = "sqlite",
        types(
            timestamp = chrono::NaiveDateTime,
            json = serde_json::Value,
            uuid = uuid::Uuid,
            strings = serde_json::Value,
        ),
    );
}

macro_rules! sqlx_round_trip {
    ($pool:expr, $db:ident, $Row:ident { $($field:ident),* }) => {{
        let row = sample_row!($db, $Row { $($field),* });
        sqlx::query($db::$Row::INSERT_SQL)
            $(.bind(row.$field.clone()))*
            .execute($pool)
            .await
            .unwrap_or_else(|e| panic!("insert into {}: {e:?}", $db::$Row::TABLE));
        let back: $db::$Row = sqlx::query_as($db::$Row::SELECT_SQL)
            .fetch_one($pool)
            .await
            .unwrap_or_else(|e| panic!("read {}: {e}", $db::$Row::TABLE));
        assert_eq!(back, row);
    }};
}

#[tokio::test(flavor = "current_thread")]
async fn sqlx_from_row_on_postgres() {
    let url = attesto_tests::fresh_database("sqlx_pg");
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    sqlx::raw_sql(sqlx_pg::UP_SQL)
        .execute(&pool)
        .await
        .expect("up");
    for_each_table!(sqlx_pg, sqlx_round_trip, &pool);
    sqlx::raw_sql(sqlx_pg::DOWN_SQL)
        .execute(&pool)
        .await
        .expect("down");
}

#[tokio::test(flavor = "current_thread")]
async fn sqlx_from_row_on_sqlite() {
    let pool = sqlx::SqlitePool::connect("sqlite::memory:")
        .await
        .expect("open");
    sqlx::raw_sql(sqlx_lite::UP_SQL)
        .execute(&pool)
        .await
        .expect("up");
    for_each_table!(sqlx_lite, sqlx_round_trip, &pool);
    sqlx::raw_sql(sqlx_lite::DOWN_SQL)
        .execute(&pool)
        .await
        .expect("down");
}

macro_rules! postgres_round_trip {
    ($client:expr, $db:ident, $Row:ident { $($field:ident),* }) => {{
        use postgres_from_row::FromRow as _;
        let row = sample_row!($db, $Row { $($field),* });
        $client
            .execute($db::$Row::INSERT_SQL, &[$(&row.$field),*])
            .unwrap_or_else(|e| panic!("insert into {}: {e:?}", $db::$Row::TABLE));
        let read = $client.query_one($db::$Row::SELECT_SQL, &[]).expect("select");
        let back = $db::$Row::try_from_row(&read)
            .unwrap_or_else(|e| panic!("read {}: {e}", $db::$Row::TABLE));
        assert_eq!(back, row);
    }};
}

#[test]
fn postgres_crate_with_postgres_from_row() {
    let (mut client, _) = attesto_tests::fresh_client("pg_crate");
    client.batch_execute(pg_crate::UP_SQL).expect("up");
    for_each_table!(pg_crate, postgres_round_trip, client);
    client.batch_execute(pg_crate::DOWN_SQL).expect("down");
}

macro_rules! rusqlite_round_trip {
    ($conn:expr, $db:ident, $Row:ident { $($field:ident),* }) => {{
        let row = sample_row!($db, $Row { $($field),* });
        $conn
            .execute($db::$Row::INSERT_SQL, rusqlite::params![$(row.$field),*])
            .unwrap_or_else(|e| panic!("insert into {}: {e:?}", $db::$Row::TABLE));
        let back = $conn
            .query_row($db::$Row::SELECT_SQL, [], |r| {
                Ok($db::$Row { $($field: r.get(stringify!($field))?,)* })
            })
            .unwrap_or_else(|e| panic!("read {}: {e}", $db::$Row::TABLE));
        assert_eq!(back, row);
    }};
}

#[test]
fn rusqlite_by_column_name() {
    let conn = rusqlite::Connection::open_in_memory().expect("open");
    conn.execute_batch(rusqlite_db::UP_SQL).expect("up");
    for_each_table!(rusqlite_db, rusqlite_round_trip, conn);
    // SQLite stores UUIDs as 16-byte blobs, as the README documents.
    let kind: String = conn
        .query_row("SELECT typeof(id) FROM meta_dpop_nonces", [], |r| r.get(0))
        .expect("typeof");
    assert_eq!(kind, "blob");
    conn.execute_batch(rusqlite_db::DOWN_SQL).expect("down");
}
