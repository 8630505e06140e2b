//! The operations of attesto_phoenix's Ecto stores (2.13.0,
//! `lib/attesto_phoenix/store/ecto_*.ex`), one list per table: what each
//! filters, sets and returns, and how it tells a miss apart, as upstream's
//! code does it. The SQL of each dialect is rendered from this
//! (`crate::ops`); an operation exists in a release when every column it
//! names does.

use crate::model::Cond::{
    After, Any, Before, Bool, Eq, IsNull, Ne, NotAfter, NotBefore, NotNull, NullOrNotAfter, Text,
};
use crate::model::OpKind::{
    ClaimCount, ClaimRow, Delete, Exists, Insert, InsertIfAbsent, InsertUnlessFamilyRevoked,
    InsertUnlessTaken, Select, SelectAll, Sweep, TakeRow, TakeRows, Update, UpdateUnderFamilyLock,
    Upsert,
};
use crate::model::ParamType::{Batch, Column, Nullable, Seconds as Secs};
use crate::model::{Alert, Operation, Outcome, Param, Seconds, Set, Time, Variant};

const fn p(name: &'static str, ty: crate::model::ParamType) -> Param {
    Param { name, ty }
}

const fn v(name: &'static str, doc: &'static str) -> Variant {
    Variant {
        name,
        doc,
        row: false,
        alert: None,
    }
}

const fn with_row(name: &'static str, doc: &'static str) -> Variant {
    Variant {
        name,
        doc,
        row: true,
        alert: None,
    }
}

const NOW: Time = Time::Param("now");

/// The sweeper's work on one table (`Sweeper.sweep_now/1` runs it on every
/// table): delete what expired strictly before `now`, so that a row
/// expiring at `now` stays and no acceptance window widens.
const SWEEP: Operation = Operation {
    name: "sweep",
    upstream: "Sweeper.sweep_now/1",
    doc: "Deletes every row that expired strictly before `now`, in batches of at most `batch` rows (`SWEEP_BATCH` is the default `sweep_all` uses), each its own statement, until one deletes fewer; the number deleted.",
    params: &[p("now", Column("expires_at")), p("batch", Batch)],
    kind: Sweep {
        filter: &[Before("expires_at", NOW)],
    },
    outcome: None,
};

