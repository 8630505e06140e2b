//! Releases, versions and upgrades, read through the public API.

use attesto_schema::{Dialect, Migration, Release, Schema, Upgrade, UpgradeError, Version, tables};

fn v(version: &str) -> Version {
    version.parse().expect("published version")
}

#[test]
fn every_published_version_resolves_to_its_schema_release() {
    let releases: Vec<_> = Release::all().map(Release::version).collect();
    assert_eq!(
        releases,
        [
            "0.6.0", "0.6.7", "0.8.0", "0.9.0", "0.12.0", "0.15.0", "0.16.0", "0.17.0", "0.18.0",
            "1.1.0", "1.2.0"
        ]
    );
    assert_eq!(Version::all().len(), 79);
    for (version, release) in [
        ("0.6.0", "0.6.0"),
        ("0.6.1", "0.6.0"),
        ("0.6.6", "0.6.0"),
        ("0.6.7", "0.6.7"),
        ("0.7.7", "0.6.7"),
        ("0.11.0", "0.9.0"),
        ("0.14.2", "0.12.0"),
        ("0.15.0", "0.15.0"),
        ("0.16.0", "0.16.0"),
        ("0.17.0", "0.17.0"),
        ("0.19.0", "0.18.0"),
        ("1.0.0", "0.18.0"),
        ("1.1.0", "1.1.0"),
        ("2.5.0", "1.2.0"),
        ("2.13.0", "1.2.0"),
    ] {
        assert_eq!(v(version).release().version(), release, "{version}");
    }
    assert_eq!(Version::latest().as_str(), "2.13.0");
    assert_eq!(Release::latest(), v("2.13.0").release());
    // Every release is named by a published version, in order.
    for release in Release::all() {
        assert_eq!(release.versions().first(), Some(&release.version()));
    }
}

#[test]
fn unknown_versions_are_refused_with_the_releases_listed() {
    for (given, hint) in [
        ("2.0.3", None),
        ("3.0.0", None),
        ("v2.5.0", Some("2.5.0")),
        ("2.5", Some("2.5.0")),
    ] {
        let error = given.parse::<Version>().expect_err(given);
        assert_eq!(error.suggestion(), hint, "{given}");
        let message = error.to_string();
        assert!(message.contains("0.6.0 (0.6.0 to 0.6.6)"), "{message}");
        assert!(message.contains("1.2.0 (1.2.0 to 2.13.0)"), "{message}");
    }
}

#[test]
fn every_later_column_keeps_existing_rows_valid() {
    // An upgrade adds these to tables that may hold rows: each must be
    // nullable or have a default.
    for table in tables() {
        for column in table.columns() {
            if column.added_in().is_some() {
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
    let error = Migration::new(Dialect::Postgres, "", v("0.6.1"), Some(v("0.19.0")))
        .expect_err("backwards");
    assert!(matches!(error, UpgradeError::NotForward { .. }));
    assert!(
        error
            .to_string()
            .contains("cannot upgrade from \"0.19.0\" to \"0.6.1\""),
        "{error}"
    );
    assert!(Migration::new(Dialect::Postgres, "", v("2.5.0"), Some(v("2.5.0"))).is_err());
    // Two versions with the same schema: an empty upgrade.
    let same =
        Migration::new(Dialect::Postgres, "", v("2.13.0"), Some(v("2.5.0"))).expect("same schema");
    assert_eq!(same.up_sql(), "");
    assert_eq!(same.down_sql(), "");
    assert_eq!(same.name(), "upgrade_attesto_tables_1_2_0_to_1_2_0");
}

#[test]
fn the_upgrade_adds_and_removes_exactly_the_difference() {
    let upgrade = Upgrade::new(
        Dialect::Postgres,
        "oauth_",
        v("0.6.1").release(),
        v("0.19.0").release(),
    )
    .expect("valid");
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

#[test]
fn losing_not_null_is_carried_out_and_guarded_on_every_dialect() {
    let (from, to) = (v("1.0.0").release(), v("1.1.0").release());
    let pg = Upgrade::new(Dialect::Postgres, "", from, to).expect("valid");
    assert!(pg.up_sql().contains(
        "ALTER TABLE \"attesto_logout_sessions\" ALTER COLUMN \"backchannel_logout_uri\" DROP NOT NULL;"
    ));
    let down = pg.down_sql();
    // The guard comes first, before anything changes.
    assert!(down.starts_with("DO $attesto$ BEGIN IF EXISTS (SELECT 1 FROM \"attesto_logout_sessions\" WHERE \"backchannel_logout_uri\" IS NULL)"));
    assert!(down.contains("SET NOT NULL"));

    let lite = Upgrade::new(Dialect::Sqlite, "", from, to).expect("valid");
    // SQLite rebuilds the table.
    assert!(
        lite.up_sql()
            .contains("CREATE TABLE \"attesto_logout_sessions__attesto_rebuild\"")
    );
    assert!(
        lite.down_sql()
            .starts_with("DROP TABLE IF EXISTS temp.\"attesto_not_null_guard\";")
    );

    let my = Upgrade::new(Dialect::Mysql, "", from, to).expect("valid");
    assert!(
        my.up_sql()
            .contains("MODIFY COLUMN `backchannel_logout_uri` text;")
    );
    assert!(
        my.down_sql()
            .contains("MODIFY COLUMN `backchannel_logout_uri` text NOT NULL;")
    );
}

#[test]
fn every_pair_of_releases_upgrades_on_every_dialect() {
    for dialect in Dialect::ALL {
        for from in Release::all() {
            for to in Release::all().filter(|to| *to > from) {
                let upgrade = Upgrade::new(dialect, "p_", from, to).expect("valid");
                assert!(!upgrade.up_sql().is_empty(), "{dialect} {from} -> {to}");
                assert!(!upgrade.down_sql().is_empty(), "{dialect} {from} -> {to}");
            }
            let schema = Schema::at_release(dialect, "p_", from).expect("valid");
            assert_eq!(schema.release(), from);
        }
    }
}
