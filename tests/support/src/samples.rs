//! A sample row of every table, for the round-trip tests of every
//! integration: [`for_each_table!`](crate::for_each_table) names each
//! table's fields, [`Sample`] gives each field a value that no other
//! column of the row has, and [`sample_row!`](crate::sample_row) builds the
//! row.

use attesto_schema::LogicalType;
use chrono::{NaiveDate, NaiveDateTime, Timelike};
use serde_json::json;

/// Calls `$each!` once per table with the row struct, the table's module in
/// the diesel and sea-orm integrations, its key fields and its fields, in the order of the template (written out here, not taken
/// from the model, so that the model cannot drift from the tests).
#[macro_export]
macro_rules! for_each_table {
    ($db:ident, $each:ident $(, $ctx:expr)*) => {
        $each!($($ctx,)* $db, AuthorizationCodeRow authorization_codes [code_hash] {
            code_hash, client_id, subject, scope, resource, redirect_uri, code_challenge,
            code_challenge_method, cnf, nonce, claims, family_id, access_token_jti,
            access_token_expires_at, access_token_revoked_at, expires_at, consumed_at,
            consumed_success, inserted_at
        });
        $each!($($ctx,)* $db, RefreshTokenRow refresh_tokens [id] {
            id, token_hash, family_id, generation, client_id, subject, scope, resource, acr,
            auth_time, cnf, claims, consumed, consumed_at, successor, family_revoked,
            expires_at, parent_hash, inserted_at
        });
        $each!($($ctx,)* $db, DeviceCodeRow device_codes [id] {
            id, device_code_hash, user_code, client_id, scope, resource, dpop_jkt, status,
            subject, granted_scope, granted_claims, last_polled_at, expires_at, inserted_at
        });
        $each!($($ctx,)* $db, CibaRequestRow ciba_requests [id] {
            id, auth_req_id_hash, client_id, delivery_mode, scope, acr_values, binding_message,
            client_notification_token, hint_subject, resource, dpop_jkt, status, subject, acr,
            auth_time, granted_scope, granted_claims, interval, last_polled_at, expires_at,
            inserted_at
        });
        $each!($($ctx,)* $db, LogoutSessionRow logout_sessions [id] {
            id, sid, subject, client_id, backchannel_logout_uri, session_required,
            frontchannel_logout_uri, frontchannel_session_required, expires_at, inserted_at
        });
        $each!($($ctx,)* $db, DpopNonceRow dpop_nonces [id] { id, nonce, issued_at, expires_at, used_at });
        $each!($($ctx,)* $db, DpopReplayRow dpop_replays [jti] { jti, expires_at, inserted_at });
        $each!($($ctx,)* $db, PushedAuthorizationRequestRow pushed_authorization_requests [request_uri] {
            request_uri, params, expires_at, inserted_at
        });
        $each!($($ctx,)* $db, ClientIdMetadataRow client_id_metadata [url] { url, metadata, expires_at, inserted_at });
        $each!($($ctx,)* $db, ConsentGrantRow consent_grants [token] {
            token, binding_hash, subject, consumed_at, expires_at, inserted_at, updated_at
        });
    };
}

/// Calls `$each!` once per table as [`for_each_table!`] does, with the
/// fields a caller gives the table's constructor (`Row::new(NewRow { .. })`)
/// and, after `new`, the constructor's argument: every other column starts
/// as a new row holds it, which the round trip then reads back.
#[macro_export]
macro_rules! for_each_new {
    ($db:ident, $each:ident $(, $ctx:expr)*) => {
        $each!($($ctx,)* $db, AuthorizationCodeRow authorization_codes [code_hash] {
            code_hash, client_id, subject, redirect_uri, expires_at, inserted_at
        } new NewAuthorizationCode);
        $each!($($ctx,)* $db, RefreshTokenRow refresh_tokens [id] {
            id, token_hash, family_id, subject, expires_at, inserted_at
        } new NewRefreshToken);
        $each!($($ctx,)* $db, DeviceCodeRow device_codes [id] {
            id, device_code_hash, user_code, client_id, expires_at, inserted_at
        } new NewDeviceCode);
        $each!($($ctx,)* $db, CibaRequestRow ciba_requests [id] {
            id, auth_req_id_hash, client_id, delivery_mode, hint_subject, expires_at, inserted_at
        } new NewCibaRequest);
        $each!($($ctx,)* $db, LogoutSessionRow logout_sessions [id] {
            id, sid, subject, client_id, expires_at, inserted_at
        } new NewLogoutSession);
        $each!($($ctx,)* $db, DpopNonceRow dpop_nonces [id] { id, nonce, issued_at, expires_at } new NewDpopNonce);
        $each!($($ctx,)* $db, DpopReplayRow dpop_replays [jti] { jti, expires_at, inserted_at } new NewDpopReplay);
        $each!($($ctx,)* $db, PushedAuthorizationRequestRow pushed_authorization_requests [request_uri] {
            request_uri, params, expires_at, inserted_at
        } new NewPushedAuthorizationRequest);
        $each!($($ctx,)* $db, ClientIdMetadataRow client_id_metadata [url] {
            url, metadata, expires_at, inserted_at
        } new NewClientIdMetadata);
        $each!($($ctx,)* $db, ConsentGrantRow consent_grants [token] {
            token, binding_hash, subject, expires_at, inserted_at, updated_at
        } new NewConsentGrant);
    };
}

