//! sqlx 0.9: `FromRow` by column name, and queries that bind themselves.
//! The code names only sqlx's core API, so the host needs neither its
//! `derive` nor its `macros` feature.

use std::fmt::Write as _;

use attesto_schema::{Dialect, Schema, Table};
use proc_macro2::Delimiter;

use super::value::Source;
use super::{Binding, binding, field_values, key_params};
use crate::code::{Code, str_literal};
use crate::types::{RustTypes, field_type};

/// The paths of the dialect's sqlx types: database, row.
fn paths(dialect: Dialect) -> (&'static str, &'static str) {
    match dialect {
        Dialect::Postgres => ("::sqlx::Postgres", "::sqlx::postgres::PgRow"),
        Dialect::Sqlite => ("::sqlx::Sqlite", "::sqlx::sqlite::SqliteRow"),
        Dialect::Mysql => ("::sqlx::MySql", "::sqlx::mysql::MySqlRow"),
    }
}

pub fn generate(code: &mut Code, schema: &Schema, types: &RustTypes<'_>) {
    let (db, _) = paths(schema.dialect());
    let _ = write!(
        code,
        r#"
        /// A timestamp bound by the generated sqlx code: refused, with a message naming its
        /// column, when it has more precision than the column keeps.
        #[doc(hidden)]
        pub struct __AttestoSqlxTimestamp<'a, T> {{
            value: &'a T,
            unit: u32,
            refusal: &'static str,
        }}
        impl<T: ::sqlx::Type<{db}>> ::sqlx::Type<{db}> for __AttestoSqlxTimestamp<'_, T> {{
            fn type_info() -> <{db} as ::sqlx::Database>::TypeInfo {{
                T::type_info()
            }}
            fn compatible(ty: &<{db} as ::sqlx::Database>::TypeInfo) -> bool {{
                T::compatible(ty)
            }}
        }}
        impl<'q, T> ::sqlx::Encode<'q, {db}> for __AttestoSqlxTimestamp<'_, T>
        where
            T: ::sqlx::Encode<'q, {db}> + AttestoTimestamp,
        {{
            fn encode_by_ref(
                &self,
                buf: &mut <{db} as ::sqlx::Database>::ArgumentBuffer,
            ) -> ::core::result::Result<::sqlx::encode::IsNull, ::sqlx::error::BoxDynError> {{
                if self.value.attesto_subsec_nanos() % self.unit != 0 {{
                    return ::core::result::Result::Err(self.refusal.into());
                }}
                self.value.encode_by_ref(buf)
            }}
        }}
"#
    );
    for table in schema.tables() {
        table_glue(code, schema, table, types);
    }
}

