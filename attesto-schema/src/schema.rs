//! The model bound to a release, a dialect and a validated prefix, and the
//! SQL it renders: the tables' DDL and each row struct's statements.

use std::fmt::Write as _;
use std::ops::Range;

use crate::data::TABLES;
use crate::dialect::Dialect;
use crate::lists::{Named, Placeholders, QuotedList};
use crate::model::{Column, Index, Predicate, Release, Table};
use crate::prefix::{PrefixError, check_length, validate_prefix};

/// The schema as installed in one database: a release, a dialect and a
/// table-name prefix that passed validation.
///
/// ```
/// use attesto_schema::{Dialect, Schema};
///
/// let schema = Schema::new(Dialect::default(), "oauth_")?; // PostgreSQL
/// assert!(schema.up_sql().starts_with("CREATE TABLE \"oauth_attesto_authorization_codes\""));
/// assert!(Schema::new(Dialect::default(), "OAuth-").is_err());
/// # Ok::<(), attesto_schema::PrefixError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    dialect: Dialect,
    prefix: String,
    release: Release,
}

impl Schema {
    /// Binds the latest release to `dialect` and `prefix`, refusing a prefix
    /// that breaks the grammar or makes an identifier too long for the
    /// dialect.
    pub fn new(dialect: Dialect, prefix: &str) -> Result<Schema, PrefixError> {
        Schema::at_release(dialect, prefix, Release::latest())
    }

    /// As [`Schema::new`], for the schema of `release`.
    pub fn at_release(
        dialect: Dialect,
        prefix: &str,
        release: Release,
    ) -> Result<Schema, PrefixError> {
        validate_prefix(prefix)?;
        let schema = Schema {
            dialect,
            prefix: prefix.to_owned(),
            release,
        };
        let longest = schema
            .tables()
            .into_iter()
            .flat_map(|table| schema.identifiers(table))
            .max_by_key(String::len);
        check_length(dialect, prefix, longest)?;
        Ok(schema)
    }

    /// The release.
    pub fn release(&self) -> Release {
        self.release
    }

