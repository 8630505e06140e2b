//! The stores' operations in the expansion: a named SQL constant for every
//! statement (always), and, with an integration that runs them, a typed
//! outcome per operation and a method that binds and runs it.
//!
//! The statements come from `attesto_schema` (`Schema::operations_sql`); this
//! module writes the control flow around them, once, for every driver: a
//! win decided by one statement's count or returned row, a miss told apart
//! by the row read back, a transaction where a dialect needs one.

use std::fmt::Write as _;

use attesto_schema::{
    Answer, Bind, OpKind, Operation, Outcome, ParamType, Role, Schema, Set, Statement, Table,
    Variant,
};

use proc_macro2::Delimiter;

use super::driver::{Bound, Driver, Query, Violation};
use super::value::Source;
use super::{Binding, binding};
use crate::code::{Code, str_literal};
use crate::expand::dialects::Dialects;
use crate::types::{RustType, RustTypes, field_type};

/// The constant that holds `statement` of `op`: `TAKE_SQL`, `TAKE_MISS_SQL`.
pub fn constant(op: &Operation, statement: &Statement) -> String {
    let name = op.name().to_ascii_uppercase();
    match statement.role.suffix() {
        "" => format!("{name}_SQL"),
        suffix => format!("{name}_{suffix}_SQL"),
    }
}

/// What each bind of a statement is, for its doc line: a `Display`, so
/// that the list is written by std's (optimised) formatting rather than
/// collected and joined by the unoptimised macro.
struct BindsDoc<'a>(&'a Statement);

impl std::fmt::Display for BindsDoc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let binds = &self.0.binds;
        if binds.is_empty() {
            return f.write_str("Binds nothing.");
        }
        f.write_str("Binds, in order: ")?;
        for (i, bind) in binds.iter().enumerate() {
            let separator = if i == 0 { "" } else { ", " };
            match bind {
                Bind::Param(p) => write!(f, "{separator}`{p}`")?,
                Bind::Field(c) => write!(f, "{separator}the row's `{c}`")?,
                Bind::Taken(c) => write!(f, "{separator}each read row's `{c}`")?,
            }
        }
        f.write_str(".")
    }
}

/// The SQL constants of every operation the release has on `table`, as
/// items of the row struct's `impl` or of the table's module.
pub fn constants(code: &mut Code, schema: &Schema, table: &Table) {
    for (op, statements) in schema.operations_sql(table) {
        for statement in statements {
            let role = match statement.role {
                Role::Main
                    if matches!(op.kind(), OpKind::TakeRows { .. })
                        && statement.binds.iter().any(|b| matches!(b, Bind::Taken(_))) =>
                {
                    "The autocommit delete of each row it read, whose count says who took it"
                }
                Role::Main => "The statement",
                Role::Lock => "The lock it takes first",
                Role::Check => "The check it makes under the lock, or after its insert",
                Role::Miss => "The read that tells a miss apart",
                Role::Undo => "The delete of the inserted row when the check refuses it",
                Role::Read => {
                    "The read, without a lock, of what it writes, decoded before the write"
                }
            };
            // The operation's description is on its method; here, what
            // the statement is and what it binds (every constant's doc is
            // text the compiler reads on every build).
            let doc = format!(
                " {role} of `{}` ({}). {}",
                op.name(),
                op.upstream(),
                BindsDoc(&statement)
            );
            let _ = writeln!(
                code,
                "#[doc = {}] pub const {}: &'static str = {};",
                str_literal(&doc),
                constant(op, &statement),
                str_literal(&statement.sql)
            );
        }
    }
}

/// Every variant of `outcome`, each name once (a name may stand for several
/// cases); whether it carries the row.
pub(super) fn variants(outcome: &Outcome) -> Vec<Variant> {
    let mut all: Vec<Variant> = Vec::new();
    let candidates = std::iter::once(outcome.won)
        .chain(outcome.expired)
        .chain(outcome.cases.iter().map(|(_, v)| *v))
        .chain([outcome.absent, outcome.otherwise]);
    for variant in candidates {
        match all.iter_mut().find(|v| v.name == variant.name) {
            Some(seen) => {
                seen.row |= variant.row;
                if seen.doc.is_empty() {
                    seen.doc = variant.doc;
                }
            }
            None => all.push(variant),
        }
    }
    all
}

