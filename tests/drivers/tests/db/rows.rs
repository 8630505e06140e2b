//! One row in every table of a release, written in plain SQL from the model
//! (every column a value that is not its default), and read back as text,
//! so that an upgrade can be shown to keep every value.

use attesto_schema::{Backend, Column, Dialect, LogicalType, Schema, Table};

/// A literal of `column`'s type in `dialect`, not the column's default.
fn literal(dialect: Dialect, column: &Column) -> String {
    let name = column.name();
    match (column.logical_type(), dialect.backend()) {
        (LogicalType::Short, _) => "'v'".to_owned(),
        (LogicalType::Hash | LogicalType::Ident, _) => format!("'v-{name}'"),
        (LogicalType::Text, _) => format!("'text of {name}'"),
        (LogicalType::Strings, Backend::Postgres) => "ARRAY['a', 'b']".to_owned(),
        (LogicalType::Strings, _) => "'[\"a\",\"b\"]'".to_owned(),
        (LogicalType::Json, _) => format!("'{{\"k\": \"{name}\"}}'"),
        (LogicalType::Timestamp, _) => "'2026-11-24 12:00:00'".to_owned(),
        (LogicalType::TimestampUsec, _) => "'2026-11-24 12:00:00.123456'".to_owned(),
        (LogicalType::Uuid, Backend::Postgres) => {
            "'6f0f2a3e-6f43-4a47-9b1a-0cbb5b6d2f10'".to_owned()
        }
        (LogicalType::Uuid, Backend::Sqlite) => "X'6f0f2a3e6f434a479b1a0cbb5b6d2f10'".to_owned(),
        (LogicalType::Uuid, Backend::Mysql) => {
            "UNHEX('6f0f2a3e6f434a479b1a0cbb5b6d2f10')".to_owned()
        }
        (LogicalType::Int, _) => "7".to_owned(),
        (LogicalType::BigInt, _) => "1767225600".to_owned(),
        (LogicalType::Bool, _) => "TRUE".to_owned(),
    }
}

/// `INSERT` of one row into `table` as `schema` defines it.
pub fn insert(schema: &Schema, table: &Table) -> String {
    let columns = schema.columns(table);
    let names: Vec<String> = columns.iter().map(|c| schema.quote(c.name())).collect();
    let values: Vec<String> = columns
        .iter()
        .map(|c| literal(schema.dialect(), c))
        .collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        schema.quoted_table(table),
        names.join(", "),
        values.join(", ")
    )
}

/// Every row's statement, for every table of `schema`, one per line.
pub fn insert_all(schema: &Schema) -> String {
    schema
        .tables()
        .into_iter()
        .map(|t| format!("{};\n", insert(schema, t)))
        .collect()
}

/// `SELECT` of `columns` of `table` as text, one column per value.
pub fn select_text(schema: &Schema, table: &Table, columns: &[Column]) -> String {
    let dialect = schema.dialect();
    let exprs: Vec<String> = columns
        .iter()
        .map(|c| {
            let q = schema.quote(c.name());
            match (dialect.backend(), c.logical_type()) {
                (Backend::Postgres, _) => format!("{q}::text"),
                (Backend::Sqlite, LogicalType::Uuid) => format!("hex({q})"),
                (Backend::Sqlite, _) => format!("CAST({q} AS TEXT)"),
                (Backend::Mysql, LogicalType::Uuid) => format!("HEX({q})"),
                (Backend::Mysql, _) => format!("CAST({q} AS CHAR)"),
            }
        })
        .collect();
    format!(
        "SELECT {} FROM {}",
        exprs.join(", "),
        schema.quoted_table(table)
    )
}
