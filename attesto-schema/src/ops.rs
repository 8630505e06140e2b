//! The SQL of the stores' operations in each dialect, and what each
//! statement binds.
//!
//! Every operation that decides a single use runs one statement whose
//! affected-row count or returned row tells the winner from every
//! concurrent loser, as upstream's Ecto stores do: `UPDATE ... WHERE ...
//! RETURNING`, `DELETE ... RETURNING`, or an insert that conflicts on a key.
//! Where a dialect lacks a construct the operation is written as an
//! equivalent that stays atomic:
//!
//! - MySQL has no `UPDATE ... RETURNING` (MariaDB 10.11 neither): the
//!   `UPDATE` decides alone, by its count, and the row is read back inside
//!   the same transaction, under the row lock the `UPDATE` took.
//! - MySQL 8 has no `DELETE ... RETURNING`: the rows are read with
//!   `SELECT ... FOR UPDATE` and deleted in the same transaction; a
//!   concurrent caller waits on the lock and then finds nothing.
//! - MySQL has no `ON CONFLICT DO NOTHING`: the insert's duplicate-key
//!   error is the conflict.
//! - The refresh family's lock is PostgreSQL's advisory lock, upstream's
//!   own key; MySQL takes InnoDB's next-key locks on the family with a
//!   locking read; SQLite serializes writers.
//! - A MySQL statement that locks rows by a key names the key's index
//!   (`FORCE INDEX`), so that it locks only those rows, in one order for
//!   every caller (`TableSql::locking`).

use crate::dialect::Dialect;
use crate::lists::Placeholders;
use crate::model::{
    Column, Cond, OpKind, Operation, Outcome, ParamType, Seconds, Set, Table, Time,
};
use crate::schema::Schema;

/// The namespace of upstream's refresh-family advisory lock
/// (`0x4154_5246`, "ATRF"): Rust and Elixir nodes must take the same lock.
pub const FAMILY_LOCK_NAMESPACE: i32 = 0x4154_5246;

/// What a statement of an operation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The operation's own statement.
    Main,
    /// Takes a lock first (the family lock; MySQL's `SELECT ... FOR UPDATE`).
    Lock,
    /// Checks a condition under the lock (a revoked family).
    Check,
    /// Reads the row back after an `UPDATE` (MySQL).
    Read,
    /// Tells a miss apart: the row by its key, and the outcome variant.
    Miss,
}

impl Role {
    /// The suffix of the statement's constant: `TAKE_SQL`, `TAKE_MISS_SQL`.
    pub const fn suffix(self) -> &'static str {
        match self {
            Role::Main => "",
            Role::Lock => "LOCK",
            Role::Check => "CHECK",
            Role::Read => "READ",
            Role::Miss => "MISS",
        }
    }
}

/// A value a statement binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bind {
    /// A parameter of the operation.
    Param(&'static str),
    /// A field of the row the operation writes.
    Field(&'static str),
}

/// One statement of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// What it is for.
    pub role: Role,
    /// The SQL.
    pub sql: String,
    /// What to bind, in the order of the placeholders' numbers (in order
    /// of appearance, repeats included, for MySQL).
    pub binds: Vec<Bind>,
}

/// The name of the column that holds the outcome variant in a miss query.
pub const OUTCOME_COLUMN: &str = "attesto_outcome";

/// The column a count is read from: named, since diesel and sea-orm read
/// the columns of a raw query by name.
pub const COUNT_COLUMN: &str = "attesto_count";

