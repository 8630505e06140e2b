//! Upgrades between releases: the SQL that moves a database installed at
//! one release to a later one, and back, without losing a row.
//!
//! What can change between releases: tables are added, columns are added
//! (nullable or with a default) and indexes are added, and a column may
//! lose its `NOT NULL`. Going down restores the constraint only when no row
//! holds NULL; otherwise the down migration fails, naming the column,
//! before it has changed anything, rather than deleting or inventing data.
//!
//! What differs between dialects is in each one's forms (`dialect`):
//! PostgreSQL runs the whole upgrade in one transaction; SQLite cannot
//! change a column's nullability in place, so the table is rebuilt
//! (created anew, rows copied, renamed, indexes recreated), as SQLite's
//! documentation prescribes; MySQL commits each DDL statement on its own,
//! so every statement is guarded by the catalog or idempotent, and an
//! upgrade that fails part-way can be run again to completion.

use std::fmt;
use std::fmt::Write as _;

use crate::dialect::{Dialect, Exists};
use crate::model::{Column, Index, Release, Table};
use crate::prefix::PrefixError;
use crate::schema::Schema;
use crate::versions::releases_with_versions;

/// An upgrade of one database from an earlier release to a later one (or
/// to the same one, which changes nothing).
///
/// ```
/// use attesto_schema::{Dialect, Release, Upgrade, Version};
///
/// let from = "0.6.1".parse::<Version>()?.release();
/// let upgrade = Upgrade::new(Dialect::default(), "", from, Release::latest())?; // PostgreSQL
/// assert!(upgrade.up_sql().contains("ADD COLUMN \"resource\""));
/// assert!(upgrade.down_sql().contains("DROP TABLE \"attesto_consent_grants\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upgrade {
    from: Schema,
    to: Schema,
}

/// Why an upgrade was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UpgradeError {
    /// The prefix is invalid or too long.
    Prefix(PrefixError),
    /// The upgrade does not go forward.
    NotForward {
        /// The version (or release) the database is at.
        from: String,
        /// The version (or release) asked for.
        to: String,
    },
}

impl fmt::Display for UpgradeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UpgradeError::Prefix(e) => e.fmt(f),
            UpgradeError::NotForward { from, to } => write!(
                f,
                "cannot upgrade from \"{from}\" to \"{to}\": an upgrade goes from an earlier \
                 version to a later one (its down migration goes back); the schema releases, \
                 oldest first, are {}",
                releases_with_versions()
            ),
        }
    }
}

impl std::error::Error for UpgradeError {}

impl From<PrefixError> for UpgradeError {
    fn from(e: PrefixError) -> Self {
        UpgradeError::Prefix(e)
    }
}

/// What an upgrade changes in one table that both releases have.
struct TableChange {
    /// Columns of the target release that the source release lacks.
    added_columns: Vec<Column>,
    /// Indexes of the target release that the source release lacks.
    added_indexes: Vec<&'static Index>,
    /// Columns that lose `NOT NULL`, as the target defines them.
    relaxed: Vec<Column>,
}

impl TableChange {
    fn is_empty(&self) -> bool {
        self.added_columns.is_empty() && self.added_indexes.is_empty() && self.relaxed.is_empty()
    }
}

impl Upgrade {
    /// The upgrade from `from` to `to` of the tables named with `prefix`.
    pub fn new(
        dialect: Dialect,
        prefix: &str,
        from: Release,
        to: Release,
    ) -> Result<Upgrade, UpgradeError> {
        if from > to {
            return Err(UpgradeError::NotForward {
                from: from.to_string(),
                to: to.to_string(),
            });
        }
        Ok(Upgrade {
            from: Schema::at_release(dialect, prefix, from)?,
            to: Schema::at_release(dialect, prefix, to)?,
        })
    }

    /// The release the database is at before the upgrade.
    pub fn from(&self) -> Release {
        self.from.release()
    }

    /// The schema before the upgrade.
    pub fn source(&self) -> &Schema {
        &self.from
    }

    /// The schema after the upgrade.
    pub fn target(&self) -> &Schema {
        &self.to
    }

    /// Whether the upgrade changes nothing (both releases are the same).
    pub fn is_empty(&self) -> bool {
        self.from.release() == self.to.release()
    }

    fn dialect(&self) -> Dialect {
        self.to.dialect()
    }

