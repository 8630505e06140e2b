//! `verify` and `ensure`: the functions that check the live database at
//! startup, written once for every driver from its primitives (fetch the
//! catalog's lines, run statements, open and end a transaction).
//!
//! The comparison itself runs in `attesto_schema` (`Target`), which the
//! host depends on at run time: the expansion holds the invocation's
//! target and the statements, nothing that compares.

use std::fmt::Write as _;

use attesto_schema::{Backend, Schema};

use super::driver::Driver;
use crate::code::{Code, str_literal};
use crate::expand::dialects::Dialects;

/// The error type of `verify` and `ensure` for the driver's error `error`,
/// attesto-schema named by `path`.
fn error_type(path: &str, error: &str) -> String {
    format!("{path}::VerifyError<{error}>")
}

/// The target and the statements of `verify` and `ensure` in `schema`'s
/// dialect, as items of the invocation's module or of the dialect's. In
/// an upgrade's invocation (`upgrade`), `UP_SQL` upgrades, so `ensure`
/// installs from a constant of its own, `INSTALL_SQL`. `path` names
/// attesto-schema (`::attesto_schema`, or the `attesto` crate's
/// re-export).
pub fn constants(code: &mut Code, schema: &Schema, upgrade: bool, path: &str) {
    let dialect = schema.dialect();
    let variant = super::sqlx_handle::variant(dialect);
    let release = schema.release();
    let _ = writeln!(
        code,
        "/// The schema this invocation was built for, which `verify` and `ensure` compare the \
         live database with: release {release}, {}, prefix {:?}.\n\
         pub const TARGET: {path}::Target = {path}::Target::new(\
         {path}::Dialect::{variant}, {}, {});",
        dialect.product(),
        schema.prefix(),
        str_literal(schema.prefix()),
        str_literal(release.version())
    );
    let _ = writeln!(
        code,
        "/// The statement that reads the database's catalog: one text column per row, which \
         `TARGET.verify` compares with release {release}.\n\
         pub const CATALOG_SQL: &str = {};",
        str_literal(dialect.catalog_sql())
    );
    if let Some(lock) = schema.install_lock_sql() {
        let _ = writeln!(
            code,
            "/// The lock `ensure` takes before it reads the catalog, so that two replicas \
             starting at once do not both install.\n\
             pub const INSTALL_LOCK_SQL: &str = {};",
            str_literal(&lock)
        );
    }
    if let Some(wait) = schema.install_wait_sql() {
        let _ = writeln!(
            code,
            "/// The pause `ensure` takes between two tries of `INSTALL_LOCK_SQL` ({} ms), {} \
             tries at most: its wait for another replica's install is bounded, and ends in \
             `VerifyError::Locked`.\n\
             pub const INSTALL_WAIT_SQL: &str = {};",
            attesto_schema::INSTALL_LOCK_PAUSE_MS,
            attesto_schema::INSTALL_LOCK_TRIES,
            str_literal(wait)
        );
    }
    let mut steps = String::new();
    for (table, create, probe) in schema.install_steps() {
        let _ = write!(
            steps,
            "({}, {}, {}),",
            str_literal(&table),
            str_literal(&create),
            str_literal(&probe)
        );
    }
    let _ = writeln!(
        code,
        "/// Each table of release {release} in `UP_SQL`'s order: its name, its `CREATE` \
         statements, and the read of whether it holds a row. How `ensure` completes an install \
         that stopped part-way: the missing tables created, once the others are found empty.\n\
         #[doc(hidden)]\n\
         pub const INSTALL_TABLES: &[(&str, &str, &str)] = &[{steps}];"
    );
    if let Some(unlock) = schema.install_unlock_sql() {
        let _ = writeln!(
            code,
            "/// Releases `INSTALL_LOCK_SQL`'s lock.\n\
             pub const INSTALL_UNLOCK_SQL: &str = {};",
            str_literal(&unlock)
        );
    }
    if upgrade {
        let _ = writeln!(
            code,
            "/// What `ensure` applies to a database that has none of the tables: the whole of \
             release {release} (`UP_SQL` upgrades from an older one).\n\
             pub const INSTALL_SQL: &str = {};",
            str_literal(&schema.up_sql())
        );
    }
    if !dialect.transactional_ddl() {
        let _ = writeln!(
            code,
            "/// What `ensure` runs when its install failed part-way ({} commits each DDL \
             statement on its own): every table of `UP_SQL` dropped, none having existed before.\n\
             pub const UNINSTALL_SQL: &str = {};",
            dialect.product(),
            str_literal(&schema.uninstall_sql())
        );
    }
}

