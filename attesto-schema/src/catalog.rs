//! What a live database holds, as data: the tables, columns, keys and
//! indexes its catalog lists, read by one statement per dialect
//! ([`Dialect::catalog_sql`]) and built into a [`Catalog`]; and the catalog
//! a release's `UP_SQL` gives ([`Catalog::expected`]), in the same terms, so
//! that the two compare fact by fact (`crate::verify`).
//!
//! The statement answers rows of one text column, fields separated by a
//! tab, so that every driver reads it as a list of `String`s:
//!
//! ```text
//! table    <table>
//! column   <table> <column> <type> <not null: 1|0> <extra> <has default: 1|0> <default>
//! primary  <table> <name> 1 <columns, comma-separated>
//! index    <table> <name> <unique: 1|0> <columns> <partial: 1|0> <predicate>
//! check    <table> <clause>                      (MariaDB: its json columns)
//! server   <version>                             (MySQL and MariaDB: VERSION())
//! privileges <table> <select> <insert> <update> <delete>   (PostgreSQL: 1|0 each)
//! schema   <current> <role> <schemas on the search path> <search_path>   (PostgreSQL)
//! elsewhere <schema> <table> <on the search path: 1|0>     (PostgreSQL)
//! ```
//!
//! Each dialect's spellings (PostgreSQL's `character varying(88)`,
//! MariaDB's `longtext` with a `json_valid` check, MySQL 8's quoted
//! expression defaults) are normalised here into one vocabulary per
//! dialect, the one [`Catalog::expected`] writes.

use std::fmt;

use crate::dialect::Dialect;
use crate::model::Predicate;
use crate::schema::Schema;
use crate::text::shown;

/// The separator of a catalog line's fields.
pub(crate) const SEPARATOR: char = '\t';

/// The tables of one database (one PostgreSQL schema, one MySQL database,
/// one SQLite file), as its catalog lists them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalog {
    tables: Vec<CatalogTable>,
    /// The server's version, where the statement reads it (MySQL and
    /// MariaDB, which share one statement).
    server: Option<String>,
    /// Where unqualified names resolve, where the statement reads it
    /// (PostgreSQL).
    search_path: Option<SearchPath>,
    /// The tables of attesto's look (`attesto_`, `dpop_`) in schemas other
    /// than the one names resolve to (PostgreSQL).
    elsewhere: Vec<Elsewhere>,
}

/// Where a PostgreSQL session's unqualified names resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPath {
    /// `current_schema()`: where a `CREATE TABLE` goes and a name is looked
    /// up first; `None` when no schema of the search path exists or is
    /// usable.
    pub current: Option<String>,
    /// The role the session runs as.
    pub role: String,
    /// The schemas of the search path that exist and are usable, in order.
    pub schemas: Vec<String>,
    /// The `search_path` setting, as written.
    pub setting: String,
}

/// A table of attesto's look in another schema than the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elsewhere {
    /// The schema.
    pub schema: String,
    /// The table.
    pub table: String,
    /// Whether the schema is on the search path.
    pub on_search_path: bool,
}

/// One table of a [`Catalog`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogTable {
    /// The table's name, as stored.
    pub name: String,
    /// Its columns, in the order the catalog gave them.
    pub columns: Vec<CatalogColumn>,
    /// Its primary-key columns, in key order; empty when it has none.
    pub primary_key: Vec<String>,
    /// Its indexes and unique constraints other than the primary key.
    pub indexes: Vec<CatalogIndex>,
    /// What the session's role may do with it, where the statement reads
    /// it (PostgreSQL).
    pub privileges: Option<Privileges>,
}

/// What a role may do with a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Privileges {
    /// `SELECT`.
    pub select: bool,
    /// `INSERT`.
    pub insert: bool,
    /// `UPDATE`.
    pub update: bool,
    /// `DELETE`.
    pub delete: bool,
}

/// One column of a [`CatalogTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogColumn {
    /// The name.
    pub name: String,
    /// The SQL type, in the dialect's catalog spelling (normalised: see the
    /// module's docs).
    pub sql_type: String,
    /// Whether it refuses NULL.
    pub not_null: bool,
    /// Its default, as the catalog prints it (normalised), if it has one.
    pub default: Option<String>,
}

/// One index (or unique constraint) of a [`CatalogTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogIndex {
    /// The name.
    pub name: String,
    /// The indexed columns, in order.
    pub columns: Vec<String>,
    /// Whether it is unique.
    pub unique: bool,
    /// The condition of a partial index, normalised (`used_at IS NULL`).
    pub predicate: Option<String>,
}

/// A line of a catalog that does not read as the dialect's statement
/// writes them: the statement ran against something else, or a driver
/// changed the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    line: String,
    reason: &'static str,
}