    /// The dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The validated prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The tables of the release, in creation order.
    pub fn tables(&self) -> Vec<&'static Table> {
        TABLES
            .iter()
            .filter(|t| t.added_in() <= self.release)
            .collect()
    }

    /// The table named `name` (without prefix), if the release has it.
    pub fn table(&self, name: &str) -> Option<&'static Table> {
        self.tables().into_iter().find(|t| t.name() == name)
    }

    /// The columns of `table` in the release, in creation order, as the
    /// release defines them.
    pub fn columns(&self, table: &Table) -> Vec<Column> {
        table.columns_at(self.release)
    }

    /// The primary-key columns of `table` in this dialect (empty when it
    /// has none): upstream's, or MySQL's own ([`Table::primary_key_for`]).
    pub fn primary_key(&self, table: &Table) -> &'static [&'static str] {
        table.primary_key_for(self.dialect.keys_every_table())
    }

    /// The secondary indexes of `table` in the release, in creation order.
    pub fn indexes(&self, table: &Table) -> Vec<&'static Index> {
        table.indexes_at(self.release)
    }

    /// Every identifier the release derives from `table`: the table, its
    /// primary key and its indexes.
    pub fn identifiers(&self, table: &Table) -> Vec<String> {
        table.identifiers(&self.table_name(table), self.release)
    }

    /// The prefixed name of `table`.
    pub fn table_name(&self, table: &Table) -> String {
        table.prefixed_name(&self.prefix)
    }

    /// `name` quoted as an identifier of the dialect.
    pub fn quote(&self, name: &str) -> String {
        self.dialect.quote(name)
    }

    /// The prefixed, quoted name of `table`.
    pub fn quoted_table(&self, table: &Table) -> String {
        self.quote(&self.table_name(table))
    }

    /// The whole up migration: every table in creation order, each followed
    /// by its indexes. No transaction statements: runners bring their own.
    pub fn up_sql(&self) -> String {
        self.up_sql_with_ranges().0
    }

    /// The whole down migration: every table dropped, in reverse order.
    pub fn down_sql(&self) -> String {
        self.down_sql_with_ranges().0
    }

    /// [`Schema::up_sql`], and where in it each table's
    /// [`Schema::create_sql`] stands, in the order of [`Schema::tables`].
    /// Semver-exempt: for the macro, which names each table's statements
    /// as slices of the whole.
    #[doc(hidden)]
    pub fn up_sql_with_ranges(&self) -> (String, Vec<Range<usize>>) {
        let mut sql = String::with_capacity(8 * 1024);
        let mut ranges = Vec::new();
        for (i, table) in self.tables().into_iter().enumerate() {
            if i > 0 {
                sql.push('\n');
            }
            let start = sql.len();
            self.write_create(&mut sql, table);
            ranges.push(start..sql.len());
        }
        (sql, ranges)
    }

    /// [`Schema::down_sql`], and where in it each table's
    /// [`Schema::drop_sql`] stands, in the order of [`Schema::tables`].
    /// Semver-exempt, as [`Schema::up_sql_with_ranges`].
    #[doc(hidden)]
    pub fn down_sql_with_ranges(&self) -> (String, Vec<Range<usize>>) {
        let mut sql = String::with_capacity(1024);
        let tables = self.tables();
        let mut ranges = vec![0..0; tables.len()];
        for (i, table) in tables.into_iter().enumerate().rev() {
            let start = sql.len();
            self.write_drop(&mut sql, table);
            ranges[i] = start..sql.len();
        }
        (sql, ranges)
    }

    /// The statement that takes the lock `ensure` holds while it reads the
    /// catalog and installs: PostgreSQL's transaction-level advisory lock
    /// (namespace [`crate::INSTALL_LOCK_NAMESPACE`], the prefix's
    /// `hashtext`), MySQL's and MariaDB's `GET_LOCK` (which answers `1`
    /// when taken); `None` on SQLite, where `BEGIN IMMEDIATE` is the lock.
    pub fn install_lock_sql(&self) -> Option<String> {
        self.dialect.forms().install_lock(&self.prefix)
    }

    /// The statement `ensure` runs between two tries of
    /// [`Schema::install_lock_sql`]'s lock, where the lock does not wait by
    /// itself (PostgreSQL): a pause of
    /// [`INSTALL_LOCK_PAUSE_MS`](crate::INSTALL_LOCK_PAUSE_MS).
    pub fn install_wait_sql(&self) -> Option<&'static str> {
        crate::dialect::install_wait(self.dialect)
    }

    /// Each table of the release in `UP_SQL`'s order: its prefixed name,
    /// its `CREATE` statements (the table, then its indexes), and the
    /// statement that reads whether it holds a row (one line if it does):
    /// how `ensure` completes an install that stopped part-way.
    pub fn install_steps(&self) -> Vec<(String, String, String)> {
        self.tables()
            .into_iter()
            .map(|table| {
                (
                    self.table_name(table),
                    self.create_sql(table),
                    self.dialect.forms().probe_rows(&self.quoted_table(table)),
                )
            })
            .collect()
    }

    /// The statement that releases [`Schema::install_lock_sql`]'s lock
    /// where a transaction's end does not (MySQL, MariaDB).
    pub fn install_unlock_sql(&self) -> Option<String> {
        self.dialect.forms().install_unlock(&self.prefix)
    }

    /// `DROP TABLE IF EXISTS` of every table, in reverse order: what
    /// `ensure` runs where DDL is not transactional (MySQL, MariaDB) when
    /// its install failed part-way, so that no table it created is left.
    pub fn uninstall_sql(&self) -> String {
        let mut sql = String::new();
        for table in self.tables().into_iter().rev() {
            let _ = writeln!(sql, "DROP TABLE IF EXISTS {};", self.quoted_table(table));
        }
        sql
    }

    /// `CREATE TABLE` for `table`, followed by its `CREATE INDEX` statements.
    pub fn create_sql(&self, table: &Table) -> String {
        let mut sql = String::with_capacity(1024);
        self.write_create(&mut sql, table);
        sql
    }

    /// `DROP TABLE` for `table` (its indexes go with it).
    pub fn drop_sql(&self, table: &Table) -> String {
        let mut sql = String::new();
        self.write_drop(&mut sql, table);
        sql
    }

    /// `INSERT` of every column of `table`, in column order, with the
    /// dialect's placeholders.
    pub fn insert_sql(&self, table: &Table) -> String {
        let columns = self.columns(table);
        format!(
            "{} INTO {} ({}) VALUES ({})",
            self.dialect.forms().writing("INSERT"),
            self.quoted_table(table),
            self.column_list(&columns),
            Placeholders {
                dialect: self.dialect,
                count: columns.len()
            }
        )
    }

    /// `SELECT` of every column of `table` by name, in the model's column
    /// order, whatever the physical order in the database.
    pub fn select_sql(&self, table: &Table) -> String {
        format!(
            "SELECT {} FROM {}",
            self.column_list(&self.columns(table)),
            self.quoted_table(table)
        )
    }

    /// `SELECT` of every column of the one row whose [`Table::key`] columns
    /// equal the parameters, in key order.
    pub fn select_by_key_sql(&self, table: &Table) -> String {
        format!(
            "{} WHERE {}",
            self.select_sql(table),
            self.key_condition(table)
        )
    }

    /// `DELETE` of the one row whose [`Table::key`] columns equal the
    /// parameters, in key order.
    pub fn delete_by_key_sql(&self, table: &Table) -> String {
        format!(
            "DELETE FROM {} WHERE {}",
            self.quoted_table(table),
            self.key_condition(table)
        )
    }

    /// `"a" = $1 AND "b" = $2` over the table's key.
    fn key_condition(&self, table: &Table) -> String {
        table
            .key()
            .iter()
            .enumerate()
            .map(|(i, column)| {
                format!(
                    "{} = {}",
                    self.quote(column),
                    self.dialect.placeholder(i + 1)
                )
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The quoted names of `columns`, comma-separated.
    pub(crate) fn column_list(&self, columns: &[Column]) -> String {
        self.quoted_list(columns)
    }

    /// The quoted `names`, comma-separated.
    pub(crate) fn quoted_list<N: Named>(&self, names: &[N]) -> String {
        // `format!`, not `to_string`: the formatting then runs in std.
        format!(
            "{}",
            QuotedList {
                dialect: self.dialect,
                names,
            }
        )
    }

    pub(crate) fn write_create(&self, sql: &mut String, table: &Table) {
        let after = self.write_create_table(
            sql,
            table,
            &self.table_name(table),
            &self.columns(table),
            &self.indexes(table),
        );
        for index in after {
            self.write_create_index(sql, table, index);
        }
    }

    /// `CREATE TABLE` named `name` with `columns`, `table`'s primary key
    /// and those of `indexes` the dialect creates with the table; returns
    /// the others, for `CREATE INDEX` after it.
    pub(crate) fn write_create_table<'i>(
        &self,
        sql: &mut String,
        table: &Table,
        name: &str,
        columns: &[Column],
        indexes: &[&'i Index],
    ) -> Vec<&'i Index> {
        let forms = self.dialect.forms();
        // `write!` into a String cannot fail; the results are ignored.
        let _ = writeln!(sql, "CREATE TABLE {} (", self.quote(name));
        let mut lines: Vec<String> = columns
            .iter()
            .map(|column| self.column_sql(table, column))
            .collect();
        if !self.primary_key(table).is_empty() {
            let columns = self.quoted_list(self.primary_key(table));
            let pkey = table
                .primary_key_name(&self.table_name(table))
                .map(|pkey| self.quote(&pkey));
            lines.push(forms.primary_key_clause(pkey.as_deref(), &columns));
        }
        let table_name = self.table_name(table);
        let mut after = Vec::new();
        for index in indexes {
            match forms.inline_index(index, &table_name) {
                Some(clause) => lines.push(clause),
                None => after.push(*index),
            }
        }
        let _ = write!(sql, "  {}\n)", lines.join(",\n  "));
        sql.push_str(forms.table_options());
        sql.push_str(";\n");
        after
    }

    /// `CREATE [UNIQUE] INDEX` of `index` on `table`.
    pub(crate) fn write_create_index(&self, sql: &mut String, table: &Table, index: &Index) {
        sql.push_str(&self.create_index_sql(table, index));
        sql.push('\n');
    }

    /// `CREATE [UNIQUE] INDEX ...;` of `index` on `table`. Where indexes
    /// cannot be partial, the index covers every row, NULLs included,
    /// which still serves `WHERE used_at IS NULL`.
    pub(crate) fn create_index_sql(&self, table: &Table, index: &Index) -> String {
        let name = self.table_name(table);
        let unique = if index.is_unique() { "UNIQUE " } else { "" };
        let mut sql = format!(
            "CREATE {unique}INDEX {} ON {} ({})",
            self.quote(&index.name(&name)),
            self.quote(&name),
            self.quoted_list(index.columns())
        );
        if let Some(Predicate::IsNull(column)) = index.predicate() {
            if self.dialect.partial_indexes() {
                let _ = write!(sql, " WHERE {} IS NULL", self.quote(column));
            }
        }
        sql.push(';');
        sql
    }

    pub(crate) fn write_drop(&self, sql: &mut String, table: &Table) {
        let _ = writeln!(sql, "DROP TABLE {};", self.quoted_table(table));
    }

    /// A column's definition, as in `CREATE TABLE` and `ADD COLUMN`.
    pub(crate) fn column_sql(&self, table: &Table, column: &Column) -> String {
        let mut line = format!(
            "{} {}",
            self.quote(column.name()),
            self.dialect.sql_type(column.logical_type())
        );
        // SQLite lets a non-INTEGER primary key hold NULL unless told not to.
        if !column.is_nullable() || self.primary_key(table).contains(&column.name()) {
            line.push_str(" NOT NULL");
        }
        if let Some(default) = column.default_value() {
            line.push_str(" DEFAULT ");
            line.push_str(&self.dialect.default_sql(default));
        }
        line
    }
}
