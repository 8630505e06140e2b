//! The model's shape, read through the public API.

use attesto_schema::{ColumnDefault, Dialect, LogicalType, Schema, Version, table, tables};

#[test]
fn ten_tables_in_creation_order() {
    let names: Vec<_> = tables().iter().map(|t| t.name()).collect();
    assert_eq!(
        names,
        [
            "attesto_authorization_codes",
            "attesto_refresh_tokens",
            "attesto_device_codes",
            "attesto_ciba_requests",
            "attesto_logout_sessions",
            "dpop_nonces",
            "dpop_replays",
            "attesto_pushed_authorization_requests",
            "attesto_client_id_metadata",
            "attesto_consent_grants",
        ]
    );
    let short: Vec<_> = tables().iter().map(|t| t.short_name()).collect();
    assert_eq!(short[0], "authorization_codes");
    assert_eq!(short[5], "dpop_nonces");
}

#[test]
fn keys_columns_and_indexes_are_readable() {
    let codes = table("attesto_authorization_codes").expect("codes");
    assert!(codes.primary_key().is_empty());
    assert_eq!(codes.key(), ["code_hash"]);
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
    assert_eq!(table("dpop_replays").map(|t| t.key()), Some(&["jti"][..]));
    let ciba = table("attesto_ciba_requests").expect("ciba");
    assert_eq!(ciba.columns().len(), 21);
    assert_eq!(
        ciba.column("client_notification_token")
            .map(|c| c.logical_type()),
        Some(LogicalType::Text)
    );
}

#[test]
fn a_column_can_lose_not_null_in_a_later_release() {
    let logout = table("attesto_logout_sessions").expect("logout");
    let uri = logout.column("backchannel_logout_uri").expect("uri");
    let before: Version = "1.0.0".parse().expect("version");
    let after: Version = "1.1.0".parse().expect("version");
    assert!(!uri.at(before.release()).is_nullable());
    assert!(uri.at(after.release()).is_nullable());
    assert_eq!(uri.nullable_since(), Some(after.release()));
    let columns: Vec<_> = logout
        .columns_at(before.release())
        .iter()
        .map(|c| c.name())
        .collect();
    assert!(!columns.contains(&"frontchannel_logout_uri"));
}

#[test]
fn up_and_down_mirror_each_other() {
    for dialect in Dialect::ALL {
        let schema = Schema::new(dialect, "p_").expect("valid");
        let q = dialect.quote_char();
        let created: Vec<String> = schema
            .up_sql()
            .lines()
            .filter_map(|l| l.strip_prefix(&format!("CREATE TABLE {q}")))
            .filter_map(|l| l.split(q).next())
            .map(str::to_owned)
            .collect();
        let mut dropped: Vec<String> = schema
            .down_sql()
            .lines()
            .filter_map(|l| l.strip_prefix(&format!("DROP TABLE {q}")))
            .filter_map(|l| l.split(q).next())
            .map(str::to_owned)
            .collect();
        dropped.reverse();
        assert_eq!(created, dropped, "{dialect}");
        assert_eq!(created.len(), 10);
    }
}

#[test]
fn statements_use_the_dialects_placeholders_and_quotes() {
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
    // MySQL 8 writes in a strict `sql_mode` through its hint; MariaDB's
    // `SET STATEMENT` is not used (Galera), the bindings hold each value to
    // its column instead.
    let my = Schema::new(Dialect::Mysql, "").expect("valid");
    assert_eq!(
        my.insert_sql(replays),
        "INSERT /*+ SET_VAR(sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION') */ INTO `dpop_replays` (`jti`, `expires_at`, `inserted_at`) VALUES (?, ?, ?)"
    );
    let maria = Schema::new(Dialect::Mariadb, "").expect("valid");
    assert_eq!(
        maria.insert_sql(replays),
        "INSERT INTO `dpop_replays` (`jti`, `expires_at`, `inserted_at`) VALUES (?, ?, ?)"
    );
    assert_eq!(
        Dialect::Mariadb.length_limit(attesto_schema::LogicalType::Hash),
        Some(attesto_schema::LengthLimit::Chars(88))
    );
    assert_eq!(
        Dialect::Postgres.length_limit(attesto_schema::LogicalType::Hash),
        None
    );
    assert_eq!(
        Dialect::Sqlite.length_limit(attesto_schema::LogicalType::Text),
        None
    );
    assert!(attesto_schema::LengthLimit::Chars(2).exceeded_by("\u{1F510}ab"));
    assert!(!attesto_schema::LengthLimit::Chars(3).exceeded_by("\u{1F510}ab"));
    assert!(attesto_schema::LengthLimit::Bytes(5).exceeded_by("\u{1F510}ab"));
    assert_eq!(maria.up_sql(), my.up_sql(), "one schema");
    let codes = table("attesto_authorization_codes").expect("codes");
    assert!(
        pg.select_by_key_sql(codes)
            .ends_with(" WHERE \"code_hash\" = $1")
    );
    assert_eq!(
        pg.delete_by_key_sql(codes),
        "DELETE FROM \"attesto_authorization_codes\" WHERE \"code_hash\" = $1"
    );
    // The sweep, one bounded batch per statement in every dialect.
    let sweep = |schema: &Schema| {
        let op = schema
            .operations(replays)
            .into_iter()
            .find(|op| op.name() == "sweep")
            .expect("sweep");
        let statements = schema.operation_sql(replays, op);
        assert_eq!(statements.len(), 1);
        statements[0].sql.clone()
    };
    assert_eq!(
        sweep(&my),
        "DELETE FROM `dpop_replays` WHERE `expires_at` < ? ORDER BY `expires_at` LIMIT ?"
    );
    assert_eq!(
        sweep(&pg),
        "DELETE FROM \"dpop_replays\" WHERE ctid = ANY (ARRAY(SELECT ctid FROM \"dpop_replays\" WHERE \"expires_at\" < $1 LIMIT $2 FOR UPDATE SKIP LOCKED))"
    );
    let lite = Schema::new(Dialect::Sqlite, "").expect("valid");
    assert_eq!(
        sweep(&lite),
        "DELETE FROM \"dpop_replays\" WHERE rowid IN (SELECT rowid FROM \"dpop_replays\" WHERE \"expires_at\" < ?1 LIMIT ?2)"
    );
}

#[test]
fn mysql_keeps_names_and_fits_innodb() {
    let schema = Schema::new(Dialect::Mysql, "oauth_").expect("valid");
    let up = schema.up_sql();
    assert!(up.contains("`scope` json NOT NULL DEFAULT ('[]')"));
    assert!(up.contains("`id` binary(16) NOT NULL"));
    assert!(up.contains("`expires_at` datetime(6) NOT NULL"));
    assert!(up.contains("ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"));
    // The partial index keeps its name, without the predicate MySQL lacks.
    assert!(up.contains("KEY `oauth_dpop_nonces_unused_index` (`used_at`)"));
    // The widest index, (sid, client_id), is 2 x 255 x 4 bytes: within
    // InnoDB's 3072.
    assert!(up.contains(
        "UNIQUE KEY `oauth_attesto_logout_sessions_sid_client_id_index` (`sid`, `client_id`)"
    ));
    // 64 bytes: the longest name (54) leaves 10 bytes of prefix.
    assert!(Schema::new(Dialect::Mysql, "abcdefghi_").is_ok());
    let error = Schema::new(Dialect::Mysql, "abcdefghij_").expect_err("too long");
    assert!(
        error
            .to_string()
            .contains("64-byte limit of MySQL (which would refuse it)"),
        "{error}"
    );
}