/// `verify` and `ensure`, for `driver`, on every dialect of the
/// invocation: the body of the connection's dialect reads that dialect's
/// constants.
pub fn functions(
    code: &mut Code,
    layout: &Dialects<'_>,
    driver: &dyn Driver,
    path: &str,
    upgrade: bool,
) {
    let schema = layout.primary();
    let release = schema.release();
    let sig = driver.signature(schema.dialect().backend());
    let asyncness = if driver.asynchronous() { "async " } else { "" };
    let error = error_type(path, &sig.error);
    // How a driver's error becomes a `VerifyError`.
    let database = format!("{path}::VerifyError::Database");
    let products: Vec<&str> = layout.dialects().map(|d| d.product()).collect();
    let products = products.join(", ");
    let verify_arms: Vec<String> = layout
        .schemas()
        .iter()
        .map(|schema| verify_body(&layout.module(schema), driver, &database))
        .collect();
    let _ = writeln!(
        code,
        "/// Checks that the database holds schema release {release} exactly ({products}, prefix {:?}): \
         every table, column type, `NOT NULL`, default, primary key and index that `UP_SQL` \
         creates, no table of another release. Reads the catalog with one statement \
         (`CATALOG_SQL`) and changes nothing.\n\
         ///\n\
         /// # Errors\n\
         ///\n\
         /// `VerifyError::Mismatch` when it does not hold the release: its `Display` lists each \n\
         /// difference (and whether it breaks a guarantee of the stores' operations, as a role \n\
         /// that may not write the tables on PostgreSQL does) with what fixes it, and, for a \n\
         /// database at an older release, the `attesto gen-migration --from` command of the \n\
         /// upgrade, or, for an interrupted install, that state (`ensure` completes it); \n\
         /// `VerifyError::SearchPath` when PostgreSQL's search path resolves to another \n\
         /// schema than the tables' or to none; `VerifyError::Database` when the driver fails.\n\
         pub {asyncness}fn verify{}({}) -> ::core::result::Result<(), {error}> {{\n{}\n}}",
        schema.prefix(),
        sig.generics,
        sig.connection,
        driver.dispatch(layout, &verify_arms, Some(&database)),
    );
    let ensure_arms: Vec<String> = layout
        .schemas()
        .iter()
        .map(|schema| {
            ensure_body(
                schema,
                &layout.module(schema),
                driver,
                path,
                &error,
                upgrade,
            )
        })
        .collect();
    let mut locks: Vec<&str> = Vec::new();
    for dialect in layout.dialects() {
        if !locks.contains(&dialect.install_lock_doc()) {
            locks.push(dialect.install_lock_doc());
        }
    }
    let lock_doc = locks.join("; ");
    let install_sql = if upgrade { "INSTALL_SQL" } else { "UP_SQL" };
    let _ = writeln!(
        code,
        "/// Makes sure the database holds schema release {release}: when none of this \
         invocation's tables exists, applies `{install_sql}` (all or nothing where DDL is \
         transactional; on MySQL and MariaDB, should a statement fail, it drops every table it \
         created, `UNINSTALL_SQL`), then verifies; when they exist, only verifies (as `verify`). \
         It never alters an existing table. Run it at startup: a second start, or a replica \
         starting at the same time, finds the tables and verifies them, because it holds a lock \
         while it looks and installs ({lock_doc}).\n\
         ///\n\
         /// Call it outside a transaction. `Ok(Ensured::Installed)` when it installed, \n\
         /// `Ok(Ensured::Verified)` when the release was there, `Ok(Ensured::Completed)` when it \n\
         /// completed an interrupted install (MySQL and MariaDB commit each `CREATE TABLE` on its \n\
         /// own: some of the tables existed, as `UP_SQL` creates them and empty, and it created \n\
         /// the others).\n\
         ///\n\
         /// # Errors\n\
         ///\n\
         /// As `verify`, and without changing anything, for a database at another release (with \n\
         /// the upgrade's command for an older one), with damaged tables, with the tables in \n\
         /// another schema of PostgreSQL's search path than the one its statements resolve to \n\
         /// (`VerifyError::SearchPath`), or with an interrupted install whose tables hold rows \n\
         /// (`VerifyError::Interrupted`); `VerifyError::Locked` when another session held the \n\
         /// install lock for the whole wait (60 seconds on PostgreSQL, MySQL and MariaDB).\n\
         pub {asyncness}fn ensure{}({}) -> ::core::result::Result<{path}::Ensured, {error}> {{\n{}\n}}",
        sig.generics,
        sig.connection,
        driver.dispatch(layout, &ensure_arms, Some(&database)),
    );
}

