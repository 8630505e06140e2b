//! rusqlite 0.39: `TryFrom<&Row>` by column name, and `params()` in
//! `COLUMNS` order for `INSERT_SQL`. JSON and string-list columns hold
//! JSON text, written and read with serde_json (a `String` field holds the
//! text itself); timestamps with more precision than their column keeps
//! are refused.

use std::fmt::Write as _;

use attesto_schema::{Backend, OUTCOME_COLUMN, Schema, Table};

use super::driver::{Bound, Driver, Feature, FeatureGraph, Query, Signature, Uses, Violation};
use super::value::Source;
use super::{Binding, binding, field_values};
use crate::code::{Code, str_literal};
use crate::expand::dialects::Dialects;
use crate::types::RustTypes;

/// rusqlite: the operations over `&Connection`, sync.
pub struct Rusqlite;

impl Driver for Rusqlite {
    fn name(&self) -> &'static str {
        "rusqlite"
    }

    fn supports(&self, backend: Backend) -> bool {
        backend == Backend::Sqlite
    }

    fn dependency(&self, _backend: Backend) -> String {
        "rusqlite = { version = \"0.39\", features = [\"bundled\", \"chrono\", \"uuid\", \"serde_json\"] }"
            .to_owned()
    }

    fn feature_graph(&self) -> FeatureGraph {
        FeatureGraph {
            release: "0.39",
            defaults: &["cache"],
            implies: &[
                ("bundled-full", &["modern-full", "bundled"]),
                ("modern-full", &["chrono", "serde_json", "uuid"]),
            ],
        }
    }

    /// JSON is text the glue writes with serde_json itself: no feature.
    fn features(&self, _backend: Backend, uses: Uses) -> Vec<Feature> {
        [(uses.chrono, "chrono"), (uses.uuid, "uuid")]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, feature)| Feature::plain(feature))
            .collect()
    }

    /// rusqlite has no JSON of its own: the glue serialises with
    /// serde_json.
    fn writes_json_text(&self) -> bool {
        true
    }

    fn checks_timestamps(&self) -> bool {
        true
    }

    fn refuses_string_for_jsonb(&self) -> bool {
        false
    }

    fn glue(
        &self,
        code: &mut Code,
        layout: &Dialects<'_>,
        types: &RustTypes<'_>,
        _: &[&dyn Driver],
    ) {
        let schema = layout.primary();
        generate(code, schema, types);
    }

    fn timestamp_glue(&self, code: &mut Code, _backend: Backend, name: &str) {
        let _ = write!(
            code,
            r#"
            impl ::rusqlite::ToSql for {name} {{
                fn to_sql(&self) -> ::rusqlite::Result<::rusqlite::types::ToSqlOutput<'_>> {{
                    ::rusqlite::ToSql::to_sql(&self.0)
                }}
            }}
            impl ::rusqlite::types::FromSql for {name} {{
                fn column_result(value: ::rusqlite::types::ValueRef<'_>) -> ::rusqlite::types::FromSqlResult<Self> {{
                    let value = <::chrono::NaiveDateTime as ::rusqlite::types::FromSql>::column_result(value)?;
                    Self::new(value).map_err(|e| ::rusqlite::types::FromSqlError::Other(::std::boxed::Box::new(e)))
                }}
            }}
