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
    Bind, COUNT_COLUMN, Dialect, OUTCOME_COLUMN, OpKind, Operation, Outcome, ParamType, Role,
    Schema, Set, Statement, Table, Variant,
};

use proc_macro2::Delimiter;

use super::value::Source;
use super::{Binding, binding};
use crate::code::{Code, str_literal};
use crate::types::{RustType, RustTypes, field_type};

/// The constant that holds `statement` of `op`: `TAKE_SQL`, `TAKE_MISS_SQL`.
fn constant(op: &Operation, statement: &Statement) -> String {
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
            }
        }
        f.write_str(".")
    }
}

/// The SQL constants of every operation the release has on `table`.
pub fn constants(code: &mut Code, schema: &Schema, table: &Table) {
    let ops = schema.operations_sql(table);
    if ops.is_empty() {
        return;
    }
    let _ = writeln!(code, "impl {} {{", table.row_name());
    for (op, statements) in ops {
        for statement in statements {
            let role = match statement.role {
                Role::Main => "The statement",
                Role::Lock => "The lock it takes first",
                Role::Check => "The check it makes under the lock",
                Role::Read => {
                    "The read of the row it updated (MySQL has no `UPDATE ... RETURNING`)"
                }
                Role::Miss => "The read that tells a miss apart",
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
    code.push_str("}\n");
}

/// The drivers whose methods run the operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    /// sqlx, async, over `Acquire`.
    Sqlx,
    /// postgres (sync) or tokio-postgres (async), over `GenericClient`.
    Postgres {
        /// `::postgres` or `::tokio_postgres`.
        krate: &'static str,
        /// Whether the client is async.
        asynchronous: bool,
    },
    /// rusqlite, over `&Connection`.
    Rusqlite,
    /// diesel, over `&mut` the backend's connection (e.g. `PgConnection`),
    /// running the statements with `sql_query`.
    Diesel {
        /// The connection type.
        connection: &'static str,
    },
    /// sea-orm, async, over `&impl ConnectionTrait + TransactionTrait` (a
    /// connection or a transaction), running `Statement`s and reading rows
    /// through the entity's `Model`.
    SeaOrm,
}

/// Every variant of `outcome`, each name once (a name may stand for several
/// cases); whether it carries the row.
fn variants(outcome: &Outcome) -> Vec<Variant> {
    let mut all: Vec<Variant> = Vec::new();
    let candidates = std::iter::once(outcome.won)
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

/// One operation's method, for one driver.
struct Method<'a> {
    schema: &'a Schema,
    table: &'a Table,
    types: &'a RustTypes<'a>,
    op: &'a Operation,
    driver: Driver,
    statements: Vec<Statement>,
}

pub fn methods(
    code: &mut Code,
    schema: &Schema,
    table: &Table,
    types: &RustTypes<'_>,
    driver: Driver,
) {
    let ops = schema.operations_sql(table);
    if ops.is_empty() {
        return;
    }
    // A group: a host's type may stand in a parameter list.
    let mut methods_code = Code::default();
    for (op, statements) in ops {
        let method = Method {
            schema,
            table,
            types,
            op,
            driver,
            statements,
        };
        method.write(&mut methods_code);
    }
    let _ = write!(code, "impl {}", table.row_name());
    code.group(Delimiter::Brace, methods_code);
}

impl Method<'_> {
    fn dialect(&self) -> Dialect {
        self.schema.dialect()
    }

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
            ParamType::Seconds => return None,
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

    /// The driver's expression for one bind.
    fn value(&self, bind: &Bind) -> String {
        let name = self.schema.table_name(self.table);
        let columns = self.schema.columns(self.table);
        let (source, binding, label) = match *bind {
            Bind::Field(c) => {
                let column = columns.iter().find(|col| col.name() == c);
                let nullable = column.is_some_and(|col| col.is_nullable());
                let binding = column.map_or(Binding::Plain, |col| {
                    binding(self.dialect(), col, self.types.of(self.table, col))
                });
                (
                    Source::Field {
                        column: c,
                        nullable,
                    },
                    binding,
                    c,
                )
            }
            Bind::Param(p) => {
                let ty = self.op.params().iter().find(|x| x.name == p).map(|x| x.ty);
                let source = match ty {
                    Some(ParamType::Nullable(_)) => Source::OptRef(p),
                    Some(ParamType::Seconds) | None => Source::Seconds(p),
                    Some(ParamType::Column(_)) => Source::Ref(p),
                };
                let label = self.param_column(p).map_or(p, |(c, _)| c);
                let binding = match self.param_column(p) {
                    Some((c, stored)) => {
                        let column = columns.iter().find(|col| col.name() == c);
                        match column
                            .map(|col| binding(self.dialect(), col, self.types.of(self.table, col)))
                        {
                            // Only a stored timestamp is held to its column's precision.
                            Some(Binding::Timestamp(_)) if !stored => Binding::Plain,
                            Some(b) => b,
                            None => Binding::Plain,
                        }
                    }
                    None => Binding::Plain,
                };
                (source, binding, label)
            }
        };
        match self.driver {
            Driver::Sqlx => super::sqlx::value(binding, source, &name, label),
            Driver::Postgres { krate, .. } => {
                super::postgres::value(binding, source, &name, label, krate)
            }
            Driver::Rusqlite => super::rusqlite::value(binding, source, &name, label),
            Driver::Diesel { .. } => {
                let column = match *bind {
                    Bind::Field(c) => Some(c),
                    Bind::Param(p) => self.param_column(p).map(|(c, _)| c),
                };
                let column = column.and_then(|c| columns.iter().find(|col| col.name() == c));
                super::diesel::bind(self.schema, self.table, column, self.types, source)
            }
            Driver::SeaOrm => {
                let column = match *bind {
                    Bind::Field(c) => Some(c),
                    Bind::Param(p) => self.param_column(p).map(|(c, _)| c),
                };
                let column = column.and_then(|c| columns.iter().find(|col| col.name() == c));
                super::sea_orm::value(self.schema, self.table, column, self.types, source)
            }
        }
    }

    /// `.await` for an async driver.
    fn wait(&self) -> &'static str {
        match self.driver {
            Driver::Sqlx
            | Driver::SeaOrm
            | Driver::Postgres {
                asynchronous: true, ..
            } => ".await",
            Driver::Postgres {
                asynchronous: false,
                ..
            }
            | Driver::Rusqlite
            | Driver::Diesel { .. } => "",
        }
    }

    /// The statement, bound: `(constant path, bound values)` rendered for
    /// the driver as a runnable prefix.
    fn bound(&self, statement: &Statement) -> (String, Vec<String>) {
        let constant = format!("Self::{}", constant(self.op, statement));
        let values = statement.binds.iter().map(|b| self.value(b)).collect();
        (constant, values)
    }

    /// The executor expression inside a transaction or not.
    fn on(&self, tx: bool) -> &'static str {
        match (self.driver, tx) {
            (Driver::Sqlx, false) => "&mut *conn",
            (Driver::Sqlx, true) => "&mut *tx",
            (Driver::Postgres { .. }, false) => "db",
            (Driver::Postgres { .. }, true) => "tx",
            (Driver::Rusqlite, _) => "db",
            (Driver::Diesel { .. }, false) => "db",
            (Driver::Diesel { .. }, true) => "tx",
            (Driver::SeaOrm, false) => "db",
            (Driver::SeaOrm, true) => "&tx",
        }
    }

    /// An expression: the number of rows `statement` affected, as `u64`.
    fn exec(&self, statement: &Statement, tx: bool) -> String {
        let (sql, values) = self.bound(statement);
        let on = self.on(tx);
        let wait = self.wait();
        match self.driver {
            Driver::Sqlx => format!(
                "::sqlx::query({sql}){}.execute({on}){wait}?.rows_affected()",
                sqlx_binds(&values)
            ),
            Driver::Postgres { .. } => {
                format!("{on}.execute({sql}, &[{}]){wait}?", values.join(", "))
            }
            Driver::Rusqlite => format!(
                "({on}.execute({sql}, {})? as u64)",
                rusqlite_params(&values)
            ),
            Driver::Diesel { .. } => format!(
                "(::diesel::RunQueryDsl::execute({}, {on})? as u64)",
                diesel_query(&sql, &values)
            ),
            Driver::SeaOrm => format!(
                "::sea_orm::ConnectionTrait::execute_raw({on}, {}){wait}?.rows_affected()",
                sea_orm_statement(&sql, &values, on)
            ),
        }
    }

    /// An expression: `Result<u64, Error>` of running `statement`, for a
    /// `match` on a unique violation.
    fn try_exec(&self, statement: &Statement) -> String {
        let (sql, values) = self.bound(statement);
        let wait = self.wait();
        match self.driver {
            Driver::Sqlx => format!(
                "::sqlx::query({sql}){}.execute(&mut *conn){wait}.map(|done| done.rows_affected())",
                sqlx_binds(&values)
            ),
            Driver::Postgres { .. } => format!("db.execute({sql}, &[{}]){wait}", values.join(", ")),
            Driver::Rusqlite => format!(
                "db.execute({sql}, {}).map(|n| n as u64)",
                rusqlite_params(&values)
            ),
            Driver::Diesel { .. } => format!(
                "::diesel::RunQueryDsl::execute({}, db).map(|n| n as u64)",
                diesel_query(&sql, &values)
            ),
            Driver::SeaOrm => format!(
                "::sea_orm::ConnectionTrait::execute_raw(db, {}){wait}.map(|done| done.rows_affected())",
                sea_orm_statement(&sql, &values, "db")
            ),
        }
    }

    /// An expression: the row `statement` reads, if any (`Option<Self>`).
    fn fetch_optional(&self, statement: &Statement, tx: bool) -> String {
        let (sql, values) = self.bound(statement);
        let on = self.on(tx);
        let wait = self.wait();
        match self.driver {
            Driver::Sqlx => format!(
                "::sqlx::query_as::<_, Self>({sql}){}.fetch_optional({on}){wait}?",
                sqlx_binds(&values)
            ),
            Driver::Postgres { .. } => format!(
                "match {on}.query_opt({sql}, &[{}]){wait}? {{ ::core::option::Option::Some(row) => ::core::option::Option::Some(Self::try_from(&row)?), ::core::option::Option::None => ::core::option::Option::None }}",
                values.join(", ")
            ),
            Driver::Rusqlite => format!(
                "::rusqlite::OptionalExtension::optional({on}.query_row({sql}, {}, |row| Self::try_from(row)))?",
                rusqlite_params(&values)
            ),
            Driver::Diesel { .. } => format!(
                "::diesel::OptionalExtension::optional(::diesel::RunQueryDsl::get_result::<Self>({}, {on}))?",
                diesel_query(&sql, &values)
            ),
            Driver::SeaOrm => format!(
                "match ::sea_orm::ConnectionTrait::query_one_raw({on}, {}){wait}? {{ \
                 ::core::option::Option::Some(row) => ::core::option::Option::Some({}), \
                 ::core::option::Option::None => ::core::option::Option::None }}",
                sea_orm_statement(&sql, &values, on),
                sea_orm_row(self.table, "&row")
            ),
        }
    }

    /// An expression: every row `statement` reads (`Vec<Self>`).
    fn fetch_all(&self, statement: &Statement, tx: bool) -> String {
        let (sql, values) = self.bound(statement);
        let on = self.on(tx);
        let wait = self.wait();
        match self.driver {
            Driver::Sqlx => format!(
                "::sqlx::query_as::<_, Self>({sql}){}.fetch_all({on}){wait}?",
                sqlx_binds(&values)
            ),
            Driver::Postgres { .. } => format!(
                "{on}.query({sql}, &[{}]){wait}?.iter().map(Self::try_from).collect::<::core::result::Result<::std::vec::Vec<Self>, _>>()?",
                values.join(", ")
            ),
            Driver::Rusqlite => format!(
                "{{ let mut statement = {on}.prepare({sql})?; let rows = statement.query_map({}, |row| Self::try_from(row))?; rows.collect::<::rusqlite::Result<::std::vec::Vec<Self>>>()? }}",
                rusqlite_params(&values)
            ),
            Driver::Diesel { .. } => format!(
                "::diesel::RunQueryDsl::load::<Self>({}, {on})?",
                diesel_query(&sql, &values)
            ),
            Driver::SeaOrm => format!(
                "::sea_orm::ConnectionTrait::query_all_raw({on}, {}){wait}?.iter()\
                 .map(|row| ::core::result::Result::Ok({})).collect::<::core::result::Result<::std::vec::Vec<Self>, ::sea_orm::DbErr>>()?",
                sea_orm_statement(&sql, &values, on),
                sea_orm_row(self.table, "row")
            ),
        }
    }

    /// An expression: the count `statement` selects (`i64`).
    fn count(&self, statement: &Statement, tx: bool) -> String {
        let (sql, values) = self.bound(statement);
        let on = self.on(tx);
        let wait = self.wait();
        match self.driver {
            Driver::Sqlx => format!(
                "::sqlx::query_scalar::<_, i64>({sql}){}.fetch_one({on}){wait}?",
                sqlx_binds(&values)
            ),
            Driver::Postgres { .. } => format!(
                "{on}.query_one({sql}, &[{}]){wait}?.try_get::<_, i64>(0)?",
                values.join(", ")
            ),
            Driver::Rusqlite => format!(
                "{on}.query_row({sql}, {}, |row| row.get::<_, i64>(0))?",
                rusqlite_params(&values)
            ),
            Driver::Diesel { .. } => format!(
                "::diesel::RunQueryDsl::get_result::<{DIESEL_COUNT}>({}, {on})?.{COUNT_COLUMN}",
                diesel_query(&sql, &values)
            ),
            // In parentheses: the count is compared, and a `match` first
            // in a statement would end there.
            Driver::SeaOrm => format!(
                "(match ::sea_orm::ConnectionTrait::query_one_raw({on}, {}){wait}? {{ \
                 ::core::option::Option::Some(row) => row.try_get::<i64>(\"\", {COUNT_COLUMN:?})?, \
                 ::core::option::Option::None => 0 }})",
                sea_orm_statement(&sql, &values, on)
            ),
        }
    }

    /// An expression: the miss read, `Option<(String, Self)>`.
    fn miss(&self, statement: &Statement) -> String {
        let (sql, values) = self.bound(statement);
        let wait = self.wait();
        let column = format!("{OUTCOME_COLUMN:?}");
        match self.driver {
            Driver::Sqlx => {
                let row_type = match self.dialect() {
                    Dialect::Postgres => "::sqlx::postgres::PgRow",
                    Dialect::Sqlite => "::sqlx::sqlite::SqliteRow",
                    Dialect::Mysql => "::sqlx::mysql::MySqlRow",
                };
                format!(
                    "match ::sqlx::query({sql}){}.fetch_optional(&mut *conn){wait}? {{ \
                     ::core::option::Option::Some(row) => ::core::option::Option::Some(( \
                     ::sqlx::Row::try_get::<::std::string::String, _>(&row, {column})?, \
                     <Self as ::sqlx::FromRow<'_, {row_type}>>::from_row(&row)?)), \
                     ::core::option::Option::None => ::core::option::Option::None }}",
                    sqlx_binds(&values)
                )
            }
            Driver::Postgres { .. } => format!(
                "match db.query_opt({sql}, &[{}]){wait}? {{ \
                 ::core::option::Option::Some(row) => ::core::option::Option::Some((row.try_get::<_, ::std::string::String>({column})?, Self::try_from(&row)?)), \
                 ::core::option::Option::None => ::core::option::Option::None }}",
                values.join(", ")
            ),
            Driver::Rusqlite => format!(
                "::rusqlite::OptionalExtension::optional(db.query_row({sql}, {}, |row| \
                 ::core::result::Result::Ok((row.get::<_, ::std::string::String>({column})?, Self::try_from(row)?))))?",
                rusqlite_params(&values)
            ),
            Driver::Diesel { .. } => format!(
                "::diesel::OptionalExtension::optional(::diesel::RunQueryDsl::get_result::<{}>({}, db))?\
                 .map(|miss| (miss.{OUTCOME_COLUMN}, miss.row))",
                diesel_miss(self.table),
                diesel_query(&sql, &values)
            ),
            Driver::SeaOrm => format!(
                "match ::sea_orm::ConnectionTrait::query_one_raw(db, {}){wait}? {{ \
                 ::core::option::Option::Some(row) => ::core::option::Option::Some((row.try_get::<::std::string::String>(\"\", {column})?, {})), \
                 ::core::option::Option::None => ::core::option::Option::None }}",
                sea_orm_statement(&sql, &values, "db"),
                sea_orm_row(self.table, "&row")
            ),
        }
    }

    /// The guard of a `match` arm on an `Err(e)` that is a unique violation
    /// of the index on `column` (or, with `None`, of the primary key).
    fn unique_violation(&self, column: Option<&str>) -> String {
        let table = self.schema.table_name(self.table);
        // How each driver names the index in its error: PostgreSQL's
        // constraint name, MySQL's key name in its message, SQLite's column.
        let index =
            column.map_or_else(|| format!("{table}_pkey"), |c| format!("{table}_{c}_index"));
        let mysql_key = column.map_or_else(
            || "'PRIMARY'".to_owned(),
            |c| format!("'{table}_{c}_index'"),
        );
        let sqlite_column = column.map_or_else(
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
        match self.driver {
            Driver::Sqlx => format!(
                "::core::result::Result::Err(::sqlx::Error::Database(e)) if ::sqlx::error::DatabaseError::is_unique_violation(&*e) && \
                 (::sqlx::error::DatabaseError::constraint(&*e) == ::core::option::Option::Some({index:?}) \
                 || ::sqlx::error::DatabaseError::message(&*e).contains({mysql_key:?}) \
                 || ::sqlx::error::DatabaseError::message(&*e).contains({sqlite_column:?}))"
            ),
            Driver::Postgres { krate, .. } => format!(
                "::core::result::Result::Err(e) if e.as_db_error().is_some_and(|d| *d.code() == {krate}::error::SqlState::UNIQUE_VIOLATION && d.constraint() == ::core::option::Option::Some({index:?}))"
            ),
            Driver::Rusqlite => format!(
                "::core::result::Result::Err(::rusqlite::Error::SqliteFailure(failure, ::core::option::Option::Some(message))) \
                 if failure.code == ::rusqlite::ErrorCode::ConstraintViolation && message.contains({sqlite_column:?})"
            ),
            Driver::Diesel { .. } => format!(
                "::core::result::Result::Err(::diesel::result::Error::DatabaseError(::diesel::result::DatabaseErrorKind::UniqueViolation, ref info)) \
                 if info.constraint_name() == ::core::option::Option::Some({index:?}) \
                 || info.message().contains({mysql_key:?}) \
                 || info.message().contains({sqlite_column:?})"
            ),
            // sea-orm gives the driver's message, which names the index.
            Driver::SeaOrm => format!(
                "::core::result::Result::Err(ref e) if matches!(e.sql_err(), \
                 ::core::option::Option::Some(::sea_orm::SqlErr::UniqueConstraintViolation(ref message)) \
                 if message.contains({:?}) || message.contains({mysql_key:?}) || message.contains({sqlite_column:?}))",
                format!("\"{index}\"")
            ),
        }
    }

    /// The opening of a transaction, and its commit: `(open, commit)`.
    fn transaction(&self) -> (String, String) {
        let wait = self.wait();
        match self.driver {
            Driver::Sqlx => (
                format!("let mut tx = ::sqlx::Acquire::begin(&mut *conn){wait}?;"),
                format!("tx.commit(){wait}?;"),
            ),
            Driver::Postgres { .. } => (
                format!("let mut tx = db.transaction(){wait}?;"),
                format!("tx.commit(){wait}?;"),
            ),
            // A savepoint works inside the caller's transaction too.
            Driver::Rusqlite => (
                "db.execute_batch(\"SAVEPOINT attesto_operation\")?; let result = (|| {".to_owned(),
                String::new(),
            ),
            // diesel's transaction is a closure: see `in_transaction`.
            Driver::Diesel { .. } => (String::new(), String::new()),
            // Nested in the caller's transaction, sea-orm uses a savepoint.
            Driver::SeaOrm => (
                format!("let tx = ::sea_orm::TransactionTrait::begin(db){wait}?;"),
                format!("::sea_orm::TransactionSession::commit(tx){wait}?;"),
            ),
        }
    }

    /// `body` (statements, then a value of type `ty`) in a transaction.
    fn in_transaction(&self, body: &str, ty: &str) -> String {
        let (open, commit) = self.transaction();
        match self.driver {
            Driver::Rusqlite => format!(
                "{{ {open} ::core::result::Result::<{ty}, ::rusqlite::Error>::Ok({{ {body} }}) }})(); \
                 match result {{ \
                 ::core::result::Result::Ok(value) => {{ db.execute_batch(\"RELEASE attesto_operation\")?; value }} \
                 ::core::result::Result::Err(e) => {{ let _ = db.execute_batch(\"ROLLBACK TO attesto_operation; RELEASE attesto_operation\"); return ::core::result::Result::Err(e); }} }} }}"
            ),
            // Nested in the caller's transaction, diesel uses a savepoint.
            Driver::Diesel { .. } => format!(
                "::diesel::Connection::transaction::<{ty}, ::diesel::result::Error, _>(db, |tx| ::core::result::Result::Ok({{ {body} }}))?"
            ),
            _ => format!("{{ {open} let value: {ty} = {{ {body} }}; {commit} value }}"),
        }
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

    /// The classification of a miss: the expression of the outcome.
    fn classify(&self, outcome: &Outcome) -> String {
        let Some(miss) = self.statement(Role::Miss) else {
            return self.variant(outcome, &outcome.absent, "");
        };
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
        format!(
            "match {} {{ ::core::option::Option::None => {}, \
             ::core::option::Option::Some((outcome, row)) => {{ let _ = &row; match outcome.as_str() {{ {arms} }} }} }}",
            self.miss(miss),
            self.variant(outcome, &outcome.absent, "row")
        )
    }

    fn write(&self, code: &mut Code) {
        let op = self.op;
        let (ok, body) = self.body();
        let asynchronous = !self.wait().is_empty();
        let doc = format!(
            " `{}` ({}): {}\n\n Runs [`Self::{}`]{}.",
            op.name(),
            op.upstream(),
            op.description(),
            self.statements
                .iter()
                .find(|s| s.role == Role::Main)
                .map(|s| constant(op, s))
                .unwrap_or_default(),
            if self.statements.len() > 1 {
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
        let (generics, conn, error) = match self.driver {
            Driver::Sqlx => {
                let db = match self.dialect() {
                    Dialect::Postgres => "::sqlx::Postgres",
                    Dialect::Sqlite => "::sqlx::Sqlite",
                    Dialect::Mysql => "::sqlx::MySql",
                };
                (
                    format!("<'c, A: ::sqlx::Acquire<'c, Database = {db}>>"),
                    "db: A".to_owned(),
                    "::sqlx::Error".to_owned(),
                )
            }
            Driver::Postgres { krate, .. } => (
                String::new(),
                format!("db: &mut impl {krate}::GenericClient"),
                format!("{krate}::Error"),
            ),
            Driver::Rusqlite => (
                String::new(),
                "db: &::rusqlite::Connection".to_owned(),
                "::rusqlite::Error".to_owned(),
            ),
            Driver::Diesel { connection } => (
                String::new(),
                format!("db: &mut {connection}"),
                "::diesel::result::Error".to_owned(),
            ),
            Driver::SeaOrm => (
                "<C: ::sea_orm::ConnectionTrait + ::sea_orm::TransactionTrait>".to_owned(),
                "db: &C".to_owned(),
                "::sea_orm::DbErr".to_owned(),
            ),
        };
        let _ = write!(code, "{generics}");
        let mut params = Code::default();
        if self.writes_row() {
            params.push_str("&self, ");
        }
        params.push_str(&conn);
        for param in op.params() {
            let _ = write!(params, ", {}: ", param.name);
            match param.ty {
                ParamType::Seconds => params.push_str("i64"),
                ParamType::Column(c) | ParamType::Nullable(c) => {
                    let optional = matches!(param.ty, ParamType::Nullable(_));
                    if optional {
                        params.push_str("::core::option::Option<");
                    }
                    params.push_str("&");
                    let column = self
                        .schema
                        .columns(self.table)
                        .into_iter()
                        .find(|col| col.name() == c);
                    match column.map(|col| self.types.of(self.table, &col)) {
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
        let _ = write!(code, " -> ::core::result::Result<{ok}, {error}> {{");
        if self.driver == Driver::Sqlx {
            // One connection for every statement: a pool's, or the caller's
            // own (in a transaction, which `begin` nests as a savepoint).
            code.push_str("let mut conn = ::sqlx::Acquire::acquire(db).await?;");
        }
        let _ = writeln!(code, "::core::result::Result::Ok({{ {body} }}) }}");
    }

    /// The method's return type and body (statements, then a value).
    fn body(&self) -> (String, String) {
        let main = self.statement(Role::Main).cloned();
        let Some(main) = main else {
            return ("()".to_owned(), String::new());
        };
        let mysql = self.dialect() == Dialect::Mysql;
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
            (OpKind::InsertIfAbsent, Some(outcome)) => {
                let won = self.variant(&outcome, &outcome.won, "");
                let absent = self.variant(&outcome, &outcome.absent, "");
                let body = if mysql {
                    // MySQL has no ON CONFLICT DO NOTHING: the duplicate key is the conflict.
                    format!(
                        "match {} {{ ::core::result::Result::Ok(_) => {won}, {} => {absent}, ::core::result::Result::Err(e) => return ::core::result::Result::Err(e.into()), }}",
                        self.try_exec(&main),
                        self.unique_violation(None)
                    )
                } else {
                    format!(
                        "if {} == 1 {{ {won} }} else {{ {absent} }}",
                        self.exec(&main, false)
                    )
                };
                (outcome.name.to_owned(), body)
            }
            (OpKind::InsertUnlessTaken { column }, Some(outcome)) => {
                let won = self.variant(&outcome, &outcome.won, "");
                let absent = self.variant(&outcome, &outcome.absent, "");
                let body = format!(
                    "match {} {{ ::core::result::Result::Ok(_) => {won}, {} => {absent}, ::core::result::Result::Err(e) => return ::core::result::Result::Err(e.into()), }}",
                    self.try_exec(&main),
                    self.unique_violation(Some(column))
                );
                (outcome.name.to_owned(), body)
            }
            (OpKind::InsertUnlessFamilyRevoked, Some(outcome)) => {
                let won = self.variant(&outcome, &outcome.won, "");
                let absent = self.variant(&outcome, &outcome.absent, "");
                let mut body = String::new();
                if let Some(lock) = self.statement(Role::Lock) {
                    let _ = write!(body, "{};", self.exec(lock, true));
                }
                if let Some(check) = self.statement(Role::Check) {
                    let _ = write!(
                        body,
                        "if {} > 0 {{ return ::core::result::Result::Ok({absent}); }}",
                        self.count(check, true)
                    );
                }
                let _ = write!(body, "{}; {won}", self.exec(&main, true));
                (
                    outcome.name.to_owned(),
                    self.in_transaction(&body, outcome.name),
                )
            }
            (OpKind::ClaimRow { .. }, outcome) => {
                let fetch = if mysql {
                    let read = self
                        .statement(Role::Read)
                        .cloned()
                        .unwrap_or_else(|| main.clone());
                    self.in_transaction(
                        &format!(
                            "if {} == 1 {{ {} }} else {{ ::core::option::Option::None }}",
                            self.exec(&main, true),
                            self.fetch_optional(&read, true)
                        ),
                        "::core::option::Option<Self>",
                    )
                } else {
                    self.fetch_optional(&main, false)
                };
                match outcome {
                    Some(outcome) => (
                        outcome.name.to_owned(),
                        format!(
                            "let claimed: ::core::option::Option<Self> = {fetch}; match claimed {{ ::core::option::Option::Some(row) => {}, ::core::option::Option::None => {} }}",
                            self.variant(&outcome, &outcome.won, "row"),
                            self.classify(&outcome)
                        ),
                    ),
                    None => ("::core::option::Option<Self>".to_owned(), fetch),
                }
            }
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
            (OpKind::TakeRow { .. } | OpKind::TakeRows { .. }, _) => {
                let many = matches!(self.op.kind(), OpKind::TakeRows { .. });
                let ty = if many {
                    "::std::vec::Vec<Self>"
                } else {
                    "::core::option::Option<Self>"
                };
                let body = if mysql {
                    let lock = self
                        .statement(Role::Lock)
                        .cloned()
                        .unwrap_or_else(|| main.clone());
                    let rows = format!(
                        "let rows: ::std::vec::Vec<Self> = {}; {}; rows",
                        self.fetch_all(&lock, true),
                        self.exec(&main, true)
                    );
                    let rows = self.in_transaction(&rows, "::std::vec::Vec<Self>");
                    if many {
                        rows
                    } else {
                        format!("{rows}.into_iter().next()")
                    }
                } else if many {
                    self.fetch_all(&main, false)
                } else {
                    self.fetch_optional(&main, false)
                };
                (ty.to_owned(), body)
            }
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
}

/// `.bind(a).bind(b)`.
fn sqlx_binds(values: &[String]) -> String {
    values.iter().map(|v| format!(".bind({v})")).collect()
}

/// rusqlite's parameters: an array of `__AttestoSqliteParam`, or `()`.
fn rusqlite_params(values: &[String]) -> String {
    if values.is_empty() {
        "()".to_owned()
    } else {
        format!("[{}]", values.join(", "))
    }
}

/// sea-orm's statement of `sql` with `values`, for the backend of `on`.
fn sea_orm_statement(sql: &str, values: &[String], on: &str) -> String {
    format!(
        "::sea_orm::Statement::from_sql_and_values(::sea_orm::ConnectionTrait::get_database_backend({on}), {sql}, [{}])",
        values.join(", ")
    )
}

/// The row `result` (a `&QueryResult`) holds, read through the entity's
/// `Model`: `Self`, or the error out.
fn sea_orm_row(table: &Table, result: &str) -> String {
    format!(
        "Self::from(<{}::Model as ::sea_orm::FromQueryResult>::from_query_result({result}, \"\")?)",
        table.short_name()
    )
}

/// diesel's query: `sql_query(sql)` with its binds (`.bind::<ST, _>(v)`).
fn diesel_query(sql: &str, binds: &[String]) -> String {
    format!("::diesel::sql_query({sql}){}", binds.concat())
}

/// The module of the types diesel's methods read into.
const DIESEL_MODULE: &str = "__attesto_diesel";

/// The type diesel reads a count into (`QueryableByName` reads by name).
const DIESEL_COUNT: &str = "__attesto_diesel::Count";

/// The type diesel reads a miss of `table` into: the outcome and the row.
fn diesel_miss(table: &Table) -> String {
    format!("{DIESEL_MODULE}::Miss{}", table.row_name())
}

/// The types diesel's methods read into: the count, and each table's
/// miss, in a module of their own: diesel's `QueryableByName` derive names
/// the trait unqualified for an `embed`ded field, and the module imports
/// it without touching the host's names.
pub fn diesel_support(code: &mut Code, schema: &Schema) {
    let _ = writeln!(
        code,
        "/// The rows diesel reads the operations' counts and misses into.\n\
         #[doc(hidden)]\n\
         pub mod {DIESEL_MODULE} {{\n\
         use ::diesel::deserialize::QueryableByName;\n\
         /// A count.\n\
         #[derive(::diesel::QueryableByName)]\n\
         pub struct Count {{\n\
         /// The count.\n\
         #[diesel(sql_type = ::diesel::sql_types::BigInt)]\n\
         pub {COUNT_COLUMN}: i64,\n\
         }}"
    );
    for table in schema.tables() {
        let misses = schema
            .operations_sql(table)
            .iter()
            .any(|(_, statements)| statements.iter().any(|s| s.role == Role::Miss));
        if !misses {
            continue;
        }
        let _ = writeln!(
            code,
            "/// A miss of an operation on `{}`: the outcome and the row.\n\
             #[derive(::diesel::QueryableByName)]\n\
             pub struct Miss{} {{\n\
             /// The outcome's variant.\n\
             #[diesel(sql_type = ::diesel::sql_types::Text)]\n\
             pub {OUTCOME_COLUMN}: ::std::string::String,\n\
             /// The row.\n\
             #[diesel(embed)]\n\
             pub row: super::{},\n\
             }}",
            schema.table_name(table),
            table.row_name(),
            table.row_name()
        );
    }
    code.push_str("}\n");
}
