//! sea-orm 2: a module per table, named after the table without its
//! `attesto_` stem, holding the entity sea-orm's derives build from a
//! `Model` (`Entity`, `Column`, `PrimaryKey`, `ActiveModel`), an empty
//! `Relation`, `ActiveModelBehavior`, and lossless conversions between the
//! `Model` and the row struct.
//!
//! The `Model` has the row's fields, with two differences sea-orm needs: a
//! field sea-orm cannot bind as its JSON column (a list of strings on
//! SQLite or MySQL, a serde type of the host's) is wrapped in a newtype
//! that goes through serde_json, and the host's own types are named
//! through aliases in the expansion's module, because the entity's module
//! imports sea-orm's prelude, which the derives' code needs, and whose
//! names (`DateTime`, `Json`, `Uuid`) could shadow the host's.

use std::fmt::Write as _;

use attesto_schema::{Backend, COUNT_COLUMN, Column, OUTCOME_COLUMN, Schema, Table};

use super::driver::{
    Bound, Driver, Feature, FeatureGraph, Query, Signature, Uses, Violation, transaction_block,
};
use super::value::Source;
use super::{Binding, binding, is_path};
use crate::code::{Code, str_literal};
use crate::expand::dialects::Dialects;
use crate::types::{RustType, RustTypes, field_type, is_local, type_key};

/// sea-orm: the operations, async, over `&impl ConnectionTrait +
/// TransactionTrait` (a connection or a transaction), running
/// `Statement`s and reading rows through the entity's `Model`.
pub struct SeaOrm;

