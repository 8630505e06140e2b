//! `tracing`: with the argument `tracing`, every operation runs in a span
//! (`attesto`, with its table, operation and outcome; target `attesto`,
//! whatever module the invocation is in, so that a filter names it once:
//! `attesto=info`), and the outcomes a
//! security monitor wants are events: a replayed code, refresh token or
//! DPoP proof (`WARN`), an expired presentation (`INFO`), and every sweep
//! that deleted rows (`INFO`, with the counts per table). Without the
//! argument, nothing of it is generated: the operations cost what they
//! did.

use std::fmt::Write as _;

use attesto_schema::Operation;

use super::ops::variants;

/// `body` (statements ending in the method's `Result`, of type `result`)
/// run inside the operation's span; its outcome recorded on the span, and
/// the events of its alerts.
pub fn instrument(
    table: &str,
    op: &Operation,
    result: &str,
    body: &str,
    asynchronous: bool,
) -> String {
    let mut ok = String::from("let _ = value; __attesto_span.record(\"outcome\", \"ok\");");
    if let Some(outcome) = op.outcome() {
        let mut names = String::new();
        let mut alerts = String::new();
        let expired = outcome.expired.map(|v| v.name);
        for variant in variants(&outcome) {
            let pattern = if variant.row {
                format!("{}::{}(..)", outcome.name, variant.name)
            } else {
                format!("{}::{}", outcome.name, variant.name)
            };
            let _ = write!(names, "{pattern} => {:?},", variant.name);
            let event = match (variant.alert, expired == Some(variant.name)) {
                (Some(alert), _) => Some(("WARN", alert.event, alert.message.to_owned())),
                (None, true) => Some((
                    "INFO",
                    "expired_presentation",
                    format!("an expired {} was presented", what(table)),
                )),
                (None, false) => None,
            };
            if let Some((level, name, message)) = event {
                let _ = write!(
                    alerts,
                    "{pattern} => ::tracing::event!(target: \"attesto\", parent: &__attesto_span, ::tracing::Level::{level}, \
                     event = {name:?}, table = {table:?}, operation = {op:?}, {message:?}),",
                    op = op.name()
                );
            }
        }
        ok = format!(
            "__attesto_span.record(\"outcome\", match value {{ {names} }}); \
             match value {{ {alerts} _ => {{}} }}"
        );
    }
    let (run, close) = if asynchronous {
        (
            "::tracing::Instrument::instrument(async move {",
            "}, ::core::clone::Clone::clone(&__attesto_span)).await",
        )
    } else {
        ("{ let _entered = __attesto_span.enter(); (|| {", "})() }")
    };
    format!(
        "let __attesto_span = ::tracing::info_span!(target: \"attesto\", \"attesto\", table = {table:?}, operation = {op:?}, \
         outcome = ::tracing::field::Empty); \
         let __attesto_result: {result} = {run} {body} {close}; \
         match &__attesto_result {{ \
         ::core::result::Result::Ok(value) => {{ {ok} }} \
         ::core::result::Result::Err(error) => {{ __attesto_span.record(\"outcome\", \"error\"); \
         ::tracing::event!(target: \"attesto\", parent: &__attesto_span, ::tracing::Level::DEBUG, error = %error, \"the operation failed\"); }} \
         }} \
         __attesto_result",
        op = op.name()
    )
}

/// What a table holds, for a message: `authorization code` for
/// `..._authorization_codes`.
fn what(table: &str) -> String {
    const KINDS: [(&str, &str); 6] = [
        ("authorization_codes", "authorization code"),
        ("refresh_tokens", "refresh token"),
        ("device_codes", "device code"),
        ("ciba_requests", "backchannel authentication request"),
        (
            "pushed_authorization_requests",
            "pushed authorization request",
        ),
        ("consent_grants", "consent grant"),
    ];
    KINDS
        .iter()
        .find(|(suffix, _)| table.ends_with(suffix))
        .map_or_else(|| "row".to_owned(), |(_, what)| (*what).to_owned())
}

/// `sweep_all`'s body (of type `result`) in a span, and its counts, per
/// table (`tables`, the fields of `Swept`), as an event when it deleted
/// rows.
pub fn swept(result: &str, body: &str, asynchronous: bool, tables: &[&str]) -> String {
    let (run, close) = if asynchronous {
        (
            "::tracing::Instrument::instrument(async move {",
            "}, ::core::clone::Clone::clone(&__attesto_span)).await",
        )
    } else {
        ("{ let _entered = __attesto_span.enter(); (|| {", "})() }")
    };
    let fields: Vec<String> = tables.iter().map(|t| format!("{t} = swept.{t}")).collect();
    format!(
        "let __attesto_span = ::tracing::info_span!(target: \"attesto\", \"attesto\", operation = \"sweep_all\"); \
         let __attesto_result: {result} = {run} {body} {close}; \
         if let ::core::result::Result::Ok(swept) = &__attesto_result {{ \
         if swept.total() > 0 {{ ::tracing::event!(target: \"attesto\", parent: &__attesto_span, ::tracing::Level::INFO, \
         event = \"swept\", total = swept.total(), {}, \"expired rows swept\"); }} }} \
         __attesto_result",
        fields.join(", ")
    )
}