impl Schema {
    /// The operations of `table` that this release has: those whose every
    /// column exists in it.
    pub fn operations(&self, table: &Table) -> Vec<&'static Operation> {
        available(table, &self.columns(table))
    }

    /// The statements of `op` on `table`, in this dialect.
    pub fn operation_sql(&self, table: &Table, op: &Operation) -> Vec<Statement> {
        self.statements(&TableSql::new(self, table), op)
    }

    /// Every operation this release has on `table` ([`Schema::operations`]),
    /// each with its statements ([`Schema::operation_sql`]).
    ///
    /// What the statements share (the columns, their list, the quoted
    /// table name) is worked out once for the table: the macro calls this
    /// for every table on every expansion, unoptimised in dev builds.
    pub fn operations_sql(&self, table: &Table) -> Vec<(&'static Operation, Vec<Statement>)> {
        let shared = TableSql::new(self, table);
        available(table, &shared.columns)
            .into_iter()
            .map(|op| (op, self.statements(&shared, op)))
            .collect()
    }

    fn statements(&self, shared: &TableSql<'_>, op: &Operation) -> Vec<Statement> {
        let dialect = self.dialect();
        let TableSql {
            table,
            columns,
            name,
            list,
        } = shared;
        let mut out = Vec::new();
        let mysql = dialect == Dialect::Mysql;
        let returning = |sql: &mut Sql<'_>| {
            sql.text.push_str(" RETURNING ");
            sql.text.push_str(list);
        };
        match op.kind() {
            OpKind::Insert | OpKind::InsertUnlessTaken { .. } => {
                out.push(self.insert_statement(shared, ""));
            }
            OpKind::InsertIfAbsent => {
                let tail = if mysql {
                    String::new()
                } else {
                    format!(
                        " ON CONFLICT ({}) DO NOTHING",
                        self.quoted_list(table.key())
                    )
                };
                out.push(self.insert_statement(shared, &tail));
            }
            OpKind::InsertUnlessFamilyRevoked => {
                if dialect == Dialect::Postgres {
                    let mut lock = Sql::new(self, Role::Lock);
                    let family = lock.bind(Bind::Field("family_id"));
                    lock.text = format!(
                        "SELECT pg_advisory_xact_lock({FAMILY_LOCK_NAMESPACE}, hashtext({family}))"
                    );
                    out.push(lock.done());
                }
                let mut check = Sql::new(self, Role::Check);
                let family = check.bind(Bind::Field("family_id"));
                let on_family = [Cond::Eq("family_id", "family_id")];
                check.text = format!(
                    "SELECT COUNT(*) AS {} FROM {} WHERE {} = {family} AND {} = TRUE",
                    self.quote(COUNT_COLUMN),
                    shared.locking(self, &on_family),
                    self.quote("family_id"),
                    self.quote("family_revoked")
                );
                if mysql {
                    // A locking read takes next-key locks on the family's
                    // range of the index, which a revoking UPDATE needs too.
                    check.text.push_str(" FOR UPDATE");
                }
                out.push(check.done());
                out.push(self.insert_statement(shared, ""));
            }
            OpKind::Upsert { conflict, replace } => {
                let replace: Vec<&str> = replace
                    .iter()
                    .copied()
                    .filter(|r| columns.iter().any(|c| c.name() == *r))
                    .collect();
                let tail = if mysql {
                    let sets: Vec<String> = replace
                        .iter()
                        .map(|c| format!("{q} = VALUES({q})", q = self.quote(c)))
                        .collect();
                    format!(" ON DUPLICATE KEY UPDATE {}", sets.join(", "))
                } else {
                    let sets: Vec<String> = replace
                        .iter()
                        .map(|c| format!("{q} = excluded.{q}", q = self.quote(c)))
                        .collect();
                    format!(
                        " ON CONFLICT ({}) DO UPDATE SET {}",
                        self.quoted_list(conflict),
                        sets.join(", ")
                    )
                };
                out.push(self.insert_statement(shared, &tail));
            }
            OpKind::ClaimRow { set, filter } => {
                let mut update = Sql::new(self, Role::Main);
                update.update(&shared.locking(self, filter), set, filter);
                if mysql {
                    out.push(update.done());
                    let mut read = Sql::new(self, Role::Read);
                    read.text = format!("SELECT {list} FROM {name} WHERE ");
                    read.conds(&filter[..1]);
                    out.push(read.done());
                } else {
                    returning(&mut update);
                    out.push(update.done());
                }
            }
            OpKind::ClaimCount { set, filter } | OpKind::Update { set, filter } => {
                let mut update = Sql::new(self, Role::Main);
                update.update(&shared.locking(self, filter), set, filter);
                out.push(update.done());
            }
            OpKind::UpdateUnderFamilyLock { set, filter } => {
                if dialect == Dialect::Postgres {
                    let mut lock = Sql::new(self, Role::Lock);
                    let family = lock.bind(Bind::Param("family_id"));
                    lock.text = format!(
                        "SELECT pg_advisory_xact_lock({FAMILY_LOCK_NAMESPACE}, hashtext({family}))"
                    );
                    out.push(lock.done());
                }
                let mut update = Sql::new(self, Role::Main);
                update.update(&shared.locking(self, filter), set, filter);
                out.push(update.done());
            }
            OpKind::TakeRow { filter } | OpKind::TakeRows { filter } => {
                if mysql {
                    let mut lock = Sql::new(self, Role::Lock);
                    lock.text =
                        format!("SELECT {list} FROM {} WHERE ", shared.locking(self, filter));
                    lock.conds(filter);
                    lock.text.push_str(" FOR UPDATE");
                    out.push(lock.done());
                }
                let mut delete = Sql::new(self, Role::Main);
                delete.text = shared.delete_from(self, filter);
                delete.filter(filter);
                if !mysql {
                    returning(&mut delete);
                }
                out.push(delete.done());
            }
            OpKind::Delete { filter } => {
                let mut delete = Sql::new(self, Role::Main);
                delete.text = shared.delete_from(self, filter);
                delete.filter(filter);
                out.push(delete.done());
            }
            OpKind::Select { filter } | OpKind::SelectAll { filter } => {
                let mut select = Sql::new(self, Role::Main);
                select.text = format!("SELECT {list} FROM {name}");
                select.filter(filter);
                out.push(select.done());
            }
            OpKind::Exists { filter } => {
                let mut select = Sql::new(self, Role::Main);
                select.text = format!(
                    "SELECT COUNT(*) AS {} FROM {name}",
                    self.quote(COUNT_COLUMN)
                );
                select.filter(filter);
                out.push(select.done());
            }
        }
        if let (Some(outcome), Some(key)) = (op.outcome(), miss_key(op)) {
            out.push(self.miss_statement(name, list, &outcome, key));
        }
        out
    }

    fn insert_statement(&self, shared: &TableSql<'_>, tail: &str) -> Statement {
        // Every column once, in order: the placeholders are numbered as the
        // columns, in every dialect.
        let mut sql = Sql::new(self, Role::Main);
        sql.binds = shared
            .columns
            .iter()
            .map(|c| Bind::Field(c.name()))
            .collect();
        sql.text = format!(
            "INSERT INTO {} ({}) VALUES ({}){tail}",
            shared.name,
            shared.list,
            Placeholders {
                dialect: self.dialect(),
                count: shared.columns.len()
            }
        );
        sql.done()
    }

    fn miss_statement(&self, name: &str, list: &str, outcome: &Outcome, key: &[Cond]) -> Statement {
        let mut sql = Sql::new(self, Role::Miss);
        let mut case = String::from("CASE");
        for (conds, variant) in outcome.cases {
            case.push_str(" WHEN ");
            case.push_str(&sql.cond_list(conds));
            case.push_str(&format!(" THEN '{}'", variant.name));
        }
        case.push_str(&format!(" ELSE '{}' END", outcome.otherwise.name));
        // A CASE without a WHEN is not SQL: the outcome is then constant.
        let case = if outcome.cases.is_empty() {
            format!("'{}'", outcome.otherwise.name)
        } else {
            case
        };
        let key = sql.cond_list(key);
        sql.text = format!(
            "SELECT {list}, {case} AS {} FROM {name} WHERE {key}",
            self.quote(OUTCOME_COLUMN)
        );
        sql.done()
    }
}