fn table_glue(code: &mut Code, schema: &Schema, table: &Table, types: &RustTypes<'_>) {
    let dialect = schema.dialect();
    let (db, row_type) = paths(dialect);
    let row = table.row_name();
    let columns = schema.columns(table);
    let args = format!("<{db} as ::sqlx::Database>::Arguments");

    // FromRow, column by column, by name.
    let _ = write!(
        code,
        "impl<'r> ::sqlx::FromRow<'r, {row_type}> for {row} {{\n\
         fn from_row(row: &'r {row_type}) -> ::core::result::Result<Self, ::sqlx::Error> {{\n\
         ::core::result::Result::Ok(Self {{\n"
    );
    for column in &columns {
        let c = column.name();
        let read = match (
            binding(dialect, column, types.of(table, column)),
            column.is_nullable(),
        ) {
            (Binding::Json, false) => {
                format!("::sqlx::Row::try_get::<::sqlx::types::Json<_>, _>(row, {c:?})?.0")
            }
            (Binding::Json, true) => format!(
                "::sqlx::Row::try_get::<::core::option::Option<::sqlx::types::Json<_>>, _>(row, {c:?})?.map(|json| json.0)"
            ),
            _ => format!("::sqlx::Row::try_get(row, {c:?})?"),
        };
        let _ = writeln!(code, "{c}: {read},");
    }
    code.push_str("})\n}\n}\n");

    // The statements, bound. The impl block and the parameter lists are
    // groups: a host's type may stand in them, and text between host tokens
    // must balance its delimiters.
    let mut methods = Code::default();
    let _ = write!(
        methods,
        r#"
            /// [`Self::INSERT_SQL`] with every column of this row bound, in [`Self::COLUMNS`]
            /// order: `row.insert().execute(&pool).await?`. A timestamp with more precision
            /// than its column keeps makes the query fail, naming the column.
            pub fn insert(&self) -> ::sqlx::query::Query<'static, {db}, {args}> {{
                ::sqlx::query(Self::INSERT_SQL)
"#
    );
    for bound in field_values(schema, table, types, value) {
        let _ = writeln!(methods, ".bind({bound})");
    }
    methods.push_str("}\n");

    let key = super::key_doc(table);
    let _ = write!(
        methods,
        "/// [`Self::SELECT_BY_KEY_SQL`] bound to the key ({key}): \
         `{row}::select_by_key(..).fetch_one(&pool).await?`.\n\
         pub fn select_by_key<'q>"
    );
    let mut params = Code::default();
    let names = key_params(&mut params, schema, table, types, "'q");
    methods.group(Delimiter::Parenthesis, params);
    let _ = write!(
        methods,
        " -> ::sqlx::query::QueryAs<'q, {db}, Self, {args}> {{\n::sqlx::query_as(Self::SELECT_BY_KEY_SQL)"
    );
    for name in &names {
        let _ = write!(methods, ".bind({name})");
    }
    let _ = write!(
        methods,
        "\n}}\n/// [`Self::DELETE_BY_KEY_SQL`] bound to the key ({key}).\npub fn delete_by_key<'q>"
    );
    let mut params = Code::default();
    key_params(&mut params, schema, table, types, "'q");
    methods.group(Delimiter::Parenthesis, params);
    let _ = write!(
        methods,
        " -> ::sqlx::query::Query<'q, {db}, {args}> {{\n::sqlx::query(Self::DELETE_BY_KEY_SQL)"
    );
    for name in &names {
        let _ = write!(methods, ".bind({name})");
    }
    methods.push_str("\n}\n");
    if let Some(expires) = columns.iter().find(|c| c.name() == "expires_at") {
        methods.push_str(
            "/// [`Self::DELETE_EXPIRED_SQL`] bound to `now`: deletes every row that expired before it.\n\
             pub fn delete_expired",
        );
        let mut params = Code::default();
        params.push_str("now: ");
        field_type(&mut params, types.of(table, expires), false);
        methods.group(Delimiter::Parenthesis, params);
        let _ = write!(
            methods,
            " -> ::sqlx::query::Query<'static, {db}, {args}> {{\n::sqlx::query(Self::DELETE_EXPIRED_SQL).bind(now)\n}}\n"
        );
    }
    let _ = write!(code, "impl {row}");
    code.group(Delimiter::Brace, methods);
}

/// The expression sqlx binds for `source`, bound as `binding`; `table`
/// names the column in a refusal.
pub fn value(binding: Binding, source: Source<'_>, table: &str, column: &str) -> String {
    match binding {
        Binding::Json => match source {
            Source::Field {
                column,
                nullable: true,
            } => format!("self.{column}.as_ref().map(::sqlx::types::Json)"),
            Source::OptRef(name) => format!("{name}.map(::sqlx::types::Json)"),
            other => format!("::sqlx::types::Json({})", other.reference()),
        },
        Binding::Timestamp(precision) => format!(
            "__AttestoSqlxTimestamp {{ value: {}, unit: {}, refusal: {} }}",
            source.reference(),
            precision.unit(),
            str_literal(&precision.message(table, column))
        ),
        Binding::Plain => match source {
            Source::OptRef(name) | Source::Seconds(name) => name.to_owned(),
            other => other.reference(),
        },
    }
}
