//! SQL dialects: what each one writes differently, each in a module of its
//! own behind one trait, `Forms`, whose default methods are the forms
//! PostgreSQL and SQLite share (standard SQL); a dialect overrides only
//! what it does otherwise, as sea-query's `QueryBuilder` and diesel's
//! `Backend` do.
//!
//! - `postgres`: types, `$n` placeholders, the family's advisory lock,
//!   interval arithmetic, a `DO` block guarding a down migration.
//! - `sqlite`: types, `?n` placeholders, a table rebuilt where SQLite
//!   cannot alter a column, a `CHECK` constraint guarding a down migration.
//! - `mysql`: MySQL 8 and MariaDB, one family with a flavor each:
//!   backquotes, types, `?` placeholders, inline indexes, no `ON CONFLICT`,
//!   index hints on locking statements, strict writes, and DDL guarded by
//!   the catalog, since their DDL does not roll back.
//!
//! Adding a dialect is a module implementing `Forms` (the compiler lists
//! the methods without a default), a variant of [`Dialect`] with its line
//! in `Dialect::forms`, and its place in `Dialect::ALL`. The shared
//! rendering (`schema`, `upgrade`, `ops`) asks the forms and never matches
//! on a dialect or its family.
//!
//! The forms sit below the schema: they take names, quoted names and
//! rendered pieces of SQL, never a `Schema`, so the layers import one way.

mod mysql;
mod postgres;
mod sqlite;

pub use postgres::{FAMILY_LOCK_NAMESPACE, INSTALL_LOCK_NAMESPACE};

/// The statement `ensure` runs between two tries of its install lock,
/// where the lock does not wait by itself.
pub(crate) fn install_wait(dialect: Dialect) -> Option<&'static str> {
    dialect.forms().install_wait()
}

use std::fmt;
use std::str::FromStr;

use crate::model::{ColumnDefault, Index, LogicalType};
use crate::text::shown;

/// A SQL dialect the schema can be rendered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dialect {
    /// PostgreSQL (the dialect of the Elixir generator).
    #[default]
    Postgres,
    /// SQLite 3.
    Sqlite,
    /// MySQL 8 (InnoDB, `utf8mb4`).
    Mysql,
    /// MariaDB 10.11 and later (InnoDB, `utf8mb4`): MySQL's schema, with
    /// statements of its own where MariaDB's SQL differs.
    Mariadb,
}

/// How long a text value may be, where a dialect would cut a longer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LengthLimit {
    /// At most this many characters (Unicode scalar values): `varchar(n)`.
    Chars(usize),
    /// At most this many bytes of UTF-8: MySQL's `text`.
    Bytes(usize),
}

impl LengthLimit {
    /// Whether `value` is longer than the limit.
    pub fn exceeded_by(self, value: &str) -> bool {
        match self {
            LengthLimit::Chars(n) => value.chars().count() > n,
            LengthLimit::Bytes(n) => value.len() > n,
        }
    }
}

impl fmt::Display for LengthLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LengthLimit::Chars(n) => write!(f, "{n} characters"),
            LengthLimit::Bytes(n) => write!(f, "{n} bytes"),
        }
    }
}

/// The family of database servers a dialect's statements run on: what a
/// driver connects to (sqlx's `Database`, diesel's `Backend`). Two
/// dialects of one family (say, MySQL 8 and MariaDB) share the drivers'
/// types and differ only in the SQL they are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// PostgreSQL's protocol and types.
    Postgres,
    /// SQLite, embedded.
    Sqlite,
    /// MySQL's protocol and types (MySQL and MariaDB).
    Mysql,
}

/// How many times `ensure` tries an install lock that does not wait by
/// itself (PostgreSQL's `pg_try_advisory_xact_lock`, each try a
/// transaction of its own) before it gives up with
/// [`VerifyError::Locked`](crate::VerifyError::Locked): with the pause
/// between tries ([`INSTALL_LOCK_PAUSE_MS`]), a 60-second wait, as MySQL's
/// `GET_LOCK` waits.
pub const INSTALL_LOCK_TRIES: u32 = 600;