pub(crate) static CODES: &[Operation] = &[
    Operation {
        name: "put",
        upstream: "EctoCodeStore.put/1",
        doc: "Stores a new authorization code. A duplicate `code_hash` is an error: no upsert.",
        params: &[],
        kind: Insert,
        outcome: None,
    },
    Operation {
        name: "take",
        upstream: "EctoCodeStore.take/1",
        doc: "Fetches and consumes the code in one statement: `UPDATE ... WHERE consumed_at IS NULL`. Exactly one of any number of racing redemptions wins; the code is spent even if the caller then rejects the redemption.",
        params: &[
            p("code_hash", Column("code_hash")),
            p("now", Column("consumed_at")),
        ],
        kind: ClaimRow {
            set: &[Set::Param("consumed_at", "now")],
            filter: &[Eq("code_hash", "code_hash"), IsNull("consumed_at")],
        },
        outcome: Some(Outcome {
            name: "CodeTake",
            doc: "What `take` found: the code, now consumed, or why not.",
            won: with_row(
                "Taken",
                "The caller won the code (`{:ok, entry}`); the row as consumed.",
            ),
            expired: Some(with_row(
                "Expired",
                "The code was past its expiry (`expires_at` not after `now`): it is spent all the same, as upstream's store spends a code on its first presentation (the protocol layer re-checks expiry); refuse the redemption (`invalid_grant`).",
            )),
            absent: v(
                "Missing",
                "No live code: absent, or consumed by an unsuccessful redemption (`:error`).",
            ),
            cases: &[(
                &[Bool("consumed_success", true)],
                with_row(
                    "Consumed",
                    "Already redeemed successfully (`{:error, :consumed, meta}`): a replay, whose family the caller revokes.",
                )
                .alerting(Alert {
                    event: "code_reuse",
                    message: "an authorization code was presented again after it was redeemed",
                }),
            )],
            otherwise: v("Missing", ""),
        }),
    },
    Operation {
        name: "get",
        upstream: "EctoCodeStore.get/1",
        doc: "Reads the live (unconsumed) code without consuming it.",
        params: &[p("code_hash", Column("code_hash"))],
        kind: Select {
            filter: &[Eq("code_hash", "code_hash"), IsNull("consumed_at")],
        },
        outcome: None,
    },
    Operation {
        name: "mark_consumed",
        upstream: "EctoCodeStore.mark_consumed/2",
        doc: "Marks a code redeemed successfully, so that a later `take` reports the replay.",
        params: &[p("code_hash", Column("code_hash"))],
        kind: Update {
            set: &[Set::Bool("consumed_success", true)],
            filter: &[Eq("code_hash", "code_hash")],
        },
        outcome: None,
    },
    Operation {
        name: "record_access_token",
        upstream: "EctoCodeStore.record_access_token/3",
        doc: "Records the access token issued for the codes of a family, for revoking it after a replay.",
        params: &[
            p("family_id", Column("family_id")),
            p("jti", Column("access_token_jti")),
            p("expires_at", Column("access_token_expires_at")),
        ],
        kind: Update {
            set: &[
                Set::Param("access_token_jti", "jti"),
                Set::Param("access_token_expires_at", "expires_at"),
            ],
            filter: &[Eq("family_id", "family_id")],
        },
        outcome: None,
    },
    Operation {
        name: "revoke_family_access_tokens",
        upstream: "EctoCodeStore.revoke_family_access_tokens/1",
        doc: "Revokes the access tokens recorded for a family.",
        params: &[
            p("family_id", Column("family_id")),
            p("now", Column("access_token_revoked_at")),
        ],
        kind: Update {
            set: &[Set::Param("access_token_revoked_at", "now")],
            filter: &[Eq("family_id", "family_id"), NotNull("access_token_jti")],
        },
        outcome: None,
    },
    Operation {
        name: "access_token_revoked",
        upstream: "EctoCodeStore.access_token_revoked?/1",
        doc: "Whether the access token `jti` was revoked and has not expired yet.",
        params: &[
            p("jti", Column("access_token_jti")),
            p("now", Column("access_token_expires_at")),
        ],
        kind: Exists {
            filter: &[
                Eq("access_token_jti", "jti"),
                NotNull("access_token_revoked_at"),
                After("access_token_expires_at", NOW),
            ],
        },
        outcome: None,
    },
    // A code's row is the only record that the access token issued from
    // it was revoked (after a reuse): it stays until that token expires,
    // unlike upstream's sweeper, which deletes it with the code.
    Operation {
        name: "sweep",
        upstream: "Sweeper.sweep_now/1",
        doc: "Deletes every code that expired strictly before `now`, in batches of at most `batch` rows (`SWEEP_BATCH` is the default `sweep_all` uses), each its own statement, until one deletes fewer; the number deleted. A code whose access token was revoked stays until that token has expired too (`access_token_expires_at` before `now`), so that `access_token_revoked` keeps answering `true` for as long as the token is valid: upstream's sweeper deletes it with the code.",
        params: &[p("now", Column("expires_at")), p("batch", Batch)],
        kind: Sweep {
            filter: &[
                Before("expires_at", NOW),
                Any(&[
                    IsNull("access_token_revoked_at"),
                    IsNull("access_token_expires_at"),
                    Before("access_token_expires_at", NOW),
                ]),
            ],
        },
        outcome: None,
    },
    // Releases before 0.6.7 record no access token.
    SWEEP,
];

