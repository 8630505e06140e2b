//! One row struct per table: its fields, documented with each column's SQL,
//! and its statements as associated constants.

use std::fmt::Write as _;
use std::ops::Range;

use attesto_schema::{Column, ColumnDefault, Schema, Table};
use proc_macro2::{Delimiter, TokenStream};

use super::dialects::Dialects;
use super::{field_attrs, str_list};
use crate::args::{Args, path_segments};
use crate::code::{Code, str_literal};
use crate::integrations::{is_path, is_string};
use crate::types::{RustType, RustTypes, field_type};

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

/// `table`'s row struct: a field per column, each documented with its
/// SQL in every dialect of the invocation; with the integrations' `glue`,
/// the attributes they put on it.
pub fn row_struct(
    code: &mut Code,
    layout: &Dialects<'_>,
    table: &Table,
    types: &RustTypes<'_>,
    args: &Args,
    glue: Option<&crate::integrations::Checked>,
) {
    let schema = layout.primary();
    let name = schema.table_name(table);
    let ident = table.row_name();
    let columns = schema.columns(table);
    let select = if layout.multi() {
        format!(
            "`SELECT_SQL` of its dialect's module ([`{}::SELECT_SQL`])",
            layout.table_consts(schema, table)
        )
    } else {
        "[`Self::SELECT_SQL`]".to_owned()
    };
    let struct_doc = format!(
        " A row of `{name}` (schema release {}).\n\n {}\n\n Read rows with {select}, which names [`Self::COLUMNS`]: \
         map columns by name, never by position, because an upgraded table orders its columns differently.",
        schema.release(),
        table.description()
    );
    let _ = write!(code, "#[doc = {}]", str_literal(&struct_doc));
    derive_attribute(code, args);
    if let Some(checked) = glue {
        crate::integrations::row_attributes(code, schema, table, checked);
    }
    for attribute in &args.attrs {
        code.tokens(attribute);
    }
    let _ = write!(code, "pub struct {ident}");
    let mut fields = Code::default();
    for column in &columns {
        let mut doc = format!(" {}", column_sql(layout, column));
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
}

/// `column`'s definition as each dialect of the invocation writes it:
/// `` `code_hash varchar(88) NOT NULL` ``, or one per dialect, named.
fn column_sql(layout: &Dialects<'_>, column: &Column) -> String {
    let one = |dialect: attesto_schema::Dialect| {
        let null = if column.is_nullable() {
            "NULL"
        } else {
            "NOT NULL"
        };
        let default = column
            .default_value()
            .map(|d| format!(" DEFAULT {}", dialect.default_sql(d)))
            .unwrap_or_default();
        format!(
            "`{} {} {null}{default}`",
            column.name(),
            dialect.sql_type(column.logical_type())
        )
    };
    if !layout.multi() {
        return one(layout.primary().dialect());
    }
    layout
        .dialects()
        .map(|d| format!("{}: {}", d.product(), one(d)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The constants that name `table` whatever the dialect: its name and
/// columns, items of the row struct's `impl`.
pub fn identity_consts(code: &mut Code, schema: &Schema, table: &Table) {
    let name = schema.table_name(table);
    let columns = schema.columns(table);
    let column_names = str_list(columns.iter().map(|c| c.name()));
    let _ = write!(
        code,
        r#"
            #[doc = {table_doc}]
            pub const TABLE: &'static str = {table};
            /// The column names, in the order of the struct's fields.
            pub const COLUMNS: &'static [&'static str] = &[{column_names}];
"#,
        table_doc = str_literal(&format!(" The table name, `{name}`.")),
        table = str_literal(&name),
    );
}

/// The statements of `table` in `schema`'s dialect, as items: of the row
/// struct's `impl` (`row` is `Self`), or of the table's module in the
/// dialect's (`row` is the path of the row struct from there). `slices`
/// name them in `UP_SQL` and `DOWN_SQL` instead of repeating them.
pub fn sql_consts(
    code: &mut Code,
    schema: &Schema,
    table: &Table,
    slices: Option<(Range<usize>, Range<usize>)>,
    row: &str,
) {
    let primary_key = str_list(schema.primary_key(table).iter().copied());
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
            /// The primary-key columns (empty when the table has none).
            pub const PRIMARY_KEY: &'static [&'static str] = &[{primary_key}];
            /// `CREATE TABLE` for this table, followed by its indexes.
            pub const CREATE_SQL: &'static str = {create};
            /// `DROP TABLE` for this table.
            pub const DROP_SQL: &'static str = {drop};
            /// `INSERT` of every column, with placeholders in [`{row}::COLUMNS`] order.
            pub const INSERT_SQL: &'static str = {insert};
            /// `SELECT` of every column by name, in [`{row}::COLUMNS`] order.
            pub const SELECT_SQL: &'static str = {select};
"#,
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

/// The name of `table`'s constructor argument: `NewAuthorizationCode` for
/// `AuthorizationCodeRow`.
pub fn new_name(table: &Table) -> String {
    let row = table.row_name();
    format!("New{}", row.strip_suffix("Row").unwrap_or(row))
}

/// Whether the caller of `new` gives `column`: a `NOT NULL` column without
/// a default, which no operation sets.
fn given(column: &Column) -> bool {
    !column.is_state() && !column.is_nullable() && column.default_value().is_none()
}

/// The expression a new row holds in `column`, which the caller does not
/// give: NULL, or the column's default as the field's type holds it.
fn initial(column: &Column, ty: RustType<'_>) -> String {
    if column.is_nullable() {
        return "::core::option::Option::None".to_owned();
    }
    match column.default_value() {
        Some(ColumnDefault::EmptyStrings) if is_string(ty) => {
            "::std::string::String::from(\"[]\")".to_owned()
        }
        Some(ColumnDefault::EmptyObject) if is_string(ty) => {
            "::std::string::String::from(\"{}\")".to_owned()
        }
        // `Value`'s own default is `null`, not the empty object.
        Some(ColumnDefault::EmptyObject) if is_path(ty, &["serde_json", "Value"]) => {
            "::serde_json::Value::Object(::serde_json::Map::new())".to_owned()
        }
        // An empty list, or a host's JSON type at its default.
        Some(ColumnDefault::EmptyStrings | ColumnDefault::EmptyObject) | None => {
            "::core::default::Default::default()".to_owned()
        }
        Some(ColumnDefault::Int(n)) => format!("::core::convert::From::from({n}i32)"),
        Some(ColumnDefault::Bool(b)) => format!("::core::convert::From::from({b})"),
        Some(ColumnDefault::Text(t)) => format!("::core::convert::From::from({t:?})"),
    }
}

/// `table`'s constructor: a struct of the columns the caller gives, and
/// `Row::new`, which starts every other column as a new row holds it.
pub fn constructor(code: &mut Code, schema: &Schema, table: &Table, types: &RustTypes<'_>) {
    let columns = schema.columns(table);
    let row = table.row_name();
    let new = new_name(table);
    let dialect = schema.dialect();
    let (given_columns, rest): (Vec<&Column>, Vec<&Column>) =
        columns.iter().partition(|c| given(c));
    let listed = |columns: &[&Column]| {
        columns
            .iter()
            .map(|c| format!("`{}`", c.name()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let doc = format!(
        " What a new row of `{}` takes from its caller, by name: {}. [`{row}::new`] \
         starts the other columns as a new row holds them.",
        schema.table_name(table),
        listed(&given_columns)
    );
    let _ = write!(
        code,
        "#[doc = {}] #[derive(Debug, Clone, PartialEq)] pub struct {new}",
        str_literal(&doc)
    );
    let mut fields = Code::default();
    for column in &given_columns {
        let field_doc = format!(
            " `{} {}`: {}.",
            column.name(),
            dialect.sql_type(column.logical_type()),
            column.description()
        );
        let _ = write!(
            fields,
            "#[doc = {}] pub {}: ",
            str_literal(&field_doc),
            column.name()
        );
        field_type(&mut fields, types.of(table, column), false);
        fields.push_str(",");
    }
    code.group(Delimiter::Brace, fields);

    let mut starts = Vec::new();
    for column in &rest {
        let value = if column.is_nullable() {
            "NULL".to_owned()
        } else {
            column
                .default_value()
                .map(|d| dialect.default_sql(d))
                .unwrap_or_default()
        };
        starts.push(format!("`{}` {value}", column.name()));
    }
    // The struct update example names a column this table really has.
    let update = match rest.first() {
        Some(column) => format!(
            " Set any of them otherwise with struct update syntax: \
             `{row} {{ {}: .., ..{row}::new(..) }}`.",
            column.name()
        ),
        None => String::new(),
    };
    let new_doc = format!(
        " A new row: the columns of `new`, and {}, as upstream's Ecto schema starts a \
         new row (its defaults are the table's).{update}",
        if starts.is_empty() {
            "nothing else".to_owned()
        } else {
            starts.join(", ")
        }
    );
    let _ = write!(
        code,
        "impl {row} {{ #[doc = {}] pub fn new(new: {new}) -> Self {{ Self {{",
        str_literal(&new_doc)
    );
    for column in &columns {
        if given(column) {
            let _ = write!(code, "{c}: new.{c},", c = column.name());
        } else {
            let _ = write!(
                code,
                "{}: {},",
                column.name(),
                initial(column, types.of(table, column))
            );
        }
    }
    let _ = write!(
        code,
        "}} }} }}\n\
         impl ::core::convert::From<{new}> for {row} {{\n\
         /// [`{row}::new`].\n\
         fn from(new: {new}) -> Self {{ Self::new(new) }}\n\
         }}\n"
    );
}
