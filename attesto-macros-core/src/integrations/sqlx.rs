//! sqlx 0.9: `FromRow` by column name, and queries that bind themselves.
//! The code names only sqlx's core API, so the host needs neither its
//! `derive` nor its `macros` feature.

use std::fmt::Write as _;

use attesto_schema::{Dialect, Schema, Table};

use super::{Binding, binding, key_params};
use crate::code::{Code, str_literal};
use crate::expand::rows::field_type;
use crate::types::RustTypes;

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
    let name = schema.table_name(table);
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

    // The statements, bound.
    let _ = write!(
        code,
        r#"
        impl {row} {{
            /// [`Self::INSERT_SQL`] with every column of this row bound, in [`Self::COLUMNS`]
            /// order: `row.insert().execute(&pool).await?`. A timestamp with more precision
            /// than its column keeps makes the query fail, naming the column.
            pub fn insert(&self) -> ::sqlx::query::Query<'static, {db}, {args}> {{
                ::sqlx::query(Self::INSERT_SQL)
"#
    );
    for column in &columns {
        let c = column.name();
        let value = match (
            binding(dialect, column, types.of(table, column)),
            column.is_nullable(),
        ) {
            (Binding::Json, false) => format!("::sqlx::types::Json(&self.{c})"),
            (Binding::Json, true) => format!("self.{c}.as_ref().map(::sqlx::types::Json)"),
            (Binding::Timestamp(precision), _) => format!(
                "__AttestoSqlxTimestamp {{ value: &self.{c}, unit: {}, refusal: {} }}",
                precision.unit(),
                str_literal(&precision.message(&name, c))
            ),
            (Binding::Plain, _) => format!("&self.{c}"),
        };
        let _ = writeln!(code, ".bind({value})");
    }
    code.push_str("}\n");

    let key = super::key_doc(table);
    let _ = write!(
        code,
        "/// [`Self::SELECT_BY_KEY_SQL`] bound to the key ({key}): \
         `{row}::select_by_key(..).fetch_one(&pool).await?`.\n\
         pub fn select_by_key<'q>("
    );
    let names = key_params(code, schema, table, types, "'q");
    let _ = write!(
        code,
        ") -> ::sqlx::query::QueryAs<'q, {db}, Self, {args}> {{\n::sqlx::query_as(Self::SELECT_BY_KEY_SQL)"
    );
    for name in &names {
        let _ = write!(code, ".bind({name})");
    }
    let _ = write!(
        code,
        "\n}}\n/// [`Self::DELETE_BY_KEY_SQL`] bound to the key ({key}).\npub fn delete_by_key<'q>("
    );
    key_params(code, schema, table, types, "'q");
    let _ = write!(
        code,
        ") -> ::sqlx::query::Query<'q, {db}, {args}> {{\n::sqlx::query(Self::DELETE_BY_KEY_SQL)"
    );
    for name in &names {
        let _ = write!(code, ".bind({name})");
    }
    code.push_str("\n}\n");
    if let Some(expires) = columns.iter().find(|c| c.name() == "expires_at") {
        code.push_str(
            "/// [`Self::DELETE_EXPIRED_SQL`] bound to `now`: deletes every row that expired before it.\n\
             pub fn delete_expired(now: ",
        );
        field_type(code, types.of(table, expires), false);
        let _ = write!(
            code,
            ") -> ::sqlx::query::Query<'static, {db}, {args}> {{\n::sqlx::query(Self::DELETE_EXPIRED_SQL).bind(now)\n}}\n"
        );
    }
    code.push_str("}\n");
}
