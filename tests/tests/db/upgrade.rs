//! Upgrading a populated 0.6.1 database to 0.19.0 and back, on PostgreSQL
//! and SQLite: the catalog matches a fresh install (column order aside) and
//! every row survives.

use crate::catalog;

mod pg_old {
    attesto_macros::attesto_migration!(version = "0.6.1", prefix = "up_");
}

mod pg_up {
    attesto_macros::attesto_migration!(
        from = "0.6.1",
        prefix = "up_",
        derive(postgres_from_row::FromRow),
        types(
            timestamp = chrono::NaiveDateTime,
            json = serde_json::Value,
            uuid = uuid::Uuid
        ),
    );
}

mod lite_old {
    attesto_macros::attesto_migration!(version = "0.6.1", prefix = "up_", dialect = "sqlite");
}

mod lite_up {
    attesto_macros::attesto_migration!(
        from = "0.6.1",
        prefix = "up_",
        dialect = "sqlite",
        types(
            timestamp = chrono::NaiveDateTime,
            json = serde_json::Value,
            uuid = uuid::Uuid,
            strings = serde_json::Value,
        ),
    );
}

/// Rows of release 0.6.1 in all four of its tables, in SQL both dialects
/// run (UUIDs and timestamps as each stores them).
fn old_rows(uuid: &str) -> String {
    format!(
        "INSERT INTO up_attesto_authorization_codes \
           (code_hash, client_id, subject, scope, redirect_uri, claims, expires_at, inserted_at) \
           VALUES ('h1', 'client', 'alice', {scope}, 'https://c.example/cb', '{{}}', \
                   '2026-11-23 12:00:00', '2026-11-23 11:50:00');\n\
         INSERT INTO up_attesto_refresh_tokens \
           (id, token_hash, family_id, subject, expires_at, inserted_at) \
           VALUES ({uuid}, 't1', 'fam', 'alice', '2026-12-23 12:00:00', '2026-11-23 11:50:00');\n\
         INSERT INTO up_dpop_nonces (id, nonce, issued_at, expires_at) \
           VALUES ({uuid}, 'n1', '2026-11-23 11:50:00', '2026-11-23 12:00:00');\n\
         INSERT INTO up_dpop_replays (jti, expires_at, inserted_at) \
           VALUES ('j1', '2026-11-23 12:00:00.123456', '2026-11-23 11:50:00.5');\n",
        scope = if uuid.starts_with('\'') {
            "ARRAY['openid']"
        } else {
            "'[\"openid\"]'"
        },
    )
}

const COUNT_ROWS: &str = "SELECT (SELECT count(*) FROM up_attesto_authorization_codes) \
     + (SELECT count(*) FROM up_attesto_refresh_tokens) \
     + (SELECT count(*) FROM up_dpop_nonces) \
     + (SELECT count(*) FROM up_dpop_replays)";

#[test]
fn postgres_upgrade_and_back() {
    use postgres_from_row::FromRow;

    let (mut client, _) = attesto_tests::fresh_client("pg_upgrade");
    let fresh = catalog::expected(catalog::POSTGRES_0_19_0, "up_");
    let old = catalog::release_0_6_1(&fresh);
    client.batch_execute(pg_old::UP_SQL).expect("install 0.6.1");
    assert_eq!(
        catalog::postgres(&mut client),
        old,
        "0.6.1 as SCHEMA.md describes it"
    );
    client
        .batch_execute(&old_rows("'6f0f2a3e-6f43-4a47-9b1a-0cbb5b6d2f10'"))
        .expect("0.6.1 rows");

    let mut tx = client.transaction().expect("begin");
    tx.batch_execute(pg_up::UP_SQL).expect("upgrade");
    tx.commit().expect("commit");
    assert_eq!(
        catalog::unordered(&catalog::postgres(&mut client)),
        catalog::unordered(&fresh),
        "upgraded catalog differs from a fresh 0.19.0"
    );
    let count: i64 = client.query_one(COUNT_ROWS, &[]).expect("count").get(0);
    assert_eq!(count, 4);
    // The generated 0.19.0 structs read the upgraded tables by name.
    let code = client
        .query_one(pg_up::AuthorizationCodeRow::SELECT_SQL, &[])
        .expect("select code");
    let code = pg_up::AuthorizationCodeRow::try_from_row(&code).expect("map code");
    assert_eq!(
        (code.code_hash.as_str(), code.scope.as_slice()),
        ("h1", &["openid".to_owned()][..])
    );
    assert!(code.resource.is_empty() && !code.consumed_success && code.family_id.is_none());
    let token = client
        .query_one(pg_up::RefreshTokenRow::SELECT_SQL, &[])
        .expect("select token");
    let token = pg_up::RefreshTokenRow::try_from_row(&token).expect("map token");
    assert!(token.resource.is_empty() && token.acr.is_none() && token.auth_time.is_none());
    assert_eq!(token.generation, 0);

    let mut tx = client.transaction().expect("begin");
    tx.batch_execute(pg_up::DOWN_SQL).expect("downgrade");
    tx.commit().expect("commit");
    assert_eq!(catalog::postgres(&mut client), old, "down returns to 0.6.1");
    let count: i64 = client.query_one(COUNT_ROWS, &[]).expect("count").get(0);
    assert_eq!(count, 4);
    let replay: chrono::NaiveDateTime = client
        .query_one("SELECT expires_at FROM up_dpop_replays", &[])
        .expect("replay")
        .get(0);
    assert_eq!(replay.to_string(), "2026-11-23 12:00:00.123456");

    // And the way up again.
    client.batch_execute(pg_up::UP_SQL).expect("upgrade again");
    assert_eq!(
        catalog::unordered(&catalog::postgres(&mut client)),
        catalog::unordered(&fresh)
    );
}

#[test]
fn sqlite_upgrade_and_back() {
    let mut conn = rusqlite::Connection::open_in_memory().expect("open");
    let fresh = catalog::expected(catalog::SQLITE_0_19_0, "up_");
    let old = catalog::release_0_6_1(&fresh);
    conn.execute_batch(lite_old::UP_SQL).expect("install 0.6.1");
    assert_eq!(catalog::sqlite(&conn), old, "0.6.1 in SQLite");
    conn.execute_batch(&old_rows("randomblob(16)"))
        .expect("0.6.1 rows");

    let tx = conn.transaction().expect("begin");
    tx.execute_batch(lite_up::UP_SQL).expect("upgrade");
    tx.commit().expect("commit");
    assert_eq!(
        catalog::unordered(&catalog::sqlite(&conn)),
        catalog::unordered(&fresh),
        "upgraded catalog differs from a fresh 0.19.0"
    );
    let count: i64 = conn.query_row(COUNT_ROWS, [], |r| r.get(0)).expect("count");
    assert_eq!(count, 4);
    let code = conn
        .query_row(lite_up::AuthorizationCodeRow::SELECT_SQL, [], |r| {
            Ok((
                r.get::<_, String>("code_hash")?,
                r.get::<_, serde_json::Value>("resource")?,
                r.get::<_, bool>("consumed_success")?,
                r.get::<_, Option<String>>("family_id")?,
            ))
        })
        .expect("select code");
    assert_eq!(code, ("h1".to_owned(), serde_json::json!([]), false, None));

    let tx = conn.transaction().expect("begin");
    tx.execute_batch(lite_up::DOWN_SQL).expect("downgrade");
    tx.commit().expect("commit");
    assert_eq!(catalog::sqlite(&conn), old, "down returns to 0.6.1");
    let count: i64 = conn.query_row(COUNT_ROWS, [], |r| r.get(0)).expect("count");
    assert_eq!(count, 4);
}
