//! A live database compared with a release: whether it holds that release
//! exactly, no attesto table at all, or which differences stand between
//! them, each typed, with whether it silently breaks a guarantee of an
//! operation and what fixes it; and which release a database holds.
//!
//! What is compared and what is ignored: the crate's docs, "The live
//! database".

use std::fmt;

use crate::catalog::{Catalog, CatalogIndex, CatalogTable};
use crate::data::TABLES;
use crate::dialect::Dialect;
use crate::model::{Release, Table};
use crate::prefix::validate_prefix;
use crate::schema::Schema;

/// What kind of difference stands between a database and a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DifferenceKind {
    /// A table of the release is missing.
    MissingTable,
    /// A table of another release is present.
    ExtraTable,
    /// A column of the release is missing.
    MissingColumn,
    /// A column the release does not have: one of another release, or the
    /// host's own that is `NOT NULL` without a default.
    ExtraColumn,
    /// A column has another SQL type.
    ColumnType,
    /// A column takes NULL where the release refuses it, or the reverse.
    ColumnNullability,
    /// A column has another default, or none, or one the release lacks.
    ColumnDefault,
    /// The primary key is missing.
    MissingPrimaryKey,
    /// The primary key is on other columns, or present where the release
    /// has none.
    PrimaryKey,
    /// An index of the release is missing.
    MissingIndex,
    /// An index of the release has other columns, uniqueness or condition.
    Index,
    /// An index the release does not have: one of another release, or a
    /// unique index of the host's own.
    ExtraIndex,
    /// The session's role may not read the table (`SELECT`): every
    /// operation would fail.
    MissingPrivilege,
    /// The session's role may not write the table (`INSERT`, `UPDATE` or
    /// `DELETE`): every operation that writes would fail. A read-only use
    /// verifies without it ([`crate::Target::read_only`]).
    MissingWritePrivilege,
}

impl DifferenceKind {
    /// The kind's name in JSON (`"missing_index"`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            DifferenceKind::MissingTable => "missing_table",
            DifferenceKind::ExtraTable => "extra_table",
            DifferenceKind::MissingColumn => "missing_column",
            DifferenceKind::ExtraColumn => "extra_column",
            DifferenceKind::ColumnType => "column_type",
            DifferenceKind::ColumnNullability => "column_nullability",
            DifferenceKind::ColumnDefault => "column_default",
            DifferenceKind::MissingPrimaryKey => "missing_primary_key",
            DifferenceKind::PrimaryKey => "primary_key",
            DifferenceKind::MissingIndex => "missing_index",
            DifferenceKind::Index => "index",
            DifferenceKind::ExtraIndex => "extra_index",
            DifferenceKind::MissingPrivilege => "missing_privilege",
            DifferenceKind::MissingWritePrivilege => "missing_write_privilege",
        }
    }
}

impl fmt::Display for DifferenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One difference between a database and a release.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Difference {
    /// What kind of difference.
    #[cfg_attr(feature = "serde", serde(serialize_with = "kind_name"))]
    pub kind: DifferenceKind,
    /// The table, prefixed, as stored.
    pub table: String,
    /// What differs, in words (`"code_hash: unique index
    /// attesto_authorization_codes_code_hash_index is missing"`).
    pub detail: String,
    /// Whether the stores' operations still run against the table as it is
    /// while one of their guarantees silently stops holding (single use,
    /// one winner, one row per key, replay detection): a unique index or
    /// a primary key that is missing or not the release's. A difference
    /// that makes an operation fail loudly (a missing table or column,
    /// another type) does not.
    pub breaks_guarantee: bool,
    /// What fixes it: a statement to run as it stands (it starts with its
    /// SQL verb), or, where no one statement can, what to do, in words.
    pub fix: String,
}

#[cfg(feature = "serde")]
fn kind_name<S: serde::Serializer>(kind: &DifferenceKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.name())
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.kind, self.table, self.detail)?;
        if self.breaks_guarantee {
            f.write_str(" (breaks a guarantee of the stores' operations)")?;
        }
        write!(f, "; fix: {}", self.fix)
    }
}

