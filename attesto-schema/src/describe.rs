//! The schema of one release, in one dialect, with one prefix, as plain
//! data: what `attesto schema` prints as JSON (with the `serde` feature)
//! and as a Mermaid `erDiagram`.
//!
//! The model's own types are static tables of `&'static str`s built for
//! rendering SQL; this is the view of them a reader wants, with every
//! name prefixed and every type given in each dialect.

use std::fmt::Write as _;

use crate::dialect::Dialect;
use crate::model::{Column, Index, Predicate, Table};
use crate::schema::Schema;

/// A schema release as data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Description {
    /// The schema release, e.g. `1.2.0`.
    pub release: &'static str,
    /// The attesto_phoenix versions that install this release.
    pub attesto_phoenix_versions: &'static [&'static str],
    /// The dialect the names and SQL types are for.
    pub dialect: &'static str,
    /// The table-name prefix.
    pub prefix: String,
    /// The tables, in creation order.
    pub tables: Vec<TableDescription>,
}

/// A table as data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct TableDescription {
    /// The prefixed name.
    pub name: String,
    /// The name without the prefix and the `attesto_` stem: the module of
    /// the diesel and sea-orm integrations.
    pub short_name: &'static str,
    /// The generated row struct.
    pub row: &'static str,
    /// What the table is for.
    pub description: &'static str,
    /// The schema release that added the table.
    pub added_in: &'static str,
    /// The primary-key columns; empty for authorization codes.
    pub primary_key: &'static [&'static str],
    /// The primary key, else the unique key the integrations use as one.
    pub key: &'static [&'static str],
    /// The columns, in order.
    pub columns: Vec<ColumnDescription>,
    /// The secondary indexes.
    pub indexes: Vec<IndexDescription>,
}

/// A column as data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ColumnDescription {
    /// The name.
    pub name: &'static str,
    /// The logical type (`hash`, `ident`, `strings`, `ts`, ...).
    pub logical_type: &'static str,
    /// The SQL type in the described dialect.
    pub sql_type: &'static str,
    /// The SQL type in each dialect.
    pub sql_types: SqlTypes,
    /// Whether the column takes NULL.
    pub nullable: bool,
    /// The default, as SQL of the described dialect.
    pub default: Option<String>,
    /// What the column holds.
    pub description: &'static str,
}

/// A column's SQL type in each dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct SqlTypes {
    /// PostgreSQL.
    pub postgres: &'static str,
    /// SQLite.
    pub sqlite: &'static str,
    /// MySQL and MariaDB.
    pub mysql: &'static str,
}

/// A secondary index as data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct IndexDescription {
    /// The prefixed name.
    pub name: String,
    /// The indexed columns.
    pub columns: &'static [&'static str],
    /// Whether the index is unique.
    pub unique: bool,
    /// The condition of a partial index, as SQL (PostgreSQL and SQLite;
    /// MySQL indexes every row).
    pub predicate: Option<String>,
}

impl Description {
    /// The description of `schema`.
    pub fn of(schema: &Schema) -> Description {
        let release = schema.release();
        Description {
            release: release.version(),
            attesto_phoenix_versions: release.versions(),
            dialect: schema.dialect().name(),
            prefix: schema.prefix().to_owned(),
            tables: schema
                .tables()
                .into_iter()
                .map(|table| describe_table(schema, table))
                .collect(),
        }
    }