/// The pause between two tries of the install lock, in milliseconds.
pub const INSTALL_LOCK_PAUSE_MS: u32 = 100;

impl Backend {
    /// Every family, in the order they are documented.
    pub const ALL: [Backend; 3] = [Backend::Postgres, Backend::Sqlite, Backend::Mysql];

    /// The servers of the family, for messages: `PostgreSQL`, `SQLite`,
    /// `MySQL and MariaDB`.
    pub fn family(self) -> &'static str {
        match self {
            Backend::Postgres => "PostgreSQL",
            Backend::Sqlite => "SQLite",
            Backend::Mysql => "MySQL and MariaDB",
        }
    }

    /// The schemes of the URLs that name a database of the family, as the
    /// drivers read them (sqlx's `postgres://`, `sqlite:`, `mysql://`):
    /// those of its dialects ([`Dialect::url_schemes`]; a test holds the
    /// two lists equal).
    pub fn url_schemes(self) -> &'static [&'static str] {
        match self {
            Backend::Postgres => &["postgres", "postgresql"],
            Backend::Sqlite => &["sqlite"],
            Backend::Mysql => &["mysql", "mariadb"],
        }
    }

    /// The family whose URLs start as `url` does (`postgres://...`), if
    /// any (see [`Dialect::of_url`] for the dialect).
    pub fn of_url(url: &str) -> Option<Backend> {
        let (scheme, _) = url.split_once(':')?;
        Backend::ALL.into_iter().find(|b| {
            b.url_schemes()
                .iter()
                .any(|s| s.eq_ignore_ascii_case(scheme))
        })
    }
}

impl Dialect {
    /// Every dialect, in the order they are documented.
    pub const ALL: [Dialect; 4] = [
        Dialect::Postgres,
        Dialect::Sqlite,
        Dialect::Mysql,
        Dialect::Mariadb,
    ];