/// The body of `verify` in `schema`'s dialect, whose constants start with
/// `module`.
fn verify_body(module: &str, driver: &dyn Driver, database: &str) -> String {
    format!(
        "let lines = {}.map_err({database})?;\n{module}TARGET.verify(&lines)",
        driver.live_fetch(&format!("{module}CATALOG_SQL"), false)
    )
}

/// The body of `ensure` in `schema`'s dialect, whose constants start with
/// `module`: at most two attempts, each a transaction that takes the
/// install lock (tried again after a pause where it does not wait by
/// itself, up to a bound), reads the catalog and verifies, installs, or
/// completes an interrupted install. An install that fails on the
/// database is tried once more: in a transaction whose isolation fixed its
/// snapshot before the lock was granted (`REPEATABLE READ`,
/// `SERIALIZABLE`), the first read the catalog as it was before another
/// replica installed, and failed to create what that replica had.
fn ensure_body(
    schema: &Schema,
    module: &str,
    driver: &dyn Driver,
    path: &str,
    error: &str,
    upgrade: bool,
) -> String {
    let dialect = schema.dialect();
    let backend = dialect.backend();
    let database = format!("{path}::VerifyError::Database");
    let (open, close) = if driver.asynchronous() {
        ("async", ".await")
    } else {
        ("(||", ")()")
    };
    // A closure states its return type; an async block takes it from the
    // binding.
    let block = |ty: &str, body: &str| {
        if driver.asynchronous() {
            format!("{open} {{ {body} }}{close}")
        } else {
            format!("{open} -> {ty} {{ {body} }}{close}")
        }
    };
    let fetch_expr =
        |sql: &str, tx: bool| format!("{}.map_err({database})?", driver.live_fetch(sql, tx));
    let batch_expr =
        |sql: &str, tx: bool| format!("{}.map_err({database})?", driver.live_batch(sql, tx));
    let fetch = |sql: &str, tx: bool| fetch_expr(&format!("{module}{sql}"), tx);
    let batch = |sql: &str, tx: bool| batch_expr(&format!("{module}{sql}"), tx);
    let lock = schema.install_lock_sql();
    let transactional = dialect.transactional_ddl();
    let tried = schema.install_wait_sql().is_some();
    let lock_step = match &lock {
        // Tried once per transaction: a waiter that did not take it rolls
        // back and pauses outside any transaction, so that the transaction
        // that takes it starts its snapshot then, and sees what the
        // holder installed under every isolation level.
        Some(_) if tried => format!(
            "let taken = {}; \
             if !{module}TARGET.lock_taken(&taken) {{ busy = true; return ::core::result::Result::Err({path}::VerifyError::Locked); }}",
            fetch("INSTALL_LOCK_SQL", true)
        ),
        // A lock that waits by itself, bounded, and says whether it took.
        Some(_) if backend == Backend::Mysql => format!(
            "let locked = {}; {module}TARGET.locked(&locked)?;",
            fetch("INSTALL_LOCK_SQL", true)
        ),
        Some(_) => format!("{};", batch("INSTALL_LOCK_SQL", true)),
        None => String::new(),
    };
    let pause = if tried {
        format!(
            "::core::result::Result::Err({path}::VerifyError::Locked) if busy => {{ \
             tries += 1; \
             if tries >= {path}::INSTALL_LOCK_TRIES {{ break ::core::result::Result::Err({path}::VerifyError::Locked); }} \
             {}; continue; }}\n",
            batch("INSTALL_WAIT_SQL", false)
        )
    } else {
        String::new()
    };
    let (tries, busy) = if tried {
        ("let mut tries: u32 = 0;\n", "let mut busy = false;\n")
    } else {
        ("", "")
    };
    let cleanup = if transactional {
        String::new()
    } else {
        format!(
            "let _ = {};",
            driver.live_batch(&format!("{module}UNINSTALL_SQL"), true)
        )
    };
    let release_lock = if schema.install_unlock_sql().is_some() {
        format!(
            "let _ = {};",
            driver.live_batch(&format!("{module}INSTALL_UNLOCK_SQL"), true)
        )
    } else {
        String::new()
    };
    let install_sql = if upgrade { "INSTALL_SQL" } else { "UP_SQL" };
    let result_ty = format!("::core::result::Result<{path}::Ensured, {error}>");
    let installed_ty = format!("::core::result::Result<(), {error}>");
    let install = block(
        &installed_ty,
        &format!(
            "{}; let lines = {}; {module}TARGET.verify(&lines)",
            batch(install_sql, true),
            fetch("CATALOG_SQL", true)
        ),
    );
    let complete = format!(
        "for (table, _, probe) in {module}INSTALL_TABLES {{ \
         if !missing.iter().any(|m| m == table) {{ \
         let rows = {}; \
         if !rows.is_empty() {{ return ::core::result::Result::Err({module}TARGET.interrupted_with_rows(table, &missing)); }} }} }} \
         for (table, create, _) in {module}INSTALL_TABLES {{ \
         if missing.iter().any(|m| m == table) {{ {}; }} }} \
         let lines = {}; {module}TARGET.verify(&lines)?; \
         ::core::result::Result::Ok({path}::Ensured::Completed)",
        fetch_expr("*probe", true),
        batch_expr("*create", true),
        fetch("CATALOG_SQL", true)
    );
    let body = block(
        &result_ty,
        &format!(
            "{lock_step}\n\
             let lines = {};\n\
             match {module}TARGET.ensure_step(&lines)? {{\n\
             {path}::EnsureStep::Verified => ::core::result::Result::Ok({path}::Ensured::Verified),\n\
             {path}::EnsureStep::Install => {{\n\
             let installed: {installed_ty} = {install};\n\
             if let ::core::result::Result::Err(e) = installed {{ \
             raced = matches!(e, {path}::VerifyError::Database(_)); {cleanup} return ::core::result::Result::Err(e); }}\n\
             ::core::result::Result::Ok({path}::Ensured::Installed)\n\
             }}\n\
             {path}::EnsureStep::Complete(missing) => {{ {complete} }}\n\
             }}",
            fetch("CATALOG_SQL", true)
        ),
    );
    format!(
        "let mut attempt: u32 = 0;\n\
         {tries}\
         loop {{\n\
         let mut raced = false;\n\
         {busy}\
         {}\n\
         let result: {result_ty} = {body};\n\
         {release_lock}\n\
         let result: {result_ty} = match result {{\n\
         ::core::result::Result::Ok(value) => {{ {}.map_err({database})?; ::core::result::Result::Ok(value) }}\n\
         ::core::result::Result::Err(e) => {{ {} ::core::result::Result::Err(e) }}\n\
         }};\n\
         match result {{\n\
         {pause}\
         ::core::result::Result::Err({path}::VerifyError::Database(_)) if raced && attempt < 1 => {{ attempt += 1; continue; }}\n\
         other => break other,\n\
         }}\n\
         }}",
        driver.live_begin(backend == Backend::Sqlite, &database),
        driver.live_commit(),
        driver.live_rollback(),
    )
}