/// The outcome enums of the operations the release has on `table`.
pub fn outcomes(code: &mut Code, schema: &Schema, table: &Table) {
    let mut done: Vec<&str> = Vec::new();
    for op in schema.operations(table) {
        let Some(outcome) = op.outcome() else {
            continue;
        };
        if done.contains(&outcome.name) {
            continue;
        }
        done.push(outcome.name);
        let _ = write!(
            code,
            "#[doc = {}] #[derive(Debug, Clone, PartialEq)] pub enum {} {{",
            str_literal(&format!(" {}", outcome.doc)),
            outcome.name
        );
        for variant in variants(&outcome) {
            let payload = if variant.row {
                format!("({})", table.row_name())
            } else {
                String::new()
            };
            let _ = write!(
                code,
                "#[doc = {}] {}{payload},",
                str_literal(&format!(" {}", variant.doc)),
                variant.name
            );
        }
        code.push_str("}\n");
    }
}

/// One operation's method, for one driver, on one dialect.
struct Method<'a> {
    schema: &'a Schema,
    table: &'a Table,
    types: &'a RustTypes<'a>,
    op: &'a Operation,
    driver: &'a dyn Driver,
    statements: Vec<Statement>,
    /// The path of the table's statement constants in this dialect.
    consts: String,
}

/// The operations' methods of `table`, run through `driver`, on every
/// dialect of the invocation: one method per operation, whose body runs
/// the statements of the dialect of the connection it is given.
pub fn methods(
    code: &mut Code,
    layout: &Dialects<'_>,
    table: &Table,
    types: &RustTypes<'_>,
    driver: &dyn Driver,
    tracing: bool,
) {
    let primary = layout.primary();
    let ops = primary.operations_sql(table);
    if ops.is_empty() {
        return;
    }
    // A group: a host's type may stand in a parameter list.
    let mut methods_code = Code::default();
    for (op, _) in ops {
        let per_dialect: Vec<Method<'_>> = layout
            .schemas()
            .iter()
            .map(|schema| Method {
                schema,
                table,
                types,
                op,
                driver,
                statements: schema.operation_sql(table, op),
                consts: layout.table_consts(schema, table),
            })
            .collect();
        write(&mut methods_code, layout, &per_dialect, tracing);
    }
    let _ = write!(code, "impl {}", table.row_name());
    code.group(Delimiter::Brace, methods_code);
}