impl CatalogError {
    /// A target no macro writes (an unknown release, an invalid prefix):
    /// `message` says why.
    pub(crate) fn target(message: String) -> CatalogError {
        CatalogError {
            line: message,
            reason: "",
        }
    }
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.reason.is_empty() {
            return write!(f, "attesto: no schema to compare with: {}", self.line);
        }
        write!(
            f,
            "attesto: the catalog line {} {}: it was not read with the dialect's CATALOG_SQL",
            shown(&self.line),
            self.reason
        )
    }
}

impl std::error::Error for CatalogError {}

impl Catalog {
    /// The catalog that `lines`, the rows of [`Dialect::catalog_sql`] run
    /// against a database of `dialect`, describe.
    ///
    /// ```
    /// use attesto_schema::{Catalog, Dialect};
    ///
    /// let lines = ["table\tdpop_replays", "column\tdpop_replays\tjti\tTEXT\t1\t\t0\t"];
    /// let catalog = Catalog::from_lines(Dialect::from_name("sqlite").expect("a dialect"), &lines)?;
    /// assert_eq!(catalog.table("dpop_replays").map(|t| t.columns.len()), Some(1));
    /// # Ok::<(), attesto_schema::CatalogError>(())
    /// ```
    pub fn from_lines<S: AsRef<str>>(
        dialect: Dialect,
        lines: &[S],
    ) -> Result<Catalog, CatalogError> {
        let mut catalog = Catalog::default();
        let mut checks: Vec<(String, String)> = Vec::new();
        // Tables first, whatever order the rows came in.
        for line in lines {
            let line = line.as_ref();
            let fields: Vec<&str> = line.split(SEPARATOR).collect();
            if fields.first() == Some(&"table") {
                let name = field(&fields, 1, line)?;
                if catalog.table(name).is_none() {
                    catalog.tables.push(CatalogTable {
                        name: name.to_owned(),
                        columns: Vec::new(),
                        primary_key: Vec::new(),
                        indexes: Vec::new(),
                        privileges: None,
                    });
                }
            }
        }
        for line in lines {
            let line = line.as_ref();
            let fields: Vec<&str> = line.split(SEPARATOR).collect();
            let kind = field(&fields, 0, line)?;
            if kind == "table" {
                continue;
            }
            if kind == "server" {
                catalog.server = Some(fields[1..].join("\t"));
                continue;
            }
            if kind == "schema" {
                let current = field(&fields, 1, line)?;
                catalog.search_path = Some(SearchPath {
                    current: (!current.is_empty()).then(|| current.to_owned()),
                    role: field(&fields, 2, line)?.to_owned(),
                    schemas: list(field(&fields, 3, line)?),
                    setting: fields[4.min(fields.len())..].join("\t"),
                });
                continue;
            }
            if kind == "elsewhere" {
                catalog.elsewhere.push(Elsewhere {
                    schema: field(&fields, 1, line)?.to_owned(),
                    table: field(&fields, 2, line)?.to_owned(),
                    on_search_path: flag(&fields, 3, line)?,
                });
                continue;
            }
            if !matches!(
                kind,
                "column" | "primary" | "index" | "check" | "privileges"
            ) {
                return Err(CatalogError {
                    line: line.to_owned(),
                    reason: "starts with no kind the statement writes",
                });
            }
            let table_name = field(&fields, 1, line)?;
            if kind == "check" {
                checks.push((table_name.to_owned(), fields[2..].join("\t")));
                continue;
            }
            // Views, sequences and the like have no `table` row: skipped.
            let Some(table) = catalog.tables.iter_mut().find(|t| t.name == table_name) else {
                continue;
            };
            match kind {
                "column" => {
                    let name = field(&fields, 2, line)?;
                    let ty = field(&fields, 3, line)?;
                    let not_null = flag(&fields, 4, line)?;
                    let extra = field(&fields, 5, line)?;
                    let has_default = flag(&fields, 6, line)?;
                    // The default is the last field and may hold a tab.
                    let default = has_default.then(|| fields[7.min(fields.len())..].join("\t"));
                    table.columns.push(normalize_column(
                        dialect, name, ty, not_null, extra, default,
                    ));
                }
                "primary" => {
                    table.primary_key = list(field(&fields, 4, line)?);
                }
                "privileges" => {
                    table.privileges = Some(Privileges {
                        select: flag(&fields, 2, line)?,
                        insert: flag(&fields, 3, line)?,
                        update: flag(&fields, 4, line)?,
                        delete: flag(&fields, 5, line)?,
                    });
                }
                "index" => {
                    let partial = flag(&fields, 5, line)?;
                    let predicate = partial.then(|| fields[6.min(fields.len())..].join("\t"));
                    table.indexes.push(CatalogIndex {
                        name: field(&fields, 2, line)?.to_owned(),
                        columns: list(field(&fields, 4, line)?),
                        unique: flag(&fields, 3, line)?,
                        predicate: predicate.as_deref().and_then(normalize_predicate),
                    });
                }
                // Refused above.
                _ => {}
            }
        }
        // MariaDB's `json` is `longtext` with a `json_valid` check.
        for (table_name, clause) in checks {
            if let Some(table) = catalog.tables.iter_mut().find(|t| t.name == table_name) {
                for column in &mut table.columns {
                    if column.sql_type == "longtext"
                        && clause == format!("json_valid(`{}`)", column.name)
                    {
                        column.sql_type = "json".to_owned();
                    }
                }
            }
        }
        Ok(catalog)
    }