pub(crate) static REFRESH_TOKENS: &[Operation] = &[
    Operation {
        name: "insert_in_family",
        upstream: "EctoRefreshStore.insert/1",
        doc: "Stores a new refresh token unless its family is revoked: the check and the insert hold the family's lock, shared with `revoke_family`, so a concurrent revocation cannot leave a live token in a revoked family. On PostgreSQL the lock is upstream's own (`pg_advisory_xact_lock(1096045126, hashtext(family_id))`), so Rust and Elixir nodes serialize with each other.",
        params: &[],
        kind: InsertUnlessFamilyRevoked,
        outcome: Some(Outcome {
            name: "RefreshInsert",
            doc: "What `insert_in_family` did.",
            won: v("Inserted", "The token was stored (`:ok`)."),
            expired: None,
            absent: v(
                "FamilyRevoked",
                "The family is revoked; nothing was stored (`{:error, :family_revoked}`).",
            ),
            cases: &[],
            otherwise: v("FamilyRevoked", ""),
        }),
    },
    Operation {
        name: "consume",
        upstream: "EctoRefreshStore.consume/2",
        doc: "Rotates the token: marks it consumed if it was not, in one statement. Exactly one of any number of racing rotations wins.",
        params: &[
            p("token_hash", Column("token_hash")),
            p("now", Column("consumed_at")),
        ],
        kind: ClaimRow {
            set: &[
                Set::Bool("consumed", true),
                Set::Param("consumed_at", "now"),
            ],
            filter: &[
                Eq("token_hash", "token_hash"),
                Bool("consumed", false),
                Bool("family_revoked", false),
            ],
        },
        outcome: Some(Outcome {
            name: "RefreshConsume",
            doc: "What `consume` found: the token, now consumed, or why not.",
            won: with_row(
                "Consumed",
                "The caller won the rotation (`{:ok, entry}`); the row as consumed.",
            ),
            expired: Some(with_row(
                "Expired",
                "The token was past its expiry (`expires_at` not after `now`): it is consumed all the same, as upstream's store consumes it; refuse the refresh (`invalid_grant`).",
            )),
            absent: v("Unknown", "No such token (`:error`)."),
            cases: &[
                (
                    &[Bool("family_revoked", true)],
                    v(
                        "FamilyRevoked",
                        "The token's family is revoked (`:error` upstream).",
                    ),
                ),
                (
                    &[Bool("consumed", true)],
                    with_row(
                        "Reused",
                        "Already rotated (`{:reuse, entry}`): the caller revokes the family.",
                    )
                    .alerting(Alert {
                        event: "refresh_reuse",
                        message: "a refresh token was presented again after it was rotated",
                    }),
                ),
            ],
            otherwise: v("Unknown", ""),
        }),
    },
    Operation {
        name: "remember_successor",
        upstream: "EctoRefreshStore.remember_successor/3",
        doc: "Records the (encrypted) successor minted by a consumed token, for replaying it on a benign retry. Whether a consumed, unrevoked token took it.",
        params: &[
            p("token_hash", Column("token_hash")),
            p("successor", Column("successor")),
        ],
        kind: ClaimCount {
            set: &[Set::Param("successor", "successor")],
            filter: &[
                Eq("token_hash", "token_hash"),
                Bool("consumed", true),
                Bool("family_revoked", false),
            ],
        },
        outcome: None,
    },
    Operation {
        name: "revoke_family",
        upstream: "EctoRefreshStore.revoke_family/1",
        doc: "Revokes every token of a family, under the family's lock (see `insert_in_family`); sticky: later inserts into the family are refused.",
        params: &[p("family_id", Column("family_id"))],
        kind: UpdateUnderFamilyLock {
            set: &[Set::Bool("family_revoked", true)],
            filter: &[Eq("family_id", "family_id")],
        },
        outcome: None,
    },
    Operation {
        name: "get",
        upstream: "EctoRefreshStore.get/1",
        doc: "Reads the token without consuming it, unless its family is revoked.",
        params: &[p("token_hash", Column("token_hash"))],
        kind: Select {
            filter: &[
                Eq("token_hash", "token_hash"),
                Bool("family_revoked", false),
            ],
        },
        outcome: None,
    },
    SWEEP,
];

const DEVICE_DECIDE: Outcome = Outcome {
    name: "DeviceDecide",
    doc: "What `approve` or `deny` did.",
    won: v(
        "Decided",
        "The pending request is now approved or denied (`:ok`).",
    ),
    expired: None,
    absent: v(
        "NotFound",
        "No request has this user code (`{:error, :not_found}`).",
    ),
    cases: &[],
    otherwise: v(
        "AlreadyDecided",
        "The request was decided already (`{:error, :already_decided}`).",
    ),
};