/// One operation's method: its signature, from the first dialect, and a
/// body per dialect, which the driver dispatches on the connection.
fn write(code: &mut Code, layout: &Dialects<'_>, methods: &[Method<'_>], tracing: bool) {
    let first = &methods[0];
    let op = first.op;
    let driver = first.driver;
    let mut ok = String::new();
    let arms: Vec<String> = methods
        .iter()
        .map(|method| {
            let (ty, body) = method.body();
            ok = ty;
            format!("::core::result::Result::Ok({{ {body} }})")
        })
        .collect();
    let asynchronous = driver.asynchronous();
    let runs = first
        .statements
        .iter()
        .find(|s| s.role == Role::Main)
        .map(|s| format!("{}::{}", first.consts, constant(op, s)))
        .unwrap_or_default();
    let dialects = if layout.multi() {
        " (in the first dialect's module; each dialect's module has its own)"
    } else {
        ""
    };
    let doc = format!(
        " `{}` ({}): {}\n\n Runs [`{runs}`]{}{dialects}.",
        op.name(),
        op.upstream(),
        op.description(),
        if first.statements.len() > 1 {
            ", with the other statements of the operation"
        } else {
            ""
        }
    );
    // An operation takes one argument per value upstream's function
    // takes; some take more than clippy's default of seven, and the
    // lint would fire in the user's crate, under their macro call.
    let _ = write!(
        code,
        "#[doc = {}] #[allow(clippy::too_many_arguments)] pub {}fn {}",
        str_literal(&doc),
        if asynchronous { "async " } else { "" },
        op.name()
    );
    let signature = driver.signature(first.schema.dialect().backend());
    let _ = write!(code, "{}", signature.generics);
    let mut params = Code::default();
    if first.writes_row() {
        params.push_str("&self, ");
    }
    params.push_str(&signature.connection);
    for param in op.params() {
        let _ = write!(params, ", {}: ", param.name);
        match param.ty {
            ParamType::Seconds => params.push_str("i64"),
            ParamType::Batch => params.push_str("u32"),
            ParamType::Column(c) | ParamType::Nullable(c) => {
                let optional = matches!(param.ty, ParamType::Nullable(_));
                if optional {
                    params.push_str("::core::option::Option<");
                }
                params.push_str("&");
                let column = first
                    .schema
                    .columns(first.table)
                    .into_iter()
                    .find(|col| col.name() == c);
                match column.map(|col| first.types.of(first.table, &col)) {
                    Some(RustType::Default("::std::string::String")) | None => {
                        params.push_str("str")
                    }
                    Some(ty) => field_type(&mut params, ty, false),
                }
                if optional {
                    params.push_str(">");
                }
            }
        }
    }
    code.group(Delimiter::Parenthesis, params);
    let result = format!("::core::result::Result<{ok}, {}>", signature.error);
    let body = driver.dispatch(layout, &arms, None);
    let body = if tracing {
        let table = first.schema.table_name(first.table);
        super::tracing::instrument(&table, op, &result, &body, asynchronous)
    } else {
        body
    };
    let _ = write!(code, " -> {result} {{ {body} }}");
}

