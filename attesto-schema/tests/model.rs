//! The model's shape, read through the public API.

use attesto_schema::{ColumnDefault, Dialect, LogicalType, Schema, table, tables};

#[test]
fn nine_tables_in_creation_order() {
    let names: Vec<_> = tables().iter().map(|t| t.name()).collect();
    assert_eq!(
        names,
        [
            "attesto_authorization_codes",
            "attesto_refresh_tokens",
            "attesto_device_codes",
            "attesto_logout_sessions",
            "dpop_nonces",
            "dpop_replays",
            "attesto_pushed_authorization_requests",
            "attesto_client_id_metadata",
            "attesto_consent_grants",
        ]
    );
}

#[test]
fn keys_columns_and_indexes_are_readable() {
    let codes = table("attesto_authorization_codes").expect("codes");
    assert!(codes.primary_key().is_empty());
    assert_eq!(codes.columns().len(), 19);
    let scope = codes.column("scope").expect("scope");
    assert_eq!(scope.logical_type(), LogicalType::Strings);
    assert!(!scope.is_nullable());
    assert_eq!(scope.default_value(), Some(ColumnDefault::EmptyStrings));

    let nonces = table("dpop_nonces").expect("nonces");
    let names: Vec<_> = nonces
        .indexes()
        .iter()
        .map(|i| i.name("oauth_dpop_nonces"))
        .collect();
    assert_eq!(
        names,
        [
            "oauth_dpop_nonces_nonce_index",
            "oauth_dpop_nonces_unused_index"
        ]
    );
    assert_eq!(
        table("dpop_replays").map(|t| t.primary_key()),
        Some(&["jti"][..])
    );
}

#[test]
fn up_and_down_mirror_each_other() {
    for dialect in Dialect::ALL {
        let schema = Schema::new(dialect, "p_").expect("valid");
        let up = schema.up_sql();
        let down = schema.down_sql();
        let created: Vec<_> = up
            .lines()
            .filter_map(|l| l.strip_prefix("CREATE TABLE \""))
            .filter_map(|l| l.split('"').next())
            .collect();
        let mut dropped: Vec<_> = down
            .lines()
            .filter_map(|l| l.strip_prefix("DROP TABLE \""))
            .filter_map(|l| l.split('"').next())
            .collect();
        dropped.reverse();
        assert_eq!(created, dropped);
        assert_eq!(created.len(), 9);
    }
}

#[test]
fn insert_uses_the_dialects_placeholders() {
    let replays = table("dpop_replays").expect("replays");
    let pg = Schema::new(Dialect::Postgres, "").expect("valid");
    assert_eq!(
        pg.insert_sql(replays),
        "INSERT INTO \"dpop_replays\" (\"jti\", \"expires_at\", \"inserted_at\") VALUES ($1, $2, $3)"
    );
    let lite = Schema::new(Dialect::Sqlite, "").expect("valid");
    assert_eq!(
        lite.insert_sql(replays),
        "INSERT INTO \"dpop_replays\" (\"jti\", \"expires_at\", \"inserted_at\") VALUES (?1, ?2, ?3)"
    );
    assert_eq!(
        lite.select_sql(replays),
        "SELECT \"jti\", \"expires_at\", \"inserted_at\" FROM \"dpop_replays\""
    );
}