pub(crate) static DEVICE_CODES: &[Operation] = &[
    Operation {
        name: "put",
        upstream: "EctoDeviceCodeStore.put/1",
        doc: "Stores a new device authorization; a user code already in use is an outcome, any other conflict an error.",
        params: &[],
        kind: InsertUnlessTaken {
            column: "user_code",
        },
        outcome: Some(Outcome {
            name: "DevicePut",
            doc: "What `put` did.",
            won: v("Stored", "Stored (`:ok`)."),
            expired: None,
            absent: v(
                "UserCodeTaken",
                "Another request holds the user code (`{:error, :user_code_taken}`).",
            ),
            cases: &[],
            otherwise: v("UserCodeTaken", ""),
        }),
    },
    Operation {
        name: "lookup_user_code",
        upstream: "EctoDeviceCodeStore.lookup_user_code/1",
        doc: "Reads the request a user code names, for the verification page.",
        params: &[p("user_code", Column("user_code"))],
        kind: Select {
            filter: &[Eq("user_code", "user_code")],
        },
        outcome: None,
    },
    Operation {
        name: "approve",
        upstream: "EctoDeviceCodeStore.approve/2",
        doc: "Approves the pending request, binding the user and what they granted: one guarded `UPDATE ... WHERE status = 'pending'`.",
        params: &[
            p("user_code", Column("user_code")),
            p("subject", Column("subject")),
            p("granted_scope", Column("granted_scope")),
            p("granted_claims", Column("granted_claims")),
        ],
        kind: ClaimCount {
            set: &[
                Set::Text("status", "approved"),
                Set::Param("subject", "subject"),
                Set::Param("granted_scope", "granted_scope"),
                Set::Param("granted_claims", "granted_claims"),
            ],
            filter: &[Eq("user_code", "user_code"), Text("status", "pending")],
        },
        outcome: Some(DEVICE_DECIDE),
    },
    Operation {
        name: "deny",
        upstream: "EctoDeviceCodeStore.deny/1",
        doc: "Denies the pending request: one guarded `UPDATE ... WHERE status = 'pending'`.",
        params: &[p("user_code", Column("user_code"))],
        kind: ClaimCount {
            set: &[Set::Text("status", "denied")],
            filter: &[Eq("user_code", "user_code"), Text("status", "pending")],
        },
        outcome: Some(DEVICE_DECIDE),
    },
    Operation {
        name: "poll",
        upstream: "EctoDeviceCodeStore.poll/2",
        doc: "Records a token request, unless the last one came less than `interval` seconds before `now` (RFC 8628 §3.5 `slow_down`).",
        params: &[
            p("device_code_hash", Column("device_code_hash")),
            p("now", Column("last_polled_at")),
            p("interval", Secs),
        ],
        kind: ClaimRow {
            set: &[Set::Param("last_polled_at", "now")],
            filter: &[
                Eq("device_code_hash", "device_code_hash"),
                NullOrNotAfter(
                    "last_polled_at",
                    Time::Minus("now", Seconds::Param("interval")),
                ),
            ],
        },
        outcome: Some(Outcome {
            name: "DevicePoll",
            doc: "What `poll` found.",
            won: with_row(
                "Polled",
                "The poll is accepted (`{:ok, entry}`); the row as updated.",
            ),
            expired: Some(with_row(
                "Expired",
                "The device code was past its expiry (`expires_at` not after `now`): the poll is recorded all the same, as upstream's; answer `expired_token` (RFC 8628 §3.5).",
            )),
            absent: v("Missing", "No such device code (`:error`)."),
            cases: &[],
            otherwise: v("SlowDown", "Polled too soon (`{:error, :slow_down}`)."),
        }),
    },
    Operation {
        name: "consume",
        upstream: "EctoDeviceCodeStore.consume/2",
        doc: "Consumes an approved, unexpired request in one statement: exactly one of racing token requests gets it.",
        params: &[
            p("device_code_hash", Column("device_code_hash")),
            p("now", Column("expires_at")),
        ],
        kind: ClaimRow {
            set: &[Set::Text("status", "consumed")],
            filter: &[
                Eq("device_code_hash", "device_code_hash"),
                Text("status", "approved"),
                After("expires_at", NOW),
            ],
        },
        outcome: Some(Outcome {
            name: "DeviceConsume",
            doc: "What `consume` found.",
            won: with_row(
                "Consumed",
                "The caller consumed the approved request (`{:ok, entry}`); the row as consumed.",
            ),
            expired: None,
            absent: v("Missing", "No such device code (`:error`)."),
            cases: &[(
                &[Text("status", "approved"), NotAfter("expires_at", NOW)],
                with_row(
                    "Expired",
                    "Approved, but past its expiry (`expires_at` not after `now`): not consumed, as upstream leaves it (`:error`); answer `expired_token`.",
                ),
            )],
            otherwise: with_row(
                "NotApproved",
                "Pending, denied, or consumed already (`:error`); answer as its `status` says (`authorization_pending`, `access_denied`, `invalid_grant`; RFC 8628 §3.5).",
            ),
        }),
    },
    SWEEP,
];

