//! The SQL of the stores' operations in each dialect, and what each
//! statement binds.
//!
//! Every operation that decides a single use runs one statement whose
//! affected-row count or returned row tells the winner from every
//! concurrent loser, as upstream's Ecto stores do: `UPDATE ... WHERE ...
//! RETURNING`, `DELETE ... RETURNING`, or an insert that conflicts on a key.
//! Where a dialect lacks a construct, its forms (`dialect`) write an
//! equivalent that stays atomic (MySQL's are listed in its module): a read
//! of the rows, decoded before anything is written, then one autocommit
//! `UPDATE` or `DELETE` whose count decides; the duplicate-key error as the
//! conflict; a lock by rows where there is no lock by name. Each statement
//! says what it answers ([`Answer`]), so the code that runs it needs no
//! knowledge of dialects.

use crate::dialect::LockingIndex;
use crate::lists::Placeholders;
use crate::model::{
    Column, Cond, OpKind, Operation, Outcome, ParamType, Seconds, Set, Table, Time,
};
use crate::schema::Schema;

/// What a statement of an operation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The operation's own statement.
    Main,
    /// Takes a lock first (the refresh family's lock).
    Lock,
    /// Checks a condition under the lock (a revoked family).
    Check,
    /// Deletes the row the operation inserted, in its transaction, when
    /// the check after the insert refuses it (MySQL).
    Undo,
    /// Tells a miss apart: the row by its key, and the outcome variant.
    Miss,
    /// Reads, without a lock, the row a claim or a take writes, and what
    /// it is (MySQL, where the write cannot return it): decoded before
    /// anything is written, then one autocommit write decides.
    Read,
}

impl Role {
    /// The suffix of the statement's constant: `TAKE_SQL`, `TAKE_MISS_SQL`.
    pub const fn suffix(self) -> &'static str {
        match self {
            Role::Main => "",
            Role::Lock => "LOCK",
            Role::Check => "CHECK",
            Role::Undo => "UNDO",
            Role::Miss => "MISS",
            Role::Read => "READ",
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
    /// A field of a row the operation read and now writes: each row a
    /// take of several reads, deleted one by one (MySQL).
    Taken(&'static str),
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
    /// What running it answers, which is how an operation reads it.
    pub answer: Answer,
}

/// What a statement answers when it runs: how the code that runs an
/// operation reads its result, and so which form of the operation a
/// dialect's statements take (a `RETURNING` that returns the row, or a
/// count and a read in a transaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The number of rows it affected.
    Count,
    /// The rows it returns (`RETURNING`, `SELECT`).
    Rows,
    /// The number of rows it inserted, or, when the row's key is taken, a
    /// unique violation: the error is the conflict (an `INSERT` without
    /// `ON CONFLICT`).
    CountOrConflict,
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
        let forms = self.dialect().forms();
        let TableSql {
            table,
            columns,
            name,
            list,
        } = shared;
        let mut out = Vec::new();
        match op.kind() {
            OpKind::Insert => {
                out.push(self.insert_statement(shared, "", Answer::Count));
            }
            // Where the dialect can ignore a conflict on that one key, the
            // count tells it (no error, so a caller's PostgreSQL
            // transaction goes on); elsewhere, the unique violation does.
            OpKind::InsertUnlessTaken { column } => {
                let statement = match forms.insert_ignoring_conflict(&self.quoted_list(&[column])) {
                    Some(tail) => self.insert_statement(shared, &tail, Answer::Count),
                    None => self.insert_statement(shared, "", Answer::CountOrConflict),
                };
                out.push(statement);
            }
            OpKind::InsertIfAbsent => {
                let statement = match forms.insert_ignoring_conflict(&self.quoted_list(table.key()))
                {
                    Some(tail) => self.insert_statement(shared, &tail, Answer::Count),
                    None => self.insert_statement(shared, "", Answer::CountOrConflict),
                };
                out.push(statement);
            }
            OpKind::InsertUnlessFamilyRevoked => self.insert_in_family(shared, &mut out),
            OpKind::Upsert { conflict, replace } => {
                let replace: Vec<&str> = replace
                    .iter()
                    .copied()
                    .filter(|r| columns.iter().any(|c| c.name() == *r))
                    .collect();
                let tail = forms.upsert(&self.quoted_list(conflict), &replace);
                out.push(self.insert_statement(shared, &tail, Answer::Count));
            }
            OpKind::ClaimRow { set, filter } => {
                if !forms.update_returning() {
                    // The row is read first, without a lock, with what it
                    // is, and decoded before anything is written; then one
                    // autocommit `UPDATE` under the claim's filter decides,
                    // by its count: one winner on one server and across a
                    // Galera cluster, where an autocommit write is
                    // certified by itself ([`crate::dialect`]'s MySQL forms
                    // say why no statement may follow a write).
                    out.push(self.read_statement(shared, op, filter));
                }
                let mut update = Sql::new(self, Role::Main);
                update.update(&shared.locking(self, filter), set, filter);
                if forms.update_returning() {
                    returning(&mut update, list);
                }
                out.push(update.done());
            }
            OpKind::ClaimCount { set, filter } | OpKind::Update { set, filter } => {
                let mut update = Sql::new(self, Role::Main);
                update.update(&shared.locking(self, filter), set, filter);
                out.push(update.done());
            }
            OpKind::UpdateUnderFamilyLock { set, filter } => {
                let mut lock = Sql::new(self, Role::Lock);
                let family = lock.bind(Bind::Param("family_id"));
                if let Some(text) = forms.family_lock(&family) {
                    lock.text = text;
                    lock.answer = Answer::Rows;
                    out.push(lock.done());
                }
                let mut update = Sql::new(self, Role::Main);
                update.update(&shared.locking(self, filter), set, filter);
                out.push(update.done());
            }
            OpKind::TakeRow { filter } | OpKind::TakeRows { filter } => {
                self.take(shared, op, filter, &mut out);
            }
            OpKind::Sweep { filter } => {
                let mut delete = Sql::new(self, Role::Main);
                let condition = delete.cond_list(filter);
                let limit = delete.bind(Bind::Param("batch"));
                delete.text =
                    forms.sweep_batch(name, &condition, &self.quote("expires_at"), &limit);
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
                select.answer = Answer::Rows;
                out.push(select.done());
            }
            OpKind::Exists { filter } => {
                let mut select = Sql::new(self, Role::Main);
                select.text = format!(
                    "SELECT COUNT(*) AS {} FROM {name}",
                    self.quote(COUNT_COLUMN)
                );
                select.filter(filter);
                select.answer = Answer::Rows;
                out.push(select.done());
            }
        }
        if let (Some(outcome), Some(key)) = (op.outcome(), miss_key(op)) {
            out.push(self.miss_statement(name, list, &outcome, key));
        }
        out
    }