/// A database compared with one release.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// It holds the release exactly.
    Match,
    /// It holds no table of the release with the prefix, nor of any other
    /// release.
    Absent {
        /// The prefixes of attesto tables that are present, if any.
        other_prefixes: Vec<String>,
    },
    /// What differs, table by table in the release's order.
    Mismatch(Vec<Difference>),
}

/// The release a database holds, or the nearest and what differs from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identified {
    /// The release matched exactly, or the nearest: the fewest
    /// differences, the later release on a tie.
    pub release: Release,
    /// The comparison with it.
    pub verdict: Verdict,
}

impl Catalog {
    /// This catalog compared with `schema`'s release, dialect and prefix.
    ///
    /// ```
    /// use attesto_schema::{Catalog, Dialect, Schema, Verdict};
    ///
    /// let schema = Schema::new(Dialect::from_name("sqlite").expect("a dialect"), "")?;
    /// let catalog = Catalog::expected(&schema);
    /// assert_eq!(catalog.compare(&schema), Verdict::Match);
    /// let damaged = catalog.without("dpop_replays");
    /// let Verdict::Mismatch(differences) = damaged.compare(&schema) else { panic!() };
    /// assert_eq!(differences[0].kind.name(), "missing_table");
    /// # Ok::<(), attesto_schema::PrefixError>(())
    /// ```
    pub fn compare(&self, schema: &Schema) -> Verdict {
        let prefix = schema.prefix();
        let ours = |name: &str| {
            TABLES
                .iter()
                .any(|t| name.strip_prefix(prefix) == Some(t.name()))
        };
        if !self.tables().iter().any(|t| ours(&t.name)) {
            let mut other_prefixes: Vec<String> = Vec::new();
            for table in self.tables() {
                for model in TABLES {
                    if let Some(other) = table.name.strip_suffix(model.name()) {
                        if validate_prefix(other).is_ok()
                            && !other_prefixes.iter().any(|p| p == other)
                        {
                            other_prefixes.push(other.to_owned());
                        }
                    }
                }
            }
            return Verdict::Absent { other_prefixes };
        }
        let mut differences = Vec::new();
        let expected = Catalog::expected(schema);
        for (table, want) in schema.tables().into_iter().zip(expected.tables()) {
            match self.table(&want.name) {
                None => differences.push(Difference {
                    kind: DifferenceKind::MissingTable,
                    table: want.name.clone(),
                    detail: format!("the table of release {} is missing", schema.release()),
                    breaks_guarantee: false,
                    fix: format!("create it as {}", schema_command(schema)),
                }),
                Some(found) => {
                    compare_table(schema, table, want, found, &mut differences);
                    self.compare_privileges(schema, found, &mut differences);
                }
            }
        }
        for model in TABLES {
            let name = model.prefixed_name(prefix);
            if schema.table(model.name()).is_none() && self.table(&name).is_some() {
                differences.push(Difference {
                    kind: DifferenceKind::ExtraTable,
                    table: name,
                    detail: format!(
                        "release {} added this table, and release {} does not have it",
                        model.added_in(),
                        schema.release()
                    ),
                    breaks_guarantee: false,
                    fix: "the database is at a later release: build against it, or drop the table if nothing uses it"
                        .to_owned(),
                });
            }
        }
        if differences.is_empty() {
            Verdict::Match
        } else {
            Verdict::Mismatch(differences)
        }
    }

