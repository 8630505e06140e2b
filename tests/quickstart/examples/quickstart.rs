//! The main job: expand `attesto_migration!` for SQLite, `ensure` the
//! schema in a database file (installing `UP_SQL`) and `verify` it, write
//! one row of every table through the generated binding and read it back
//! by its key through the generated mapping, sweep what expired, apply
//! `DOWN_SQL`, and say what happened.
//!
//! Run it with `cargo run --example quickstart [PATH]`. Without PATH it
//! works in a temporary file that it removes at the end; with one, it
//! leaves the (emptied) database there.

use chrono::TimeDelta;
use rusqlite::Connection;
use uuid::Uuid;

mod db {
    attesto_macros::attesto_migration!(
        dialect = "sqlite",
        prefix = "demo_",
        // JSON columns as `String`, holding the JSON text: the example
        // needs no serde_json, which keeps its build small. A service
        // keeps the default, `serde_json::Value`, or its own serde types.
        types(json = String, strings = String),
        integrations(rusqlite),
    );
}

/// Writes `$row` with the generated `params()`, reads it back by its key
/// with the generated `TryFrom<&Row>`, and checks that nothing changed.
macro_rules! store_and_load {
    ($conn:expr, $row:expr, $Row:ident [$($key:ident),*]) => {{
        let row: db::$Row = $row;
        $conn.execute(db::$Row::INSERT_SQL, row.params())?;
        let back = $conn.query_row(db::$Row::SELECT_BY_KEY_SQL, [$(&row.$key),*], |r| {
            db::$Row::try_from(r)
        })?;
        if back != row {
            return Err(format!("{} changed on the way: {row:?} became {back:?}", db::$Row::TABLE).into());
        }
        println!("  wrote and read back 1 row of {}", db::$Row::TABLE);
    }};
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let asked = std::env::args().nth(1).map(std::path::PathBuf::from);
    let path = asked.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("attesto-quickstart-{}.db", std::process::id()))
    });
    if path.exists() {
        std::fs::remove_file(&path)?;
    }
    let result = run(&path);
    if asked.is_none() {
        let _ = std::fs::remove_file(&path);
    }
    result
}

