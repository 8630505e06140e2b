//! The SQLite up and down SQL, applied to an embedded database, against
//! the catalog the README documents.

use crate::catalog;

mod bare {
    attesto_macros::attesto_migration!(prefix = "", dialect = "sqlite");
}

mod oauth {
    attesto_macros::attesto_migration!(prefix = "oauth_", dialect = "sqlite");
}

fn up_down_up(up: &str, down: &str, prefix: &str) {
    let mut conn = rusqlite::Connection::open_in_memory().expect("open");
    let expected = catalog::expected(catalog::SQLITE_0_19_0, prefix);
    let tx = conn.transaction().expect("begin");
    tx.execute_batch(up).expect("up");
    tx.commit().expect("commit");
    assert_eq!(catalog::sqlite(&conn), expected);

    let tx = conn.transaction().expect("begin");
    tx.execute_batch(down).expect("down");
    tx.commit().expect("commit");
    assert_eq!(catalog::sqlite(&conn), "", "down leaves tables behind");
    let left: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .expect("count");
    assert_eq!(left, 0, "down leaves objects behind");

    conn.execute_batch(up).expect("up after down");
    assert_eq!(catalog::sqlite(&conn), expected);
}

#[test]
fn no_prefix_matches_the_documented_catalog() {
    up_down_up(bare::UP_SQL, bare::DOWN_SQL, "");
}

#[test]
fn oauth_prefix_matches_the_documented_catalog() {
    up_down_up(oauth::UP_SQL, oauth::DOWN_SQL, "oauth_");
}

#[test]
fn defaults_and_constraints_hold() {
    let conn = rusqlite::Connection::open_in_memory().expect("open");
    conn.execute_batch(bare::UP_SQL).expect("up");
    conn.execute(
        "INSERT INTO attesto_device_codes (id, device_code_hash, user_code, client_id, expires_at, inserted_at) \
         VALUES (randomblob(16), 'h', 'u', 'c', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        [],
    )
    .expect("insert with defaults");
    let (scope, status): (String, String) = conn
        .query_row("SELECT scope, status FROM attesto_device_codes", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("select");
    assert_eq!((scope.as_str(), status.as_str()), ("[]", "pending"));
    // A primary key of a non-INTEGER column refuses NULL only when declared NOT NULL.
    let error = conn
        .execute(
            "INSERT INTO dpop_replays (jti, expires_at, inserted_at) VALUES (NULL, 'x', 'x')",
            [],
        )
        .expect_err("NULL primary key refused");
    assert!(error.to_string().contains("NOT NULL"), "{error}");
    // The partial index is used for the "unused nonces" lookup.
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id FROM dpop_nonces WHERE used_at IS NULL",
            [],
            |r| r.get(3),
        )
        .expect("plan");
    assert!(plan.contains("dpop_nonces_unused_index"), "{plan}");
}