    /// How the dialect writes what dialects write differently.
    pub(crate) fn forms(self) -> &'static dyn Forms {
        match self {
            Dialect::Postgres => &postgres::Postgres,
            Dialect::Sqlite => &sqlite::Sqlite,
            Dialect::Mysql => &mysql::MYSQL,
            Dialect::Mariadb => &mysql::MARIADB,
        }
    }

    /// The name used in arguments and flags: `postgres`, `sqlite`, `mysql`
    /// or `mariadb`.
    pub fn name(self) -> &'static str {
        self.forms().name()
    }

    /// The product name, for messages.
    pub fn product(self) -> &'static str {
        self.forms().product()
    }

    /// The family of servers the dialect's statements run on.
    pub fn backend(self) -> Backend {
        self.forms().backend()
    }

    /// The dialect whose URLs start as `url` does: `postgres://` and
    /// `postgresql://` (PostgreSQL), `mysql://` (MySQL 8, or MariaDB as the
    /// server tells: [`Dialect::server_dialect`]), `mariadb://` and
    /// `sqlite:`.
    pub fn of_url(url: &str) -> Option<Dialect> {
        let (scheme, _) = url.split_once(':')?;
        Dialect::ALL.into_iter().find(|d| {
            d.url_schemes()
                .iter()
                .any(|s| s.eq_ignore_ascii_case(scheme))
        })
    }

    /// The schemes of the URLs [`Dialect::of_url`] reads as this dialect.
    pub fn url_schemes(self) -> &'static [&'static str] {
        self.forms().url_schemes()
    }

    /// How `ensure`'s install lock works on this dialect, as the generated
    /// docs say it.
    pub fn install_lock_doc(self) -> &'static str {
        self.forms().install_lock_doc()
    }

    /// Whether every table has a primary key in this dialect's schema (see
    /// [`crate::Table::primary_key_for`]).
    pub fn keys_every_table(self) -> bool {
        self.forms().keys_every_table()
    }

    /// The dialects of `backend`, in the order they are documented.
    pub fn of_backend(backend: Backend) -> impl Iterator<Item = Dialect> {
        Dialect::ALL
            .into_iter()
            .filter(move |d| d.backend() == backend)
    }

    /// `ALTER TABLE` that adds the primary key `columns` to `table` (all
    /// unquoted); `None` where the dialect cannot add one to a table
    /// (SQLite, whose table must be rebuilt).
    pub fn add_primary_key_sql(self, table: &str, columns: &[&str]) -> Option<String> {
        let columns: Vec<String> = columns.iter().map(|c| self.quote(c)).collect();
        self.forms()
            .add_primary_key(&self.quote(table), &columns.join(", "))
    }

    /// Whether `ALTER TABLE ... ADD COLUMN` can add a `NOT NULL` column
    /// without a default; SQLite's cannot.
    pub fn adds_required_columns(self) -> bool {
        self.forms().adds_required_columns()
    }

    /// `DROP INDEX` of the index `index` on `table` (both unquoted), as the
    /// dialect writes it (MySQL and MariaDB name the table).
    pub fn drop_index_sql(self, index: &str, table: &str) -> String {
        self.forms()
            .drop_index(&self.quote(index), &self.quote(table))
    }

    /// The dialect named `name` (exactly as [`Dialect::name`] spells it).
    pub fn from_name(name: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The longest identifier, in bytes, the dialect accepts intact; `None`
    /// when it sets no practical limit. PostgreSQL silently truncates
    /// longer names, which would break the index names the stores match;
    /// MySQL and MariaDB refuse them.
    pub fn max_identifier_len(self) -> Option<usize> {
        self.forms().max_identifier_len()
    }

    /// What the dialect does with an identifier over its limit, for
    /// messages.
    pub fn over_limit(self) -> &'static str {
        self.forms().over_limit()
    }

    /// `name` as a quoted identifier: `"name"`, or `` `name` `` in MySQL.
    /// Names are table, column and index names of the model and validated
    /// prefixes, which never hold a quote.
    pub fn quote(self, name: &str) -> String {
        quote_with(self.quote_char(), name)
    }

    /// The identifier quote character.
    pub fn quote_char(self) -> char {
        self.forms().quote_char()
    }

    /// The SQL type a logical type is stored as.
    ///
    /// SQLite has no length limits, arrays, JSON, UUID or timestamp types:
    /// strings, lists and JSON are `TEXT` (lists and objects as JSON text),
    /// timestamps are ISO 8601 `TEXT`, UUIDs are 16-byte `BLOB`s and
    /// booleans are `BOOLEAN` holding 0 or 1, which is what sqlx and
    /// rusqlite read and write for those Rust types. MySQL has no arrays:
    /// lists are `json`, as are objects; timestamps are `datetime` and
    /// `datetime(6)`; UUIDs are `binary(16)`, as Ecto's MySQL adapter, sqlx
    /// and sea-orm store them.
    pub fn sql_type(self, ty: LogicalType) -> &'static str {
        self.forms().sql_type(ty)
    }

    /// The longest value of `ty` that the bindings let through, where the
    /// server would cut a longer one without an error (MySQL and MariaDB in
    /// a session whose `sql_mode` is not strict); `None` where nothing is
    /// cut.
    pub fn length_limit(self, ty: LogicalType) -> Option<LengthLimit> {
        self.forms().length_limit(ty)
    }

    /// Whether the dialect stores a list of strings as an array of its own
    /// (PostgreSQL), rather than as JSON text.
    pub fn has_arrays(self) -> bool {
        self.forms().has_arrays()
    }

    /// The SQL expression of a default value.
    ///
    /// MySQL 8 takes a default on a `json` column only as an expression in
    /// parentheses, which MariaDB accepts too.
    pub fn default_sql(self, default: ColumnDefault) -> String {
        self.forms().default_sql(default)
    }

    /// The bind-parameter placeholder for the 1-based position `n`: `$n`
    /// for PostgreSQL, `?n` for SQLite, `?` for MySQL (whose placeholders
    /// are bound in the order they appear).
    pub fn placeholder(self, n: usize) -> String {
        self.forms().placeholder(n)
    }

    /// Whether placeholders are numbered, so that one parameter can be
    /// used twice; MySQL's `?` are bound in order of appearance.
    pub fn numbered_placeholders(self) -> bool {
        self.forms().numbered_placeholders()
    }

    /// Whether an index can be partial (`CREATE INDEX ... WHERE`); MySQL's
    /// indexes cover every row.
    pub fn partial_indexes(self) -> bool {
        self.forms().partial_indexes()
    }

    /// Whether DDL runs in a transaction, all or nothing (PostgreSQL,
    /// SQLite); MySQL commits each DDL statement on its own.
    pub fn transactional_ddl(self) -> bool {
        self.forms().transactional_ddl()
    }

    /// The statement that reads what a database of the dialect holds: one
    /// text column (`line`) per row, a table, a column, a key or an index
    /// each, which [`crate::Catalog::from_lines`] reads. It lists the
    /// current schema (PostgreSQL), database (MySQL, MariaDB) or file
    /// (SQLite), every table in it.
    pub fn catalog_sql(self) -> &'static str {
        self.forms().catalog_sql()
    }

    /// Whether the dialect's statements run on a server whose `VERSION()`
    /// (the catalog's `server` line) is `server`; if not, the dialect to
    /// build with.
    pub fn runs_on(self, server: &str) -> Result<(), Dialect> {
        self.forms().runs_on(server)
    }

    /// The dialect a server of this dialect's family is, by its
    /// `VERSION()` (the catalog's `server` line): MariaDB or MySQL 8 for
    /// a `mysql://` URL.
    pub fn server_dialect(self, server: &str) -> Dialect {
        self.forms().server_dialect(server)
    }
}