"#
        );
    }

    fn asynchronous(&self) -> bool {
        false
    }

    fn signature(&self, _backend: Backend) -> Signature {
        Signature {
            generics: String::new(),
            connection: "db: &::rusqlite::Connection".to_owned(),
            error: "::rusqlite::Error".to_owned(),
        }
    }

    fn value(&self, bound: &Bound<'_>) -> String {
        value(bound.binding, bound.source, bound.table_name, bound.label)
    }

    fn exec(&self, q: &Query<'_>) -> String {
        format!("(db.execute({}, {})? as u64)", q.sql, params(q.values))
    }

    fn try_exec(&self, q: &Query<'_>) -> String {
        format!(
            "db.execute({}, {}).map(|n| n as u64)",
            q.sql,
            params(q.values)
        )
    }

    fn fetch_optional(&self, q: &Query<'_>) -> String {
        format!(
            "::rusqlite::OptionalExtension::optional(db.query_row({}, {}, |row| Self::try_from(row)))?",
            q.sql,
            params(q.values)
        )
    }

    fn fetch_all(&self, q: &Query<'_>) -> String {
        format!(
            "{{ let mut statement = db.prepare({})?; let rows = statement.query_map({}, |row| Self::try_from(row))?; rows.collect::<::rusqlite::Result<::std::vec::Vec<Self>>>()? }}",
            q.sql,
            params(q.values)
        )
    }

    fn count(&self, q: &Query<'_>) -> String {
        format!(
            "db.query_row({}, {}, |row| row.get::<_, i64>(0))?",
            q.sql,
            params(q.values)
        )
    }

    fn miss(&self, q: &Query<'_>) -> String {
        format!(
            "::rusqlite::OptionalExtension::optional(db.query_row({}, {}, |row| \
             ::core::result::Result::Ok((row.get::<_, ::std::string::String>({OUTCOME_COLUMN:?})?, Self::try_from(row)?))))?",
            q.sql,
            params(q.values)
        )
    }

    fn unique_violation(&self, v: &Violation<'_>) -> String {
        format!(
            "::core::result::Result::Err(::rusqlite::Error::SqliteFailure(failure, ::core::option::Option::Some(message))) \
             if failure.code == ::rusqlite::ErrorCode::ConstraintViolation && message.contains({:?})",
            v.sqlite_columns
        )
    }

    /// A savepoint, which works inside the caller's transaction too; rolled
    /// back to on an error.
    fn in_transaction(&self, body: &str, ty: &str) -> String {
        format!(
            "{{ db.execute_batch(\"SAVEPOINT attesto_operation\")?; let result = (|| {{ ::core::result::Result::<{ty}, ::rusqlite::Error>::Ok({{ {body} }}) }})(); \
             match result {{ \
             ::core::result::Result::Ok(value) => {{ db.execute_batch(\"RELEASE attesto_operation\")?; value }} \
             ::core::result::Result::Err(e) => {{ let _ = db.execute_batch(\"ROLLBACK TO attesto_operation; RELEASE attesto_operation\"); return ::core::result::Result::Err(e); }} }} }}"
        )
    }

    fn live_fetch(&self, sql: &str, tx: bool) -> String {
        let on = if tx { "tx" } else { "db" };
        format!(
            "(|| -> ::rusqlite::Result<::std::vec::Vec<::std::string::String>> {{ \
             let mut statement = {on}.prepare({sql})?; \
             let rows = statement.query_map([], |row| row.get::<_, ::std::string::String>(0))?; \
             rows.collect() }})()"
        )
    }

    fn live_batch(&self, sql: &str, tx: bool) -> String {
        let on = if tx { "tx" } else { "db" };
        format!("{on}.execute_batch({sql})")
    }

    /// `new_unchecked`: the methods take `&Connection`, as every method
    /// of the integration does; rusqlite refuses a nested `BEGIN` itself.
    fn live_begin(&self, _immediate: bool, map: &str) -> String {
        format!(
            "let tx = ::rusqlite::Transaction::new_unchecked(db, ::rusqlite::TransactionBehavior::Immediate).map_err({map})?;"
        )
    }

    fn live_commit(&self) -> String {
        "tx.commit()".to_owned()
    }

    fn live_rollback(&self) -> String {
        "let _ = tx.rollback();".to_owned()
    }
}

/// rusqlite's parameters: an array of `__AttestoSqliteParam`, or `()`.
fn params(values: &[String]) -> String {
    if values.is_empty() {
        "()".to_owned()
    } else {
        format!("[{}]", values.join(", "))
    }
}

fn generate(code: &mut Code, schema: &Schema, types: &RustTypes<'_>) {
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
    for bound in field_values(schema, table, types, |b, s, t, c, _| value(b, s, t, c)) {
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
fn value(binding: Binding, source: Source<'_>, table: &str, column: &str) -> String {
    let reference = format!("&{}", source.place());
    match binding {
        Binding::Json => {
            // The text measured as it is: one serialisation.
            let json = |value: &str| {
                format!(
                    "match ::serde_json::to_string({value}) {{ \
                     ::core::result::Result::Ok(text) if ::std::io::Write::write_all(&mut __AttestoJsonDepth::default(), text.as_bytes()).is_ok() => __AttestoSqliteParam::Text(text), \
                     _ => __AttestoSqliteParam::Refused(::std::string::String::from({})) }}",
                    str_literal(&super::json_message(table, column))
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
            "match __attesto_timestamp_refusal({reference}, {unit}) {{ \
             ::core::option::Option::None => __AttestoSqliteParam::Value({reference}), \
             ::core::option::Option::Some(__AttestoTimestampRefusal::Precision) => __AttestoSqliteParam::Refused(::std::string::String::from({precise})), \
             ::core::option::Option::Some(__AttestoTimestampRefusal::Range) => __AttestoSqliteParam::Refused(::std::string::String::from({range})) }}",
            unit = precision.unit(),
            precise = str_literal(&precision.message(table, column)),
            range = str_literal(&super::range_message(table, column)),
        ),
        Binding::Text(limit) => format!(
            "if {} {{ __AttestoSqliteParam::Refused(::std::string::String::from({})) }} else {{ __AttestoSqliteParam::Value({reference}) }}",
            super::too_long(limit, source),
            str_literal(&super::length_message(limit, table, column)),
        ),
        Binding::Plain => format!("__AttestoSqliteParam::Value({reference})"),
    }
}