const CIBA_DECIDE: Outcome = Outcome {
    name: "CibaDecide",
    doc: "What `approve` or `deny` did.",
    won: with_row(
        "Decided",
        "The pending request is now approved or denied (`{:ok, entry}`).",
    ),
    expired: None,
    absent: v("NotFound", "No such request (`{:error, :not_found}`)."),
    cases: &[(
        &[Text("status", "pending"), NotAfter("expires_at", NOW)],
        v(
            "Expired",
            "The request expired pending (`{:error, :expired}`).",
        ),
    )],
    otherwise: v(
        "AlreadyDecided",
        "The request was decided already (`{:error, :already_decided}`).",
    ),
};

pub(crate) static CIBA_REQUESTS: &[Operation] = &[
    Operation {
        name: "put",
        upstream: "EctoCIBAStore.put/1",
        doc: "Stores a new backchannel authentication request.",
        params: &[],
        kind: Insert,
        outcome: None,
    },
    Operation {
        name: "lookup",
        upstream: "EctoCIBAStore.lookup/1",
        doc: "Reads a request by the digest of its `auth_req_id`.",
        params: &[p("auth_req_id_hash", Column("auth_req_id_hash"))],
        kind: Select {
            filter: &[Eq("auth_req_id_hash", "auth_req_id_hash")],
        },
        outcome: None,
    },
    Operation {
        name: "approve",
        upstream: "EctoCIBAStore.approve/3",
        doc: "Approves the pending, unexpired request, binding the user and the authentication: one guarded `UPDATE`.",
        params: &[
            p("auth_req_id_hash", Column("auth_req_id_hash")),
            p("now", Column("expires_at")),
            p("subject", Column("subject")),
            p("acr", Nullable("acr")),
            p("auth_time", Nullable("auth_time")),
            p("granted_scope", Nullable("granted_scope")),
            p("granted_claims", Column("granted_claims")),
        ],
        kind: ClaimRow {
            set: &[
                Set::Text("status", "approved"),
                Set::Param("subject", "subject"),
                Set::Param("acr", "acr"),
                Set::Param("auth_time", "auth_time"),
                Set::Param("granted_scope", "granted_scope"),
                Set::Param("granted_claims", "granted_claims"),
            ],
            filter: &[
                Eq("auth_req_id_hash", "auth_req_id_hash"),
                Text("status", "pending"),
                After("expires_at", NOW),
            ],
        },
        outcome: Some(CIBA_DECIDE),
    },
    Operation {
        name: "deny",
        upstream: "EctoCIBAStore.deny/2",
        doc: "Denies the pending, unexpired request: one guarded `UPDATE`.",
        params: &[
            p("auth_req_id_hash", Column("auth_req_id_hash")),
            p("now", Column("expires_at")),
        ],
        kind: ClaimRow {
            set: &[Set::Text("status", "denied")],
            filter: &[
                Eq("auth_req_id_hash", "auth_req_id_hash"),
                Text("status", "pending"),
                After("expires_at", NOW),
            ],
        },
        outcome: Some(CIBA_DECIDE),
    },
    Operation {
        name: "poll",
        upstream: "EctoCIBAStore.poll/2",
        doc: "Records a token request, unless the last one came less than the request's own `interval` seconds before `now` (CIBA §7.3 `slow_down`).",
        params: &[
            p("auth_req_id_hash", Column("auth_req_id_hash")),
            p("now", Column("last_polled_at")),
        ],
        kind: ClaimRow {
            set: &[Set::Param("last_polled_at", "now")],
            filter: &[
                Eq("auth_req_id_hash", "auth_req_id_hash"),
                NullOrNotAfter(
                    "last_polled_at",
                    Time::Minus("now", Seconds::Column("interval")),
                ),
            ],
        },
        outcome: Some(Outcome {
            name: "CibaPoll",
            doc: "What `poll` found.",
            won: with_row(
                "Polled",
                "The poll is accepted (`{:ok, entry}`); the row as updated.",
            ),
            expired: Some(with_row(
                "Expired",
                "The request was past its expiry (`expires_at` not after `now`): the poll is recorded all the same, as upstream's; answer `expired_token` (CIBA Core §11).",
            )),
            absent: v("Missing", "No such request (`:error`)."),
            cases: &[],
            otherwise: v("SlowDown", "Polled too soon (`{:error, :slow_down}`)."),
        }),
    },
    Operation {
        name: "consume",
        upstream: "EctoCIBAStore.consume/2",
        doc: "Consumes an approved, unexpired request in one statement: exactly one of racing token requests gets it.",
        params: &[
            p("auth_req_id_hash", Column("auth_req_id_hash")),
            p("now", Column("expires_at")),
        ],
        kind: ClaimRow {
            set: &[Set::Text("status", "consumed")],
            filter: &[
                Eq("auth_req_id_hash", "auth_req_id_hash"),
                Text("status", "approved"),
                After("expires_at", NOW),
            ],
        },
        outcome: Some(Outcome {
            name: "CibaConsume",
            doc: "What `consume` found.",
            won: with_row(
                "Consumed",
                "The caller consumed the approved request (`{:ok, entry}`); the row as consumed.",
            ),
            expired: None,
            absent: v("Missing", "No such request (`:error`)."),
            cases: &[(
                &[Text("status", "approved"), NotAfter("expires_at", NOW)],
                with_row(
                    "Expired",
                    "Approved, but past its expiry (`expires_at` not after `now`): not consumed, as upstream leaves it (`:error`); answer `expired_token`.",
                ),
            )],
            otherwise: with_row(
                "NotApproved",
                "Pending, denied, or consumed already (`:error`); answer as its `status` says (`authorization_pending`, `access_denied`, `invalid_grant`; CIBA Core §11).",
            ),
        }),
    },
    SWEEP,
];

