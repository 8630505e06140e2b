//! One table of the schema: its columns, keys and indexes across releases.

use super::column::Column;
use super::index::Index;
use super::operation::Operation;
use super::release::Release;

/// One table of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub(crate) name: &'static str,
    pub(crate) row: &'static str,
    pub(crate) doc: &'static str,
    pub(crate) columns: &'static [Column],
    pub(crate) primary_key: &'static [&'static str],
    /// The primary key on MySQL and MariaDB where it differs from
    /// upstream's (empty: the same).
    pub(crate) mysql_primary_key: &'static [&'static str],
    pub(crate) indexes: &'static [Index],
    pub(crate) since: Release,
    pub(crate) ops: &'static [Operation],
}

impl Table {
    /// The table name without prefix, e.g. `attesto_refresh_tokens`.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The name without its `attesto_` stem, e.g. `refresh_tokens` or
    /// `dpop_replays`: the name of the table's module in the diesel and
    /// sea-orm integrations.
    pub fn short_name(&self) -> &'static str {
        self.name.strip_prefix("attesto_").unwrap_or(self.name)
    }

    /// The name of the Rust row struct generated for it, e.g.
    /// `RefreshTokenRow`.
    pub const fn row_name(&self) -> &'static str {
        self.row
    }

    /// What the table is for, with the specification it implements.
    pub const fn description(&self) -> &'static str {
        self.doc
    }

    /// The release that added the table.
    pub const fn added_in(&self) -> Release {
        self.since
    }

    /// Every column the table ever had, in creation order, as the latest
    /// release defines it.
    pub const fn columns(&self) -> &'static [Column] {
        self.columns
    }

    /// The columns of `release`, in creation order, as that release defines
    /// them (see [`Column::at`]).
    pub fn columns_at(&self, release: Release) -> Vec<Column> {
        self.columns
            .iter()
            .filter(|c| c.exists_in(release))
            .map(|c| c.at(release))
            .collect()
    }

    /// The secondary indexes of `release`, in creation order.
    pub fn indexes_at(&self, release: Release) -> Vec<&'static Index> {
        self.indexes
            .iter()
            .filter(|i| i.exists_in(release))
            .collect()
    }

    /// The column named `name`, as the latest release defines it.
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name() == name)
    }

    /// The primary-key columns (empty when the table has none).
    pub const fn primary_key(&self) -> &'static [&'static str] {
        self.primary_key
    }

    /// The primary-key columns: upstream's, except where a dialect keys
    /// every table (`every_table`: MySQL's schema, attesto's own, keys
    /// `attesto_authorization_codes` by `code_hash`).
    pub fn primary_key_for(&self, every_table: bool) -> &'static [&'static str] {
        if every_table && !self.mysql_primary_key.is_empty() {
            self.mysql_primary_key
        } else {
            self.primary_key
        }
    }

    /// The columns that identify one row: the primary key, or, for a table
    /// without one (`attesto_authorization_codes`), the columns of its
    /// first unique index (`code_hash`).
    pub fn key(&self) -> &'static [&'static str] {
        if !self.primary_key.is_empty() {
            return self.primary_key;
        }
        self.indexes
            .iter()
            .find(|i| i.is_unique() && i.added_in().is_none() && i.predicate().is_none())
            .map_or(&[], |i| i.columns())
    }

    /// The operations of upstream's store for this table (in the latest
    /// release; `Schema::operations` gives those of a release).
    pub const fn operations(&self) -> &'static [Operation] {
        self.ops
    }

    /// Every secondary index the table ever had, in creation order.
    pub const fn indexes(&self) -> &'static [Index] {
        self.indexes
    }

    /// The prefixed table name.
    pub fn prefixed_name(&self, prefix: &str) -> String {
        let mut name = String::with_capacity(prefix.len() + self.name.len());
        name.push_str(prefix);
        name.push_str(self.name);
        name
    }

    /// The primary-key constraint name for the prefixed table name `table`,
    /// PostgreSQL's default `<table>_pkey`; `None` without a primary key.
    pub fn primary_key_name(&self, table: &str) -> Option<String> {
        (!self.primary_key.is_empty()).then(|| format!("{table}_pkey"))
    }

    /// Every identifier derived from the table in `release` for the
    /// prefixed name `table`: the table itself, its primary key and its
    /// indexes.
    pub fn identifiers(&self, table: &str, release: Release) -> Vec<String> {
        let mut names = vec![table.to_owned()];
        names.extend(self.primary_key_name(table));
        names.extend(
            self.indexes_at(release)
                .iter()
                .map(|index| index.name(table)),
        );
        names
    }
}