    fn is_new(&self, table: &Table) -> bool {
        table.added_in() > self.from.release()
    }

    fn change(&self, table: &Table) -> TableChange {
        let before = self.from.columns(table);
        let after = self.to.columns(table);
        let had = |name: &str| before.iter().find(|c| c.name() == name);
        TableChange {
            added_columns: after
                .iter()
                .filter(|c| had(c.name()).is_none())
                .copied()
                .collect(),
            added_indexes: self
                .to
                .indexes(table)
                .into_iter()
                .filter(|i| !self.from.indexes(table).contains(i))
                .collect(),
            relaxed: after
                .iter()
                .filter(|c| had(c.name()).is_some_and(|b| !b.is_nullable() && c.is_nullable()))
                .copied()
                .collect(),
        }
    }

    /// Moves a database at `from` to the target release: adds the missing
    /// tables, columns (with their defaults, so existing rows stay valid)
    /// and indexes, and drops the `NOT NULL` the target no longer has.
    pub fn up_sql(&self) -> String {
        let mut sql = String::with_capacity(8 * 1024);
        for table in self.to.tables() {
            let mut part = String::new();
            if self.is_new(table) {
                self.create_new(&mut part, table);
            } else {
                self.add_mysql_primary_key(&mut part, table);
                self.upgrade_table(&mut part, table);
            }
            append(&mut sql, &part);
        }
        sql
    }

    /// On MySQL and MariaDB, the primary key attesto gives a table there
    /// (`attesto_authorization_codes`: `code_hash`), added to a table that
    /// an earlier attesto created without it. Lossless: the column is
    /// `NOT NULL` under a unique index, so no row can be refused; and
    /// guarded by the catalog, so a table that has it is left alone. Down
    /// migrations keep it: every release has it on MySQL.
    fn add_mysql_primary_key(&self, sql: &mut String, table: &Table) {
        if !self.dialect().keys_every_table() || table.mysql_primary_key.is_empty() {
            return;
        }
        let ddl = format!(
            "ALTER TABLE {} ADD PRIMARY KEY ({})",
            self.to.quoted_table(table),
            self.to.quoted_list(table.mysql_primary_key)
        );
        let table_name = self.to.table_name(table);
        let exists = Exists::Index {
            table: &table_name,
            index: "PRIMARY",
        };
        self.dialect().forms().guarded(sql, exists, false, &ddl);
    }

    /// Returns a database at the target release to `from`: the reverse of
    /// [`Upgrade::up_sql`], keeping the rows of the tables `from` had. A
    /// `NOT NULL` the target dropped is restored only where no row holds
    /// NULL: the checks come first, so that a refused down migration has
    /// changed nothing.
    pub fn down_sql(&self) -> String {
        let mut sql = String::with_capacity(2 * 1024);
        let tables = self.to.tables();
        let mut guards = String::new();
        for table in &tables {
            if !self.is_new(table) {
                for column in self.change(table).relaxed {
                    self.guard_not_null(&mut guards, table, &column);
                }
            }
        }
        append(&mut sql, &guards);
        for table in tables.into_iter().rev() {
            let mut part = String::new();
            if self.is_new(table) {
                self.drop_new(&mut part, table);
            } else {
                self.downgrade_table(&mut part, table);
            }
            append(&mut sql, &part);
        }
        sql
    }

    fn create_new(&self, sql: &mut String, table: &Table) {
        let forms = self.dialect().forms();
        sql.push_str(&forms.create_new(self.to.create_sql(table)));
    }

    fn drop_new(&self, sql: &mut String, table: &Table) {
        let forms = self.dialect().forms();
        sql.push_str(&forms.drop_new(&self.to.quoted_table(table)));
    }

