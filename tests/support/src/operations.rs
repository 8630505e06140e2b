//! The stores' operations, as upstream's ExUnit store tests
//! (`test/attesto_phoenix/store/ecto_*_test.exs`) have them, ported as one
//! set of scenarios that every integration's tests run: [`rows!`](crate::rows)
//! writes the rows they use, [`scenarios!`](crate::scenarios) runs them.
//!
//! The macros name the expansion's module and, through this crate,
//! serde_json and uuid; the timestamps are the expansion's own.

/// The rows the scenarios write, for the module `$db`, each built by its
/// constructor: the fields the caller gives, and the others set where the
/// scenario needs them.
#[macro_export]
macro_rules! rows {
    ($db:ident) => {
        #[allow(dead_code)]
        mod rows {
            use super::$db as db;
            use $crate::serde_json::json;
            use $crate::uuid::Uuid;

            /// `now` moved by `seconds`.
            pub fn later(now: db::Timestamp, seconds: i64) -> db::Timestamp {
                now.checked_add_seconds(seconds).expect("within years 1 to 9999")
            }

            pub fn code(hash: &str, family: &str, now: db::Timestamp, ttl: i64) -> db::AuthorizationCodeRow {
                db::AuthorizationCodeRow {
                    scope: vec!["openid".to_owned()],
                    code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_owned()),
                    code_challenge_method: Some("S256".to_owned()),
                    family_id: Some(family.to_owned()),
                    ..db::AuthorizationCodeRow::new(db::NewAuthorizationCode {
                        code_hash: hash.to_owned(),
                        client_id: "client-1".to_owned(),
                        subject: "alice".to_owned(),
                        redirect_uri: "https://rp.example/cb".to_owned(),
                        expires_at: later(now, ttl),
                        inserted_at: now,
                    })
                }
            }

            pub fn token(hash: &str, family: &str, now: db::Timestamp) -> db::RefreshTokenRow {
                token_for(hash, family, now, 30 * 24 * 3600)
            }

            pub fn token_for(hash: &str, family: &str, now: db::Timestamp, ttl: i64) -> db::RefreshTokenRow {
                db::RefreshTokenRow {
                    client_id: Some("client-1".to_owned()),
                    scope: vec!["openid".to_owned()],
                    ..db::RefreshTokenRow::new(db::NewRefreshToken {
                        id: Uuid::new_v4(),
                        token_hash: hash.to_owned(),
                        family_id: family.to_owned(),
                        subject: "alice".to_owned(),
                        expires_at: later(now, ttl),
                        inserted_at: now,
                    })
                }
            }

            pub fn device(hash: &str, user_code: &str, now: db::Timestamp) -> db::DeviceCodeRow {
                device_for(hash, user_code, now, 600)
            }

            pub fn device_for(hash: &str, user_code: &str, now: db::Timestamp, ttl: i64) -> db::DeviceCodeRow {
                db::DeviceCodeRow {
                    scope: vec!["openid".to_owned()],
                    ..db::DeviceCodeRow::new(db::NewDeviceCode {
                        id: Uuid::new_v4(),
                        device_code_hash: hash.to_owned(),
                        user_code: user_code.to_owned(),
                        client_id: "tv".to_owned(),
                        expires_at: later(now, ttl),
                        inserted_at: now,
                    })
                }
            }

            pub fn ciba(hash: &str, now: db::Timestamp, ttl: i64, interval: i32) -> db::CibaRequestRow {
                db::CibaRequestRow {
                    scope: vec!["openid".to_owned()],
                    binding_message: Some("W4SCT".to_owned()),
                    interval,
                    ..db::CibaRequestRow::new(db::NewCibaRequest {
                        id: Uuid::new_v4(),
                        auth_req_id_hash: hash.to_owned(),
                        client_id: "bank".to_owned(),
                        delivery_mode: "poll".to_owned(),
                        hint_subject: "alice".to_owned(),
                        expires_at: later(now, ttl),
                        inserted_at: now,
                    })
                }
            }

            pub fn session(sid: &str, subject: &str, client: &str, now: db::Timestamp, ttl: i64) -> db::LogoutSessionRow {
                db::LogoutSessionRow {
                    backchannel_logout_uri: Some(format!("https://{client}.example/logout")),
                    session_required: true,
                    ..db::LogoutSessionRow::new(db::NewLogoutSession {
                        id: Uuid::new_v4(),
                        sid: sid.to_owned(),
                        subject: subject.to_owned(),
                        client_id: client.to_owned(),
                        expires_at: later(now, ttl),
                        inserted_at: now,
                    })
                }
            }

            pub fn nonce(value: &str, issued_at: db::Timestamp, ttl: i64) -> db::DpopNonceRow {
                db::DpopNonceRow::new(db::NewDpopNonce {
                    id: Uuid::new_v4(),
                    nonce: value.to_owned(),
                    issued_at,
                    expires_at: later(issued_at, ttl),
                })
            }

            pub fn replay(jti: &str, now: db::Timestamp, ttl: i64) -> db::DpopReplayRow {
                db::DpopReplayRow::new(db::NewDpopReplay {
                    jti: jti.to_owned(),
                    expires_at: later(now, ttl).into(),
                    inserted_at: now.into(),
                })
            }

            pub fn par(uri: &str, now: db::Timestamp, ttl: i64) -> db::PushedAuthorizationRequestRow {
                db::PushedAuthorizationRequestRow::new(db::NewPushedAuthorizationRequest {
                    request_uri: uri.to_owned(),
                    params: json!({ "client_id": "client-1", "scope": "openid" }),
                    expires_at: later(now, ttl),
                    inserted_at: now,
                })
            }

            pub fn metadata(url: &str, name: &str, now: db::Timestamp, ttl: i64) -> db::ClientIdMetadataRow {
                db::ClientIdMetadataRow::new(db::NewClientIdMetadata {
                    url: url.to_owned(),
                    metadata: json!({ "client_name": name }),
                    expires_at: later(now, ttl),
                    inserted_at: now,
                })
            }

            pub fn grant(token: &str, binding: &str, now: db::Timestamp, ttl: i64) -> db::ConsentGrantRow {
                db::ConsentGrantRow::new(db::NewConsentGrant {
                    token: token.to_owned(),
                    binding_hash: binding.to_owned(),
                    subject: "alice".to_owned(),
                    expires_at: later(now, ttl).into(),
                    inserted_at: now.into(),
                    updated_at: now.into(),
                })
            }
        }
    };
}