impl Driver for SeaOrm {
    fn name(&self) -> &'static str {
        "sea_orm"
    }

    fn supports(&self, _backend: Backend) -> bool {
        true
    }

    fn dependency(&self, backend: Backend) -> String {
        format!(
            "sea-orm = {{ version = \"2\", default-features = false, features = [\"{}\", \"runtime-tokio\", \"with-chrono\", \"with-uuid\", \"with-json\", \"macros\"] }}",
            match backend {
                // PostgreSQL's lists of strings are arrays.
                Backend::Postgres => "sqlx-postgres\", \"postgres-array",
                Backend::Sqlite => "sqlx-sqlite",
                Backend::Mysql => "sqlx-mysql",
            }
        )
    }

    fn feature_graph(&self) -> FeatureGraph {
        FeatureGraph {
            release: "2",
            defaults: &[
                "macros",
                "with-json",
                "with-chrono",
                "with-rust_decimal",
                "with-uuid",
                "with-time",
                "sqlite-use-returning-for-3_35",
                "stream",
            ],
            implies: &[
                ("sqlx-all", &["sqlx-mysql", "sqlx-postgres", "sqlx-sqlite"]),
                ("sqlx-postgres", &["postgres-array"]),
            ],
        }
    }

    fn features(&self, backend: Backend, uses: Uses) -> Vec<Feature> {
        let mut needed = vec![
            Feature::plain(match backend {
                Backend::Postgres => "sqlx-postgres",
                Backend::Sqlite => "sqlx-sqlite",
                Backend::Mysql => "sqlx-mysql",
            }),
            Feature::plain("macros"),
        ];
        for (on, feature) in [
            (uses.chrono, "with-chrono"),
            (uses.uuid, "with-uuid"),
            (uses.json, "with-json"),
            (backend == Backend::Postgres, "postgres-array"),
        ] {
            if on {
                needed.push(Feature::plain(feature));
            }
        }
        needed
    }

    fn writes_json_text(&self) -> bool {
        false
    }

    fn checks_timestamps(&self) -> bool {
        true
    }

    fn refuses_string_for_jsonb(&self) -> bool {
        false
    }

    fn module_per_table(&self) -> bool {
        true
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
            impl ::core::convert::From<{name}> for ::sea_orm::Value {{
                fn from(value: {name}) -> Self {{
                    ::sea_orm::Value::from(value.0)
                }}
            }}
            impl ::sea_orm::sea_query::ValueType for {name} {{
                fn try_from(value: ::sea_orm::Value) -> ::core::result::Result<Self, ::sea_orm::sea_query::ValueTypeErr> {{
                    let value = <::chrono::NaiveDateTime as ::sea_orm::sea_query::ValueType>::try_from(value)?;
                    Self::new(value).map_err(|_| ::sea_orm::sea_query::ValueTypeErr)
                }}
                fn type_name() -> ::std::string::String {{
                    ::std::string::String::from({name:?})
                }}
                fn array_type() -> ::sea_orm::sea_query::ArrayType {{
                    <::chrono::NaiveDateTime as ::sea_orm::sea_query::ValueType>::array_type()
                }}
                fn column_type() -> ::sea_orm::sea_query::ColumnType {{
                    <::chrono::NaiveDateTime as ::sea_orm::sea_query::ValueType>::column_type()
                }}
            }}
            impl ::sea_orm::sea_query::Nullable for {name} {{
                fn null() -> ::sea_orm::Value {{
                    <::chrono::NaiveDateTime as ::sea_orm::sea_query::Nullable>::null()
                }}
            }}
            impl ::sea_orm::TryGetable for {name} {{
                fn try_get_by<I: ::sea_orm::ColIdx>(
                    res: &::sea_orm::QueryResult,
                    index: I,
                ) -> ::core::result::Result<Self, ::sea_orm::TryGetError> {{
                    let value = <::chrono::NaiveDateTime as ::sea_orm::TryGetable>::try_get_by(res, index)?;
                    Self::new(value).map_err(|e| {{
                        ::sea_orm::TryGetError::DbErr(::sea_orm::DbErr::Type(::std::string::ToString::to_string(&e)))
                    }})
                }}
            }}
            impl ::sea_orm::IntoActiveValue<{name}> for {name} {{
                fn into_active_value(self) -> ::sea_orm::ActiveValue<{name}> {{
                    ::sea_orm::ActiveValue::Set(self)
                }}
            }}
"#
        );
    }

    fn asynchronous(&self) -> bool {
        true
    }

    fn signature(&self, _backend: Backend) -> Signature {
        Signature {
            generics: "<C: ::sea_orm::ConnectionTrait + ::sea_orm::TransactionTrait>".to_owned(),
            connection: "db: &C".to_owned(),
            error: "::sea_orm::DbErr".to_owned(),
        }
    }

    /// The value, after the refusal of one that would not read back.
    fn value(&self, bound: &Bound<'_>) -> String {
        let value = value(
            bound.schema,
            bound.table,
            bound.column,
            bound.types,
            bound.source,
        );
        let guard = super::guard(
            bound.binding,
            bound.source,
            bound.table_name,
            bound.label,
            &|message| format!("::sea_orm::DbErr::Custom(::std::string::String::from({message}))"),
        );
        if guard.is_empty() {
            value
        } else {
            format!("{{ {guard} {value} }}")
        }
    }

    fn exec(&self, q: &Query<'_>) -> String {
        let on = on(q.tx);
        format!(
            "::sea_orm::ConnectionTrait::execute_raw({on}, {}).await?.rows_affected()",
            statement(q, on)
        )
    }

    fn try_exec(&self, q: &Query<'_>) -> String {
        format!(
            "::sea_orm::ConnectionTrait::execute_raw(db, {}).await.map(|done| done.rows_affected())",
            statement(q, "db")
        )
    }

    fn fetch_optional(&self, q: &Query<'_>) -> String {
        let on = on(q.tx);
        format!(
            "match ::sea_orm::ConnectionTrait::query_one_raw({on}, {}).await? {{ \
             ::core::option::Option::Some(row) => ::core::option::Option::Some({}), \
             ::core::option::Option::None => ::core::option::Option::None }}",
            statement(q, on),
            row(q.table, "&row")
        )
    }

    fn fetch_all(&self, q: &Query<'_>) -> String {
        let on = on(q.tx);
        format!(
            "::sea_orm::ConnectionTrait::query_all_raw({on}, {}).await?.iter()\
             .map(|row| ::core::result::Result::Ok({})).collect::<::core::result::Result<::std::vec::Vec<Self>, ::sea_orm::DbErr>>()?",
            statement(q, on),
            row(q.table, "row")
        )
    }

    /// In parentheses: the count is compared, and a `match` first in a
    /// statement would end there.
    fn count(&self, q: &Query<'_>) -> String {
        let on = on(q.tx);
        format!(
            "(match ::sea_orm::ConnectionTrait::query_one_raw({on}, {}).await? {{ \
             ::core::option::Option::Some(row) => row.try_get::<i64>(\"\", {COUNT_COLUMN:?})?, \
             ::core::option::Option::None => 0 }})",
            statement(q, on)
        )
    }

    fn miss(&self, q: &Query<'_>) -> String {
        format!(
            "match ::sea_orm::ConnectionTrait::query_one_raw(db, {}).await? {{ \
             ::core::option::Option::Some(row) => ::core::option::Option::Some((row.try_get::<::std::string::String>(\"\", {OUTCOME_COLUMN:?})?, {})), \
             ::core::option::Option::None => ::core::option::Option::None }}",
            statement(q, "db"),
            row(q.table, "&row")
        )
    }

    /// sea-orm gives the driver's message, which names the index.
    fn unique_violation(&self, v: &Violation<'_>) -> String {
        format!(
            "::core::result::Result::Err(ref e) if matches!(e.sql_err(), \
             ::core::option::Option::Some(::sea_orm::SqlErr::UniqueConstraintViolation(ref message)) \
             if message.contains({:?}) || message.contains({:?}) || message.contains({:?}))",
            format!("\"{}\"", v.constraint),
            v.mysql_key,
            v.sqlite_columns
        )
    }

    /// Nested in the caller's transaction, sea-orm uses a savepoint.
    fn in_transaction(&self, body: &str, ty: &str) -> String {
        transaction_block(
            "let tx = ::sea_orm::TransactionTrait::begin(db).await?;",
            "::sea_orm::TransactionSession::commit(tx).await?;",
            body,
            ty,
        )
    }

    fn live_fetch(&self, sql: &str, tx: bool) -> String {
        let on = on(tx);
        format!(
            "::sea_orm::ConnectionTrait::query_all_raw({on}, ::sea_orm::Statement::from_string(\
             ::sea_orm::ConnectionTrait::get_database_backend({on}), {sql})).await\
             .and_then(|rows| rows.iter().map(|row| row.try_get::<::std::string::String>(\"\", \"line\"))\
             .collect::<::core::result::Result<::std::vec::Vec<_>, ::sea_orm::DbErr>>())"
        )
    }

    fn live_batch(&self, sql: &str, tx: bool) -> String {
        format!(
            "::sea_orm::ConnectionTrait::execute_unprepared({}, {sql}).await",
            on(tx)
        )
    }

    fn live_begin(&self, immediate: bool, map: &str) -> String {
        if immediate {
            format!(
                "let tx = ::sea_orm::TransactionTrait::begin_with_options(db, ::sea_orm::TransactionOptions {{ \
                 sqlite_transaction_mode: ::core::option::Option::Some(::sea_orm::SqliteTransactionMode::Immediate), \
                 ..::core::default::Default::default() }}).await.map_err({map})?;"
            )
        } else {
            format!("let tx = ::sea_orm::TransactionTrait::begin(db).await.map_err({map})?;")
        }
    }

    fn live_commit(&self) -> String {
        "::sea_orm::TransactionSession::commit(tx).await".to_owned()
    }

    fn live_rollback(&self) -> String {
        "let _ = ::sea_orm::TransactionSession::rollback(tx).await;".to_owned()
    }
}