    /// What the session's role lacks on `found`, a table of the release,
    /// where the catalog says (PostgreSQL): reading it, and writing it.
    fn compare_privileges(&self, schema: &Schema, found: &CatalogTable, out: &mut Vec<Difference>) {
        let Some(privileges) = found.privileges else {
            return;
        };
        let role = self
            .search_path()
            .map_or("the service's role", |p| p.role.as_str());
        let quoted = schema.quote(&found.name);
        if !privileges.select {
            out.push(Difference {
                kind: DifferenceKind::MissingPrivilege,
                table: found.name.clone(),
                detail: format!("role {role} may not SELECT from it: every operation would fail"),
                breaks_guarantee: true,
                fix: format!("GRANT SELECT ON {quoted} TO {}", schema.quote(role)),
            });
        }
        let lacking: Vec<&str> = [
            ("INSERT", privileges.insert),
            ("UPDATE", privileges.update),
            ("DELETE", privileges.delete),
        ]
        .into_iter()
        .filter(|(_, held)| !held)
        .map(|(name, _)| name)
        .collect();
        if !lacking.is_empty() {
            out.push(Difference {
                kind: DifferenceKind::MissingWritePrivilege,
                table: found.name.clone(),
                detail: format!(
                    "role {role} may not {} it: every operation that writes would fail (a service \
                     that only reads verifies with `TARGET.read_only()`, under `dialects(...)` the \
                     dialect module's `TARGET`)",
                    lacking.join(", ")
                ),
                breaks_guarantee: true,
                // A fix is SQL to run as it stands, or words: never both.
                fix: format!(
                    "GRANT {} ON {quoted} TO {}",
                    lacking.join(", "),
                    schema.quote(role)
                ),
            });
        }
    }

    /// The release of `dialect` and `prefix` this catalog holds exactly, or
    /// the nearest one and what differs from it (a half-applied upgrade
    /// shows as the nearer of its two ends and what is missing or extra).
    pub fn identify(
        &self,
        dialect: Dialect,
        prefix: &str,
    ) -> Result<Identified, crate::PrefixError> {
        let mut best: Option<(usize, Identified)> = None;
        for release in Release::all() {
            let schema = Schema::at_release(dialect, prefix, release)?;
            let verdict = self.compare(&schema);
            let count = match &verdict {
                Verdict::Match => 0,
                Verdict::Absent { .. } => usize::MAX,
                Verdict::Mismatch(d) => d.len(),
            };
            if count == 0 {
                return Ok(Identified { release, verdict });
            }
            if best.as_ref().is_none_or(|(c, _)| count <= *c) {
                best = Some((count, Identified { release, verdict }));
            }
        }
        match best {
            Some((_, identified)) => Ok(identified),
            None => Ok(Identified {
                release: Release::latest(),
                verdict: Verdict::Absent {
                    other_prefixes: Vec::new(),
                },
            }),
        }
    }
}

fn compare_table(
    schema: &Schema,
    table: &Table,
    want: &CatalogTable,
    found: &CatalogTable,
    out: &mut Vec<Difference>,
) {
    let mut diffs = TableDifferences {
        table: &want.name,
        out,
    };
    compare_columns(schema, table, want, found, &mut diffs);
    compare_extra_columns(schema, table, want, found, &mut diffs);
    compare_primary_key(schema, want, found, &mut diffs);
    compare_indexes(schema, table, want, found, &mut diffs);
    compare_extra_indexes(schema, table, want, found, &mut diffs);
}

/// The differences of one table, as the comparisons find them.
struct TableDifferences<'a> {
    table: &'a str,
    out: &'a mut Vec<Difference>,
}

impl TableDifferences<'_> {
    fn push(&mut self, kind: DifferenceKind, detail: String, breaks_guarantee: bool, fix: String) {
        self.out.push(Difference {
            kind,
            table: self.table.to_owned(),
            detail,
            breaks_guarantee,
            fix,
        });
    }
}