    fn upgrade_table(&self, sql: &mut String, table: &Table) {
        let change = self.change(table);
        if change.is_empty() {
            return;
        }
        let forms = self.dialect().forms();
        if !change.relaxed.is_empty() && !forms.alters_nullability() {
            rebuild(sql, &self.from, &self.to, table);
            return;
        }
        let name = self.to.quoted_table(table);
        let table_name = self.to.table_name(table);
        for column in &change.relaxed {
            sql.push_str(&forms.relax_not_null(
                &name,
                &self.to.quote(column.name()),
                &self.to.column_sql(table, column),
            ));
        }
        for column in &change.added_columns {
            let ddl = format!(
                "ALTER TABLE {name} ADD COLUMN {}",
                self.to.column_sql(table, column)
            );
            let exists = Exists::Column {
                table: &table_name,
                column: column.name(),
            };
            forms.guarded(sql, exists, false, &ddl);
        }
        for index in &change.added_indexes {
            let ddl = self.to.create_index_sql(table, index);
            let index_name = index.name(&table_name);
            let exists = Exists::Index {
                table: &table_name,
                index: &index_name,
            };
            forms.guarded(sql, exists, false, ddl.trim_end_matches(';'));
        }
    }

    fn downgrade_table(&self, sql: &mut String, table: &Table) {
        let change = self.change(table);
        if change.is_empty() {
            return;
        }
        let forms = self.dialect().forms();
        if !change.relaxed.is_empty() && !forms.alters_nullability() {
            rebuild(sql, &self.to, &self.from, table);
            return;
        }
        let name = self.to.quoted_table(table);
        let table_name = self.to.table_name(table);
        // Indexes first: SQLite refuses to drop an indexed column.
        for index in change.added_indexes.iter().rev() {
            let index_name = index.name(&table_name);
            let ddl = forms.drop_index(&self.to.quote(&index_name), &name);
            let exists = Exists::Index {
                table: &table_name,
                index: &index_name,
            };
            forms.guarded(sql, exists, true, &ddl);
        }
        for column in change.added_columns.iter().rev() {
            let ddl = format!(
                "ALTER TABLE {name} DROP COLUMN {}",
                self.to.quote(column.name())
            );
            let exists = Exists::Column {
                table: &table_name,
                column: column.name(),
            };
            forms.guarded(sql, exists, true, &ddl);
        }
        let before = self.from.columns(table);
        for column in change.relaxed.iter().rev() {
            if let Some(restored) = before.iter().find(|c| c.name() == column.name()) {
                sql.push_str(&forms.restore_not_null(
                    &name,
                    &self.to.quote(column.name()),
                    &self.from.column_sql(table, restored),
                ));
            }
        }
    }

    /// A check that no row of `table` holds NULL in `column`, which fails
    /// with a message saying what to do when one does.
    fn guard_not_null(&self, sql: &mut String, table: &Table, column: &Column) {
        let message = format!(
            "attesto: cannot restore NOT NULL on {}.{}: some rows hold NULL there, which \
             schema release {} cannot store; update or delete them, then run this down \
             migration again",
            self.to.table_name(table),
            column.name(),
            self.from.release()
        );
        self.dialect().forms().guard_not_null(
            sql,
            &self.to.quoted_table(table),
            &self.to.quote(column.name()),
            &message,
        );
    }
}

/// Appends `part` to `sql`, a blank line between the parts of two tables.
fn append(sql: &mut String, part: &str) {
    if part.is_empty() {
        return;
    }
    if !sql.is_empty() {
        sql.push('\n');
    }
    sql.push_str(part);
}

/// Rebuilds SQLite's `table` from `from`'s definition to `to`'s: a new table
/// with `to`'s columns, the rows copied column by column (columns `to`
/// adds take their defaults), the old table dropped, the new one renamed,
/// and `to`'s indexes created.
fn rebuild(sql: &mut String, from: &Schema, to: &Schema, table: &Table) {
    let name = to.table_name(table);
    let scratch = format!("{name}__attesto_rebuild");
    let before = from.columns(table);
    let after = to.columns(table);
    let common: Vec<Column> = after
        .iter()
        .filter(|c| before.iter().any(|b| b.name() == c.name()))
        .copied()
        .collect();
    to.write_create_table(sql, table, &scratch, &after, &[]);
    let columns = to.column_list(&common);
    let _ = writeln!(
        sql,
        "INSERT INTO {} ({columns}) SELECT {columns} FROM {};",
        to.quote(&scratch),
        to.quote(&name)
    );
    let _ = writeln!(sql, "DROP TABLE {};", to.quote(&name));
    let _ = writeln!(
        sql,
        "ALTER TABLE {} RENAME TO {};",
        to.quote(&scratch),
        to.quote(&name)
    );
    for index in to.indexes(table) {
        to.write_create_index(sql, table, index);
    }
}
