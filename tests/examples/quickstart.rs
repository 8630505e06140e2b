//! The main job: expand `attesto_migration!` for SQLite, apply `UP_SQL` to a
//! database file, write and read back one row of every table through the
//! generated structs, apply `DOWN_SQL`, and say what happened.
//!
//! Run it with `cargo run --example quickstart [PATH]`; PATH defaults to
//! `attesto-quickstart.db` in the system's temporary directory.

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::Connection;
use serde_json::json;
use uuid::Uuid;

mod db {
    attesto_macros::attesto_migration!(
        dialect = "sqlite",
        prefix = "demo_",
        types(
            timestamp = chrono::NaiveDateTime,
            json = serde_json::Value,
            uuid = uuid::Uuid,
            strings = serde_json::Value,
        ),
    );
}

/// Inserts `$row` with the table's `INSERT_SQL`, reads it back by column
/// name with `SELECT_SQL`, and checks that nothing changed on the way.
macro_rules! store_and_load {
    ($conn:expr, $row:expr, $Row:ident { $($field:ident),* $(,)? }) => {{
        let row: db::$Row = $row;
        $conn.execute(db::$Row::INSERT_SQL, rusqlite::params![$(row.$field),*])?;
        let back = $conn.query_row(db::$Row::SELECT_SQL, [], |r| {
            Ok(db::$Row { $($field: r.get(stringify!($field))?),* })
        })?;
        if back != row {
            return Err(format!("{} changed on the way: {row:?} became {back:?}", db::$Row::TABLE).into());
        }
        println!("  wrote and read back 1 row of {}", db::$Row::TABLE);
    }};
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("attesto-quickstart.db"));
    if path.exists() {
        std::fs::remove_file(&path)?;
    }
    let mut conn = Connection::open(&path)?;
    println!(
        "attesto quickstart: schema release {}, dialect {}, prefix {:?}",
        db::SCHEMA_RELEASE,
        db::DIALECT,
        db::TABLE_PREFIX
    );

    let tx = conn.transaction()?;
    tx.execute_batch(db::UP_SQL)?;
    tx.commit()?;
    println!(
        "applied UP_SQL to {}: {} tables",
        path.display(),
        count_tables(&conn)?
    );

    // Whole seconds, as the timestamp(0) columns keep them.
    let now: NaiveDateTime = DateTime::<Utc>::from_timestamp(Utc::now().timestamp(), 0)
        .ok_or("clock out of range")?
        .naive_utc();
    let later = now + chrono::Duration::minutes(10);

    store_and_load!(
        conn,
        db::AuthorizationCodeRow {
            code_hash: "c0de".repeat(16),
            client_id: "client-1".into(),
            subject: "user-1".into(),
            scope: json!(["openid", "profile"]),
            resource: json!(["https://api.example"]),
            redirect_uri: "https://client.example/cb".into(),
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
            code_challenge_method: Some("S256".into()),
            cnf: Some(json!({ "jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" })),
            nonce: Some("n-0S6_WzA2Mj".into()),
            claims: json!({}),
            family_id: None,
            access_token_jti: None,
            access_token_expires_at: None,
            access_token_revoked_at: None,
            expires_at: later,
            consumed_at: None,
            consumed_success: false,
            inserted_at: now,
        },
        AuthorizationCodeRow {
            code_hash,
            client_id,
            subject,
            scope,
            resource,
            redirect_uri,
            code_challenge,
            code_challenge_method,
            cnf,
            nonce,
            claims,
            family_id,
            access_token_jti,
            access_token_expires_at,
            access_token_revoked_at,
            expires_at,
            consumed_at,
            consumed_success,
            inserted_at,
        }
    );
    store_and_load!(
        conn,
        db::RefreshTokenRow {
            id: Uuid::new_v4(),
            token_hash: "7f".repeat(32),
            family_id: "family-1".into(),
            generation: 0,
            client_id: Some("client-1".into()),
            subject: "user-1".into(),
            scope: json!(["openid", "offline_access"]),
            resource: json!([]),
            acr: Some("urn:mace:incommon:iap:silver".into()),
            auth_time: Some(now.and_utc().timestamp()),
            cnf: None,
            claims: json!({}),
            consumed: false,
            consumed_at: None,
            successor: None,
            family_revoked: false,
            expires_at: later,
            parent_hash: None,
            inserted_at: now,
        },
        RefreshTokenRow {
            id,
            token_hash,
            family_id,
            generation,
            client_id,
            subject,
            scope,
            resource,
            acr,
            auth_time,
            cnf,
            claims,
            consumed,
            consumed_at,
            successor,
            family_revoked,
            expires_at,
            parent_hash,
            inserted_at,
        }
    );
    store_and_load!(
        conn,
        db::DeviceCodeRow {
            id: Uuid::new_v4(),
            device_code_hash: "d3".repeat(32),
            user_code: "WDJB-MJHT".into(),
            client_id: "tv-app".into(),
            scope: json!(["openid"]),
            resource: json!([]),
            dpop_jkt: None,
            status: "pending".into(),
            subject: None,
            granted_scope: None,
            granted_claims: None,
            last_polled_at: Some(now),
            expires_at: later,
            inserted_at: now,
        },
        DeviceCodeRow {
            id,
            device_code_hash,
            user_code,
            client_id,
            scope,
            resource,
            dpop_jkt,
            status,
            subject,
            granted_scope,
            granted_claims,
            last_polled_at,
            expires_at,
            inserted_at,
        }
    );
    store_and_load!(
        conn,
        db::LogoutSessionRow {
            id: Uuid::new_v4(),
            sid: "08a5019c-17e1-4977-8f42-65a12843ea02".into(),
            subject: "user-1".into(),
            client_id: "client-1".into(),
            backchannel_logout_uri: "https://client.example/logout".into(),
            session_required: true,
            expires_at: later,
            inserted_at: now,
        },
        LogoutSessionRow {
            id,
            sid,
            subject,
            client_id,
            backchannel_logout_uri,
            session_required,
            expires_at,
            inserted_at,
        }
    );
    store_and_load!(
        conn,
        db::DpopNonceRow {
            id: Uuid::new_v4(),
            nonce: "eyJ7S_zG.eyJH0-Z.HX4w-7v".into(),
            issued_at: now,
            expires_at: later,
            used_at: None,
        },
        DpopNonceRow {
            id,
            nonce,
            issued_at,
            expires_at,
            used_at
        }
    );
    store_and_load!(
        conn,
        db::DpopReplayRow {
            jti: "e1j3V_bKic8-LAEB".into(),
            expires_at: later,
            inserted_at: now,
        },
        DpopReplayRow {
            jti,
            expires_at,
            inserted_at
        }
    );
    store_and_load!(
        conn,
        db::PushedAuthorizationRequestRow {
            request_uri: "urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c".into(),
            params: json!({ "response_type": "code", "client_id": "client-1" }),
            expires_at: later,
            inserted_at: now,
        },
        PushedAuthorizationRequestRow {
            request_uri,
            params,
            expires_at,
            inserted_at
        }
    );
    store_and_load!(
        conn,
        db::ClientIdMetadataRow {
            url: "https://app.example/client.json".into(),
            metadata: json!({ "client_name": "Example App" }),
            expires_at: later,
            inserted_at: now,
        },
        ClientIdMetadataRow {
            url,
            metadata,
            expires_at,
            inserted_at
        }
    );
    store_and_load!(
        conn,
        db::ConsentGrantRow {
            token: "consent-1".into(),
            binding_hash: "b1".repeat(32),
            subject: "user-1".into(),
            consumed_at: None,
            expires_at: later,
            inserted_at: now,
            updated_at: now,
        },
        ConsentGrantRow {
            token,
            binding_hash,
            subject,
            consumed_at,
            expires_at,
            inserted_at,
            updated_at,
        }
    );

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
