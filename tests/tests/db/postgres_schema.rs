//! The PostgreSQL up and down SQL, applied to the real server, against the
//! catalog SCHEMA.md specifies.

use attesto_tests::fresh_client;

use crate::catalog;

mod bare {
    attesto_macros::attesto_migration!(prefix = "");
}

mod oauth {
    attesto_macros::attesto_migration!(prefix = "oauth_");
}

/// Up gives the catalog of SCHEMA.md, down leaves nothing, and up runs
/// again after down; each through the driver's batch (simple-query) call,
/// inside one transaction as a migration runner would run it.
fn up_down_up(test: &str, up: &str, down: &str, prefix: &str) {
    let (mut client, _) = fresh_client(test);
    let expected = catalog::expected(catalog::POSTGRES_0_19_0, prefix);
    let mut tx = client.transaction().expect("begin");
    tx.batch_execute(up).expect("up");
    tx.commit().expect("commit");
    assert_eq!(catalog::postgres(&mut client), expected);

    let mut tx = client.transaction().expect("begin");
    tx.batch_execute(down).expect("down");
    tx.commit().expect("commit");
    assert_eq!(
        catalog::postgres(&mut client),
        "",
        "down leaves tables behind"
    );

    client.batch_execute(up).expect("up after down");
    assert_eq!(catalog::postgres(&mut client), expected);
}

#[test]
fn no_prefix_matches_the_specified_catalog() {
    up_down_up("pg_bare", bare::UP_SQL, bare::DOWN_SQL, "");
}

#[test]
fn oauth_prefix_matches_the_specified_catalog() {
    up_down_up("pg_oauth", oauth::UP_SQL, oauth::DOWN_SQL, "oauth_");
}

#[test]
fn up_and_down_run_through_psql_f() {
    let (mut client, url) = fresh_client("pg_psql");
    let dir = std::env::temp_dir().join(format!("attesto-psql-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let run = |name: &str, sql: &str| {
        let file = dir.join(name);
        std::fs::write(&file, sql).expect("write sql file");
        let output = std::process::Command::new("psql")
            .args([
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "--single-transaction",
                "-d",
            ])
            .arg(&url)
            .arg("-f")
            .arg(&file)
            .output()
            .expect("psql must be installed with the server");
        assert!(
            output.status.success(),
            "psql -f {name} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run("up.sql", oauth::UP_SQL);
    assert_eq!(
        catalog::postgres(&mut client),
        catalog::expected(catalog::POSTGRES_0_19_0, "oauth_")
    );
    run("down.sql", oauth::DOWN_SQL);
    assert_eq!(catalog::postgres(&mut client), "");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn no_transaction_statements_in_the_sql() {
    for sql in [bare::UP_SQL, bare::DOWN_SQL, oauth::UP_SQL, oauth::DOWN_SQL] {
        let upper = sql.to_uppercase();
        for word in ["BEGIN", "COMMIT", "ROLLBACK", "TRANSACTION"] {
            assert!(!upper.contains(word), "{word} in generated SQL");
        }
    }
}

#[test]
fn the_stores_unique_violation_names_hold() {
    let (mut client, _) = fresh_client("pg_violations");
    client.batch_execute(oauth::UP_SQL).expect("up");
    let cases = [
        (
            "INSERT INTO oauth_attesto_authorization_codes (code_hash, client_id, subject, redirect_uri, expires_at, inserted_at) \
             VALUES ('h', 'c', 's', 'u', now(), now())",
            "oauth_attesto_authorization_codes_code_hash_index",
        ),
        (
            "INSERT INTO oauth_attesto_refresh_tokens (id, token_hash, family_id, subject, expires_at, inserted_at) \
             VALUES (gen_random_uuid(), 'h', 'f', 's', now(), now())",
            "oauth_attesto_refresh_tokens_token_hash_index",
        ),
        (
            "INSERT INTO oauth_dpop_nonces (id, nonce, issued_at, expires_at) \
             VALUES (gen_random_uuid(), 'n', now(), now())",
            "oauth_dpop_nonces_nonce_index",
        ),
        (
            "INSERT INTO oauth_attesto_device_codes (id, device_code_hash, user_code, client_id, expires_at, inserted_at) \
             VALUES (gen_random_uuid(), 'h', 'u' || gen_random_uuid(), 'c', now(), now())",
            "oauth_attesto_device_codes_device_code_hash_index",
        ),
        (
            "INSERT INTO oauth_attesto_device_codes (id, device_code_hash, user_code, client_id, expires_at, inserted_at) \
             VALUES (gen_random_uuid(), 'h' || gen_random_uuid(), 'u', 'c', now(), now())",
            "oauth_attesto_device_codes_user_code_index",
        ),
        (
            "INSERT INTO oauth_attesto_logout_sessions (id, sid, subject, client_id, backchannel_logout_uri, expires_at, inserted_at) \
             VALUES (gen_random_uuid(), 'sid', 's', 'c', 'u', now(), now())",
            "oauth_attesto_logout_sessions_sid_client_id_index",
        ),
        (
            "INSERT INTO oauth_dpop_replays (jti, expires_at, inserted_at) VALUES ('j', now(), now())",
            "oauth_dpop_replays_pkey",
        ),
        (
            "INSERT INTO oauth_attesto_consent_grants (token, binding_hash, subject, expires_at, inserted_at, updated_at) \
             VALUES ('t', 'b', 's', now(), now(), now())",
            "oauth_attesto_consent_grants_pkey",
        ),
    ];
    for (insert, constraint) in cases {
        client.batch_execute(insert).expect("first insert");
        let error = client
            .batch_execute(insert)
            .expect_err("second insert conflicts");
        let db = error.as_db_error().expect("a database error");
        assert_eq!(db.code(), &postgres::error::SqlState::UNIQUE_VIOLATION);
        assert_eq!(db.constraint(), Some(constraint), "{insert}");
    }
}

#[test]
fn defaults_give_valid_rows() {
    let (mut client, _) = fresh_client("pg_defaults");
    client.batch_execute(bare::UP_SQL).expect("up");
    client
        .batch_execute(
            "INSERT INTO attesto_device_codes (id, device_code_hash, user_code, client_id, expires_at, inserted_at) \
             VALUES (gen_random_uuid(), 'h', 'u', 'c', now(), now())",
        )
        .expect("insert with defaults");
    let row = client
        .query_one(
            "SELECT scope, resource, status FROM attesto_device_codes",
            &[],
        )
        .expect("select");
    let scope: Vec<String> = row.get(0);
    let resource: Vec<String> = row.get(1);
    let status: String = row.get(2);
    assert!(scope.is_empty() && resource.is_empty());
    assert_eq!(status, "pending");
}