/// What the statements of one table's operations share.
struct TableSql<'a> {
    table: &'a Table,
    /// The table's columns in the release.
    columns: Vec<Column>,
    /// The prefixed, quoted table name.
    name: String,
    /// The quoted column names, comma-separated.
    list: String,
}

impl<'a> TableSql<'a> {
    fn new(schema: &Schema, table: &'a Table) -> TableSql<'a> {
        let columns = schema.columns(table);
        let list = schema.column_list(&columns);
        TableSql {
            table,
            name: schema.quoted_table(table),
            columns,
            list,
        }
    }

    /// The table as a statement that locks the rows `filter` selects
    /// names it: on MySQL, with the index of the filter's leading equality
    /// forced (`FORCE INDEX`), when the release has one.
    ///
    /// InnoDB locks every index entry a statement scans, and left to
    /// itself MariaDB picks, on a small table, the `expires_at` index for
    /// `sid = ? AND expires_at > ?`: every take then locks every live row
    /// of the table, in `expires_at` order, and concurrent takes of
    /// different sessions deadlock each other (twice in 100 rounds of 24
    /// concurrent takes; none with the hint). Through the key's index a
    /// statement locks the rows it names, in one order for every caller.
    fn locking(&self, schema: &Schema, filter: &[Cond]) -> String {
        let name = &self.name;
        if schema.dialect() != Dialect::Mysql {
            return name.clone();
        }
        let Some(Cond::Eq(column, _)) = filter.first() else {
            return name.clone();
        };
        if self.table.primary_key().first() == Some(column) {
            return format!("{name} FORCE INDEX (PRIMARY)");
        }
        let table_name = schema.table_name(self.table);
        let mut leading = schema
            .indexes(self.table)
            .into_iter()
            .filter(|index| index.columns().first() == Some(column));
        let index = leading
            .clone()
            .find(|index| index.is_unique())
            .or_else(|| leading.next());
        match index {
            Some(index) => format!(
                "{name} FORCE INDEX ({})",
                schema.quote(&index.name(&table_name))
            ),
            None => name.clone(),
        }
    }

    /// `DELETE FROM` the table, locking as [`TableSql::locking`] says: on
    /// MySQL an index hint needs the multiple-table form of `DELETE`.
    fn delete_from(&self, schema: &Schema, filter: &[Cond]) -> String {
        let locking = self.locking(schema, filter);
        if locking == self.name {
            format!("DELETE FROM {}", self.name)
        } else {
            format!("DELETE {} FROM {locking}", self.name)
        }
    }
}

/// The operations of `table` whose every column is among `columns`.
fn available(table: &Table, columns: &[Column]) -> Vec<&'static Operation> {
    let has = |name: &str| columns.iter().any(|c| c.name() == name);
    table
        .operations()
        .iter()
        .filter(|op| referenced(op).iter().all(|c| has(c)))
        .collect()
}

