//! The model bound to a dialect and a validated prefix, and the SQL it
//! renders.

use std::fmt::Write as _;
use std::ops::Range;

use crate::dialect::Dialect;
use crate::model::{Column, Index, Predicate, Table};
use crate::prefix::{PrefixError, check_length, validate_prefix};
use crate::release::Release;
use crate::tables::TABLES;

/// The schema as installed in one database: a release, a dialect and a
/// table-name prefix that passed validation.
///
/// ```
/// use attesto_schema::{Dialect, Schema};
///
/// let schema = Schema::new(Dialect::Postgres, "oauth_")?;
/// assert!(schema.up_sql().starts_with("CREATE TABLE \"oauth_attesto_authorization_codes\""));
/// assert!(Schema::new(Dialect::Postgres, "OAuth-").is_err());
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
        check_length(&schema)?;
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

    /// The columns of `table` in the release, in creation order.
    pub fn columns(&self, table: &Table) -> Vec<&'static Column> {
        table.columns_at(self.release)
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
    /// dialect's numbered placeholders.
    pub fn insert_sql(&self, table: &Table) -> String {
        let name = self.table_name(table);
        let columns = self.columns(table);
        let values = (1..=columns.len())
            .map(|n| self.dialect.placeholder(n))
            .collect::<Vec<_>>()
            .join(", ");
        let columns = quoted_list(columns.iter().map(|c| c.name()));
        format!("INSERT INTO \"{name}\" ({columns}) VALUES ({values})")
    }

    /// `SELECT` of every column of `table` by name, in the model's column
    /// order, whatever the physical order in the database.
    pub fn select_sql(&self, table: &Table) -> String {
        let name = self.table_name(table);
        let columns = quoted_list(self.columns(table).iter().map(|c| c.name()));
        format!("SELECT {columns} FROM \"{name}\"")
    }

    pub(crate) fn write_create(&self, sql: &mut String, table: &Table) {
        let name = self.table_name(table);
        // `write!` into a String cannot fail; the results are ignored.
        let _ = writeln!(sql, "CREATE TABLE \"{name}\" (");
        let mut lines: Vec<String> = self
            .columns(table)
            .into_iter()
            .map(|column| self.column_sql(table, column))
            .collect();
        if let Some(pkey) = table.primary_key_name(&name) {
            let columns = quoted_list(table.primary_key().iter().copied());
            lines.push(format!("CONSTRAINT \"{pkey}\" PRIMARY KEY ({columns})"));
        }
        let _ = writeln!(sql, "  {}\n);", lines.join(",\n  "));
        for index in self.indexes(table) {
            self.write_create_index(sql, &name, index);
        }
    }

    /// `CREATE [UNIQUE] INDEX` of `index` on the table named `table`.
    pub(crate) fn write_create_index(&self, sql: &mut String, table: &str, index: &Index) {
        let unique = if index.is_unique() { "UNIQUE " } else { "" };
        let index_name = index.name(table);
        let columns = quoted_list(index.columns().iter().copied());
        let _ = write!(
            sql,
            "CREATE {unique}INDEX \"{index_name}\" ON \"{table}\" ({columns})"
        );
        if let Some(Predicate::IsNull(column)) = index.predicate() {
            let _ = write!(sql, " WHERE \"{column}\" IS NULL");
        }
        sql.push_str(";\n");
    }

    pub(crate) fn write_drop(&self, sql: &mut String, table: &Table) {
        let _ = writeln!(sql, "DROP TABLE \"{}\";", self.table_name(table));
    }

    /// A column's definition, as in `CREATE TABLE` and `ADD COLUMN`.
    pub(crate) fn column_sql(&self, table: &Table, column: &Column) -> String {
        let mut line = format!(
            "\"{}\" {}",
            column.name(),
            self.dialect.sql_type(column.logical_type())
        );
        // SQLite lets a non-INTEGER primary key hold NULL unless told not to.
        if !column.is_nullable() || table.primary_key().contains(&column.name()) {
            line.push_str(" NOT NULL");
        }
        if let Some(default) = column.default_value() {
            line.push_str(" DEFAULT ");
            line.push_str(&self.dialect.default_sql(default));
        }
        line
    }
}

pub(crate) fn quoted_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
