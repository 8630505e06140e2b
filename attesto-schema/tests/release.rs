//! Releases and upgrades, read through the public API.

use attesto_schema::{Dialect, Release, Schema, Upgrade, UpgradeError, tables};

fn v(version: &str) -> Release {
    version.parse().expect("known release")
}

#[test]
fn releases_are_ordered_and_named() {
    let all: Vec<_> = Release::all().map(Release::version).collect();
    assert_eq!(all, ["0.6.1", "0.19.0"]);
    assert!(v("0.6.1") < v("0.19.0"));
    assert_eq!(Release::latest(), v("0.19.0"));
    let error = "0.7.0".parse::<Release>().expect_err("unknown");
    assert_eq!(
        error.to_string(),
        "unknown schema release \"0.7.0\"; known releases are \"0.6.1\", \"0.19.0\""
    );
}

#[test]
fn release_0_6_1_has_four_tables_with_fewer_columns() {
    let schema = Schema::at_release(Dialect::Postgres, "", v("0.6.1")).expect("valid");
    let names: Vec<_> = schema.tables().iter().map(|t| t.name()).collect();
    assert_eq!(
        names,
        [
            "attesto_authorization_codes",
            "attesto_refresh_tokens",
            "dpop_nonces",
            "dpop_replays"
        ]
    );
    let codes = schema.tables()[0];
    let columns: Vec<_> = schema.columns(codes).iter().map(|c| c.name()).collect();
    assert_eq!(
        columns,
        [
            "code_hash",
            "client_id",
            "subject",
            "scope",
            "redirect_uri",
            "code_challenge",
            "code_challenge_method",
            "cnf",
            "nonce",
            "claims",
            "expires_at",
            "consumed_at",
            "inserted_at",
        ]
    );
    let indexes: Vec<_> = schema
        .indexes(codes)
        .iter()
        .map(|i| i.name(codes.name()))
        .collect();
    assert_eq!(
        indexes,
        [
            "attesto_authorization_codes_code_hash_index",
            "attesto_authorization_codes_expires_at_index",
        ]
    );
    let tokens = schema.tables()[1];
    assert!(
        schema
            .columns(tokens)
            .iter()
            .all(|c| !["resource", "acr", "auth_time"].contains(&c.name()))
    );
    assert_eq!(schema.columns(tokens).len(), 16);
}

#[test]
fn every_later_column_keeps_existing_rows_valid() {
    // An upgrade adds these to tables that may hold rows: each must be
    // nullable or have a default.
    for table in tables() {
        for column in table.columns() {
            if table.added_in() < column.added_in() {
                assert!(
                    column.is_nullable() || column.default_value().is_some(),
                    "{}.{} is added later as NOT NULL without a default",
                    table.name(),
                    column.name()
                );
            }
        }
    }
}

#[test]
fn upgrades_only_go_forward() {
    for (from, to) in [
        ("0.19.0", "0.6.1"),
        ("0.19.0", "0.19.0"),
        ("0.6.1", "0.6.1"),
    ] {
        let error = Upgrade::new(Dialect::Postgres, "", v(from), v(to)).expect_err(from);
        assert_eq!(
            error,
            UpgradeError::NotForward {
                from: v(from),
                to: v(to)
            }
        );
        assert!(
            error.to_string().contains("\"0.6.1\", \"0.19.0\""),
            "{error}"
        );
    }
}

#[test]
fn the_upgrade_adds_and_removes_exactly_the_difference() {
    let upgrade =
        Upgrade::new(Dialect::Postgres, "oauth_", v("0.6.1"), v("0.19.0")).expect("valid");
    let up = upgrade.up_sql();
    for added in [
        "ALTER TABLE \"oauth_attesto_authorization_codes\" ADD COLUMN \"resource\" varchar(255)[] NOT NULL DEFAULT ARRAY[]::varchar[];",
        "ALTER TABLE \"oauth_attesto_authorization_codes\" ADD COLUMN \"consumed_success\" boolean NOT NULL DEFAULT false;",
        "CREATE INDEX \"oauth_attesto_authorization_codes_family_id_index\"",
        "ALTER TABLE \"oauth_attesto_refresh_tokens\" ADD COLUMN \"auth_time\" bigint;",
        "CREATE TABLE \"oauth_attesto_consent_grants\"",
    ] {
        assert!(up.contains(added), "missing {added}");
    }
    assert!(!up.contains("CREATE TABLE \"oauth_dpop_nonces\""));
    assert_eq!(up.matches("ADD COLUMN").count(), 6 + 3);
    assert_eq!(up.matches("CREATE TABLE").count(), 5);

    let down = upgrade.down_sql();
    assert_eq!(down.matches("DROP COLUMN").count(), 6 + 3);
    assert_eq!(down.matches("DROP TABLE").count(), 5);
    assert_eq!(down.matches("DROP INDEX").count(), 2);
    // Indexes go before their columns (SQLite refuses to drop an indexed column).
    let index = down.find("DROP INDEX \"oauth_attesto_authorization_codes_family_id_index\"");
    let column = down.find("DROP COLUMN \"family_id\"");
    assert!(index < column);
}