/// The condition that names the one row a miss is read back by: the
/// operation's first, an equality on a unique column.
fn miss_key(op: &Operation) -> Option<&'static [Cond]> {
    match op.kind() {
        OpKind::ClaimRow { filter, .. } | OpKind::ClaimCount { filter, .. } => filter.get(..1),
        _ => None,
    }
}

/// Every column an operation names (the columns an upsert replaces, which
/// follow the release, aside).
fn referenced(op: &Operation) -> Vec<&'static str> {
    fn conds(out: &mut Vec<&'static str>, conds: &[Cond]) {
        for cond in conds {
            let (column, time) = match *cond {
                Cond::Eq(c, _)
                | Cond::Ne(c, _)
                | Cond::IsNull(c)
                | Cond::NotNull(c)
                | Cond::Bool(c, _)
                | Cond::Text(c, _) => (c, None),
                Cond::After(c, t)
                | Cond::NotBefore(c, t)
                | Cond::Before(c, t)
                | Cond::NotAfter(c, t)
                | Cond::NullOrNotAfter(c, t) => (c, Some(t)),
            };
            out.push(column);
            if let Some(Time::Minus(_, Seconds::Column(c))) = time {
                out.push(c);
            }
        }
    }
    fn sets(out: &mut Vec<&'static str>, sets: &[Set]) {
        for set in sets {
            let (Set::Param(c, _) | Set::Bool(c, _) | Set::Text(c, _)) = *set;
            out.push(c);
        }
    }
    let mut out = Vec::new();
    for param in op.params() {
        match param.ty {
            ParamType::Column(c) | ParamType::Nullable(c) => out.push(c),
            ParamType::Seconds => {}
        }
    }
    match op.kind() {
        OpKind::Insert | OpKind::InsertIfAbsent => {}
        OpKind::InsertUnlessTaken { column } => out.push(column),
        OpKind::InsertUnlessFamilyRevoked => out.extend(["family_id", "family_revoked"]),
        OpKind::Upsert { conflict, .. } => out.extend(conflict.iter().copied()),
        OpKind::ClaimRow { set, filter }
        | OpKind::ClaimCount { set, filter }
        | OpKind::Update { set, filter }
        | OpKind::UpdateUnderFamilyLock { set, filter } => {
            sets(&mut out, set);
            conds(&mut out, filter);
        }
        OpKind::TakeRow { filter }
        | OpKind::TakeRows { filter }
        | OpKind::Delete { filter }
        | OpKind::Select { filter }
        | OpKind::SelectAll { filter }
        | OpKind::Exists { filter } => conds(&mut out, filter),
    }
    if let Some(outcome) = op.outcome() {
        for (c, _) in outcome.cases {
            conds(&mut out, c);
        }
    }
    out
}

/// A statement being written, with its placeholders.
struct Sql<'a> {
    schema: &'a Schema,
    role: Role,
    text: String,
    binds: Vec<Bind>,
}

