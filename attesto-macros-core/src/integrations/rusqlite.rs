//! rusqlite 0.39: `TryFrom<&Row>` by column name, and `params()` in
//! [`COLUMNS`] order for `INSERT_SQL`. JSON and string-list columns hold
//! JSON text, written and read with serde_json (a `String` field holds the
//! text itself); timestamps with more precision than their column keeps
//! are refused.

use std::fmt::Write as _;

use attesto_schema::{Schema, Table};

use super::value::Source;
use super::{Binding, binding, field_values};
use crate::code::{Code, str_literal};
use crate::types::RustTypes;

pub fn generate(code: &mut Code, schema: &Schema, types: &RustTypes<'_>) {
    code.push_str(
        r#"
        /// One parameter of a row's `params()`: a field, a field's JSON text, or a
        /// refusal that fails the statement with its message.
        #[doc(hidden)]
        pub enum __AttestoSqliteParam<'a> {
            Value(&'a dyn ::rusqlite::ToSql),
            Text(::std::string::String),
            Null,
            Refused(::std::string::String),
        }
        impl ::rusqlite::ToSql for __AttestoSqliteParam<'_> {
            fn to_sql(&self) -> ::rusqlite::Result<::rusqlite::types::ToSqlOutput<'_>> {
                match self {
                    Self::Value(value) => value.to_sql(),
                    Self::Text(text) => ::core::result::Result::Ok(::rusqlite::types::ToSqlOutput::from(text.as_str())),
                    Self::Null => ::core::result::Result::Ok(::rusqlite::types::ToSqlOutput::from(::rusqlite::types::Null)),
                    Self::Refused(message) => ::core::result::Result::Err(
                        ::rusqlite::Error::ToSqlConversionFailure(message.clone().into()),
                    ),
                }
            }
        }
"#,
    );
    for table in schema.tables() {
        table_glue(code, schema, table, types);
    }
}

fn table_glue(code: &mut Code, schema: &Schema, table: &Table, types: &RustTypes<'_>) {
    let dialect = schema.dialect();
    let row = table.row_name();
    let columns = schema.columns(table);
    let count = columns.len();
    let _ = write!(
        code,
        r#"
        impl {row} {{
            /// The values of [`Self::INSERT_SQL`]'s parameters, in [`Self::COLUMNS`] order:
            /// `conn.execute({row}::INSERT_SQL, row.params())?`. A timestamp with more
            /// precision than its column keeps makes the statement fail, naming the column.
            pub fn params(&self) -> [__AttestoSqliteParam<'_>; {count}] {{
                [
"#
    );
    for bound in field_values(schema, table, types, value) {
        let _ = writeln!(code, "{bound},");
    }
    code.push_str("]\n}\n}\n");

    let _ = write!(
        code,
        "impl ::core::convert::TryFrom<&::rusqlite::Row<'_>> for {row} {{\n\
         type Error = ::rusqlite::Error;\n\
         /// Reads the row by column name, whatever the order of the columns selected.\n\
         fn try_from(row: &::rusqlite::Row<'_>) -> ::core::result::Result<Self, Self::Error> {{\n\
         ::core::result::Result::Ok(Self {{\n"
    );
    for column in &columns {
        let c = column.name();
        let read = match (
            binding(dialect, column, types.of(table, column)),
            column.is_nullable(),
        ) {
            (Binding::Json, nullable) => {
                let parse = format!(
                    "::serde_json::from_str(&text).map_err(|e| ::rusqlite::Error::FromSqlConversionFailure(\
                     row.as_ref().column_index({c:?}).unwrap_or(0), ::rusqlite::types::Type::Text, ::std::boxed::Box::new(e)))"
                );
                if nullable {
                    format!(
                        "match row.get::<_, ::core::option::Option<::std::string::String>>({c:?})? {{ \
                         ::core::option::Option::None => ::core::option::Option::None, \
                         ::core::option::Option::Some(text) => ::core::option::Option::Some({parse}?) }}"
                    )
                } else {
                    format!("{{ let text: ::std::string::String = row.get({c:?})?; {parse}? }}")
                }
            }
            _ => format!("row.get({c:?})?"),
        };
        let _ = writeln!(code, "{c}: {read},");
    }
    code.push_str("})\n}\n}\n");
}

/// The `__AttestoSqliteParam` rusqlite binds for `source`, bound as
/// `binding`; `table` names the column in a message.
pub fn value(binding: Binding, source: Source<'_>, table: &str, column: &str) -> String {
    let reference = format!("&{}", source.place());
    match binding {
        Binding::Json => {
            let json = |value: &str| {
                format!(
                    "match ::serde_json::to_string({value}) {{ \
                     ::core::result::Result::Ok(text) => __AttestoSqliteParam::Text(text), \
                     ::core::result::Result::Err(e) => __AttestoSqliteParam::Refused(::std::format!(\"attesto: cannot write {table}.{column} as JSON: {{e}}\")) }}"
                )
            };
            if source.optional() {
                format!(
                    "match {reference} {{ ::core::option::Option::None => __AttestoSqliteParam::Null, \
                     ::core::option::Option::Some(value) => {} }}",
                    json("value")
                )
            } else {
                json(&reference)
            }
        }
        Binding::Timestamp(precision) => format!(
            "if AttestoTimestamp::attesto_subsec_nanos({reference}) % {unit} == 0 {{ __AttestoSqliteParam::Value({reference}) }} \
             else {{ __AttestoSqliteParam::Refused(::std::string::String::from({msg})) }}",
            unit = precision.unit(),
            msg = str_literal(&precision.message(table, column)),
        ),
        Binding::Plain => format!("__AttestoSqliteParam::Value({reference})"),
    }
}
