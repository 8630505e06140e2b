//! One row struct per table: its fields, documented with each column's SQL,
//! and its statements as associated constants.

use std::fmt::Write as _;
use std::ops::Range;

use attesto_schema::{Schema, Table};
use proc_macro2::{Delimiter, TokenStream};

use super::{field_attrs, str_list};
use crate::args::{Args, path_segments};
use crate::code::{Code, str_literal};
use crate::types::{RustTypes, field_type};

/// Derives every row struct gets, before the host's own.
pub const BASE_DERIVES: &[&str] = &["Debug", "Clone", "PartialEq"];

/// The std paths of the base derives, which the host may name again.
const BASE_PATHS: &[&[&str]] = &[
    &["core", "fmt", "Debug"],
    &["std", "fmt", "Debug"],
    &["core", "clone", "Clone"],
    &["std", "clone", "Clone"],
    &["core", "cmp", "PartialEq"],
    &["std", "cmp", "PartialEq"],
];

/// Whether `path` names one of the base derives, as `Debug` or as
/// `::core::fmt::Debug`: naming it again would derive a conflicting impl.
fn is_base(path: &TokenStream) -> bool {
    let segments = path_segments(path);
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match segments.as_slice() {
        [one] => BASE_DERIVES.contains(one),
        more => BASE_PATHS.contains(&more),
    }
}

/// `#[derive(...)]`: the base derives as text, the host's as its tokens.
fn derive_attribute(code: &mut Code, args: &Args) {
    let mut list = Code::default();
    list.push_str(&BASE_DERIVES.join(", "));
    for path in args.derives.iter().filter(|p| !is_base(p)) {
        list.push_str(", ");
        list.tokens(path);
    }
    let mut attribute = Code::default();
    attribute.push_str("derive");
    attribute.group(Delimiter::Parenthesis, list);
    code.push_str("#");
    code.group(Delimiter::Bracket, attribute);
}

pub fn row_struct(
    code: &mut Code,
    schema: &Schema,
    table: &Table,
    types: &RustTypes<'_>,
    args: &Args,
    slices: Option<(Range<usize>, Range<usize>)>,
) {
    let dialect = schema.dialect();
    let name = schema.table_name(table);
    let ident = table.row_name();
    let columns = schema.columns(table);
    let struct_doc = format!(
        " A row of `{name}` (schema release {}).\n\n {}\n\n Read rows with [`Self::SELECT_SQL`], which names [`Self::COLUMNS`]: \
         map columns by name, never by position, because an upgraded table orders its columns differently.",
        schema.release(),
        table.description()
    );
    let _ = write!(code, "#[doc = {}]", str_literal(&struct_doc));
    derive_attribute(code, args);
    crate::integrations::row_attributes(code, schema, table, args);
    for attribute in &args.attrs {
        code.tokens(attribute);
    }
    let _ = write!(code, "pub struct {ident}");
    let mut fields = Code::default();
    for column in &columns {
        let null = if column.is_nullable() {
            "NULL"
        } else {
            "NOT NULL"
        };
        let default = column
            .default_value()
            .map(|d| format!(" DEFAULT {}", dialect.default_sql(d)))
            .unwrap_or_default();
        let mut doc = format!(
            " `{} {} {null}{default}`",
            column.name(),
            dialect.sql_type(column.logical_type())
        );
        if !column.description().is_empty() {
            doc.push_str(": ");
            doc.push_str(column.description());
            doc.push('.');
        }
        let _ = write!(fields, "#[doc = {}]", str_literal(&doc));
        for attribute in field_attrs(&args.field_attrs, table, column) {
            fields.tokens(attribute);
        }
        let _ = write!(fields, " pub {}: ", column.name());
        field_type(&mut fields, types.of(table, column), column.is_nullable());
        fields.push_str(",");
    }
    code.group(Delimiter::Brace, fields);

    let column_names = str_list(columns.iter().map(|c| c.name()));
    let primary_key = str_list(table.primary_key().iter().copied());
    let (create, drop) = match slices {
        Some((create, drop)) => (sql_slice("UP_SQL", create), sql_slice("DOWN_SQL", drop)),
        None => (
            str_literal(&schema.create_sql(table)).to_string(),
            str_literal(&schema.drop_sql(table)).to_string(),
        ),
    };
    let _ = write!(
        code,
        r#"
        impl {ident} {{
            #[doc = {table_doc}]
            pub const TABLE: &'static str = {table};
            /// The column names, in the order of the struct's fields.
            pub const COLUMNS: &'static [&'static str] = &[{column_names}];
            /// The primary-key columns (empty when the table has none).
            pub const PRIMARY_KEY: &'static [&'static str] = &[{primary_key}];
            /// `CREATE TABLE` for this table, followed by its indexes.
            pub const CREATE_SQL: &'static str = {create};
            /// `DROP TABLE` for this table.
            pub const DROP_SQL: &'static str = {drop};
            /// `INSERT` of every column, with placeholders in [`Self::COLUMNS`] order.
            pub const INSERT_SQL: &'static str = {insert};
            /// `SELECT` of every column by name, in [`Self::COLUMNS`] order.
            pub const SELECT_SQL: &'static str = {select};
        }}
"#,
        table_doc = str_literal(&format!(" The table name, `{name}`.")),
        table = str_literal(&name),
        insert = str_literal(&schema.insert_sql(table)),
        select = str_literal(&schema.select_sql(table)),
    );
}

/// `sql[range]` of the constant `name`, in a `const`.
fn sql_slice(name: &str, range: Range<usize>) -> String {
    format!(
        "__attesto_sql_slice({name}, {}, {})",
        range.start, range.end
    )
}