fn run(path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = Connection::open(path)?;
    println!(
        "attesto quickstart: attesto_phoenix {} (schema release {}), dialect {}, prefix {:?}",
        db::ATTESTO_PHOENIX_VERSION,
        db::SCHEMA_RELEASE,
        db::DIALECT,
        db::TABLE_PREFIX
    );

    // What a service runs at startup: installs UP_SQL when none of the
    // tables exists, and only verifies them when they do.
    let ensured = db::ensure(&conn)?;
    println!(
        "ensure on {}: {ensured:?}, {} tables",
        path.display(),
        count_tables(&conn)?
    );
    // A second start finds the tables and changes nothing.
    let again = db::ensure(&conn)?;
    if again != attesto_schema::Ensured::Verified {
        return Err(format!("a second ensure did {again:?}").into());
    }
    // verify: the file holds the release exactly (its Display would list
    // each difference and its fix).
    db::verify(&conn)?;
    println!(
        "verify: the file holds schema release {} exactly",
        db::SCHEMA_RELEASE
    );

    // Whole seconds, as the timestamp(0) columns keep them: the type holds
    // nothing else (and `db::TimestampUsec`, microseconds, for the columns
    // that keep them).
    let now = db::Timestamp::now();
    let later = now.checked_add_seconds(600).ok_or("clock out of range")?;
    let id = |n: u128| Uuid::from_u128(0x6f0f_2a3e_6f43_4a47_9b1a_0cbb_5b6d_2f00 + n);

    store_and_load!(
        conn,
        db::AuthorizationCodeRow {
            code_hash: "c0de".repeat(16),
            client_id: "client-1".into(),
            subject: "user-1".into(),
            scope: r#"["openid","profile"]"#.into(),
            resource: r#"["https://api.example"]"#.into(),
            redirect_uri: "https://client.example/cb".into(),
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
            code_challenge_method: Some("S256".into()),
            cnf: Some(r#"{"jkt":"0ZcOCORZNYy"}"#.into()),
            nonce: Some("n-0S6_WzA2Mj".into()),
            claims: r#"{"userinfo":{"email":null}}"#.into(),
            family_id: Some("family-1".into()),
            access_token_jti: Some("at-1".into()),
            access_token_expires_at: Some(later),
            access_token_revoked_at: None,
            expires_at: later,
            consumed_at: None,
            consumed_success: false,
            inserted_at: now,
        },
        AuthorizationCodeRow[code_hash]
    );
    store_and_load!(
        conn,
        db::RefreshTokenRow {
            id: id(1),
            token_hash: "7e57".repeat(16),
            family_id: "family-1".into(),
            generation: 0,
            client_id: Some("client-1".into()),
            subject: "user-1".into(),
            scope: r#"["openid","offline_access"]"#.into(),
            resource: "[]".into(),
            acr: Some("urn:mace:incommon:iap:silver".into()),
            auth_time: Some(now.unix()),
            cnf: None,
            claims: "{}".into(),
            consumed: false,
            consumed_at: None,
            successor: None,
            family_revoked: false,
            expires_at: now
                .checked_add_seconds(30 * 86_400)
                .ok_or("clock out of range")?,
            parent_hash: None,
            inserted_at: now,
        },
        RefreshTokenRow[id]
    );
    store_and_load!(
        conn,
        db::DeviceCodeRow {
            id: id(2),
            device_code_hash: "dev1".repeat(16),
            user_code: "WDJB-MJHT".into(),
            client_id: "tv-1".into(),
            scope: r#"["openid"]"#.into(),
            resource: "[]".into(),
            dpop_jkt: None,
            status: "pending".into(),
            subject: None,
            granted_scope: None,
            granted_claims: None,
            last_polled_at: None,
            expires_at: later,
            inserted_at: now,
        },
        DeviceCodeRow[id]
    );
    store_and_load!(
        conn,
        db::CibaRequestRow {
            id: id(3),
            auth_req_id_hash: "c1ba".repeat(16),
            client_id: "bank-1".into(),
            delivery_mode: "poll".into(),
            scope: r#"["openid"]"#.into(),
            acr_values: "[]".into(),
            binding_message: Some("W4SCT".into()),
            client_notification_token: None,
            hint_subject: "user-1".into(),
            resource: "[]".into(),
            dpop_jkt: None,
            status: "pending".into(),
            subject: None,
            acr: None,
            auth_time: None,
            granted_scope: None,
            granted_claims: None,
            interval: 5,
            last_polled_at: None,
            expires_at: later,
            inserted_at: now,
        },
        CibaRequestRow[id]
    );
    store_and_load!(
        conn,
        db::LogoutSessionRow {
            id: id(4),
            sid: "sid-1".into(),
            subject: "user-1".into(),
            client_id: "client-1".into(),
            backchannel_logout_uri: Some("https://client.example/logout".into()),
            session_required: true,
            frontchannel_logout_uri: None,
            frontchannel_session_required: false,
            expires_at: later,
            inserted_at: now,
        },
        LogoutSessionRow[id]
    );
    store_and_load!(
        conn,
        db::DpopNonceRow {
            id: id(5),
            nonce: "eyJ7S_zG.eyJH0-Z".into(),
            issued_at: now,
            expires_at: later,
            used_at: None,
        },
        DpopNonceRow[id]
    );
    store_and_load!(
        conn,
        db::DpopReplayRow {
            jti: "e1j3V_bKic8-LAEB".into(),
            // Microseconds: dpop_replays keeps them.
            expires_at: db::TimestampUsec::from(later)
                .checked_add(TimeDelta::microseconds(250))
                .ok_or("clock out of range")?,
            inserted_at: now.into(),
        },
        DpopReplayRow[jti]
    );
    store_and_load!(
        conn,
        db::PushedAuthorizationRequestRow {
            request_uri: "urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c".into(),
            params: r#"{"response_type":"code","client_id":"client-1"}"#.into(),
            expires_at: later,
            inserted_at: now,
        },
        PushedAuthorizationRequestRow[request_uri]
    );
    store_and_load!(
        conn,
        db::ClientIdMetadataRow {
            url: "https://client.example/metadata.json".into(),
            metadata: r#"{"client_name":"Example"}"#.into(),
            expires_at: later,
            inserted_at: now,
        },
        ClientIdMetadataRow[url]
    );
    store_and_load!(
        conn,
        db::ConsentGrantRow {
            token: "cg-1".into(),
            binding_hash: "b1nd".repeat(16),
            subject: "user-1".into(),
            consumed_at: None,
            expires_at: later.into(),
            inserted_at: now.into(),
            updated_at: now.into(),
        },
        ConsentGrantRow[token]
    );

    // The sweeper: a replay that expired an hour ago goes, the live one stays.
    let now_usec = db::TimestampUsec::from(now);
    let stale = db::DpopReplayRow {
        jti: "stale".into(),
        expires_at: now_usec
            .checked_add(TimeDelta::hours(-1))
            .ok_or("clock out of range")?,
        inserted_at: now_usec
            .checked_add(TimeDelta::hours(-2))
            .ok_or("clock out of range")?,
    };
    conn.execute(db::DpopReplayRow::INSERT_SQL, stale.params())?;
    let swept = db::DpopReplayRow::sweep(&conn, &now_usec, db::SWEEP_BATCH)?;
    println!("swept {swept} expired row of {}", db::DpopReplayRow::TABLE);

    // A fraction of a second where the column keeps whole seconds cannot
    // even be a value of its type.
    match db::Timestamp::new(now.naive() + TimeDelta::milliseconds(700)) {
        Err(e) => println!("refused, as it should be: {e}"),
        Ok(_) => return Err("a fractional timestamp was accepted".into()),
    }

    let tx = conn.transaction()?;
    tx.execute_batch(db::DOWN_SQL)?;
    tx.commit()?;
    println!("applied DOWN_SQL: {} tables left", count_tables(&conn)?);
    Ok(())
}

fn count_tables(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
        [],
        |r| r.get(0),
    )
}
