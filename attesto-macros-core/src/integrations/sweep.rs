//! `sweep_all`: the sweeper's work on every table of the invocation, as
//! upstream's `Sweeper.sweep_now/1` does it, through each table's own
//! batched `sweep`, on one connection.

use std::fmt::Write as _;

use attesto_schema::{Schema, Table};

use super::driver::Driver;
use crate::code::Code;
use crate::expand::dialects::Dialects;
use crate::types::{RustType, RustTypes, type_key};

/// The batch size `sweep_all` uses, and the one the docs recommend: small
/// enough that a batch holds its locks for milliseconds, large enough
/// that a million expired rows take a thousand statements.
pub const SWEEP_BATCH: u32 = 1000;

/// `SWEEP_BATCH`, `Swept` and `sweep_all`, for `driver`, on every dialect
/// of the invocation; with an async driver and the expansion's own
/// timestamps, `sweep_every`, the sweeper as a task to spawn. With
/// `tracing`, every sweep that deleted rows is an event.
pub fn functions(
    code: &mut Code,
    layout: &Dialects<'_>,
    types: &RustTypes<'_>,
    driver: &dyn Driver,
    tracing: bool,
) {
    let schema = layout.primary();
    let _ = writeln!(
        code,
        "/// The batch size `sweep_all` passes to every table's `sweep`: each batch deletes at \
         most this many rows in one statement, so that it holds its locks for milliseconds \
         whatever expired.\n\
         pub const SWEEP_BATCH: u32 = {SWEEP_BATCH};"
    );
    // Every table that has a sweep in this release, with its `expires_at`'s type.
    let tables: Vec<_> = schema
        .tables()
        .into_iter()
        .filter(|table| {
            schema
                .operations(table)
                .iter()
                .any(|op| op.name() == "sweep")
        })
        .filter_map(|table| {
            let expires = schema
                .columns(table)
                .into_iter()
                .find(|c| c.name() == "expires_at")?;
            Some((table, types.of(table, &expires)))
        })
        .collect();
    if tables.is_empty() {
        return;
    }
    // One `now` for every table: their timestamp type when they share one;
    // else the expansion's `Timestamp`, which converts to `TimestampUsec`
    // (a sweep to the whole second leaves what expired in the last second
    // for the next one).
    let keys: Vec<String> = tables.iter().map(|(_, ty)| type_key(*ty)).collect();
    let same = keys.iter().all(|k| *k == keys[0]);
    let newtypes = keys
        .iter()
        .all(|k| k == "Timestamp" || k == "TimestampUsec");
    let now_type = if same {
        tables[0].1
    } else if newtypes {
        RustType::Default("Timestamp")
    } else {
        // Tables with timestamp types of the host's that differ: no one
        // `now` converts to all of them; each table's `sweep` remains.
        return;
    };
    swept(code, schema, &tables);
    let signature = driver.signature(schema.dialect().backend());
    let asynchronous = driver.asynchronous();
    let wait = if asynchronous { ".await" } else { "" };
    let reborrow = driver.reborrow();
    let mut body = String::new();
    let mut inits = Vec::new();
    for (table, ty) in &tables {
        let argument = if type_key(*ty) == type_key(now_type) {
            "now".to_owned()
        } else {
            format!("&{}::from(*now)", type_key(*ty))
        };
        let _ = writeln!(
            body,
            "let {name} = {row}::sweep({reborrow}, {argument}, SWEEP_BATCH){wait}?;",
            name = table.short_name(),
            row = table.row_name(),
        );
        inits.push(table.short_name());
    }
    let _ = write!(
        body,
        "::core::result::Result::Ok(Swept {{ {} }})",
        inits.join(", ")
    );
    let arms: Vec<String> = layout.schemas().iter().map(|_| body.clone()).collect();
    let body = driver.dispatch(layout, &arms, None);
    let result = format!("::core::result::Result<Swept, {}>", signature.error);
    let body = if tracing {
        super::tracing::swept(&result, &body, asynchronous, &inits)
    } else {
        body
    };
    let _ = write!(
        code,
        "/// The sweeper (upstream's `Sweeper.sweep_now/1`): every table's `sweep` of what \
         expired strictly before `now`, in batches of [`SWEEP_BATCH`] rows, one table after \
         the other on one connection; what each deleted. Run it outside a transaction, so that \
         each batch commits on its own.\n\
         pub {}fn sweep_all{}",
        if asynchronous { "async " } else { "" },
        signature.generics,
    );
    // A group: a host's type may stand in the parameter list.
    let mut params = Code::default();
    let _ = write!(params, "{}, now: &", signature.connection);
    crate::types::field_type(&mut params, now_type, false);
    code.group(proc_macro2::Delimiter::Parenthesis, params);
    let _ = write!(code, " -> {result} {{\n{body}\n}}\n");
    // The sweeper as a task, for a `now` the expansion can take itself.
    let key = type_key(now_type);
    if asynchronous && driver.several_dialects() && (key == "Timestamp" || key == "TimestampUsec") {
        sweep_every(code, &signature.error, &key);
    }
}

/// `Swept`, the counts of `sweep_all`, a field per table of `tables`.
fn swept(code: &mut Code, schema: &Schema, tables: &[(&Table, RustType<'_>)]) {
    let mut fields = String::new();
    let mut total = Vec::new();
    for (table, _) in tables {
        let _ = writeln!(
            fields,
            "/// Rows deleted from `{}`.\npub {}: u64,",
            schema.table_name(table),
            table.short_name()
        );
        total.push(format!("self.{}", table.short_name()));
    }
    let _ = write!(
        code,
        "/// What [`sweep_all`] deleted, table by table.\n\
         #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]\n\
         pub struct Swept {{\n{fields}}}\n\
         impl Swept {{\n\
         /// Rows deleted from every table.\n\
         pub fn total(&self) -> u64 {{ {} }}\n\
         }}\n",
        total.join(" + ")
    );
}

/// `sweep_every`, the sweeper as a task to spawn, whose rounds take a
/// `now` of the expansion's timestamp type `key`.
fn sweep_every(code: &mut Code, error: &str, key: &str) {
    let _ = write!(
        code,
        r#"
    /// The sweeper as a task to spawn: [`sweep_all`] of what expired before the time of
    /// each round, the first round at once and then one every
    /// `interval`, on `pool` (a pool, so that each round takes a
    /// connection for as long as it sweeps), forever. `sleep` is your runtime's
    /// (`tokio::time::sleep`); `report` gets each round's counts per table, or its
    /// error, after which the sweeper goes on: a database that is down for a while
    /// costs rounds, not the sweeper.
    ///
    /// ```ignore
    /// tokio::spawn(db::sweep_every(pool.clone(), Duration::from_secs(60), tokio::time::sleep, |round| {{
    ///     if let Err(e) = round {{ eprintln!("sweep failed: {{e}}") }}
    /// }}));
    /// ```
    pub async fn sweep_every<P, S>(
        pool: P,
        interval: ::core::time::Duration,
        sleep: impl Fn(::core::time::Duration) -> S,
        mut report: impl FnMut(::core::result::Result<Swept, {error}>),
    ) where
        for<'a> &'a P: IntoHandle<'a>,
        S: ::core::future::Future<Output = ()>,
    {{
        loop {{
            report(sweep_all(&pool, &{key}::now()).await);
            sleep(interval).await;
        }}
    }}
"#,
    );
}