/// The connection of a statement: the method's, or the operation's
/// transaction.
fn on(tx: bool) -> &'static str {
    if tx { "&tx" } else { "db" }
}

/// sea-orm's statement of the query, for the backend of `on`.
fn statement(q: &Query<'_>, on: &str) -> String {
    format!(
        "::sea_orm::Statement::from_sql_and_values(::sea_orm::ConnectionTrait::get_database_backend({on}), {}, [{}])",
        q.sql,
        q.values.join(", ")
    )
}

/// The row `result` (a `&QueryResult`) holds, read through the entity's
/// `Model`: `Self`, or the error out.
fn row(table: &Table, result: &str) -> String {
    format!(
        "Self::from(<{}::Model as ::sea_orm::FromQueryResult>::from_query_result({result}, \"\")?)",
        table.short_name()
    )
}

/// The `sea_orm::Value` an operation's statement binds for `source`, a
/// value of `column` (`None`: a number of seconds): the value itself, or,
/// for a field sea-orm binds only through JSON, its JSON.
fn value(
    schema: &Schema,
    table: &Table,
    column: Option<&Column>,
    types: &RustTypes<'_>,
    source: Source<'_>,
) -> String {
    let json = column.is_some_and(|column| {
        let ty = types.of(table, column);
        binding(schema.dialect(), column, ty) == Binding::Json
            && !is_path(ty, &["serde_json", "Value"])
    });
    if !json {
        return match source {
            Source::Seconds(name) => format!("::sea_orm::Value::from({name})"),
            Source::OptRef(name) => {
                format!("::sea_orm::Value::from({name}.map(::std::borrow::ToOwned::to_owned))")
            }
            source => format!(
                "::sea_orm::Value::from(::std::borrow::ToOwned::to_owned({}))",
                source.reference()
            ),
        };
    }
    let to_json = |value: &str| {
        format!(
            "::sea_orm::Value::Json(::core::option::Option::Some(::std::boxed::Box::new(\
             ::serde_json::to_value({value}).map_err(|e| ::sea_orm::DbErr::Json(::std::string::ToString::to_string(&e)))?)))"
        )
    };
    let option = match source {
        Source::Field { nullable: true, .. } => format!("{}.as_ref()", source.place()),
        Source::OptRef(name) => name.to_owned(),
        source => return to_json(&source.reference()),
    };
    format!(
        "match {option} {{ ::core::option::Option::Some(value) => {}, \
         ::core::option::Option::None => ::sea_orm::Value::Json(::core::option::Option::None) }}",
        to_json("value")
    )
}

