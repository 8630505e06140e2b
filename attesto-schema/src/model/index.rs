//! Secondary indexes: unique, plain and partial, named as Ecto names them.

use super::release::Release;

/// A condition that makes an index partial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Predicate {
    /// `WHERE "<column>" IS NULL`.
    IsNull(&'static str),
}

/// A secondary index of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Index {
    columns: &'static [&'static str],
    unique: bool,
    label: Option<&'static str>,
    predicate: Option<Predicate>,
    since: Option<Release>,
}

impl Index {
    /// A plain index on `columns`, named after them, that comes with its
    /// table.
    pub(crate) const fn on(columns: &'static [&'static str]) -> Self {
        Index {
            columns,
            unique: false,
            label: None,
            predicate: None,
            since: None,
        }
    }

    /// The same index, unique.
    pub(crate) const fn unique(self) -> Self {
        Index {
            unique: true,
            ..self
        }
    }

    /// The same index, named `<table>_<label>_index` instead of after its
    /// columns.
    pub(crate) const fn labelled(self, label: &'static str) -> Self {
        Index {
            label: Some(label),
            ..self
        }
    }

    /// The same index, partial.
    pub(crate) const fn partial(self, predicate: Predicate) -> Self {
        Index {
            predicate: Some(predicate),
            ..self
        }
    }

    /// The same index, added to its table in `release`.
    pub(crate) const fn since(self, release: Release) -> Self {
        Index {
            since: Some(release),
            ..self
        }
    }

    /// The release that added the index to an existing table; `None` when
    /// it came with its table.
    pub const fn added_in(&self) -> Option<Release> {
        self.since
    }

    /// Whether the index exists in `release`, given that its table does.
    pub fn exists_in(&self, release: Release) -> bool {
        self.since.is_none_or(|since| since <= release)
    }

    /// The indexed columns, in order.
    pub const fn columns(&self) -> &'static [&'static str] {
        self.columns
    }

    /// Whether the index is unique.
    pub const fn is_unique(&self) -> bool {
        self.unique
    }

    /// The condition of a partial index.
    pub const fn predicate(&self) -> Option<Predicate> {
        self.predicate
    }

    /// The index name for a table named `table` (already prefixed):
    /// `<table>_<col1>[_<col2>...]_index`, or `<table>_<label>_index`.
    pub fn name(&self, table: &str) -> String {
        let mut name = String::with_capacity(table.len() + 32);
        name.push_str(table);
        match self.label {
            Some(label) => {
                name.push('_');
                name.push_str(label);
            }
            None => {
                for column in self.columns {
                    name.push('_');
                    name.push_str(column);
                }
            }
        }
        name.push_str("_index");
        name
    }
}