    /// `insert_in_family`: the family's lock where the dialect takes one,
    /// then one insert unless the family is revoked, or (MySQL, MariaDB)
    /// the insert, a read of the family's revoked rows and the undo.
    fn insert_in_family(&self, shared: &TableSql<'_>, out: &mut Vec<Statement>) {
        let forms = self.dialect().forms();
        let TableSql {
            table,
            columns,
            name,
            list,
        } = shared;
        let mut lock = Sql::new(self, Role::Lock);
        let family = lock.bind(Bind::Field("family_id"));
        if let Some(text) = forms.family_lock(&family) {
            lock.text = text;
            lock.answer = Answer::Rows;
            out.push(lock.done());
        }
        let revoked = |sql: &mut Sql<'_>| {
            // A placeholder of its own: PostgreSQL deduces a
            // parameter's type from each use, and a comparison
            // (`text`) and the insert's column (`varchar`) differ.
            let family = sql.bind_again(Bind::Field("family_id"));
            format!(
                "FROM {name} WHERE {} = {family} AND {} = TRUE",
                self.quote("family_id"),
                self.quote("family_revoked")
            )
        };
        if forms.family_check_after_insert() {
            out.push(self.insert_statement(shared, "", Answer::Count));
            let mut check = Sql::new(self, Role::Check);
            let from = revoked(&mut check);
            check.text = format!("SELECT COUNT(*) AS {} {from}", self.quote(COUNT_COLUMN));
            check.answer = Answer::Rows;
            out.push(check.done());
            let mut undo = Sql::new(self, Role::Undo);
            let key: Vec<Cond> = table.key().iter().map(|k| Cond::Eq(k, k)).collect();
            let key_text = table
                .key()
                .iter()
                .map(|column| {
                    let value = undo.bind(Bind::Field(column));
                    format!("{} = {value}", self.quote(column))
                })
                .collect::<Vec<_>>()
                .join(" AND ");
            undo.text = format!("{} WHERE {key_text}", shared.delete_from(self, &key));
            out.push(undo.done());
        } else {
            // One statement inserts unless the family holds a
            // revoked row: under the lock on PostgreSQL, whose
            // snapshot starts after the lock is held; atomic by
            // itself on SQLite, which writes one at a time.
            let mut insert = Sql::new(self, Role::Main);
            insert.binds = columns.iter().map(|c| Bind::Field(c.name())).collect();
            let from = revoked(&mut insert);
            insert.text = format!(
                "{} INTO {name} ({list}) SELECT {} WHERE NOT EXISTS (SELECT 1 {from})",
                forms.writing("INSERT"),
                Placeholders {
                    dialect: self.dialect(),
                    count: columns.len()
                }
            );
            out.push(insert.done());
        }
    }

    /// A take of the rows `filter` picks: a `DELETE ... RETURNING`, or
    /// (without one) a read and then a `DELETE` whose count says who took
    /// each row.
    fn take(
        &self,
        shared: &TableSql<'_>,
        op: &Operation,
        filter: &[Cond],
        out: &mut Vec<Statement>,
    ) {
        let forms = self.dialect().forms();
        let list = &shared.list;
        let returns = forms.delete_returning();
        if !returns {
            // Read first, without a lock, and decoded; then each
            // row deleted by an autocommit `DELETE` whose count
            // says who took it: by the filter for one row, by its
            // primary key under the filter for each of several.
            out.push(self.read_statement(shared, op, filter));
        }
        let mut delete = Sql::new(self, Role::Main);
        let several = matches!(op.kind(), OpKind::TakeRows { .. }) && !returns;
        if several {
            // Each row read, by its primary key alone: a plan no
            // server can take otherwise (a condition on another
            // column let MariaDB walk the `expires_at` index and
            // lock the live rows of every sid), in the plain
            // single-table `DELETE`. The read applied the filter;
            // the count says who took the row.
            delete.text = format!("DELETE FROM {} WHERE ", shared.name);
            for (i, column) in shared.table.key().iter().enumerate() {
                if i > 0 {
                    delete.text.push_str(" AND ");
                }
                let value = delete.bind(Bind::Taken(column));
                delete
                    .text
                    .push_str(&format!("{} = {value}", self.quote(column)));
            }
        } else {
            delete.text = shared.delete_from(self, filter);
            delete.filter(filter);
        }
        if returns {
            returning(&mut delete, list);
        }
        out.push(delete.done());
    }

    /// The rows a claim or a take writes, read without a lock through the
    /// index its write goes through (MySQL, where the write cannot return
    /// them). With an outcome, the row by its key and what it is: an empty
    /// `attesto_outcome` when the write's filter holds (the caller may
    /// win it), else the variant of the miss; without one, the rows the
    /// filter selects.
    fn read_statement(&self, shared: &TableSql<'_>, op: &Operation, filter: &[Cond]) -> Statement {
        let mut read = Sql::new(self, Role::Read);
        read.answer = Answer::Rows;
        let table = shared.locking(self, filter);
        match (op.outcome(), miss_key(op)) {
            (Some(outcome), Some(key)) => {
                // The row is read by its key: what else the filter asks
                // decides whether the caller may win it.
                let rest = &filter[key.len()..];
                if rest.is_empty() {
                    let key = read.cond_list(key);
                    read.text = format!(
                        "SELECT {}, '' AS {} FROM {table} WHERE {key}",
                        shared.list,
                        self.quote(OUTCOME_COLUMN)
                    );
                    return read.done();
                }
                let mut case = String::from("CASE WHEN ");
                case.push_str(&read.cond_list(rest));
                case.push_str(" THEN ''");
                for (conds, variant) in outcome.cases {
                    case.push_str(" WHEN ");
                    case.push_str(&read.cond_list(conds));
                    case.push_str(&format!(" THEN '{}'", variant.name));
                }
                case.push_str(&format!(" ELSE '{}' END", outcome.otherwise.name));
                let key = read.cond_list(key);
                read.text = format!(
                    "SELECT {}, {case} AS {} FROM {table} WHERE {key}",
                    shared.list,
                    self.quote(OUTCOME_COLUMN)
                );
            }
            _ => {
                read.text = format!("SELECT {} FROM {table} WHERE ", shared.list);
                read.conds(filter);
            }
        }
        read.done()
    }

    fn insert_statement(&self, shared: &TableSql<'_>, tail: &str, answer: Answer) -> Statement {
        // Every column once, in order: the placeholders are numbered as the
        // columns, in every dialect.
        let mut sql = Sql::new(self, Role::Main);
        sql.answer = answer;
        sql.binds = shared
            .columns
            .iter()
            .map(|c| Bind::Field(c.name()))
            .collect();
        sql.text = format!(
            "{} INTO {} ({}) VALUES ({}){tail}",
            self.dialect().forms().writing("INSERT"),
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
            "SELECT {list}, {case} AS {} FROM {name} WHERE {key}{}",
            self.quote(OUTCOME_COLUMN),
            self.dialect().forms().current_read()
        );
        sql.answer = Answer::Rows;
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
    /// names it: through the index of the filter's leading equality (the
    /// primary key's, else a unique index's, else any), where the dialect
    /// names the index a locking statement goes through.
    fn locking(&self, schema: &Schema, filter: &[Cond]) -> String {
        let index = || self.leading_index(schema, filter);
        schema.dialect().forms().locking_table(&self.name, &index)
    }

    /// The index of the filter's leading equality: the primary key's, else
    /// a unique index's, else any.
    fn leading_index(&self, schema: &Schema, filter: &[Cond]) -> Option<LockingIndex> {
        let Some(Cond::Eq(column, _)) = filter.first() else {
            return None;
        };
        if schema.primary_key(self.table).first() == Some(column) {
            return Some(LockingIndex::Primary);
        }
        let table_name = schema.table_name(self.table);
        let mut leading = schema
            .indexes(self.table)
            .into_iter()
            .filter(|index| index.columns().first() == Some(column));
        leading
            .clone()
            .find(|index| index.is_unique())
            .or_else(|| leading.next())
            .map(|index| LockingIndex::Named(index.name(&table_name)))
    }

    /// `DELETE FROM` the table, locking as [`TableSql::locking`] says.
    fn delete_from(&self, schema: &Schema, filter: &[Cond]) -> String {
        let locking = self.locking(schema, filter);
        schema.dialect().forms().delete_from(&self.name, &locking)
    }
}