/// How a column's value is held in the `Model`.
enum Field {
    /// As in the row.
    Same,
    /// In the JSON newtype numbered so.
    Json(usize),
}

/// The name of the JSON newtype numbered `n`.
fn json_type(n: usize) -> String {
    format!("AttestoSeaOrmJson{n}")
}

/// The name of the alias of the host's type of `table.column`.
fn alias(table: &Table, column: &Column) -> String {
    format!("__AttestoSeaOrm_{}_{}", table.short_name(), column.name())
}

fn generate(code: &mut Code, schema: &Schema, types: &RustTypes<'_>) {
    let dialect = schema.dialect();
    // The field types sea-orm gets through JSON, one newtype each.
    let mut wrapped: Vec<(String, RustType<'_>)> = Vec::new();
    let mut fields: Vec<Vec<Field>> = Vec::new();
    for table in schema.tables() {
        let mut table_fields = Vec::new();
        for column in schema.columns(table) {
            let ty = types.of(table, &column);
            let json = binding(dialect, &column, ty) == Binding::Json
                && !is_path(ty, &["serde_json", "Value"]);
            if !json {
                table_fields.push(Field::Same);
                continue;
            }
            let key = type_key(ty);
            let n = match wrapped.iter().position(|(k, _)| *k == key) {
                Some(n) => n,
                None => {
                    wrapped.push((key, ty));
                    wrapped.len() - 1
                }
            };
            table_fields.push(Field::Json(n));
        }
        fields.push(table_fields);
    }
    for (n, (_, ty)) in wrapped.iter().enumerate() {
        json_newtype(code, n, *ty);
    }
    for (table, fields) in schema.tables().into_iter().zip(&fields) {
        entity(code, schema, table, types, fields);
    }
}

/// The JSON newtype numbered `n`, around `ty`, with the traits sea-orm
/// needs of a column's type.
fn json_newtype(code: &mut Code, n: usize, ty: RustType<'_>) {
    let name = json_type(n);
    let mut inner = Code::default();
    field_type(&mut inner, ty, false);
    let doc = format!(
        " `{}` as sea-orm binds and reads it: as JSON, through serde_json.",
        inner.render()
    );
    let _ = write!(
        code,
        "#[doc = {}]\n#[derive(Debug, Clone, PartialEq)]\npub struct {name}",
        str_literal(&doc)
    );
    let mut field = Code::default();
    field.push_str("/// The value.\npub ");
    field_type(&mut field, ty, false);
    code.group(proc_macro2::Delimiter::Parenthesis, field);
    let _ = write!(
        code,
        r#";
        impl ::core::convert::From<{name}> for ::sea_orm::Value {{
            fn from(value: {name}) -> Self {{
                // Serialising a value that deserialised is not expected to fail; sea-orm's
                // own JSON types make the same assumption, as `From` cannot fail.
                let json = ::serde_json::to_value(&value.0)
                    .expect("attesto: a JSON column's value that serde_json cannot serialise");
                ::sea_orm::Value::Json(::core::option::Option::Some(::std::boxed::Box::new(json)))
            }}
        }}
        impl ::sea_orm::sea_query::ValueType for {name} {{
            fn try_from(value: ::sea_orm::Value) -> ::core::result::Result<Self, ::sea_orm::sea_query::ValueTypeErr> {{
                match value {{
                    ::sea_orm::Value::Json(::core::option::Option::Some(json)) => ::serde_json::from_value(*json)
                        .map({name})
                        .map_err(|_| ::sea_orm::sea_query::ValueTypeErr),
                    _ => ::core::result::Result::Err(::sea_orm::sea_query::ValueTypeErr),
                }}
            }}
            fn type_name() -> ::std::string::String {{
                ::std::string::String::from({type_name})
            }}
            fn array_type() -> ::sea_orm::sea_query::ArrayType {{
                ::sea_orm::sea_query::ArrayType::Json
            }}
            fn column_type() -> ::sea_orm::sea_query::ColumnType {{
                ::sea_orm::sea_query::ColumnType::Json
            }}
        }}
        impl ::sea_orm::sea_query::Nullable for {name} {{
            fn null() -> ::sea_orm::Value {{
                ::sea_orm::Value::Json(::core::option::Option::None)
            }}
        }}
        impl ::sea_orm::TryGetable for {name} {{
            fn try_get_by<I: ::sea_orm::ColIdx>(
                res: &::sea_orm::QueryResult,
                index: I,
            ) -> ::core::result::Result<Self, ::sea_orm::TryGetError> {{
                let json = <::serde_json::Value as ::sea_orm::TryGetable>::try_get_by(res, index)?;
                ::serde_json::from_value(json).map({name}).map_err(|e| {{
                    ::sea_orm::TryGetError::DbErr(::sea_orm::DbErr::Json(::std::string::ToString::to_string(&e)))
                }})
            }}
        }}
        impl ::sea_orm::IntoActiveValue<{name}> for {name} {{
            fn into_active_value(self) -> ::sea_orm::ActiveValue<{name}> {{
                ::sea_orm::ActiveValue::Set(self)
            }}
        }}
"#,
        type_name = str_literal(&name),
    );
}

/// The entity module of `table`.
fn entity(
    code: &mut Code,
    schema: &Schema,
    table: &Table,
    types: &RustTypes<'_>,
    fields: &[Field],
) {
    let columns = schema.columns(table);
    let row = table.row_name();
    // The host's types, named where the host wrote them.
    for column in &columns {
        if let RustType::Host(tokens) = types.of(table, column) {
            let _ = write!(
                code,
                "#[doc(hidden)]\n#[allow(non_camel_case_types)]\npub type {} = ",
                alias(table, column)
            );
            code.tokens(tokens);
            code.push_str(";\n");
        }
    }
    let key = table.key();
    let name = schema.table_name(table);
    let module_doc = format!(
        " The sea-orm entity of `{name}`: {}{}",
        table.description(),
        if schema.primary_key(table).is_empty() {
            format!(
                "\n\n The table has no primary key; the entity's is `{}`, its unique key.",
                key.join("`, `")
            )
        } else {
            String::new()
        }
    );
    let _ = write!(
        code,
        "#[doc = {}]\npub mod {} {{\n\
         use ::sea_orm::entity::prelude::*;\n\
         #[doc = {}]\n\
         #[derive(Clone, Debug, PartialEq, ::sea_orm::DeriveEntityModel)]\n\
         #[sea_orm(table_name = {})]\n\
         pub struct Model {{\n",
        str_literal(&module_doc),
        table.short_name(),
        str_literal(&format!(
            " A row of `{name}` as sea-orm reads and writes it; converts to and from \
             [`super::{row}`] without loss."
        )),
        str_literal(&name),
    );
    for (column, field) in columns.iter().zip(fields) {
        if key.contains(&column.name()) {
            code.push_str("#[sea_orm(primary_key, auto_increment = false)]\n");
        }
        let ty = match (field, types.of(table, column)) {
            (Field::Json(n), _) => format!("super::{}", json_type(*n)),
            (Field::Same, RustType::Host(_)) => format!("super::{}", alias(table, column)),
            // The expansion's own types, from the entity's module.
            (Field::Same, ty @ RustType::Default(name)) if is_local(ty) => format!("super::{name}"),
            (Field::Same, RustType::Default(ty)) => ty.to_owned(),
        };
        let ty = if column.is_nullable() {
            format!("::core::option::Option<{ty}>")
        } else {
            ty
        };
        let _ = writeln!(
            code,
            "#[doc = {}]\npub {}: {ty},",
            str_literal(&format!(" `{}`", column.name())),
            column.name()
        );
    }
    code.push_str("}\n");

    // Model <-> row, and row -> ActiveModel with every column set.
    let mut into_model = String::new();
    let mut into_row = String::new();
    let mut set = String::new();
    for (column, field) in columns.iter().zip(fields) {
        let c = column.name();
        let (to_model, to_row) = match (field, column.is_nullable()) {
            (Field::Same, _) => (format!("row.{c}"), format!("model.{c}")),
            (Field::Json(n), false) => (
                format!("super::{}(row.{c})", json_type(*n)),
                format!("model.{c}.0"),
            ),
            (Field::Json(n), true) => (
                format!("row.{c}.map(super::{})", json_type(*n)),
                format!("model.{c}.map(|json| json.0)"),
            ),
        };
        let _ = writeln!(into_model, "{c}: {to_model},");
        let _ = writeln!(into_row, "{c}: {to_row},");
        let _ = writeln!(set, "{c}: ::sea_orm::ActiveValue::Set(model.{c}),");
    }
    let _ = write!(
        code,
        r#"
        /// No relations: the tables refer to each other by value only, as upstream's do.
        #[derive(Copy, Clone, Debug, ::sea_orm::EnumIter, ::sea_orm::DeriveRelation)]
        pub enum Relation {{}}

        impl ::sea_orm::ActiveModelBehavior for ActiveModel {{}}

        impl ::core::convert::From<super::{row}> for Model {{
            fn from(row: super::{row}) -> Self {{
                Self {{
                    {into_model}
                }}
            }}
        }}

        impl ::core::convert::From<Model> for super::{row} {{
            fn from(model: Model) -> Self {{
                Self {{
                    {into_row}
                }}
            }}
        }}

        /// Every column set, for an insert of the whole row.
        impl ::core::convert::From<super::{row}> for ActiveModel {{
            fn from(row: super::{row}) -> Self {{
                let model = Model::from(row);
                Self {{
                    {set}
                }}
            }}
        }}
        }}
"#
    );
}