/// The SQL types of `ty` in each family, for `attesto schema --format json`.
pub(crate) fn sql_types(ty: LogicalType) -> crate::describe::SqlTypes {
    crate::describe::SqlTypes {
        postgres: Dialect::Postgres.sql_type(ty),
        sqlite: Dialect::Sqlite.sql_type(ty),
        // MariaDB stores every type as MySQL 8 does.
        mysql: Dialect::Mysql.sql_type(ty),
    }
}

/// `name` between two `q`s.
fn quote_with(q: char, name: &str) -> String {
    let mut quoted = String::with_capacity(name.len() + 2);
    quoted.push(q);
    quoted.push_str(name);
    quoted.push(q);
    quoted
}

/// A default value in standard SQL: lists and objects as JSON text,
/// booleans as `TRUE` and `FALSE`. A dialect's override calls it for the
/// cases it writes alike.
fn standard_default_sql(default: ColumnDefault) -> String {
    match default {
        ColumnDefault::EmptyStrings => "'[]'".to_owned(),
        ColumnDefault::EmptyObject => "'{}'".to_owned(),
        ColumnDefault::Int(n) => n.to_string(),
        ColumnDefault::Bool(b) => if b { "TRUE" } else { "FALSE" }.to_owned(),
        ColumnDefault::Text(s) => format!("'{s}'"),
    }
}

/// What a guarded DDL statement of an upgrade depends on: whether a column
/// or an index exists already (unquoted names).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Exists<'a> {
    /// `column` of `table`.
    Column {
        /// The prefixed table name.
        table: &'a str,
        /// The column.
        column: &'a str,
    },
    /// The index named `index` of `table`.
    Index {
        /// The prefixed table name.
        table: &'a str,
        /// The index's full name.
        index: &'a str,
    },
}

/// The index a locking statement goes through, for a dialect that names
/// it (MySQL's `FORCE INDEX`).
#[derive(Debug, Clone)]
pub(crate) enum LockingIndex {
    /// The primary key.
    Primary,
    /// A secondary index, by its full (unquoted) name.
    Named(String),
}

/// How one dialect writes what dialects write differently. The default
/// methods are the standard forms PostgreSQL and SQLite share; each
/// dialect's module overrides the rest.
///
/// Everything is rendered from names, quoted names and pieces of SQL the
/// shared rendering passes in.
pub(crate) trait Forms: Sync {
    // --- Identity ---

    /// The name in arguments and flags.
    fn name(&self) -> &'static str;

    /// The product, for messages.
    fn product(&self) -> &'static str;

    /// The family of servers.
    fn backend(&self) -> Backend;