    /// The schema as a Mermaid `erDiagram`: an entity per table with its
    /// columns, logical types, keys (`PK`, `UK`) and SQL types. The tables
    /// share no foreign keys; dotted lines show the values they share:
    /// the refresh-token family of authorization codes, and two entities
    /// that are not tables, `client` and `subject`, for the `client_id`
    /// and `subject` columns.
    pub fn mermaid(&self) -> String {
        let mut out = String::from("erDiagram\n");
        for table in &self.tables {
            let _ = writeln!(out, "    {} {{", table.name);
            for column in &table.columns {
                let unique = table
                    .indexes
                    .iter()
                    .any(|i| i.unique && i.predicate.is_none() && i.columns.contains(&column.name));
                let keys = match (table.primary_key.contains(&column.name), unique) {
                    (true, true) => " PK, UK",
                    (true, false) => " PK",
                    (false, true) => " UK",
                    (false, false) => "",
                };
                let null = if column.nullable { "" } else { " NOT NULL" };
                let _ = writeln!(
                    out,
                    "        {} {}{keys} \"{}{null}\"",
                    column.logical_type, column.name, column.sql_type
                );
            }
            out.push_str("    }\n");
        }
        let find = |short: &str| self.tables.iter().find(|t| t.short_name == short);
        if let (Some(codes), Some(tokens)) = (find("authorization_codes"), find("refresh_tokens")) {
            let _ = writeln!(
                out,
                "    {} }}o..o{{ {} : \"family_id\"",
                codes.name, tokens.name
            );
        }
        for shared in ["client_id", "subject"] {
            let entity = shared.trim_end_matches("_id");
            for table in &self.tables {
                if let Some(column) = table.columns.iter().find(|c| c.name == shared) {
                    let one = if column.nullable { "|o" } else { "||" };
                    let _ = writeln!(out, "    {entity} {one}..o{{ {} : \"{shared}\"", table.name);
                }
            }
        }
        out
    }
}

fn describe_table(schema: &Schema, table: &Table) -> TableDescription {
    let dialect = schema.dialect();
    let name = schema.table_name(table);
    TableDescription {
        short_name: table.short_name(),
        row: table.row_name(),
        description: table.description(),
        added_in: table.added_in().version(),
        primary_key: schema.primary_key(table),
        key: table.key(),
        columns: schema
            .columns(table)
            .iter()
            .map(|column| describe_column(dialect, column))
            .collect(),
        indexes: schema
            .indexes(table)
            .into_iter()
            .map(|index| describe_index(dialect, index, &name))
            .collect(),
        name,
    }
}

fn describe_column(dialect: Dialect, column: &Column) -> ColumnDescription {
    let ty = column.logical_type();
    ColumnDescription {
        name: column.name(),
        logical_type: ty.name(),
        sql_type: dialect.sql_type(ty),
        sql_types: crate::dialect::sql_types(ty),
        nullable: column.is_nullable(),
        default: column.default_value().map(|d| dialect.default_sql(d)),
        description: column.description(),
    }
}

fn describe_index(dialect: Dialect, index: &Index, table: &str) -> IndexDescription {
    IndexDescription {
        name: index.name(table),
        columns: index.columns(),
        unique: index.is_unique(),
        predicate: match index.predicate() {
            Some(Predicate::IsNull(column)) if dialect.partial_indexes() => {
                Some(format!("{column} IS NULL"))
            }
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_and_column_is_described() {
        let schema =
            Schema::new("mysql".parse::<Dialect>().expect("a dialect"), "oauth_").expect("schema");
        let description = Description::of(&schema);
        assert_eq!(description.tables.len(), schema.tables().len());
        let codes = &description.tables[0];
        assert_eq!(codes.name, "oauth_attesto_authorization_codes");
        assert_eq!(
            codes.primary_key,
            ["code_hash"],
            "attesto's own key on MySQL"
        );
        assert_eq!(codes.key, ["code_hash"]);
        let scope = codes
            .columns
            .iter()
            .find(|c| c.name == "scope")
            .expect("scope");
        assert_eq!(scope.sql_type, "json");
        assert_eq!(scope.sql_types.postgres, "varchar(255)[]");
        assert_eq!(scope.default.as_deref(), Some("('[]')"));
    }

    #[test]
    fn the_diagram_marks_keys_and_shared_values() {
        let schema = Schema::new(Dialect::default(), "").expect("schema");
        let diagram = Description::of(&schema).mermaid();
        assert!(diagram.starts_with("erDiagram\n    attesto_authorization_codes {\n"));
        assert!(diagram.contains("        hash code_hash UK \"varchar(88) NOT NULL\"\n"));
        assert!(diagram.contains("        uuid id PK \"uuid NOT NULL\"\n"));
        assert!(diagram.contains(
            "    attesto_authorization_codes }o..o{ attesto_refresh_tokens : \"family_id\"\n"
        ));
        assert!(diagram.contains("    client |o..o{ attesto_refresh_tokens : \"client_id\"\n"));
    }
}
