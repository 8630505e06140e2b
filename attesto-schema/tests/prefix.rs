//! Prefix validation: the grammar, fail closed, and the identifier length
//! limit at its exact boundary.

use attesto_schema::{Dialect, PrefixError, Schema, validate_prefix};

#[test]
fn accepts_the_grammar() {
    for prefix in ["", "oauth_", "_", "a", "a1", "tenant_4_", "_x9", "abc_def_"] {
        assert_eq!(validate_prefix(prefix), Ok(()), "{prefix:?}");
        Schema::new(Dialect::Postgres, prefix).expect(prefix);
    }
}

#[test]
fn refuses_everything_else_without_normalising() {
    let cases = [
        ("x\"; DROP TABLE y; --", "'\"'"),
        ("oauth-", "'-'"),
        ("OAuth_", "uppercase letter 'O'"),
        ("oauth_X", "uppercase letter 'X'"),
        ("1oauth", "starts with the digit '1'"),
        ("é_", "'é'"),
        ("oauth ", "' '"),
        (" oauth", "' '"),
        ("oauth;", "';'"),
        ("a.b", "'.'"),
        ("a\0", "'\\0'"),
        ("ｏａｕｔｈ", "'ｏ'"),
    ];
    for (prefix, reason) in cases {
        let error = validate_prefix(prefix).expect_err(prefix);
        let message = error.to_string();
        assert!(
            matches!(&error, PrefixError::Invalid { prefix: p, .. } if p == prefix),
            "{error:?}"
        );
        assert!(Schema::new(Dialect::Mysql, prefix).is_err());
        assert!(message.contains(reason), "{prefix:?}: {message}");
        assert!(message.contains("^[a-z_][a-z0-9_]*$"), "{message}");
        assert!(Schema::new(Dialect::Postgres, prefix).is_err());
        assert!(Schema::new(Dialect::Sqlite, prefix).is_err());
    }
}

#[test]
fn the_postgres_length_limit_is_exact() {
    // The longest derived name is 54 bytes, so 9 bytes of prefix reach 63.
    let longest = "attesto_pushed_authorization_requests_expires_at_index";
    assert_eq!(longest.len(), 54);
    let fits = "abcdefgh_";
    assert_eq!(fits.len(), 9);
    let schema = Schema::new(Dialect::Postgres, fits).expect("9 bytes fit");
    assert!(schema.up_sql().contains(&format!("\"{fits}{longest}\"")));
    let max = schema
        .tables()
        .iter()
        .flat_map(|t| schema.identifiers(t))
        .map(|name| name.len())
        .max();
    assert_eq!(max, Some(63));

    let too_long = "abcdefghi_";
    let error = Schema::new(Dialect::Postgres, too_long).expect_err("10 bytes are too many");
    assert_eq!(
        error,
        PrefixError::TooLong {
            prefix: too_long.to_owned(),
            identifier: format!("{too_long}{longest}"),
            dialect: Dialect::Postgres,
            limit: 63,
            max_prefix_len: 9,
        }
    );
    let message = error.to_string();
    for part in [
        "\"abcdefghi_attesto_pushed_authorization_requests_expires_at_index\"",
        "64 bytes",
        "63-byte limit of PostgreSQL (which would silently truncate it)",
        "at most 9 bytes",
    ] {
        assert!(message.contains(part), "{message}");
    }
}

#[test]
fn sqlite_has_no_identifier_limit() {
    let prefix = "a_very_long_but_valid_tenant_prefix_";
    assert!(Schema::new(Dialect::Postgres, prefix).is_err());
    let schema = Schema::new(Dialect::Sqlite, prefix).expect("SQLite keeps long names");
    assert!(schema.up_sql().contains(prefix));
}

#[test]
fn dialect_names_round_trip() {
    for dialect in Dialect::ALL {
        assert_eq!(dialect.name().parse::<Dialect>(), Ok(dialect));
    }
    let error = "MariaDB".parse::<Dialect>().expect_err("unknown");
    assert_eq!(
        error.to_string(),
        "unknown dialect \"MariaDB\"; expected one of \"postgres\", \"sqlite\", \"mysql\", \"mariadb\" (did you mean \"mariadb\"?)"
    );
    assert!(
        "postgresql"
            .parse::<Dialect>()
            .expect_err("unknown")
            .to_string()
            .ends_with("(did you mean \"postgres\"?)")
    );
    assert!(
        !"oracle"
            .parse::<Dialect>()
            .expect_err("unknown")
            .to_string()
            .contains("did you mean")
    );
}