/// Each column of the release against the table's: missing, or of another
/// type, nullability or default.
fn compare_columns(
    schema: &Schema,
    table: &Table,
    want: &CatalogTable,
    found: &CatalogTable,
    diffs: &mut TableDifferences<'_>,
) {
    let name = &want.name;
    let quoted = schema.quote(name);
    let columns = schema.columns(table);
    for (column, want_column) in columns.iter().zip(&want.columns) {
        let c = &want_column.name;
        let definition = schema.column_sql(table, column);
        let Some(got) = found.column(c) else {
            let add = format!("ALTER TABLE {quoted} ADD COLUMN {definition}");
            let required = want_column.not_null && want_column.default.is_none();
            let fix = if !required {
                add
            } else if schema.dialect().adds_required_columns() {
                format!(
                    "on an empty table, {add}; with rows, add it without NOT NULL, fill it, then \
                     restore NOT NULL"
                )
            } else {
                format!(
                    "{} cannot add a NOT NULL column without a default: rebuild {name} as UP_SQL creates it and copy its rows",
                    schema.dialect().product()
                )
            };
            diffs.push(
                DifferenceKind::MissingColumn,
                format!("column {c} ({}) is missing", want_column.sql_type),
                false,
                fix,
            );
            continue;
        };
        if got.sql_type != want_column.sql_type {
            diffs.push(
                DifferenceKind::ColumnType,
                format!(
                    "column {c} is {}, not {}",
                    got.sql_type, want_column.sql_type
                ),
                false,
                format!(
                    "change {c} to {}",
                    schema.dialect().sql_type(column.logical_type())
                ),
            );
        }
        if got.not_null != want_column.not_null {
            let (is, fix) = if want_column.not_null {
                (
                    "takes NULL, and the release refuses it",
                    "restore its NOT NULL",
                )
            } else {
                (
                    "refuses NULL, and the release takes it",
                    "drop its NOT NULL",
                )
            };
            diffs.push(
                DifferenceKind::ColumnNullability,
                format!("column {c} {is}"),
                false,
                format!("{fix} ({definition})"),
            );
        }
        if got.default != want_column.default {
            let shown = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".to_owned());
            diffs.push(
                DifferenceKind::ColumnDefault,
                format!(
                    "column {c} has default {}, not {}",
                    shown(&got.default),
                    shown(&want_column.default)
                ),
                false,
                format!("set its default as the release does ({definition})"),
            );
        }
    }
}

/// The table's columns that the release does not have: another release's,
/// or one that breaks every insert.
fn compare_extra_columns(
    schema: &Schema,
    table: &Table,
    want: &CatalogTable,
    found: &CatalogTable,
    diffs: &mut TableDifferences<'_>,
) {
    for got in &found.columns {
        if want.column(&got.name).is_some() {
            continue;
        }
        if let Some(model) = table.column(&got.name) {
            let added = model
                .added_in()
                .map_or_else(|| table.added_in().to_string(), |r| r.to_string());
            diffs.push(
                DifferenceKind::ExtraColumn,
                format!(
                    "column {} belongs to release {added}, not {}",
                    got.name,
                    schema.release()
                ),
                false,
                "the database is at another release: build against it".to_owned(),
            );
        } else if got.not_null && got.default.is_none() {
            diffs.push(
                DifferenceKind::ExtraColumn,
                format!(
                    "column {} is not attesto's and is NOT NULL without a default: every insert of the stores fails",
                    got.name
                ),
                false,
                format!("give {} a default, let it take NULL, or drop it", got.name),
            );
        }
    }
}

/// The primary key: missing, or of other columns.
fn compare_primary_key(
    schema: &Schema,
    want: &CatalogTable,
    found: &CatalogTable,
    diffs: &mut TableDifferences<'_>,
) {
    let name = &want.name;
    if want.primary_key != found.primary_key {
        let columns = want.primary_key.join(", ");
        if found.primary_key.is_empty() {
            let key: Vec<&str> = want.primary_key.iter().map(String::as_str).collect();
            let fix = schema
                .dialect()
                .add_primary_key_sql(name, &key)
                .unwrap_or_else(|| {
                    format!(
                        "{} cannot add a primary key to a table: rebuild {name} as UP_SQL creates it and copy its rows",
                        schema.dialect().product()
                    )
                });
            diffs.push(
                DifferenceKind::MissingPrimaryKey,
                format!("the primary key ({columns}) is missing: one row per key no longer holds"),
                true,
                fix,
            );
        } else {
            let detail = if want.primary_key.is_empty() {
                format!(
                    "has a primary key ({}) the release does not",
                    found.primary_key.join(", ")
                )
            } else {
                format!(
                    "the primary key is ({}), not ({columns})",
                    found.primary_key.join(", ")
                )
            };
            diffs.push(
                DifferenceKind::PrimaryKey,
                detail,
                true,
                format!("make the primary key ({columns}) as the release has it"),
            );
        }
    }
}