pub(crate) static LOGOUT_SESSIONS: &[Operation] = &[
    Operation {
        name: "record",
        upstream: "EctoLogoutSessionStore.record/1",
        doc: "Records a session for a client, or refreshes the one it has: an upsert on (`sid`, `client_id`).",
        params: &[],
        kind: Upsert {
            conflict: &["sid", "client_id"],
            replace: &[
                "subject",
                "backchannel_logout_uri",
                "session_required",
                "frontchannel_logout_uri",
                "frontchannel_session_required",
                "expires_at",
            ],
        },
        outcome: None,
    },
    Operation {
        name: "targets_by_sid",
        upstream: "EctoLogoutSessionStore.targets/1 (%{sid: sid})",
        doc: "The live sessions of a session id: the clients to notify.",
        params: &[p("sid", Column("sid")), p("now", Column("expires_at"))],
        kind: SelectAll {
            filter: &[Eq("sid", "sid"), After("expires_at", NOW)],
        },
        outcome: None,
    },
    Operation {
        name: "targets_by_subject",
        upstream: "EctoLogoutSessionStore.targets/1 (%{subject: subject})",
        doc: "The live sessions of a user: the clients to notify.",
        params: &[
            p("subject", Column("subject")),
            p("now", Column("expires_at")),
        ],
        kind: SelectAll {
            filter: &[Eq("subject", "subject"), After("expires_at", NOW)],
        },
        outcome: None,
    },
    Operation {
        name: "take_targets_by_sid",
        upstream: "EctoLogoutSessionStore.take_targets/1 (%{sid: sid})",
        doc: "Deletes and returns the live sessions of a session id in one statement: of racing logouts, exactly one delivers each notification.",
        params: &[p("sid", Column("sid")), p("now", Column("expires_at"))],
        kind: TakeRows {
            filter: &[Eq("sid", "sid"), After("expires_at", NOW)],
        },
        outcome: None,
    },
    Operation {
        name: "take_targets_by_subject",
        upstream: "EctoLogoutSessionStore.take_targets/1 (%{subject: subject})",
        doc: "Deletes and returns the live sessions of a user in one statement.",
        params: &[
            p("subject", Column("subject")),
            p("now", Column("expires_at")),
        ],
        kind: TakeRows {
            filter: &[Eq("subject", "subject"), After("expires_at", NOW)],
        },
        outcome: None,
    },
    Operation {
        name: "delete_by_sid",
        upstream: "EctoLogoutSessionStore.delete/1 (%{sid: sid})",
        doc: "Deletes every session of a session id, live or not.",
        params: &[p("sid", Column("sid"))],
        kind: Delete {
            filter: &[Eq("sid", "sid")],
        },
        outcome: None,
    },
    Operation {
        name: "delete_by_subject",
        upstream: "EctoLogoutSessionStore.delete/1 (%{subject: subject})",
        doc: "Deletes every session of a user, live or not.",
        params: &[p("subject", Column("subject"))],
        kind: Delete {
            filter: &[Eq("subject", "subject")],
        },
        outcome: None,
    },
    SWEEP,
];

