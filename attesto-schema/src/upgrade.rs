//! Upgrades between releases: the SQL that moves a database installed at
//! one release to a later one, and back, without losing a row.

use std::fmt;
use std::fmt::Write as _;

use crate::dialect::Dialect;
use crate::prefix::PrefixError;
use crate::release::{Release, known_releases};
use crate::schema::Schema;

/// An upgrade of one database from an earlier release to a later one.
///
/// ```
/// use attesto_schema::{Dialect, Release, Upgrade};
///
/// let from: Release = "0.6.1".parse()?;
/// let upgrade = Upgrade::new(Dialect::Postgres, "", from, Release::latest())?;
/// assert!(upgrade.up_sql().contains("ADD COLUMN \"resource\""));
/// assert!(upgrade.down_sql().contains("DROP TABLE \"attesto_consent_grants\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upgrade {
    from: Release,
    to: Schema,
}

/// Why an upgrade was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpgradeError {
    /// The prefix is invalid or too long.
    Prefix(PrefixError),
    /// `from` is not earlier than `to`.
    NotForward {
        /// The release the database is at.
        from: Release,
        /// The release asked for.
        to: Release,
    },
}

impl fmt::Display for UpgradeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UpgradeError::Prefix(e) => e.fmt(f),
            UpgradeError::NotForward { from, to } => write!(
                f,
                "cannot upgrade from release \"{from}\" to \"{to}\": an upgrade goes from an \
                 earlier release to a later one; known releases, oldest first, are {}",
                known_releases()
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

impl Upgrade {
    /// The upgrade from `from` to `to` of the tables named with `prefix`.
    pub fn new(
        dialect: Dialect,
        prefix: &str,
        from: Release,
        to: Release,
    ) -> Result<Upgrade, UpgradeError> {
        if from >= to {
            return Err(UpgradeError::NotForward { from, to });
        }
        let to = Schema::at_release(dialect, prefix, to)?;
        Ok(Upgrade { from, to })
    }

    /// The release the database is at before the upgrade.
    pub fn from(&self) -> Release {
        self.from
    }

    /// The schema after the upgrade.
    pub fn target(&self) -> &Schema {
        &self.to
    }

    /// Moves a database at `from` to the target release: adds the missing
    /// columns (with their defaults, so existing rows stay valid), the
    /// missing indexes and the missing tables, in creation order.
    pub fn up_sql(&self) -> String {
        let schema = &self.to;
        let mut sql = String::with_capacity(8 * 1024);
        for table in schema.tables() {
            let name = schema.table_name(table);
            if table.added_in() > self.from {
                separate(&mut sql);
                schema.write_create(&mut sql, table);
                continue;
            }
            let columns = self.added_columns(table);
            let indexes = self.added_indexes(table);
            if !columns.is_empty() || !indexes.is_empty() {
                separate(&mut sql);
            }
            for column in columns {
                let _ = writeln!(
                    sql,
                    "ALTER TABLE \"{name}\" ADD COLUMN {};",
                    schema.column_sql(table, column)
                );
            }
            for index in indexes {
                schema.write_create_index(&mut sql, &name, index);
            }
        }
        sql
    }

    /// Returns a database at the target release to `from`: the reverse of
    /// [`Upgrade::up_sql`], keeping the rows of the tables `from` had.
    pub fn down_sql(&self) -> String {
        let schema = &self.to;
        let mut sql = String::with_capacity(2 * 1024);
        for table in schema.tables().into_iter().rev() {
            if table.added_in() > self.from {
                schema.write_drop(&mut sql, table);
                continue;
            }
            let name = schema.table_name(table);
            // Indexes first: SQLite refuses to drop an indexed column.
            for index in self.added_indexes(table).into_iter().rev() {
                let _ = writeln!(sql, "DROP INDEX \"{}\";", index.name(&name));
            }
            for column in self.added_columns(table).into_iter().rev() {
                let _ = writeln!(
                    sql,
                    "ALTER TABLE \"{name}\" DROP COLUMN \"{}\";",
                    column.name()
                );
            }
        }
        sql
    }

    fn added_columns(&self, table: &crate::Table) -> Vec<&'static crate::Column> {
        let from = self.from;
        self.to
            .columns(table)
            .into_iter()
            .filter(|c| c.added_in() > from)
            .collect()
    }

    fn added_indexes(&self, table: &crate::Table) -> Vec<&'static crate::Index> {
        let from = self.from;
        self.to
            .indexes(table)
            .into_iter()
            .filter(|i| i.added_in() > from)
            .collect()
    }
}

/// A blank line between the statements of two tables.
fn separate(sql: &mut String) {
    if !sql.is_empty() {
        sql.push('\n');
    }
}