/// The scenarios, for the expansion `$db`, on the connection `$c`; `$aw`
/// is `.await` for an async driver, nothing for a sync one. After
/// `in_transaction:`, the statements that fail (a duplicate key, which is
/// an error) are left out: on PostgreSQL an error ends the transaction it
/// happens in, and the caller rolls back; every outcome that is not an
/// error runs.
#[macro_export]
macro_rules! scenarios {
    (in_transaction: $db:ident, $c:expr, $($aw:tt)*) => {
        $crate::scenarios!(@run false, $db, $c, $($aw)*)
    };
    (@run $errors:literal, $db:ident, $c:expr, $($aw:tt)*) => {{
        use $db::*;
        let now = Timestamp::now();
        let now_us: TimestampUsec = now.into();

        // EctoCodeStore.
        let code = rows::code("h1", "fam-1", now, 600);
        code.put($c)$($aw)*.expect("put");
        assert_eq!(AuthorizationCodeRow::get($c, "h1")$($aw)*.expect("get"), Some(code.clone()));
        if $errors {
            assert!(rows::code("h1", "fam-1", now, 600).put($c)$($aw)*.is_err(), "a duplicate code_hash is refused");
        }
        match AuthorizationCodeRow::take($c, "h1", &now)$($aw)*.expect("take") {
            CodeTake::Taken(row) => assert_eq!(row.consumed_at, Some(now)),
            other => panic!("take: {other:?}"),
        }
        assert_eq!(AuthorizationCodeRow::take($c, "h1", &now)$($aw)*.expect("take"), CodeTake::Missing, "a spent, unfinalized code is plain invalid");
        assert_eq!(AuthorizationCodeRow::get($c, "h1")$($aw)*.expect("get"), None);
        assert_eq!(AuthorizationCodeRow::mark_consumed($c, "h1")$($aw)*.expect("mark"), 1);
        assert!(matches!(AuthorizationCodeRow::take($c, "h1", &now)$($aw)*.expect("take"), CodeTake::Consumed(row) if row.consumed_success));
        assert_eq!(AuthorizationCodeRow::take($c, "absent", &now)$($aw)*.expect("take"), CodeTake::Missing);
        // Expiry: told apart, and the code spent all the same (upstream's effect).
        rows::code("expired", "fam-x", now, -60).put($c)$($aw)*.expect("put");
        assert!(matches!(AuthorizationCodeRow::take($c, "expired", &now)$($aw)*.expect("take"), CodeTake::Expired(row) if row.consumed_at == Some(now)), "an expired code is refused");
        assert_eq!(AuthorizationCodeRow::take($c, "expired", &now)$($aw)*.expect("take"), CodeTake::Missing, "and spent regardless of expiry");
        rows::code("at-expiry", "fam-x", now, 0).put($c)$($aw)*.expect("put");
        assert!(matches!(AuthorizationCodeRow::take($c, "at-expiry", &now)$($aw)*.expect("take"), CodeTake::Expired(_)), "expiring at now is expired");
        let at_expiry = rows::later(now, 300);
        assert_eq!(AuthorizationCodeRow::record_access_token($c, "fam-1", "at-1", &at_expiry)$($aw)*.expect("record"), 1);
        assert!(!AuthorizationCodeRow::access_token_revoked($c, "at-1", &now)$($aw)*.expect("revoked?"));
        assert_eq!(AuthorizationCodeRow::revoke_family_access_tokens($c, "fam-1", &now)$($aw)*.expect("revoke"), 1);
        assert!(AuthorizationCodeRow::access_token_revoked($c, "at-1", &now)$($aw)*.expect("revoked?"));
        assert!(!AuthorizationCodeRow::access_token_revoked($c, "at-1", &(rows::later(at_expiry, 1)))$($aw)*.expect("revoked?"), "an expired revoked token is ignored");

        // EctoRefreshStore.
        let first = rows::token("t1", "fam-r", now);
        assert_eq!(first.insert_in_family($c)$($aw)*.expect("insert"), RefreshInsert::Inserted);
        assert_eq!(RefreshTokenRow::get($c, "t1")$($aw)*.expect("get"), Some(first.clone()));
        assert_eq!(RefreshTokenRow::get($c, "unknown")$($aw)*.expect("get"), None);
        assert!(!RefreshTokenRow::remember_successor($c, "t1", &$crate::serde_json::json!({"v": 1}))$($aw)*.expect("remember"), "an unconsumed parent takes no successor");
        match RefreshTokenRow::consume($c, "t1", &now)$($aw)*.expect("consume") {
            RefreshConsume::Consumed(row) => assert!(row.consumed && row.consumed_at == Some(now)),
            other => panic!("consume: {other:?}"),
        }
        assert!(RefreshTokenRow::remember_successor($c, "t1", &$crate::serde_json::json!({"v": 1, "ciphertext": "x"}))$($aw)*.expect("remember"));
        assert!(!RefreshTokenRow::remember_successor($c, "unknown", &$crate::serde_json::json!({}))$($aw)*.expect("remember"));
        match RefreshTokenRow::consume($c, "t1", &now)$($aw)*.expect("consume") {
            RefreshConsume::Reused(row) => assert_eq!(row.family_id, "fam-r"),
            other => panic!("reuse: {other:?}"),
        }
        assert_eq!(RefreshTokenRow::consume($c, "unknown", &now)$($aw)*.expect("consume"), RefreshConsume::Unknown);
        // Expiry: told apart, and the token consumed all the same.
        assert_eq!(rows::token_for("t-old", "fam-old", now, -1).insert_in_family($c)$($aw)*.expect("insert"), RefreshInsert::Inserted);
        assert!(matches!(RefreshTokenRow::consume($c, "t-old", &now)$($aw)*.expect("consume"), RefreshConsume::Expired(row) if row.consumed));
        assert!(matches!(RefreshTokenRow::consume($c, "t-old", &now)$($aw)*.expect("consume"), RefreshConsume::Reused(_)), "consumed regardless of expiry");
        assert_eq!(rows::token("other", "fam-o", now).insert_in_family($c)$($aw)*.expect("insert"), RefreshInsert::Inserted);
        assert_eq!(RefreshTokenRow::revoke_family($c, "fam-r")$($aw)*.expect("revoke"), 1);
        assert_eq!(RefreshTokenRow::revoke_family($c, "fam-r")$($aw)*.expect("revoke again"), 1, "idempotent");
        assert_eq!(RefreshTokenRow::revoke_family($c, "no-such-family")$($aw)*.expect("revoke"), 0);
        assert_eq!(RefreshTokenRow::get($c, "t1")$($aw)*.expect("get"), None, "a revoked family's token reads as absent");
        assert_eq!(rows::token("t2", "fam-r", now).insert_in_family($c)$($aw)*.expect("insert"), RefreshInsert::FamilyRevoked, "sticky revocation");
        assert!(RefreshTokenRow::get($c, "other")$($aw)*.expect("get").is_some(), "an unrelated family is untouched");

        // EctoDeviceCodeStore.
        assert_eq!(rows::device("d1", "WDJB-MJHT", now).put($c)$($aw)*.expect("put"), DevicePut::Stored);
        assert_eq!(rows::device("d2", "WDJB-MJHT", now).put($c)$($aw)*.expect("put"), DevicePut::UserCodeTaken);
        if $errors {
            assert!(rows::device("d1", "OTHER-CODE", now).put($c)$($aw)*.is_err(), "another conflict is an error");
        }
        assert_eq!(DeviceCodeRow::lookup_user_code($c, "WDJB-MJHT")$($aw)*.expect("lookup").map(|r| r.status), Some("pending".to_owned()));
        let scope = vec!["openid".to_owned()];
        let claims = $crate::serde_json::json!({"email": null});
        assert_eq!(DeviceCodeRow::approve($c, "WDJB-MJHT", "alice", &scope, &claims)$($aw)*.expect("approve"), DeviceDecide::Decided);
        assert_eq!(DeviceCodeRow::approve($c, "WDJB-MJHT", "alice", &scope, &claims)$($aw)*.expect("approve"), DeviceDecide::AlreadyDecided);
        assert_eq!(DeviceCodeRow::deny($c, "WDJB-MJHT")$($aw)*.expect("deny"), DeviceDecide::AlreadyDecided);
        assert_eq!(DeviceCodeRow::deny($c, "NO-SUCH")$($aw)*.expect("deny"), DeviceDecide::NotFound);
        assert!(matches!(DeviceCodeRow::poll($c, "d1", &now, 5)$($aw)*.expect("poll"),
            DevicePoll::Polled(row) if row.last_polled_at == Some(now) && row.status == "approved" && row.granted_claims == Some(claims.clone())));
        assert_eq!(DeviceCodeRow::poll($c, "d1", &(rows::later(now, 4)), 5)$($aw)*.expect("poll"), DevicePoll::SlowDown);
        assert!(matches!(DeviceCodeRow::poll($c, "d1", &(rows::later(now, 5)), 5)$($aw)*.expect("poll"), DevicePoll::Polled(_)));
        assert_eq!(DeviceCodeRow::poll($c, "unknown", &now, 5)$($aw)*.expect("poll"), DevicePoll::Missing);
        assert!(matches!(DeviceCodeRow::consume($c, "d1", &now)$($aw)*.expect("consume"), DeviceConsume::Consumed(row) if row.status == "consumed"));
        assert!(matches!(DeviceCodeRow::consume($c, "d1", &now)$($aw)*.expect("consume"), DeviceConsume::NotApproved(row) if row.status == "consumed"));
        assert_eq!(DeviceCodeRow::consume($c, "unknown", &now)$($aw)*.expect("consume"), DeviceConsume::Missing);
        assert_eq!(rows::device("d3", "DENY-ME", now).put($c)$($aw)*.expect("put"), DevicePut::Stored);
        assert!(matches!(DeviceCodeRow::consume($c, "d3", &now)$($aw)*.expect("consume"), DeviceConsume::NotApproved(row) if row.status == "pending"), "a pending code is not consumed");
        assert_eq!(DeviceCodeRow::deny($c, "DENY-ME")$($aw)*.expect("deny"), DeviceDecide::Decided);
        assert!(matches!(DeviceCodeRow::consume($c, "d3", &now)$($aw)*.expect("consume"), DeviceConsume::NotApproved(row) if row.status == "denied"), "a denied code is not consumed");
        // Expiry: a poll is recorded all the same and told apart; an
        // approved, expired code is not consumed.
        assert_eq!(rows::device_for("d-old", "OLD-CODE", now, -1).put($c)$($aw)*.expect("put"), DevicePut::Stored);
        assert!(matches!(DeviceCodeRow::poll($c, "d-old", &now, 5)$($aw)*.expect("poll"), DevicePoll::Expired(row) if row.last_polled_at == Some(now)));
        assert_eq!(DeviceCodeRow::approve($c, "OLD-CODE", "alice", &scope, &claims)$($aw)*.expect("approve"), DeviceDecide::Decided);
        assert!(matches!(DeviceCodeRow::consume($c, "d-old", &now)$($aw)*.expect("consume"), DeviceConsume::Expired(row) if row.status == "approved"));
        assert_eq!(DeviceCodeRow::lookup_user_code($c, "OLD-CODE")$($aw)*.expect("lookup").map(|r| r.status), Some("approved".to_owned()), "not consumed");

        // EctoCIBAStore.
        rows::ciba("c1", now, 600, 5).put($c)$($aw)*.expect("put");
        assert_eq!(CibaRequestRow::lookup($c, "c1")$($aw)*.expect("lookup").map(|r| r.binding_message), Some(Some("W4SCT".to_owned())));
        assert_eq!(CibaRequestRow::lookup($c, "unknown")$($aw)*.expect("lookup"), None);
        match CibaRequestRow::approve($c, "c1", &now, "alice", Some("urn:acr:silver"), Some(&now), Some(&scope), &claims)$($aw)*.expect("approve") {
            CibaDecide::Decided(row) => assert_eq!((row.status.as_str(), row.acr.as_deref(), row.auth_time), ("approved", Some("urn:acr:silver"), Some(now))),
            other => panic!("approve: {other:?}"),
        }
        assert_eq!(CibaRequestRow::approve($c, "c1", &now, "alice", None, None, None, &claims)$($aw)*.expect("approve"), CibaDecide::AlreadyDecided);
        assert_eq!(CibaRequestRow::deny($c, "unknown", &now)$($aw)*.expect("deny"), CibaDecide::NotFound);
        rows::ciba("c-expired", now, -1, 5).put($c)$($aw)*.expect("put");
        assert_eq!(CibaRequestRow::deny($c, "c-expired", &now)$($aw)*.expect("deny"), CibaDecide::Expired);
        rows::ciba("c-deny", now, 600, 5).put($c)$($aw)*.expect("put");
        assert!(matches!(CibaRequestRow::deny($c, "c-deny", &now)$($aw)*.expect("deny"), CibaDecide::Decided(row) if row.status == "denied"));
        assert!(matches!(CibaRequestRow::consume($c, "c-deny", &now)$($aw)*.expect("consume"), CibaConsume::NotApproved(row) if row.status == "denied"));
        assert!(matches!(CibaRequestRow::consume($c, "c1", &now)$($aw)*.expect("consume"), CibaConsume::Consumed(row) if row.status == "consumed"));
        assert!(matches!(CibaRequestRow::consume($c, "c1", &now)$($aw)*.expect("consume"), CibaConsume::NotApproved(_)));
        assert_eq!(CibaRequestRow::consume($c, "unknown", &now)$($aw)*.expect("consume"), CibaConsume::Missing);
        // Expiry: a poll is recorded and told apart; an approved request
        // that expired is not consumed.
        rows::ciba("c-late", now, 60, 5).put($c)$($aw)*.expect("put");
        assert!(matches!(CibaRequestRow::approve($c, "c-late", &now, "alice", None, None, None, &claims)$($aw)*.expect("approve"), CibaDecide::Decided(_)));
        let after = rows::later(now, 60);
        assert!(matches!(CibaRequestRow::poll($c, "c-late", &after)$($aw)*.expect("poll"), CibaPoll::Expired(row) if row.last_polled_at == Some(after)));
        assert!(matches!(CibaRequestRow::consume($c, "c-late", &after)$($aw)*.expect("consume"), CibaConsume::Expired(row) if row.status == "approved"));
        assert!(matches!(CibaRequestRow::consume($c, "c-late", &now)$($aw)*.expect("consume"), CibaConsume::Consumed(_)), "still consumable before its expiry");
        rows::ciba("c-poll", now, 600, 5).put($c)$($aw)*.expect("put");
        assert!(matches!(CibaRequestRow::poll($c, "c-poll", &now)$($aw)*.expect("poll"), CibaPoll::Polled(row) if row.last_polled_at == Some(now)));
        assert_eq!(CibaRequestRow::poll($c, "c-poll", &(rows::later(now, 4)))$($aw)*.expect("poll"), CibaPoll::SlowDown);
        assert!(matches!(CibaRequestRow::poll($c, "c-poll", &(rows::later(now, 5)))$($aw)*.expect("poll"), CibaPoll::Polled(_)));
        assert_eq!(CibaRequestRow::poll($c, "unknown", &now)$($aw)*.expect("poll"), CibaPoll::Missing);
        rows::ciba("c-fast", now, 600, 0).put($c)$($aw)*.expect("put");
        for _ in 0..3 {
            assert!(matches!(CibaRequestRow::poll($c, "c-fast", &now)$($aw)*.expect("poll"), CibaPoll::Polled(_)), "interval 0 accepts every poll");
        }

        // EctoLogoutSessionStore.
        let rp1 = rows::session("sid-1", "alice", "rp1", now, 600);
        rp1.record($c)$($aw)*.expect("record");
        rows::session("sid-1", "alice", "rp2", now, 600).record($c)$($aw)*.expect("record");
        rows::session("sid-2", "alice", "rp1", now, 600).record($c)$($aw)*.expect("record");
        rows::session("sid-3", "alice", "rp3", now, -1).record($c)$($aw)*.expect("record");
        // Idempotent on (sid, client_id): the new values replace the old, one row stays.
        let moved = LogoutSessionRow {
            id: $crate::uuid::Uuid::new_v4(),
            backchannel_logout_uri: None,
            frontchannel_logout_uri: Some("https://rp1.example/front".to_owned()),
            frontchannel_session_required: true,
            ..rp1.clone()
        };
        moved.record($c)$($aw)*.expect("record");
        let targets = LogoutSessionRow::targets_by_sid($c, "sid-1", &now)$($aw)*.expect("targets");
        assert_eq!(targets.len(), 2);
        let first = targets.iter().find(|t| t.client_id == "rp1").expect("rp1");
        assert_eq!((first.id, first.backchannel_logout_uri.as_deref(), first.frontchannel_logout_uri.as_deref()), (rp1.id, None, Some("https://rp1.example/front")));
        assert_eq!(LogoutSessionRow::targets_by_subject($c, "alice", &now)$($aw)*.expect("targets").len(), 3, "expired rows are not returned");
        let taken = LogoutSessionRow::take_targets_by_sid($c, "sid-1", &now)$($aw)*.expect("take");
        assert_eq!(taken.len(), 2);
        assert!(LogoutSessionRow::targets_by_sid($c, "sid-1", &now)$($aw)*.expect("targets").is_empty());
        assert!(LogoutSessionRow::take_targets_by_sid($c, "sid-3", &now)$($aw)*.expect("take").is_empty(), "an expired row is not taken");
        assert_eq!(LogoutSessionRow::delete_by_sid($c, "sid-3")$($aw)*.expect("delete"), 1);
        assert_eq!(LogoutSessionRow::delete_by_subject($c, "alice")$($aw)*.expect("delete"), 1);

        // EctoNonceStore.
        rows::nonce("n1", now, 300).issue($c)$($aw)*.expect("issue");
        assert!(DpopNonceRow::valid($c, "n1", &now)$($aw)*.expect("valid"));
        assert!(!DpopNonceRow::valid($c, "unknown", &now)$($aw)*.expect("valid"));
        assert!(!DpopNonceRow::valid($c, "n1", &(rows::later(now, 300)))$($aw)*.expect("valid"), "past the stored expiry");
        assert_eq!(DpopNonceRow::accept($c, "n1", &now, 300)$($aw)*.expect("accept"), NonceAccept::Accepted);
        assert_eq!(DpopNonceRow::accept($c, "n1", &now, 300)$($aw)*.expect("accept"), NonceAccept::Used);
        assert!(!DpopNonceRow::valid($c, "n1", &now)$($aw)*.expect("valid"));
        assert_eq!(DpopNonceRow::accept($c, "unknown", &now, 300)$($aw)*.expect("accept"), NonceAccept::Unknown);
        rows::nonce("n-old", rows::later(now, -301), 600).issue($c)$($aw)*.expect("issue");
        assert_eq!(DpopNonceRow::accept($c, "n-old", &now, 300)$($aw)*.expect("accept"), NonceAccept::Expired);
        rows::nonce("n-edge", rows::later(now, -300), 600).issue($c)$($aw)*.expect("issue");
        assert_eq!(DpopNonceRow::accept($c, "n-edge", &now, 300)$($aw)*.expect("accept"), NonceAccept::Accepted, "just inside the window");

        // EctoReplayCheck.
        assert_eq!(rows::replay("j1", now, 60).check_and_record($c)$($aw)*.expect("check"), ReplayCheck::Recorded);
        assert_eq!(rows::replay("j1", now, 60).check_and_record($c)$($aw)*.expect("check"), ReplayCheck::Replay);
        assert_eq!(rows::replay("j2", now, 60).check_and_record($c)$($aw)*.expect("check"), ReplayCheck::Recorded);
        assert_eq!(rows::replay("j-old", now, -60).check_and_record($c)$($aw)*.expect("check"), ReplayCheck::Recorded);
        assert_eq!(rows::replay("j-old", now, 60).check_and_record($c)$($aw)*.expect("check"), ReplayCheck::Replay, "an expired, unswept jti still rejects (fail closed)");
        assert_eq!(DpopReplayRow::sweep($c, &now_us, SWEEP_BATCH)$($aw)*.expect("sweep"), 1);
        assert_eq!(rows::replay("j-old", now, 60).check_and_record($c)$($aw)*.expect("check"), ReplayCheck::Recorded, "a swept jti records again");

        // EctoPARStore.
        rows::par("urn:1", now, 60).put($c)$($aw)*.expect("put");
        for _ in 0..2 {
            assert_eq!(PushedAuthorizationRequestRow::fetch($c, "urn:1", &now)$($aw)*.expect("fetch").map(|r| r.params), Some($crate::serde_json::json!({"client_id": "client-1", "scope": "openid"})), "fetch does not consume");
        }
        assert_eq!(PushedAuthorizationRequestRow::fetch($c, "unknown", &now)$($aw)*.expect("fetch"), None);
        if $errors {
            assert!(rows::par("urn:1", now, 60).put($c)$($aw)*.is_err(), "a duplicate request_uri is refused");
        }
        assert!(matches!(PushedAuthorizationRequestRow::take($c, "urn:1", &now)$($aw)*.expect("take"), ParTake::Taken(row) if row.request_uri == "urn:1"));
        assert_eq!(PushedAuthorizationRequestRow::take($c, "urn:1", &now)$($aw)*.expect("take"), ParTake::Missing);
        rows::par("urn:old", now, -1).put($c)$($aw)*.expect("put");
        assert_eq!(PushedAuthorizationRequestRow::fetch($c, "urn:old", &now)$($aw)*.expect("fetch"), None);
        assert!(matches!(PushedAuthorizationRequestRow::take($c, "urn:old", &now)$($aw)*.expect("take"), ParTake::Expired(row) if row.request_uri == "urn:old"), "told apart, and left for the sweeper");

        // EctoClientIdMetadataCache.
        rows::metadata("https://c.example/m.json", "old", now, 60).put($c)$($aw)*.expect("put");
        rows::metadata("https://c.example/m.json", "new", now, 120).put($c)$($aw)*.expect("put");
        let cached = ClientIdMetadataRow::get($c, "https://c.example/m.json", &now)$($aw)*.expect("get").expect("cached");
        assert_eq!((cached.metadata, cached.expires_at), ($crate::serde_json::json!({"client_name": "new"}), rows::later(now, 120)), "a re-fetch replaces the entry");
        assert_eq!(ClientIdMetadataRow::get($c, "https://c.example/m.json", &(rows::later(now, 120)))$($aw)*.expect("get"), None, "an expired entry is a miss");
        assert_eq!(ClientIdMetadataRow::get($c, "https://unknown.example", &now)$($aw)*.expect("get"), None);
        rows::metadata("https://d.example/m.json", "d", now, 60).put($c)$($aw)*.expect("put");
        assert_eq!(ClientIdMetadataRow::delete($c, "https://c.example/m.json")$($aw)*.expect("delete"), 1);
        assert_eq!(ClientIdMetadataRow::delete($c, "https://c.example/m.json")$($aw)*.expect("delete"), 0, "no-op when absent");
        assert_eq!(ClientIdMetadataRow::delete_all($c)$($aw)*.expect("delete all"), 1);

        // EctoConsentGrantStore.
        rows::grant("g1", "bind-1", now, 300).mint($c)$($aw)*.expect("mint");
        assert_eq!(ConsentGrantRow::consume($c, "g1", "bind-other", &now_us)$($aw)*.expect("consume"), ConsentConsume::BindingMismatch);
        assert_eq!(ConsentGrantRow::consume($c, "g1", "bind-1", &now_us)$($aw)*.expect("consume"), ConsentConsume::Consumed);
        assert_eq!(ConsentGrantRow::consume($c, "g1", "bind-1", &now_us)$($aw)*.expect("consume"), ConsentConsume::AlreadyConsumed);
        assert_eq!(ConsentGrantRow::consume($c, "unknown", "bind-1", &now_us)$($aw)*.expect("consume"), ConsentConsume::NotFound);
        assert_eq!(ConsentGrantRow::consume($c, "", "bind-1", &now_us)$($aw)*.expect("consume"), ConsentConsume::NotFound);
        rows::grant("g-old", "bind-2", now, -1).mint($c)$($aw)*.expect("mint");
        assert_eq!(ConsentGrantRow::consume($c, "g-old", "bind-2", &now_us)$($aw)*.expect("consume"), ConsentConsume::Expired);
        assert_eq!(ConsentGrantRow::consume($c, "g-old", "bind-3", &now_us)$($aw)*.expect("consume"), ConsentConsume::BindingMismatch, "a mismatch wins over expiry");

        // The sweeper: what expired goes, table by table, strictly before now.
        rows::par("urn:edge", now, 0).put($c)$($aw)*.expect("put");
        assert_eq!(PushedAuthorizationRequestRow::sweep($c, &now, SWEEP_BATCH)$($aw)*.expect("sweep"), 1, "urn:old goes, urn:edge (expiring now) stays");
        assert!(PushedAuthorizationRequestRow::fetch($c, "urn:edge", &(rows::later(now, -1)))$($aw)*.expect("fetch").is_some());
        assert_eq!(CibaRequestRow::sweep($c, &now, SWEEP_BATCH)$($aw)*.expect("sweep"), 1);
        // A code whose access token was revoked stays until that token has
        // expired: its row is the only record of the revocation.
        let token_expiry = rows::later(now, 300);
        rows::code("kept", "fam-kept", now, -60).put($c)$($aw)*.expect("put");
        rows::code("gone", "fam-gone", now, -60).put($c)$($aw)*.expect("put");
        for family in ["fam-kept", "fam-gone"] {
            assert_eq!(AuthorizationCodeRow::record_access_token($c, family, &format!("at-{family}"), &token_expiry)$($aw)*.expect("record"), 1);
        }
        assert_eq!(AuthorizationCodeRow::revoke_family_access_tokens($c, "fam-kept", &now)$($aw)*.expect("revoke"), 1);
        assert_eq!(AuthorizationCodeRow::sweep($c, &now, SWEEP_BATCH)$($aw)*.expect("sweep"), 2, "`expired` and `gone` go; `kept`, whose token is revoked, and `at-expiry` stay");
        assert!(AuthorizationCodeRow::access_token_revoked($c, "at-fam-kept", &now)$($aw)*.expect("revoked?"), "the revocation outlives the code");
        assert_eq!(AuthorizationCodeRow::sweep($c, &token_expiry, SWEEP_BATCH)$($aw)*.expect("sweep"), 1, "at the token's expiry, the revoked code stays, `at-expiry` goes");
        assert!(AuthorizationCodeRow::access_token_revoked($c, "at-fam-kept", &rows::later(token_expiry, -1))$($aw)*.expect("revoked?"));
        assert_eq!(AuthorizationCodeRow::sweep($c, &rows::later(token_expiry, 1), SWEEP_BATCH)$($aw)*.expect("sweep"), 1, "once the token expired, its code goes");

        // In batches: seven expired jti and two live ones, two at a time:
        // every expired one goes (the last batch deletes fewer than two),
        // no live one; a batch of 0 counts as 1.
        for i in 0..7 {
            rows::replay(&format!("b-old-{i}"), now, -60).check_and_record($c)$($aw)*.expect("check");
        }
        for i in 0..2 {
            rows::replay(&format!("b-live-{i}"), now, 60).check_and_record($c)$($aw)*.expect("check");
        }
        assert_eq!(DpopReplayRow::sweep($c, &now_us, 2)$($aw)*.expect("sweep"), 7);
        assert_eq!(DpopReplayRow::sweep($c, &now_us, 2)$($aw)*.expect("sweep"), 0);
        rows::replay("b-old-z", now, -60).check_and_record($c)$($aw)*.expect("check");
        assert_eq!(DpopReplayRow::sweep($c, &now_us, 0)$($aw)*.expect("sweep"), 1);
        for i in 0..2 {
            assert_eq!(rows::replay(&format!("b-live-{i}"), now, 60).check_and_record($c)$($aw)*.expect("check"), ReplayCheck::Replay, "a live jti stays");
        }

        // `sweep_all`: every table at once, what each deleted.
        sweep_all($c, &now)$($aw)*.expect("sweep all");
        for i in 0..3 {
            rows::replay(&format!("a-old-{i}"), now, -60).check_and_record($c)$($aw)*.expect("check");
        }
        rows::par("urn:all-old", now, -60).put($c)$($aw)*.expect("put");
        rows::par("urn:all-live", now, 60).put($c)$($aw)*.expect("put");
        let swept = sweep_all($c, &now)$($aw)*.expect("sweep all");
        assert_eq!((swept.dpop_replays, swept.pushed_authorization_requests, swept.total()), (3, 1, 4), "{swept:?}");
        assert_eq!(sweep_all($c, &now)$($aw)*.expect("sweep all"), Swept::default());
        assert!(PushedAuthorizationRequestRow::fetch($c, "urn:all-live", &now)$($aw)*.expect("fetch").is_some());
    }};
    ($db:ident, $c:expr, $($aw:tt)*) => {
        $crate::scenarios!(@run true, $db, $c, $($aw)*)
    };
}