pub(crate) static DPOP_NONCES: &[Operation] = &[
    Operation {
        name: "issue",
        upstream: "EctoNonceStore.issue/2",
        doc: "Stores a freshly minted nonce.",
        params: &[],
        kind: Insert,
        outcome: None,
    },
    Operation {
        name: "accept",
        upstream: "EctoNonceStore.accept/3",
        doc: "Consumes the nonce if it is unused and was issued no more than `ttl` seconds before `now`, in one statement: exactly one of racing proofs wins it.",
        params: &[
            p("nonce", Column("nonce")),
            p("now", Column("used_at")),
            p("ttl", Secs),
        ],
        kind: ClaimCount {
            set: &[Set::Param("used_at", "now")],
            filter: &[
                Eq("nonce", "nonce"),
                IsNull("used_at"),
                NotBefore("issued_at", Time::Minus("now", Seconds::Param("ttl"))),
            ],
        },
        outcome: Some(Outcome {
            name: "NonceAccept",
            doc: "What `accept` found (RFC 9449 §8).",
            won: v("Accepted", "The caller consumed the nonce (`:ok`)."),
            expired: None,
            absent: v("Unknown", "Never issued here (`{:error, :unknown}`)."),
            cases: &[
                (
                    &[NotNull("used_at")],
                    v("Used", "Already consumed (`{:error, :used}`)."),
                ),
                (
                    &[Before(
                        "issued_at",
                        Time::Minus("now", Seconds::Param("ttl")),
                    )],
                    v(
                        "Expired",
                        "Past the freshness window (`{:error, :expired}`).",
                    ),
                ),
            ],
            otherwise: v("Unknown", ""),
        }),
    },
    Operation {
        name: "valid",
        upstream: "EctoNonceStore.valid?/2",
        doc: "Whether the nonce was issued here, is unused and has not expired.",
        params: &[p("nonce", Column("nonce")), p("now", Column("expires_at"))],
        kind: Exists {
            filter: &[
                Eq("nonce", "nonce"),
                IsNull("used_at"),
                After("expires_at", NOW),
            ],
        },
        outcome: None,
    },
    SWEEP,
];

pub(crate) static DPOP_REPLAYS: &[Operation] = &[
    Operation {
        name: "check_and_record",
        upstream: "EctoReplayCheck.check_and_record/2",
        doc: "Records the proof's `jti` unless it was seen: an insert that conflicts on the primary key.",
        params: &[],
        kind: InsertIfAbsent,
        outcome: Some(Outcome {
            name: "ReplayCheck",
            doc: "What `check_and_record` found (RFC 9449 §11.1).",
            won: v("Recorded", "First seen, now recorded (`:ok`)."),
            expired: None,
            absent: v("Replay", "Seen before (`{:error, :replay}`).").alerting(Alert {
                event: "dpop_replay",
                message: "a DPoP proof was presented again",
            }),
            cases: &[],
            otherwise: v("Replay", ""),
        }),
    },
    Operation {
        name: "sweep",
        upstream: "EctoReplayCheck.sweep/0",
        doc: "Deletes every `jti` that expired before `now` (strictly: one expiring at `now` stays), in batches of at most `batch` rows, each its own statement, until one deletes fewer; the number deleted.",
        params: &[p("now", Column("expires_at")), p("batch", Batch)],
        kind: Sweep {
            filter: &[Before("expires_at", NOW)],
        },
        outcome: None,
    },
];