/// The operations of `table` whose every column is among `columns`.
/// The operations of `table` whose every column is among `columns`: of
/// two of one name, the first listed (a table lists the form a later
/// release's columns allow before the one every release has).
fn available(table: &Table, columns: &[Column]) -> Vec<&'static Operation> {
    let has = |name: &str| columns.iter().any(|c| c.name() == name);
    let mut out: Vec<&'static Operation> = Vec::new();
    for op in table.operations() {
        if referenced(op).iter().all(|c| has(c)) && !out.iter().any(|o| o.name() == op.name()) {
            out.push(op);
        }
    }
    out
}

/// The condition that names the one row a miss is read back by: the
/// operation's first, an equality on a unique column.
fn miss_key(op: &Operation) -> Option<&'static [Cond]> {
    match op.kind() {
        OpKind::ClaimRow { filter, .. }
        | OpKind::ClaimCount { filter, .. }
        | OpKind::TakeRow { filter } => filter.get(..1),
        _ => None,
    }
}

/// Every column an operation names (the columns an upsert replaces, which
/// follow the release, aside).
fn referenced(op: &Operation) -> Vec<&'static str> {
    fn conds(out: &mut Vec<&'static str>, list: &[Cond]) {
        for cond in list {
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
                Cond::Any(any) => {
                    conds(out, any);
                    continue;
                }
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
            ParamType::Seconds | ParamType::Batch => {}
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
        | OpKind::Sweep { filter }
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
    answer: Answer,
}

impl<'a> Sql<'a> {
    fn new(schema: &'a Schema, role: Role) -> Sql<'a> {
        Sql {
            schema,
            role,
            text: String::new(),
            binds: Vec::new(),
            answer: Answer::Count,
        }
    }

    fn done(self) -> Statement {
        Statement {
            role: self.role,
            sql: self.text,
            binds: self.binds,
            answer: self.answer,
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

    /// The placeholder of `bind`, a new one even where the value is
    /// bound already.
    fn bind_again(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        self.schema.dialect().placeholder(self.binds.len())
    }

    fn update(&mut self, table: &str, set: &[Set], filter: &[Cond]) {
        self.text = format!(
            "{} {table} SET ",
            self.schema.dialect().forms().writing("UPDATE")
        );
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
            Cond::Any(any) => {
                let each: Vec<String> = any.iter().map(|c| self.cond(c)).collect();
                format!("({})", each.join(" OR "))
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
        self.schema.dialect().forms().minus_seconds(&at, &seconds)
    }
}

/// Ends `sql` with `RETURNING` of the row's columns (`list`).
fn returning(sql: &mut Sql<'_>, list: &str) {
    sql.text.push_str(" RETURNING ");
    sql.text.push_str(list);
    sql.answer = Answer::Rows;
}