impl<'a> Sql<'a> {
    fn new(schema: &'a Schema, role: Role) -> Sql<'a> {
        Sql {
            schema,
            role,
            text: String::new(),
            binds: Vec::new(),
        }
    }

    fn done(self) -> Statement {
        Statement {
            role: self.role,
            sql: self.text,
            binds: self.binds,
        }
    }

    /// The placeholder of `bind`: numbered by first appearance, or a bare
    /// `?` appended in order for MySQL.
    fn bind(&mut self, bind: Bind) -> String {
        let dialect = self.schema.dialect();
        if !dialect.numbered_placeholders() {
            self.binds.push(bind);
            return dialect.placeholder(self.binds.len());
        }
        let n = match self.binds.iter().position(|b| *b == bind) {
            Some(i) => i + 1,
            None => {
                self.binds.push(bind);
                self.binds.len()
            }
        };
        dialect.placeholder(n)
    }

    fn update(&mut self, table: &str, set: &[Set], filter: &[Cond]) {
        self.text = format!("UPDATE {table} SET ");
        let sets: Vec<String> = set
            .iter()
            .map(|s| match *s {
                Set::Param(c, p) => {
                    let value = self.bind(Bind::Param(p));
                    format!("{} = {value}", self.schema.quote(c))
                }
                Set::Bool(c, b) => format!(
                    "{} = {}",
                    self.schema.quote(c),
                    if b { "TRUE" } else { "FALSE" }
                ),
                Set::Text(c, t) => format!("{} = '{t}'", self.schema.quote(c)),
            })
            .collect();
        self.text.push_str(&sets.join(", "));
        self.filter(filter);
    }

    /// ` WHERE cond AND ...`, or nothing.
    fn filter(&mut self, filter: &[Cond]) {
        if filter.is_empty() {
            return;
        }
        self.text.push_str(" WHERE ");
        self.conds(filter);
    }

    fn conds(&mut self, conds: &[Cond]) {
        let text = self.cond_list(conds);
        self.text.push_str(&text);
    }

    fn cond_list(&mut self, conds: &[Cond]) -> String {
        conds
            .iter()
            .map(|c| self.cond(c))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    fn cond(&mut self, cond: &Cond) -> String {
        let q = |c: &str| self.schema.quote(c);
        match *cond {
            Cond::Eq(c, p) => format!("{} = {}", q(c), self.bind(Bind::Param(p))),
            Cond::Ne(c, p) => format!("{} <> {}", q(c), self.bind(Bind::Param(p))),
            Cond::IsNull(c) => format!("{} IS NULL", q(c)),
            Cond::NotNull(c) => format!("{} IS NOT NULL", q(c)),
            Cond::Bool(c, b) => format!("{} = {}", q(c), if b { "TRUE" } else { "FALSE" }),
            Cond::Text(c, t) => format!("{} = '{t}'", q(c)),
            Cond::After(c, t) => format!("{} > {}", q(c), self.time(t)),
            Cond::NotBefore(c, t) => format!("{} >= {}", q(c), self.time(t)),
            Cond::Before(c, t) => format!("{} < {}", q(c), self.time(t)),
            Cond::NotAfter(c, t) => format!("{} <= {}", q(c), self.time(t)),
            Cond::NullOrNotAfter(c, t) => {
                let time = self.time(t);
                format!("({col} IS NULL OR {col} <= {time})", col = q(c))
            }
        }
    }

    fn time(&mut self, time: Time) -> String {
        let (param, seconds) = match time {
            Time::Param(p) => return self.bind(Bind::Param(p)),
            Time::Minus(p, seconds) => (p, seconds),
        };
        let at = self.bind(Bind::Param(param));
        let seconds = match seconds {
            Seconds::Param(s) => self.bind(Bind::Param(s)),
            Seconds::Column(c) => self.schema.quote(c),
        };
        match self.schema.dialect() {
            Dialect::Postgres => {
                // The casts give the parameters their types: `timestamp -
                // interval` is ambiguous on an untyped parameter.
                let seconds = if seconds.starts_with('$') {
                    format!("CAST({seconds} AS bigint)")
                } else {
                    seconds
                };
                format!("(CAST({at} AS timestamp) - {seconds} * interval '1 second')")
            }
            Dialect::Sqlite => format!("datetime({at}, '-' || {seconds} || ' seconds')"),
            Dialect::Mysql => format!("DATE_SUB({at}, INTERVAL {seconds} SECOND)"),
        }
    }
}