impl Method<'_> {
    fn statement(&self, role: Role) -> Option<&Statement> {
        self.statements.iter().find(|s| s.role == role)
    }

    /// Whether the operation writes the row it is called on.
    fn writes_row(&self) -> bool {
        matches!(
            self.op.kind(),
            OpKind::Insert
                | OpKind::InsertIfAbsent
                | OpKind::InsertUnlessTaken { .. }
                | OpKind::InsertUnlessFamilyRevoked
                | OpKind::Upsert { .. }
        )
    }

    /// The column a parameter stands for, and whether an `UPDATE` stores it
    /// there.
    fn param_column(&self, name: &str) -> Option<(&'static str, bool)> {
        let param = self.op.params().iter().find(|p| p.name == name)?;
        let column = match param.ty {
            ParamType::Column(c) | ParamType::Nullable(c) => c,
            ParamType::Seconds | ParamType::Batch => return None,
        };
        let sets: &[Set] = match self.op.kind() {
            OpKind::ClaimRow { set, .. }
            | OpKind::ClaimCount { set, .. }
            | OpKind::Update { set, .. }
            | OpKind::UpdateUnderFamilyLock { set, .. } => set,
            _ => &[],
        };
        let stored = sets
            .iter()
            .any(|s| matches!(s, Set::Param(c, p) if *p == name && *c == column))
            || sets
                .iter()
                .any(|s| matches!(s, Set::Param(_, p) if *p == name));
        Some((column, stored))
    }

    /// The assignments that give a row read before a claim's `UPDATE`
    /// what the `UPDATE` set, each ending in `;`. Each value is what the
    /// column then holds: a parameter is bound only if its column keeps it
    /// exactly (the timestamp types, the length limits), so it reads back
    /// as given.
    fn assignments(&self) -> String {
        let OpKind::ClaimRow { set, .. } = self.op.kind() else {
            return String::new();
        };
        let columns = self.schema.columns(self.table);
        let mut out = String::new();
        for s in set.iter() {
            // The value, and whether it is already an `Option`.
            let (column, value, optional) = match *s {
                Set::Param(column, param) => {
                    let optional = self
                        .op
                        .params()
                        .iter()
                        .any(|p| p.name == param && matches!(p.ty, ParamType::Nullable(_)));
                    let value = if optional {
                        format!("{param}.map(::std::borrow::ToOwned::to_owned)")
                    } else {
                        format!("::std::borrow::ToOwned::to_owned({param})")
                    };
                    (column, value, optional)
                }
                Set::Bool(column, b) => {
                    (column, format!("::core::convert::From::from({b})"), false)
                }
                Set::Text(column, t) => {
                    (column, format!("::core::convert::From::from({t:?})"), false)
                }
            };
            let nullable = columns
                .iter()
                .find(|c| c.name() == column)
                .is_some_and(|c| c.is_nullable());
            let value = if nullable && !optional {
                format!("::core::option::Option::Some({value})")
            } else {
                value
            };
            let _ = write!(out, "row.{column} = {value};");
        }
        out
    }

    /// The driver's expression for one bind.
    fn value(&self, bind: &Bind) -> String {
        let name = self.schema.table_name(self.table);
        let columns = self.schema.columns(self.table);
        let dialect = self.schema.dialect();
        let (source, binding, label, column) = match *bind {
            Bind::Field(c) => {
                let column = columns.iter().find(|col| col.name() == c);
                let nullable = column.is_some_and(|col| col.is_nullable());
                let binding = column.map_or(Binding::Plain, |col| {
                    binding(dialect, col, self.types.of(self.table, col))
                });
                (
                    Source::Field {
                        column: c,
                        nullable,
                        owner: "self",
                    },
                    binding,
                    c,
                    column,
                )
            }
            // A key of a row read from the table, compared as it reads.
            Bind::Taken(c) => {
                let column = columns.iter().find(|col| col.name() == c);
                let nullable = column.is_some_and(|col| col.is_nullable());
                (
                    Source::Field {
                        column: c,
                        nullable,
                        owner: "row",
                    },
                    Binding::Plain,
                    c,
                    column,
                )
            }
            Bind::Param(p) => {
                let ty = self.op.params().iter().find(|x| x.name == p).map(|x| x.ty);
                let source = match ty {
                    Some(ParamType::Nullable(_)) => Source::OptRef(p),
                    Some(ParamType::Seconds | ParamType::Batch) | None => Source::Seconds(p),
                    Some(ParamType::Column(_)) => Source::Ref(p),
                };
                let stands_for = self.param_column(p);
                let label = stands_for.map_or(p, |(c, _)| c);
                let column =
                    stands_for.and_then(|(c, _)| columns.iter().find(|col| col.name() == c));
                let binding = match stands_for {
                    Some((_, stored)) => {
                        match column
                            .map(|col| binding(dialect, col, self.types.of(self.table, col)))
                        {
                            // Only a stored value is held to what its column keeps: a
                            // key too long to be stored is compared, and missed.
                            Some(Binding::Timestamp(_) | Binding::Text(_)) if !stored => {
                                Binding::Plain
                            }
                            Some(b) => b,
                            None => Binding::Plain,
                        }
                    }
                    None => Binding::Plain,
                };
                (source, binding, label, column)
            }
        };
        self.driver.value(&Bound {
            source,
            binding,
            table_name: &name,
            label,
            column,
            schema: self.schema,
            table: self.table,
            types: self.types,
        })
    }

    /// `statement`'s constant path and bound values, then `step` of the
    /// driver on them.
    fn step(
        &self,
        statement: &Statement,
        tx: bool,
        step: impl Fn(&dyn Driver, &Query<'_>) -> String,
    ) -> String {
        let sql = format!("{}::{}", self.consts, constant(self.op, statement));
        let values: Vec<String> = statement.binds.iter().map(|b| self.value(b)).collect();
        let query = Query {
            sql: &sql,
            values: &values,
            tx,
            table: self.table,
            backend: self.schema.dialect().backend(),
        };
        step(self.driver, &query)
    }

    fn exec(&self, statement: &Statement, tx: bool) -> String {
        self.step(statement, tx, |d, q| d.exec(q))
    }

    fn try_exec(&self, statement: &Statement) -> String {
        self.step(statement, false, |d, q| d.try_exec(q))
    }

    fn fetch_optional(&self, statement: &Statement, tx: bool) -> String {
        self.step(statement, tx, |d, q| d.fetch_optional(q))
    }

    fn fetch_all(&self, statement: &Statement, tx: bool) -> String {
        self.step(statement, tx, |d, q| d.fetch_all(q))
    }

    fn count(&self, statement: &Statement, tx: bool) -> String {
        self.step(statement, tx, |d, q| d.count(q))
    }

    fn miss(&self, statement: &Statement) -> String {
        self.step(statement, false, |d, q| d.miss(q))
    }

    fn in_transaction(&self, body: &str, ty: &str) -> String {
        self.driver.in_transaction(body, ty)
    }

    fn in_transaction_if(&self, body: &str, ty: &str, keep: &str) -> String {
        self.driver.in_transaction_if(body, ty, keep)
    }

    /// The guard of a `match` arm on an `Err(e)` that is a unique violation
    /// of the index on `column` (or, with `None`, of the primary key).
    fn unique_violation(&self, column: Option<&str>) -> String {
        let table = self.schema.table_name(self.table);
        // How each server names the key in its error: PostgreSQL's
        // constraint name, MySQL's key name in its message, SQLite's
        // columns.
        let constraint =
            column.map_or_else(|| format!("{table}_pkey"), |c| format!("{table}_{c}_index"));
        let mysql_key = column.map_or_else(
            || "'PRIMARY'".to_owned(),
            |c| format!("'{table}_{c}_index'"),
        );
        let sqlite_columns = column.map_or_else(
            || {
                self.table
                    .key()
                    .iter()
                    .map(|k| format!("{table}.{k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            |c| format!("{table}.{c}"),
        );
        self.driver.unique_violation(&Violation {
            constraint: &constraint,
            mysql_key: &mysql_key,
            sqlite_columns: &sqlite_columns,
        })
    }

    /// A variant of the outcome, built.
    fn variant(&self, outcome: &Outcome, variant: &Variant, row: &str) -> String {
        let carries = variants(outcome)
            .iter()
            .any(|v| v.name == variant.name && v.row);
        if carries {
            format!("{}::{}({row})", outcome.name, variant.name)
        } else {
            format!("{}::{}", outcome.name, variant.name)
        }
    }

    /// The outcome of a win, the row in `row`: expired when the outcome
    /// tells expiry apart and the row's `expires_at` is not after `now`.
    fn won(&self, outcome: &Outcome) -> String {
        let won = self.variant(outcome, &outcome.won, "row");
        match outcome.expired {
            Some(expired) => format!(
                "if row.expires_at <= *now {{ {} }} else {{ {won} }}",
                self.variant(outcome, &expired, "row")
            ),
            None => won,
        }
    }

    /// The variant of the miss that a read's `attesto_outcome` (`outcome`,
    /// a `String`) names, the row in `row`: the expression of the outcome.
    fn miss_arms(&self, outcome: &Outcome) -> String {
        let mut arms = String::new();
        let mut seen: Vec<&str> = Vec::new();
        for (_, variant) in outcome
            .cases
            .iter()
            .chain(std::iter::once(&((&[][..]), outcome.otherwise)))
        {
            if seen.contains(&variant.name) {
                continue;
            }
            seen.push(variant.name);
            let _ = write!(
                arms,
                "{:?} => {},",
                variant.name,
                self.variant(outcome, variant, "row")
            );
        }
        let _ = write!(
            arms,
            "_ => {},",
            self.variant(outcome, &outcome.otherwise, "row")
        );
        format!("{{ let _ = &row; match outcome.as_str() {{ {arms} }} }}")
    }

    /// The classification of a miss: the expression of the outcome.
    fn classify(&self, outcome: &Outcome) -> String {
        let Some(miss) = self.statement(Role::Miss) else {
            return self.variant(outcome, &outcome.absent, "");
        };
        format!(
            "match {} {{ ::core::option::Option::None => {}, \
             ::core::option::Option::Some((outcome, row)) => {} }}",
            self.miss(miss),
            self.variant(outcome, &outcome.absent, "row"),
            self.miss_arms(outcome)
        )
    }

    /// The method's return type and body (statements, then a value). Which
    /// form an operation takes follows from what its statements answer
    /// ([`Answer`]): a `RETURNING` that returns the row, or a count and a
    /// read in one transaction; a conflict told by the count, or by a
    /// unique violation.
    fn body(&self) -> (String, String) {
        let main = self.statement(Role::Main).cloned();
        let Some(main) = main else {
            return ("()".to_owned(), String::new());
        };
        let outcome = self.op.outcome();
        match (self.op.kind(), outcome) {
            (
                OpKind::Insert
                | OpKind::Upsert { .. }
                | OpKind::InsertIfAbsent
                | OpKind::InsertUnlessTaken { .. }
                | OpKind::InsertUnlessFamilyRevoked,
                None,
            )
            | (OpKind::Insert | OpKind::Upsert { .. }, _) => {
                ("()".to_owned(), format!("{};", self.exec(&main, false)))
            }
            (OpKind::InsertIfAbsent, Some(outcome)) => (
                outcome.name.to_owned(),
                self.insert_unless_conflict(&main, &outcome, None),
            ),
            (OpKind::InsertUnlessTaken { column }, Some(outcome)) => (
                outcome.name.to_owned(),
                self.insert_unless_conflict(&main, &outcome, Some(column)),
            ),
            (OpKind::InsertUnlessFamilyRevoked, Some(outcome)) => {
                self.insert_in_family(&main, &outcome)
            }
            (OpKind::ClaimRow { .. }, outcome) => self.claim_row(&main, outcome),
            (OpKind::ClaimCount { .. }, outcome) => match outcome {
                Some(outcome) => (
                    outcome.name.to_owned(),
                    format!(
                        "if {} == 1 {{ {} }} else {{ {} }}",
                        self.exec(&main, false),
                        self.variant(&outcome, &outcome.won, ""),
                        self.classify(&outcome)
                    ),
                ),
                None => (
                    "bool".to_owned(),
                    format!("{} == 1", self.exec(&main, false)),
                ),
            },
            (OpKind::TakeRow { .. } | OpKind::TakeRows { .. }, _) => self.take(&main, outcome),
            (OpKind::Sweep { .. }, _) => ("u64".to_owned(), self.sweep(&main)),
            (OpKind::Update { .. } | OpKind::Delete { .. }, _) => {
                ("u64".to_owned(), self.exec(&main, false))
            }
            (OpKind::UpdateUnderFamilyLock { .. }, _) => {
                let mut body = String::new();
                if let Some(lock) = self.statement(Role::Lock) {
                    let _ = write!(body, "{};", self.exec(lock, true));
                }
                body.push_str(&self.exec(&main, true));
                ("u64".to_owned(), self.in_transaction(&body, "u64"))
            }
            (OpKind::Select { .. }, _) => (
                "::core::option::Option<Self>".to_owned(),
                self.fetch_optional(&main, false),
            ),
            (OpKind::SelectAll { .. }, _) => (
                "::std::vec::Vec<Self>".to_owned(),
                self.fetch_all(&main, false),
            ),
            (OpKind::Exists { .. }, _) => (
                "bool".to_owned(),
                format!("{} > 0", self.count(&main, false)),
            ),
        }
    }

    /// An insert that a duplicate key turns away: the won or the absent
    /// variant, told by the count (`ON CONFLICT ... DO NOTHING`) or by the
    /// unique violation of `column` (any key when `None`).
    fn insert_unless_conflict(
        &self,
        main: &Statement,
        outcome: &Outcome,
        column: Option<&str>,
    ) -> String {
        let won = self.variant(outcome, &outcome.won, "");
        let absent = self.variant(outcome, &outcome.absent, "");
        if main.answer == Answer::CountOrConflict {
            // No `ON CONFLICT DO NOTHING`: the duplicate key is the conflict.
            format!(
                "match {} {{ ::core::result::Result::Ok(_) => {won}, {} => {absent}, ::core::result::Result::Err(e) => return ::core::result::Result::Err(e.into()), }}",
                self.try_exec(main),
                self.unique_violation(column)
            )
        } else {
            // `ON CONFLICT DO NOTHING`: no row inserted is the key taken;
            // any other conflict is still an error.
            format!(
                "if {} == 1 {{ {won} }} else {{ {absent} }}",
                self.exec(main, false)
            )
        }
    }

    /// A refresh token inserted unless its family is revoked: under the
    /// family's lock where the dialect takes one, or the insert checked
    /// after and undone in its transaction.
    fn insert_in_family(&self, main: &Statement, outcome: &Outcome) -> (String, String) {
        let won = self.variant(outcome, &outcome.won, "");
        let absent = self.variant(outcome, &outcome.absent, "");
        let lock = self.statement(Role::Lock);
        let check_after = self.statement(Role::Check).zip(self.statement(Role::Undo));
        let in_tx = lock.is_some() || check_after.is_some();
        let mut body = String::new();
        if let Some(lock) = lock {
            let _ = write!(body, "{};", self.exec(lock, true));
        }
        match check_after {
            // The insert, then the family's revoked rows; a
            // revoked family deletes the row before the commit.
            Some((check, undo)) => {
                let _ = write!(
                    body,
                    "{}; if {} > 0 {{ {}; {absent} }} else {{ {won} }}",
                    self.exec(main, true),
                    self.count(check, true),
                    self.exec(undo, true)
                );
            }
            // One statement inserts unless the family is revoked.
            None => {
                let _ = write!(
                    body,
                    "if {} == 1 {{ {won} }} else {{ {absent} }}",
                    self.exec(main, in_tx)
                );
            }
        }
        let body = if in_tx {
            self.in_transaction(&body, outcome.name)
        } else {
            body
        };
        (outcome.name.to_owned(), body)
    }

    /// A claim of one row: its `RETURNING` in a transaction, or a read
    /// then one autocommit `UPDATE` whose count decides.
    fn claim_row(&self, main: &Statement, outcome: Option<Outcome>) -> (String, String) {
        if main.answer == Answer::Rows {
            // In a transaction: a row returned that does not decode
            // is rolled back, not left claimed with no one told; a
            // miss rolls back, which leaves no lock behind.
            let fetch = self.in_transaction_if(
                &self.fetch_optional(main, true),
                "::core::option::Option<Self>",
                "value.is_some()",
            );
            return match outcome {
                Some(outcome) => (
                    outcome.name.to_owned(),
                    format!(
                        "let claimed: ::core::option::Option<Self> = {fetch}; match claimed {{ ::core::option::Option::Some(row) => {}, ::core::option::Option::None => {} }}",
                        self.won(&outcome),
                        self.classify(&outcome)
                    ),
                ),
                None => ("::core::option::Option<Self>".to_owned(), fetch),
            };
        }
        // The row is read without a lock and decoded (a row that
        // does not decode is an error before anything is
        // written), then one autocommit `UPDATE` under the claim's
        // filter decides by its count; the row returned is the one
        // read with what the `UPDATE` set.
        let read = self
            .statement(Role::Read)
            .cloned()
            .unwrap_or_else(|| main.clone());
        let claim = format!(
            "if {} == 1 {{ {} ::core::option::Option::Some(row) }} else {{ ::core::option::Option::None }}",
            self.exec(main, false),
            self.assignments()
        );
        self.read_then_write(
            &read,
            outcome,
            &claim,
            ReadThenWrite {
                ty: "::core::option::Option<Self>",
                row: "mut row",
                decided: "claimed",
            },
        )
    }

    /// A take of one row or of rows: a `DELETE ... RETURNING` in a
    /// transaction, or a read then an autocommit `DELETE` per row whose
    /// count decides.
    fn take(&self, main: &Statement, outcome: Option<Outcome>) -> (String, String) {
        let many = matches!(self.op.kind(), OpKind::TakeRows { .. });
        let ty = if many {
            "::std::vec::Vec<Self>"
        } else {
            "::core::option::Option<Self>"
        };
        if main.answer == Answer::Rows {
            // In a transaction: rows returned that do not decode
            // are rolled back, not deleted with no one told.
            let (fetch, keep) = if many {
                (self.fetch_all(main, true), "!value.is_empty()")
            } else {
                (self.fetch_optional(main, true), "value.is_some()")
            };
            let body = self.in_transaction_if(&fetch, ty, keep);
            return match outcome {
                Some(outcome) if !many => (
                    outcome.name.to_owned(),
                    format!(
                        "let taken: ::core::option::Option<Self> = {body}; match taken {{ ::core::option::Option::Some(row) => {}, ::core::option::Option::None => {} }}",
                        self.won(&outcome),
                        self.classify(&outcome)
                    ),
                ),
                _ => (ty.to_owned(), body),
            };
        }
        let read = self
            .statement(Role::Read)
            .cloned()
            .unwrap_or_else(|| main.clone());
        if many {
            // Each row read (and decoded) is deleted by its key, in
            // an autocommit statement whose count says who took it:
            // a row another caller took first is not returned. A
            // failure after the first row taken returns the rows
            // taken; the others stay, for a later take.
            let body = format!(
                "let rows: ::std::vec::Vec<Self> = {}; \
                 let mut taken: ::std::vec::Vec<Self> = ::std::vec::Vec::with_capacity(rows.len()); \
                 for row in rows {{ match {} {{ \
                 ::core::result::Result::Ok(1) => taken.push(row), \
                 ::core::result::Result::Ok(_) => {{}} \
                 ::core::result::Result::Err(e) if taken.is_empty() => return ::core::result::Result::Err(e.into()), \
                 ::core::result::Result::Err(_) => break, }} }} taken",
                self.fetch_all(&read, false),
                self.try_exec(main)
            );
            return (ty.to_owned(), body);
        }
        let delete = format!(
            "if {} == 1 {{ ::core::option::Option::Some(row) }} else {{ ::core::option::Option::None }}",
            self.exec(main, false)
        );
        self.read_then_write(
            &read,
            outcome,
            &delete,
            ReadThenWrite {
                ty,
                row: "row",
                decided: "taken",
            },
        )
    }

    /// A claim or take of one row on a dialect without `RETURNING` for it:
    /// `read` gives the row (and, with an outcome, why a miss missed), then
    /// `write`, an expression of the row's `Option` whose count decided,
    /// says whether this caller won it.
    fn read_then_write(
        &self,
        read: &Statement,
        outcome: Option<Outcome>,
        write: &str,
        shape: ReadThenWrite<'_>,
    ) -> (String, String) {
        let ReadThenWrite { ty, row, decided } = shape;
        match outcome {
            Some(outcome) => (
                outcome.name.to_owned(),
                format!(
                    "match {} {{ \
                     ::core::option::Option::None => {}, \
                     ::core::option::Option::Some((outcome, {row})) if outcome.is_empty() => {{ \
                     let {decided}: ::core::option::Option<Self> = {write}; \
                     match {decided} {{ ::core::option::Option::Some(row) => {}, ::core::option::Option::None => {} }} }} \
                     ::core::option::Option::Some((outcome, row)) => {} }}",
                    self.miss(read),
                    self.variant(&outcome, &outcome.absent, "row"),
                    self.won(&outcome),
                    self.classify(&outcome),
                    self.miss_arms(&outcome)
                ),
            ),
            None => (
                ty.to_owned(),
                format!(
                    "match {} {{ ::core::option::Option::Some({row}) => {write}, ::core::option::Option::None => ::core::option::Option::None }}",
                    self.fetch_optional(read, false)
                ),
            ),
        }
    }

    /// A sweep: each batch its own statement, until one deletes fewer.
    fn sweep(&self, main: &Statement) -> String {
        // Each batch its own statement (and, outside a caller's
        // transaction, its own transaction); the last one deletes
        // fewer than a batch.
        let body = format!(
            "let limit = ::core::primitive::u64::from(::core::cmp::max(batch, 1)); \
             let batch = ::core::primitive::i64::from(::core::cmp::max(batch, 1)); \
             let mut swept: u64 = 0; \
             loop {{ let deleted: u64 = {}; swept += deleted; if deleted < limit {{ break swept; }} }}",
            self.exec(main, false)
        );
        body
    }
}

/// How [`Method::read_then_write`] writes a claim or a take: the method's
/// type without an outcome, the pattern that binds the row read (`mut row`
/// where the claim's assignments change it), and the name of the row won.
struct ReadThenWrite<'a> {
    ty: &'a str,
    row: &'a str,
    decided: &'a str,
}