/// Each index of the release against the table's: missing, or another.
fn compare_indexes(
    schema: &Schema,
    table: &Table,
    want: &CatalogTable,
    found: &CatalogTable,
    diffs: &mut TableDifferences<'_>,
) {
    let indexes = schema.indexes(table);
    for (index, want_index) in indexes.iter().zip(&want.indexes) {
        let create = schema.create_index_sql(table, index);
        let what = if want_index.unique {
            "unique index"
        } else {
            "index"
        };
        match found.index(&want_index.name) {
            None => diffs.push(
                DifferenceKind::MissingIndex,
                format!(
                    "{what} {} on ({}) is missing{}",
                    want_index.name,
                    want_index.columns.join(", "),
                    if want_index.unique {
                        ": single use and one row per key no longer hold"
                    } else {
                        ""
                    }
                ),
                want_index.unique,
                create,
            ),
            Some(got) if !same_index(got, want_index) => diffs.push(
                DifferenceKind::Index,
                format!(
                    "{} is {}, not {}",
                    want_index.name,
                    describe(got),
                    describe(want_index)
                ),
                want_index.unique && !got.unique,
                format!("drop it and {create}"),
            ),
            Some(_) => {}
        }
    }
}

/// The table's indexes that the release does not have: another release's,
/// or a unique one that can refuse a row.
fn compare_extra_indexes(
    schema: &Schema,
    table: &Table,
    want: &CatalogTable,
    found: &CatalogTable,
    diffs: &mut TableDifferences<'_>,
) {
    let name = &want.name;
    for got in &found.indexes {
        if want.index(&got.name).is_some() {
            continue;
        }
        let of_model = table.indexes().iter().find(|i| i.name(name) == got.name);
        if let Some(model) = of_model {
            let added = model.added_in().unwrap_or_else(|| table.added_in());
            diffs.push(
                DifferenceKind::ExtraIndex,
                format!(
                    "index {} belongs to release {added}, not {}",
                    got.name,
                    schema.release()
                ),
                false,
                "the database is at another release: build against it".to_owned(),
            );
        } else if got.unique {
            diffs.push(
                DifferenceKind::ExtraIndex,
                format!(
                    "unique index {} on ({}) is not attesto's: it can refuse a row the stores must write",
                    got.name,
                    got.columns.join(", ")
                ),
                false,
                schema.dialect().drop_index_sql(&got.name, &found.name),
            );
        }
    }
}

fn same_index(a: &CatalogIndex, b: &CatalogIndex) -> bool {
    a.columns == b.columns && a.unique == b.unique && a.predicate == b.predicate
}

fn describe(index: &CatalogIndex) -> String {
    let unique = if index.unique { "unique " } else { "" };
    let mut text = format!("{unique}on ({})", index.columns.join(", "));
    if let Some(predicate) = &index.predicate {
        text.push_str(&format!(" where {predicate}"));
    }
    text
}

/// The command that prints `schema`'s SQL.
fn schema_command(schema: &Schema) -> String {
    format!(
        "`attesto schema --dialect {} --table-prefix '{}' --version {}` prints it",
        schema.dialect().name(),
        schema.prefix(),
        schema.release()
    )
}

/// The command that writes the upgrade of `schema`'s tables from `from`.
pub(crate) fn upgrade_command(schema: &Schema, from: Release) -> String {
    format!(
        "attesto gen-migration --dialect {} --table-prefix '{}' --from {from} --version {}",
        schema.dialect().name(),
        schema.prefix(),
        schema.release()
    )
}