/// The row struct `$Row` of module `$db` with a [`Sample`] in every field;
/// or, after `new`, built by its constructor from a [`Sample`] in each
/// field of `$New`.
#[macro_export]
macro_rules! sample_row {
    ($db:ident, $Row:ident { $($field:ident),* }) => {
        $db::$Row { $($field: $crate::samples::Sample::sample(&$crate::samples::Ctx {
            table: $db::$Row::TABLE,
            column: stringify!($field),
        }),)* }
    };
    ($db:ident, $Row:ident { $($field:ident),* } new $New:ident) => {
        $db::$Row::new($db::$New { $($field: $crate::samples::Sample::sample(&$crate::samples::Ctx {
            table: $db::$Row::TABLE,
            column: stringify!($field),
        }),)* })
    };
}

/// `Sample` for the expansion's timestamp types, in the module that
/// invokes it (the types are the expansion's own, so the impls must be
/// written beside them): the sample instant, in the column's precision.
#[macro_export]
macro_rules! sample_timestamps {
    () => {
        impl $crate::samples::Sample for Timestamp {
            fn sample(ctx: &$crate::samples::Ctx) -> Self {
                Self::new($crate::samples::instant(ctx)).expect("a whole second")
            }
        }
        impl $crate::samples::Sample for TimestampUsec {
            fn sample(ctx: &$crate::samples::Ctx) -> Self {
                Self::new($crate::samples::instant(ctx)).expect("whole microseconds")
            }
        }
    };
}

/// The sample instant of a timestamp column: a second of its own, with
/// microseconds where the column keeps them.
pub fn instant(ctx: &Ctx) -> NaiveDateTime {
    let second = u32::try_from(ctx.column.len()).unwrap_or(0) % 60;
    let whole = NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(12, 34, second))
        .expect("valid date");
    match ctx.logical_type() {
        // Microsecond columns keep microseconds.
        LogicalType::TimestampUsec => whole.with_nanosecond(123_456_000).expect("valid"),
        _ => whole,
    }
}

/// A sample `RefreshTokenRow` of module `$db`: the table the single-row
/// tests (a refused timestamp, a sweep) use.
#[macro_export]
macro_rules! sample_refresh_token {
    ($db:ident) => {
        $crate::sample_row!(
            $db,
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
                inserted_at
            }
        )
    };
}

/// Which column a sample value is for.
pub struct Ctx {
    /// The table's full name, prefix included.
    pub table: &'static str,
    /// The column's name.
    pub column: &'static str,
}

impl Ctx {
    fn logical_type(&self) -> LogicalType {
        attesto_schema::tables()
            .iter()
            .find(|t| self.table.ends_with(t.name()))
            .and_then(|t| t.column(self.column))
            .map(|c| c.logical_type())
            .unwrap_or_else(|| panic!("{}.{} is not in the model", self.table, self.column))
    }
}

/// A non-default value of each field type, so that a round trip that drops
/// or mixes up a column is caught.
pub trait Sample {
    /// The value for the column `ctx`.
    fn sample(ctx: &Ctx) -> Self;
}

impl Sample for String {
    fn sample(ctx: &Ctx) -> Self {
        // Short enough for `varchar(16)` columns.
        format!("v:{}", &ctx.column[..ctx.column.len().min(14)])
    }
}

impl Sample for i32 {
    fn sample(_: &Ctx) -> Self {
        7
    }
}

impl Sample for i64 {
    fn sample(_: &Ctx) -> Self {
        1_767_225_600
    }
}

impl Sample for bool {
    fn sample(_: &Ctx) -> Self {
        true
    }
}

impl Sample for NaiveDateTime {
    fn sample(ctx: &Ctx) -> Self {
        instant(ctx)
    }
}

impl Sample for uuid::Uuid {
    fn sample(_: &Ctx) -> Self {
        uuid::Uuid::new_v4()
    }
}

impl Sample for serde_json::Value {
    fn sample(ctx: &Ctx) -> Self {
        json!({ "column": ctx.column, "n": 1, "list": ["a", "b"] })
    }
}

impl Sample for Vec<String> {
    fn sample(ctx: &Ctx) -> Self {
        vec![format!("{}:a", ctx.column), "openid".to_owned()]
    }
}

impl<T: Sample> Sample for Option<T> {
    fn sample(ctx: &Ctx) -> Self {
        Some(T::sample(ctx))
    }
}

/// A date and time in year `year` (June 1st, 12:00:00), in whole seconds:
/// the values tests' timestamps at the edges of the range every dialect
/// keeps.
pub fn at(year: i32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, 6, 1)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("a date chrono has")
}

/// JSON arrays nested `depth` levels deep.
pub fn deep(depth: usize) -> serde_json::Value {
    let mut value = json!(1);
    for _ in 0..depth {
        value = json!([value]);
    }
    value
}

/// An authorization code of module `$db` with `claims`, by its
/// constructor: valid for ten minutes from now.
#[macro_export]
macro_rules! code_with_claims {
    ($db:ident, $hash:expr, $claims:expr) => {{
        let now = $db::Timestamp::now();
        $db::AuthorizationCodeRow {
            claims: $claims,
            ..$db::AuthorizationCodeRow::new($db::NewAuthorizationCode {
                code_hash: $hash.to_owned(),
                client_id: "client-1".to_owned(),
                subject: "alice".to_owned(),
                redirect_uri: "https://rp.example/cb".to_owned(),
                expires_at: now.checked_add_seconds(600).expect("in range"),
                inserted_at: now,
            })
        }
    }};
}