    // --- Identifiers, types, values ---

    /// The longest identifier kept intact, in bytes; `None`: no limit.
    fn max_identifier_len(&self) -> Option<usize> {
        None
    }

    /// What happens past that limit, for messages.
    fn over_limit(&self) -> &'static str {
        "which would refuse it"
    }

    /// The identifier quote character.
    fn quote_char(&self) -> char {
        '"'
    }

    /// `name` quoted.
    fn quote(&self, name: &str) -> String {
        quote_with(self.quote_char(), name)
    }

    /// The SQL type of a logical type.
    fn sql_type(&self, ty: LogicalType) -> &'static str;

    /// Whether lists of strings are arrays of the dialect's own.
    fn has_arrays(&self) -> bool {
        false
    }

    /// A default value as SQL (standard: `standard_default_sql`).
    fn default_sql(&self, default: ColumnDefault) -> String {
        standard_default_sql(default)
    }

    /// The placeholder of the 1-based parameter `n`.
    fn placeholder(&self, n: usize) -> String;

    /// Whether placeholders are numbered (one parameter can be used twice).
    fn numbered_placeholders(&self) -> bool {
        true
    }

    // --- Tables and indexes ---

    /// The primary-key clause of `CREATE TABLE`: named, with `name` (quoted)
    /// when the model names it.
    fn primary_key_clause(&self, name: Option<&str>, columns: &str) -> String {
        match name {
            Some(name) => format!("CONSTRAINT {name} PRIMARY KEY ({columns})"),
            None => format!("PRIMARY KEY ({columns})"),
        }
    }

    /// `index` of the table named `table` as a clause of `CREATE TABLE`,
    /// for a dialect that creates its indexes with the table; `None`:
    /// created by `CREATE INDEX` after it.
    fn inline_index(&self, _index: &Index, _table: &str) -> Option<String> {
        None
    }

    /// What follows the closing parenthesis of `CREATE TABLE`.
    fn table_options(&self) -> &'static str {
        ""
    }

    /// Whether an index can be partial.
    fn partial_indexes(&self) -> bool {
        true
    }

    // --- Upgrades ---

    /// Whether DDL runs in a transaction, all or nothing.
    fn transactional_ddl(&self) -> bool {
        true
    }

    /// Whether `ALTER TABLE` can change a column's nullability; if not, the
    /// table is rebuilt.
    fn alters_nullability(&self) -> bool {
        true
    }

    /// Drops `NOT NULL` from a column (`table` and `column` quoted; `def`
    /// the column's new definition).
    fn relax_not_null(&self, table: &str, column: &str, _def: &str) -> String {
        format!("ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL;\n")
    }

    /// Restores `NOT NULL` on a column (`def`: its earlier definition).
    fn restore_not_null(&self, table: &str, column: &str, _def: &str) -> String {
        format!("ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL;\n")
    }

    /// Writes `ddl` (without its `;`), run only where `exists` is
    /// `when_exists`, for a dialect whose DDL does not roll back and must
    /// be safe to run again; the default, for transactional DDL, writes it
    /// as it is.
    fn guarded(&self, sql: &mut String, _exists: Exists<'_>, _when_exists: bool, ddl: &str) {
        sql.push_str(ddl);
        sql.push_str(";\n");
    }

    /// `ALTER TABLE` that adds the primary key `columns` (quoted, comma
    /// separated) to `table` (quoted); `None` where a table's key cannot be
    /// added after it is created (SQLite).
    fn add_primary_key(&self, table: &str, columns: &str) -> Option<String> {
        Some(format!("ALTER TABLE {table} ADD PRIMARY KEY ({columns})"))
    }

    /// Whether `ALTER TABLE ... ADD COLUMN` can add a `NOT NULL` column
    /// without a default (to an empty table); SQLite never can.
    fn adds_required_columns(&self) -> bool {
        true
    }

    /// `DROP INDEX` of `index` on `table` (both quoted), without `;`.
    fn drop_index(&self, index: &str, _table: &str) -> String {
        format!("DROP INDEX {index}")
    }

    /// The `CREATE TABLE` (and indexes) of a table an upgrade adds.
    fn create_new(&self, create: String) -> String {
        create
    }

    /// The `DROP TABLE` of a table an upgrade added (quoted).
    fn drop_new(&self, table: &str) -> String {
        format!("DROP TABLE {table};\n")
    }

    /// A statement that fails, with `message`, when a row of `table`
    /// holds NULL in `column` (both quoted): the check a down migration
    /// makes before restoring `NOT NULL`.
    fn guard_not_null(&self, sql: &mut String, table: &str, column: &str, message: &str);

    // --- Operations ---

    /// The tail of an `INSERT` that does nothing on a conflict of `key`
    /// (quoted columns); `None`: the dialect has no such clause, and the
    /// conflict is a unique violation.
    fn insert_ignoring_conflict(&self, key: &str) -> Option<String> {
        Some(format!(" ON CONFLICT ({key}) DO NOTHING"))
    }

    /// The tail of an `INSERT` that, on a conflict of `conflict` (quoted
    /// columns), replaces the `replace` columns with the inserted values.
    fn upsert(&self, conflict: &str, replace: &[&str]) -> String {
        let sets: Vec<String> = replace
            .iter()
            .map(|c| format!("{q} = excluded.{q}", q = self.quote(c)))
            .collect();
        format!(
            " ON CONFLICT ({conflict}) DO UPDATE SET {}",
            sets.join(", ")
        )
    }

    /// The statement that takes a refresh family's lock for the rest of the
    /// transaction, given the placeholder of the family id; `None` where
    /// the dialect locks otherwise.
    fn family_lock(&self, _family: &str) -> Option<String> {
        None
    }

    /// Whether the family check follows the insert, as a plain read in
    /// the insert's transaction (rolled back by deleting the row when the
    /// family is revoked), where there is no lock by name; else the
    /// insert carries the check (`INSERT ... SELECT ... WHERE NOT
    /// EXISTS`), under the family lock where the dialect has one.
    fn family_check_after_insert(&self) -> bool {
        false
    }

    /// Whether `UPDATE` can return the rows it changed.
    fn update_returning(&self) -> bool {
        true
    }

    /// What makes a read see the latest committed row, not the snapshot
    /// of the caller's transaction: appended to the read that tells a miss
    /// apart after a write found nothing. Nothing where every statement
    /// sees the latest committed rows (PostgreSQL's and SQLite's default).
    fn current_read(&self) -> &'static str {
        ""
    }

    /// Whether a `DELETE` returns the rows it deleted in the same statement
    /// (`DELETE ... RETURNING`), rather than after a read.
    fn delete_returning(&self) -> bool {
        true
    }

    /// The table (quoted `name`) as a statement that locks rows through
    /// `index` names it; `index` is asked only by a dialect that names it.
    fn locking_table(&self, name: &str, _index: &dyn Fn() -> Option<LockingIndex>) -> String {
        name.to_owned()
    }

    /// The longest value of text type `ty` the dialect keeps whatever the
    /// session, when it would cut a longer one rather than refuse it: the
    /// bindings refuse such a value before it reaches the server. `None`
    /// where the server refuses it itself (PostgreSQL) or keeps any length
    /// (SQLite).
    fn length_limit(&self, _ty: LogicalType) -> Option<LengthLimit> {
        None
    }

    /// The start of a statement that writes values, `INSERT` or `UPDATE`
    /// (`verb`), run so that a value its column cannot hold is an error
    /// (the dialect's strict mode, where the session may not be).
    fn writing(&self, verb: &str) -> String {
        verb.to_owned()
    }

    /// One batch of a sweep: a `DELETE` of at most `limit` rows of `name`
    /// that match `condition`. PostgreSQL's form: the rows picked by a
    /// locking read that skips rows another transaction holds (a take
    /// under way), so that a batch never waits, and deleted by `ctid`.
    fn sweep_batch(&self, name: &str, condition: &str, _expires: &str, limit: &str) -> String {
        format!(
            "DELETE FROM {name} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {name} WHERE {condition} LIMIT {limit} FOR UPDATE SKIP LOCKED))"
        )
    }

    /// `DELETE FROM` the table: `name` quoted, `locking` as
    /// [`Forms::locking_table`] wrote it.
    fn delete_from(&self, name: &str, _locking: &str) -> String {
        format!("DELETE FROM {name}")
    }

    // --- The live database ---

    /// The statement that lists the database's tables, columns, keys and
    /// indexes, one text column per row (see `crate::catalog`).
    fn catalog_sql(&self) -> &'static str;

    /// A column's type and default as the catalog prints them (its `EXTRA`
    /// beside), in the terms [`Forms::catalog_type`] and
    /// [`Forms::catalog_default`] write: what the server adds of its own
    /// (display widths, `NULL` defaults, charset introducers) taken off.
    fn catalog_column(
        &self,
        ty: &str,
        _extra: &str,
        default: Option<String>,
    ) -> (String, Option<String>) {
        (ty.to_owned(), default)
    }

    /// The type `ty` has in the dialect's catalog, as
    /// [`Forms::catalog_column`] normalises it.
    fn catalog_type(&self, ty: LogicalType) -> &'static str {
        self.sql_type(ty)
    }

    /// The default `default` has in the dialect's catalog, as
    /// [`Forms::catalog_column`] normalises it.
    fn catalog_default(&self, default: ColumnDefault) -> String {
        self.default_sql(default)
    }

    /// How `ensure`'s install lock works here, for the generated docs.
    fn install_lock_doc(&self) -> &'static str;

    /// Whether every table must have a primary key (a Galera cluster
    /// certifies writes by it): the MySQL family's schema then gives one to
    /// the table upstream leaves without (`attesto_authorization_codes`:
    /// `code_hash`).
    fn keys_every_table(&self) -> bool {
        false
    }

    /// The schemes of the URLs that name a database of this dialect, as
    /// `attesto status` reads them; sqlx reads MariaDB's as `mysql://` as
    /// well, which the server's own version then tells apart.
    fn url_schemes(&self) -> &'static [&'static str];

    /// Whether the dialect's statements run on the server whose version the
    /// catalog's `server` line gave; if not, the dialect whose do.
    fn runs_on(&self, _server: &str) -> Result<(), Dialect> {
        Ok(())
    }

    /// The dialect of the server whose version the catalog's `server` line
    /// gave, among those that share this one's catalog statement.
    fn server_dialect(&self, _server: &str) -> Dialect;

    /// The statement that takes the lock `ensure` holds while it looks and
    /// installs, for tables of `prefix`; `None` where the transaction's own
    /// write lock is it (SQLite's `BEGIN IMMEDIATE`).
    fn install_lock(&self, _prefix: &str) -> Option<String> {
        None
    }

    /// The statement that releases a lock [`Forms::install_lock`] took
    /// outside a transaction; `None` where the transaction's end does.
    fn install_unlock(&self, _prefix: &str) -> Option<String> {
        None
    }

    /// The statement `ensure` runs between two tries of an install lock
    /// that does not wait by itself (PostgreSQL's
    /// `pg_try_advisory_xact_lock`): a pause of [`INSTALL_LOCK_PAUSE_MS`],
    /// [`INSTALL_LOCK_TRIES`] times at most, so that the wait is bounded
    /// and named (`VerifyError::Locked`). `None` where the lock waits by
    /// itself, bounded (MySQL's `GET_LOCK`), or the transaction is the lock
    /// (SQLite).
    fn install_wait(&self) -> Option<&'static str> {
        None
    }

    /// The statement that reads whether `table` (quoted) holds a row: one
    /// line if it does, none if it is empty. `ensure` asks it of the tables
    /// an interrupted install left, which it completes only when empty.
    fn probe_rows(&self, table: &str) -> String {
        format!("SELECT 'rows' FROM {table} LIMIT 1")
    }

    /// The time `seconds` (a placeholder or a quoted column) before `at` (a
    /// placeholder).
    fn minus_seconds(&self, at: &str, seconds: &str) -> String;
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing a dialect name that is not one of [`Dialect::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDialect {
    given: String,
}

impl UnknownDialect {
    /// The name as given.
    pub fn given(&self) -> &str {
        &self.given
    }
}

impl fmt::Display for UnknownDialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown dialect {}; expected one of ",
            shown(&self.given)
        )?;
        for (i, d) in Dialect::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "\"{}\"", d.name())?;
        }
        let meant = match self.given.to_ascii_lowercase().as_str() {
            "postgresql" | "pg" | "postgres" => Some("postgres"),
            "sqlite3" | "sqlite" => Some("sqlite"),
            "mysql8" | "mysql" => Some("mysql"),
            "maria" | "mariadb" => Some("mariadb"),
            _ => None,
        };
        if let Some(meant) = meant {
            write!(f, " (did you mean \"{meant}\"?)")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownDialect {}

impl FromStr for Dialect {
    type Err = UnknownDialect;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dialect::from_name(s).ok_or_else(|| UnknownDialect {
            given: s.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    //! Each dialect's hooks walked over every dialect: what one dialect
    //! knows is in its module, and these say each module answers alike.

    use super::*;

    #[test]
    fn every_url_scheme_names_its_dialect_and_family() {
        for dialect in Dialect::ALL {
            assert!(!dialect.url_schemes().is_empty(), "{dialect}");
            for scheme in dialect.url_schemes() {
                let url = format!("{scheme}://host/db");
                assert_eq!(Dialect::of_url(&url), Some(dialect), "{url}");
                assert_eq!(Backend::of_url(&url), Some(dialect.backend()), "{url}");
            }
        }
        // A family reads the URLs of each of its dialects, and no other.
        for backend in Backend::ALL {
            let mut of_dialects: Vec<&str> = Dialect::of_backend(backend)
                .flat_map(Dialect::url_schemes)
                .copied()
                .collect();
            let mut of_family = backend.url_schemes().to_vec();
            of_dialects.sort_unstable();
            of_family.sort_unstable();
            assert_eq!(of_family, of_dialects, "{backend:?}");
        }
        assert_eq!(Dialect::of_url("SQLITE:x.db"), Some(Dialect::Sqlite));
        assert_eq!(Dialect::of_url("redis://host"), None);
        assert_eq!(Dialect::of_url("no scheme"), None);
    }

    #[test]
    fn the_expected_catalog_reads_back_as_itself_in_every_dialect() {
        let defaults = [
            (ColumnDefault::EmptyStrings, LogicalType::Strings),
            (ColumnDefault::EmptyObject, LogicalType::Json),
            (ColumnDefault::Int(7), LogicalType::Int),
            (ColumnDefault::Bool(true), LogicalType::Bool),
            (ColumnDefault::Text("pending"), LogicalType::Short),
        ];
        for dialect in Dialect::ALL {
            let forms = dialect.forms();
            for ty in LogicalType::ALL {
                let expected = forms.catalog_type(ty);
                let (read, default) = forms.catalog_column(expected, "", None);
                assert_eq!(read, expected, "{dialect} {ty:?}");
                assert_eq!(default, None, "{dialect} {ty:?}");
            }
            for (default, ty) in defaults {
                let expected = forms.catalog_default(default);
                let (_, read) =
                    forms.catalog_column(forms.catalog_type(ty), "", Some(expected.clone()));
                assert_eq!(read, Some(expected), "{dialect} {default:?}");
            }
        }
    }

    #[test]
    fn every_dialect_drops_an_index_and_adds_a_key_in_its_own_words() {
        for dialect in Dialect::ALL {
            let drop = dialect.drop_index_sql("i", "t");
            assert!(drop.starts_with("DROP INDEX "), "{drop}");
            // MySQL and MariaDB refuse a DROP INDEX without its table.
            assert_eq!(
                drop.contains(" ON "),
                dialect.backend() == Backend::Mysql,
                "{dialect}: {drop}"
            );
            let key = dialect.add_primary_key_sql("t", &["a", "b"]);
            assert_eq!(
                key.is_none(),
                dialect.backend() == Backend::Sqlite,
                "{dialect}: {key:?}"
            );
        }
    }
}
