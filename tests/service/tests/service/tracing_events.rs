//! `tracing`: every operation runs in a span `attesto` with its table,
//! operation and outcome, and the outcomes a security monitor wants are
//! events: a code, refresh token or DPoP proof presented again (`WARN`),
//! an expired presentation (`INFO`), a sweep that deleted rows (`INFO`).

use std::sync::{Arc, Mutex};

use attesto_service_tests::multi as db;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::SqliteFile;

/// What the subscriber saw: each event's level and fields, each span's
/// fields as recorded.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl Seen {
    fn push(&self, line: String) {
        self.0.lock().expect("lock").push(line);
    }

    fn lines(&self) -> Vec<String> {
        self.0.lock().expect("lock").clone()
    }
}

impl Subscriber for Seen {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields(String::new());
        span.record(&mut fields);
        let mut seen = self.0.lock().expect("lock");
        seen.push(format!("span {}{}", span.metadata().name(), fields.0));
        Id::from_u64(seen.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut fields = Fields(String::new());
        values.record(&mut fields);
        self.push(format!("record {}{}", span.into_u64(), fields.0));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        self.push(format!("event {}{}", event.metadata().level(), fields.0));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn security_outcomes_are_events() {
    let seen = Seen::default();
    let _default = tracing::subscriber::set_default(seen.clone());
    let file = SqliteFile::new("tracing");
    let pool = db::Pool::connect(&file.url()).await.expect("connect");
    db::ensure(&pool).await.expect("ensure");
    let now = db::Timestamp::now();
    let code = |hash: &str, ttl: i64| {
        db::AuthorizationCodeRow::new(db::NewAuthorizationCode {
            code_hash: hash.to_owned(),
            client_id: "client-1".to_owned(),
            subject: "alice".to_owned(),
            redirect_uri: "https://rp.example/cb".to_owned(),
            expires_at: now.checked_add_seconds(ttl).expect("in range"),
            inserted_at: now,
        })
    };
    code("c1", 600).put(&pool).await.expect("put");
    db::AuthorizationCodeRow::take(&pool, "c1", &now)
        .await
        .expect("take");
    db::AuthorizationCodeRow::mark_consumed(&pool, "c1")
        .await
        .expect("mark");
    db::AuthorizationCodeRow::take(&pool, "c1", &now)
        .await
        .expect("take");
    code("old", -60).put(&pool).await.expect("put");
    db::AuthorizationCodeRow::take(&pool, "old", &now)
        .await
        .expect("take");
    let token = db::RefreshTokenRow::new(db::NewRefreshToken {
        id: uuid::Uuid::new_v4(),
        token_hash: "r1".to_owned(),
        family_id: "fam".to_owned(),
        subject: "alice".to_owned(),
        expires_at: now.checked_add_seconds(600).expect("in range"),
        inserted_at: now,
    });
    token.insert_in_family(&pool).await.expect("insert");
    db::RefreshTokenRow::consume(&pool, "r1", &now)
        .await
        .expect("consume");
    db::RefreshTokenRow::consume(&pool, "r1", &now)
        .await
        .expect("consume");
    let proof = db::DpopReplayRow {
        jti: "proof-1".to_owned(),
        expires_at: now.checked_add_seconds(60).expect("in range").into(),
        inserted_at: now.into(),
    };
    proof.check_and_record(&pool).await.expect("check");
    proof.check_and_record(&pool).await.expect("check");
    let swept = db::sweep_all(&pool, &now.checked_add_seconds(3_600).expect("in range"))
        .await
        .expect("sweep");
    assert!(swept.total() > 0);

    let lines = seen.lines();
    let has = |needle: &[&str]| lines.iter().any(|l| needle.iter().all(|n| l.contains(n)));
    assert!(
        has(&[
            "span attesto",
            "table=\"s_attesto_authorization_codes\"",
            "operation=\"take\""
        ]),
        "{lines:#?}"
    );
    assert!(has(&["record", "outcome=\"Taken\""]), "{lines:#?}");
    assert!(has(&["event WARN", "event=\"code_reuse\""]), "{lines:#?}");
    assert!(
        has(&["event WARN", "event=\"refresh_reuse\""]),
        "{lines:#?}"
    );
    assert!(has(&["event WARN", "event=\"dpop_replay\""]), "{lines:#?}");
    assert!(
        has(&[
            "event INFO",
            "event=\"expired_presentation\"",
            "operation=\"take\""
        ]),
        "{lines:#?}"
    );
    assert!(
        has(&["event INFO", "event=\"swept\"", "total="]),
        "{lines:#?}"
    );
    // A code redeemed once is no alert.
    assert_eq!(
        lines.iter().filter(|l| l.contains("code_reuse")).count(),
        1,
        "{lines:#?}"
    );
}