pub(crate) static PUSHED_AUTHORIZATION_REQUESTS: &[Operation] = &[
    Operation {
        name: "put",
        upstream: "EctoPARStore.put/3",
        doc: "Stores a pushed authorization request under its `request_uri`.",
        params: &[],
        kind: Insert,
        outcome: None,
    },
    Operation {
        name: "fetch",
        upstream: "EctoPARStore.fetch/1",
        doc: "Reads a live request without consuming it.",
        params: &[
            p("request_uri", Column("request_uri")),
            p("now", Column("expires_at")),
        ],
        kind: Select {
            filter: &[Eq("request_uri", "request_uri"), After("expires_at", NOW)],
        },
        outcome: None,
    },
    Operation {
        name: "take",
        upstream: "EctoPARStore.take/1",
        doc: "Deletes and returns a live request in one statement: exactly one of racing callers gets it.",
        params: &[
            p("request_uri", Column("request_uri")),
            p("now", Column("expires_at")),
        ],
        kind: TakeRow {
            filter: &[Eq("request_uri", "request_uri"), After("expires_at", NOW)],
        },
        outcome: Some(Outcome {
            name: "ParTake",
            doc: "What `take` found.",
            won: with_row(
                "Taken",
                "The caller took the live request (`{:ok, params}`); it is deleted.",
            ),
            expired: None,
            absent: v(
                "Missing",
                "No such request (`:error`): never pushed, or taken already.",
            ),
            cases: &[],
            otherwise: with_row(
                "Expired",
                "Past its expiry (`expires_at` not after `now`): not taken, as upstream leaves it for the sweeper (`:error`); refuse the authorization request (`invalid_request_uri`).",
            ),
        }),
    },
    SWEEP,
];

pub(crate) static CLIENT_ID_METADATA: &[Operation] = &[
    Operation {
        name: "put",
        upstream: "EctoClientIdMetadataCache.put/3",
        doc: "Caches a validated document, replacing the one cached for the URL: an upsert on `url`.",
        params: &[],
        kind: Upsert {
            conflict: &["url"],
            replace: &["metadata", "expires_at"],
        },
        outcome: None,
    },
    Operation {
        name: "get",
        upstream: "EctoClientIdMetadataCache.get/1",
        doc: "Reads the live cached document of a URL.",
        params: &[p("url", Column("url")), p("now", Column("expires_at"))],
        kind: Select {
            filter: &[Eq("url", "url"), After("expires_at", NOW)],
        },
        outcome: None,
    },
    Operation {
        name: "delete",
        upstream: "EctoClientIdMetadataCache.delete/1",
        doc: "Evicts the document of a URL, on every node at once.",
        params: &[p("url", Column("url"))],
        kind: Delete {
            filter: &[Eq("url", "url")],
        },
        outcome: None,
    },
    Operation {
        name: "delete_all",
        upstream: "EctoClientIdMetadataCache.delete_all/0",
        doc: "Evicts every cached document.",
        params: &[],
        kind: Delete { filter: &[] },
        outcome: None,
    },
    SWEEP,
];

pub(crate) static CONSENT_GRANTS: &[Operation] = &[
    Operation {
        name: "mint",
        upstream: "EctoConsentGrantStore.mint/2",
        doc: "Stores a freshly minted consent grant.",
        params: &[],
        kind: Insert,
        outcome: None,
    },
    Operation {
        name: "consume",
        upstream: "EctoConsentGrantStore.consume/2",
        doc: "Consumes the grant if it matches the binding, is unconsumed and unexpired, in one statement: exactly one of racing callers wins it.",
        params: &[
            p("token", Column("token")),
            p("binding_hash", Column("binding_hash")),
            p("now", Column("consumed_at")),
        ],
        kind: ClaimCount {
            set: &[Set::Param("consumed_at", "now")],
            filter: &[
                Eq("token", "token"),
                Eq("binding_hash", "binding_hash"),
                IsNull("consumed_at"),
                After("expires_at", NOW),
            ],
        },
        outcome: Some(Outcome {
            name: "ConsentConsume",
            doc: "What `consume` found.",
            won: v("Consumed", "The caller consumed the grant (`:ok`)."),
            expired: None,
            absent: v("NotFound", "No such grant (`{:error, :not_found}`)."),
            cases: &[
                (
                    &[Ne("binding_hash", "binding_hash")],
                    v(
                        "BindingMismatch",
                        "Bound to another request (`{:error, :binding_mismatch}`).",
                    ),
                ),
                (
                    &[NotNull("consumed_at")],
                    v("AlreadyConsumed", "Already used (`{:error, :consumed}`)."),
                ),
                (&[After("expires_at", NOW)], v("AlreadyConsumed", "")),
            ],
            otherwise: v("Expired", "Past its expiry (`{:error, :expired}`)."),
        }),
    },
    SWEEP,
];
