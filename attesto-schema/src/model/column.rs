//! One column of a table, with the release that added it and the release
//! that let it hold NULL, if any.

use super::release::Release;
use super::types::{ColumnDefault, LogicalType};

/// One column of a table.
///
/// A column may change between releases in the ways an upgrade can carry
/// out without losing a row: it may be added (nullable or with a default,
/// so that existing rows stay valid) and it may lose its `NOT NULL`.
/// [`Column::at`] gives the column as a given release defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    name: &'static str,
    ty: LogicalType,
    nullable: bool,
    null_since: Option<Release>,
    default: Option<ColumnDefault>,
    doc: &'static str,
    since: Option<Release>,
    state: bool,
}

impl Column {
    /// A `NOT NULL` column that comes with its table.
    pub(crate) const fn new(name: &'static str, ty: LogicalType) -> Self {
        Column {
            name,
            ty,
            nullable: false,
            null_since: None,
            default: None,
            doc: "",
            since: None,
            state: false,
        }
    }

    /// The same column, allowed to hold NULL.
    pub(crate) const fn null(self) -> Self {
        Column {
            nullable: true,
            ..self
        }
    }

    /// The same column, `NOT NULL` until `release` dropped the constraint.
    pub(crate) const fn null_since(self, release: Release) -> Self {
        Column {
            null_since: Some(release),
            ..self
        }
    }

    /// The same column with a database default.
    pub(crate) const fn default(self, default: ColumnDefault) -> Self {
        Column {
            default: Some(default),
            ..self
        }
    }

    /// The same column with a one-line description.
    pub(crate) const fn doc(self, doc: &'static str) -> Self {
        Column { doc, ..self }
    }

    /// The same column, set by the stores' operations rather than by the
    /// caller: a new row starts with it NULL or at its default.
    pub(crate) const fn state(self) -> Self {
        Column {
            state: true,
            ..self
        }
    }

    /// The same column, added to its table in `release`.
    pub(crate) const fn since(self, release: Release) -> Self {
        Column {
            since: Some(release),
            ..self
        }
    }

    /// The column as `release` defines it: nullable from the release that
    /// dropped its `NOT NULL` on.
    pub fn at(self, release: Release) -> Column {
        let dropped = matches!(self.null_since, Some(since) if since <= release);
        Column {
            nullable: self.nullable || dropped,
            null_since: None,
            ..self
        }
    }

    /// Whether the column exists in `release`, given that its table does.
    pub fn exists_in(&self, release: Release) -> bool {
        self.since.is_none_or(|since| since <= release)
    }

    /// The release that added the column to an existing table; `None`
    /// when it came with its table.
    pub const fn added_in(&self) -> Option<Release> {
        self.since
    }

    /// The release that dropped the column's `NOT NULL`, if one did.
    pub const fn nullable_since(&self) -> Option<Release> {
        self.null_since
    }

    /// The column name.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The logical type.
    pub const fn logical_type(&self) -> LogicalType {
        self.ty
    }

    /// Whether the column may hold NULL (in the latest release, unless the
    /// column was taken from [`Column::at`]).
    pub const fn is_nullable(&self) -> bool {
        self.nullable || self.null_since.is_some()
    }

    /// The database default, if any.
    pub const fn default_value(&self) -> Option<ColumnDefault> {
        self.default
    }

    /// Whether the stores' operations set the column (a consumption mark,
    /// a status, what an approval grants), so that a new row starts with
    /// it NULL or at its default ([`Column::default_value`]) whatever the
    /// caller decides.
    pub const fn is_state(&self) -> bool {
        self.state
    }

    /// A one-line description of what the column holds (may be empty).
    pub const fn description(&self) -> &'static str {
        self.doc
    }
}