    /// The catalog that `schema`'s `UP_SQL` gives in a database of its
    /// dialect, in the terms [`Catalog::from_lines`] normalises to.
    pub fn expected(schema: &Schema) -> Catalog {
        let dialect = schema.dialect();
        let tables = schema
            .tables()
            .into_iter()
            .map(|table| {
                let name = schema.table_name(table);
                CatalogTable {
                    privileges: None,
                    columns: schema
                        .columns(table)
                        .iter()
                        .map(|column| CatalogColumn {
                            name: column.name().to_owned(),
                            sql_type: dialect
                                .forms()
                                .catalog_type(column.logical_type())
                                .to_owned(),
                            not_null: !column.is_nullable()
                                || schema.primary_key(table).contains(&column.name()),
                            default: column
                                .default_value()
                                .map(|d| dialect.forms().catalog_default(d)),
                        })
                        .collect(),
                    primary_key: schema
                        .primary_key(table)
                        .iter()
                        .map(|c| (*c).to_owned())
                        .collect(),
                    indexes: schema
                        .indexes(table)
                        .into_iter()
                        .map(|index| CatalogIndex {
                            name: index.name(&name),
                            columns: index.columns().iter().map(|c| (*c).to_owned()).collect(),
                            unique: index.is_unique(),
                            predicate: match index.predicate() {
                                Some(Predicate::IsNull(column)) if dialect.partial_indexes() => {
                                    Some(format!("{column} IS NULL"))
                                }
                                _ => None,
                            },
                        })
                        .collect(),
                    name,
                }
            })
            .collect();
        Catalog {
            tables,
            server: None,
            search_path: None,
            elsewhere: Vec::new(),
        }
    }

    /// Where the session's unqualified names resolve, where the dialect's
    /// statement reads it (PostgreSQL).
    pub fn search_path(&self) -> Option<&SearchPath> {
        self.search_path.as_ref()
    }

    /// The tables of attesto's look in schemas other than the current one
    /// (PostgreSQL).
    pub fn elsewhere(&self) -> &[Elsewhere] {
        &self.elsewhere
    }

    /// The server's version (`VERSION()`), where the dialect's statement
    /// reads it: MySQL 8's or MariaDB's.
    pub fn server(&self) -> Option<&str> {
        self.server.as_deref()
    }

    /// Every table, in the order the catalog listed them.
    pub fn tables(&self) -> &[CatalogTable] {
        &self.tables
    }

    /// The table named `name`, exactly.
    pub fn table(&self, name: &str) -> Option<&CatalogTable> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The catalog without the table named `name`: for tests and for
    /// callers that know a table is not attesto's.
    pub fn without(mut self, name: &str) -> Catalog {
        self.tables.retain(|t| t.name != name);
        self
    }
}

impl CatalogTable {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&CatalogColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The index named `name`.
    pub fn index(&self, name: &str) -> Option<&CatalogIndex> {
        self.indexes.iter().find(|i| i.name == name)
    }
}

fn field<'a>(fields: &[&'a str], i: usize, line: &str) -> Result<&'a str, CatalogError> {
    fields.get(i).copied().ok_or_else(|| CatalogError {
        line: line.to_owned(),
        reason: "has fewer fields than its kind",
    })
}

fn flag(fields: &[&str], i: usize, line: &str) -> Result<bool, CatalogError> {
    match field(fields, i, line)? {
        "1" | "t" | "true" => Ok(true),
        "0" | "f" | "false" => Ok(false),
        _ => Err(CatalogError {
            line: line.to_owned(),
            reason: "has a flag that is neither 1 nor 0",
        }),
    }
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| c.trim_matches(|q| q == '"' || q == '`').to_owned())
        .collect()
}

/// A partial index's condition without quotes and outer parentheses:
/// PostgreSQL prints `(used_at IS NULL)`, SQLite keeps `"used_at" IS NULL`.
fn normalize_predicate(predicate: &str) -> Option<String> {
    let mut text = predicate
        .trim()
        .trim_end_matches(';')
        .trim()
        .replace('"', "");
    while text.starts_with('(') && text.ends_with(')') {
        text = text[1..text.len() - 1].trim().to_owned();
    }
    (!text.is_empty()).then_some(text)
}

/// A column as the catalog lists it, in the dialect's vocabulary.
fn normalize_column(
    dialect: Dialect,
    name: &str,
    ty: &str,
    not_null: bool,
    extra: &str,
    default: Option<String>,
) -> CatalogColumn {
    let (sql_type, default) = dialect.forms().catalog_column(ty, extra, default);
    CatalogColumn {
        name: name.to_owned(),
        sql_type,
        not_null,
        default,
    }
}
