//! sqlx 0.9: `FromRow` by column name, queries that bind themselves, and
//! the operations on a `Handle`: a pool, or a connection of one (a
//! `PoolConnection`, a `Transaction` or a plain connection), of any dialect
//! of the invocation. The code names only sqlx's core API, so the host
//! needs neither its `derive` nor its `macros` feature.
//!
//! The methods take the connection as a concrete enum, not as sqlx's
//! generic `Acquire`: a future that holds `<A as Acquire<'c>>::Connection`
//! across an `.await` is not `Send` for every lifetime the compiler must
//! prove it for (rust-lang/rust#64552), so a method generic over `Acquire`
//! could not be called in `tokio::spawn` or an axum handler on a
//! transaction.

use std::fmt::Write as _;

use attesto_schema::{Backend, OUTCOME_COLUMN, Schema, Table};
use proc_macro2::{Delimiter, TokenStream};

use super::driver::{
    Bound, Driver, Feature, FeatureGraph, Query, Signature, Uses, Violation, transaction_block,
};
use super::value::Source;
use super::{Binding, binding, field_values, key_params};
use crate::args::path_segments;
use crate::code::{Code, str_literal};
use crate::expand::dialects::Dialects;
use crate::types::RustTypes;

/// sqlx.
pub struct Sqlx;

impl Driver for Sqlx {
    fn name(&self) -> &'static str {
        "sqlx"
    }

    fn supports(&self, _backend: Backend) -> bool {
        true
    }

    fn dependency(&self, backend: Backend) -> String {
        format!(
            "sqlx = {{ version = \"0.9\", features = [\"runtime-tokio\", \"{}\", \"chrono\", \"uuid\", \"json\"] }}",
            feature(backend)
        )
    }

    fn feature_graph(&self) -> FeatureGraph {
        FeatureGraph {
            release: "0.9",
            defaults: &["any", "macros", "migrate", "json"],
            implies: &[
                ("all-databases", &["mysql", "sqlite", "postgres", "any"]),
                ("sqlite", &["sqlite-bundled"]),
                ("sqlite-bundled", &["_sqlite"]),
                ("sqlite-unbundled", &["_sqlite"]),
                ("mysql-rsa", &["mysql"]),
                ("_unstable-all-types", &["json", "chrono", "uuid"]),
                ("_unstable-docs", &["all-databases", "_unstable-all-types"]),
            ],
        }
    }

    fn features(&self, backend: Backend, uses: Uses) -> Vec<Feature> {
        let mut needed = vec![match backend {
            Backend::Postgres => Feature::plain("postgres"),
            // `sqlite`, `sqlite-bundled` or `sqlite-unbundled`.
            Backend::Sqlite => Feature {
                add: "sqlite",
                satisfied_by: "_sqlite",
            },
            Backend::Mysql => Feature::plain("mysql"),
        }];
        for (on, feature) in [
            (uses.chrono, "chrono"),
            (uses.uuid, "uuid"),
            (uses.json, "json"),
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
        true
    }

    fn refused_derive(&self, derive: &TokenStream) -> Option<String> {
        let segments = path_segments(derive);
        segments.last().is_some_and(|s| s == "FromRow").then(|| {
            "integrations(sqlx) writes `FromRow` for every row struct (by column name); remove this derive"
                .to_owned()
        })
    }

    fn glue(
        &self,
        code: &mut Code,
        layout: &Dialects<'_>,
        types: &RustTypes<'_>,
        _: &[&dyn Driver],
    ) {
        generate(code, layout, types);
    }

    fn several_dialects(&self) -> bool {
        true
    }

    fn handle(&self, code: &mut Code, layout: &Dialects<'_>) {
        super::sqlx_handle::handle(code, layout);
    }

    fn pools(&self, code: &mut Code, layout: &Dialects<'_>, path: &str) {
        super::sqlx_handle::pools(code, layout, path);
    }

    fn dispatch(&self, layout: &Dialects<'_>, arms: &[String], map: Option<&str>) -> String {
        super::sqlx_handle::dispatch(layout, arms, map)
    }

    fn timestamp_glue(&self, code: &mut Code, backend: Backend, name: &str) {
        let (db, _) = paths(backend);
        let _ = write!(
            code,
            r#"
            impl ::sqlx::Type<{db}> for {name} {{
                fn type_info() -> <{db} as ::sqlx::Database>::TypeInfo {{
                    <::chrono::NaiveDateTime as ::sqlx::Type<{db}>>::type_info()
                }}
                fn compatible(ty: &<{db} as ::sqlx::Database>::TypeInfo) -> bool {{
                    <::chrono::NaiveDateTime as ::sqlx::Type<{db}>>::compatible(ty)
                }}
            }}
            impl<'q> ::sqlx::Encode<'q, {db}> for {name} {{
                fn encode_by_ref(
                    &self,
                    buf: &mut <{db} as ::sqlx::Database>::ArgumentBuffer,
                ) -> ::core::result::Result<::sqlx::encode::IsNull, ::sqlx::error::BoxDynError> {{
                    <::chrono::NaiveDateTime as ::sqlx::Encode<'q, {db}>>::encode_by_ref(&self.0, buf)
                }}
            }}
            impl<'r> ::sqlx::Decode<'r, {db}> for {name} {{
                fn decode(
                    value: <{db} as ::sqlx::Database>::ValueRef<'r>,
                ) -> ::core::result::Result<Self, ::sqlx::error::BoxDynError> {{
                    let value = <::chrono::NaiveDateTime as ::sqlx::Decode<'r, {db}>>::decode(value)?;
                    ::core::result::Result::Ok(Self::new(value)?)
                }}
            }}
"#
        );
    }

    fn asynchronous(&self) -> bool {
        true
    }

    fn reborrow(&self) -> &'static str {
        "&mut *conn"
    }

    /// A pool, or a connection of one, of any dialect of the invocation:
    /// one connection for every statement, a pool's or the caller's own
    /// (in a transaction, which `begin` nests as a savepoint).
    fn signature(&self, _backend: Backend) -> Signature {
        Signature {
            generics: String::new(),
            connection: "db: impl IntoHandle<'_>".to_owned(),
            error: "::sqlx::Error".to_owned(),
        }
    }

    fn value(&self, bound: &Bound<'_>) -> String {
        value(bound.binding, bound.source, bound.table_name, bound.label)
    }

    fn exec(&self, q: &Query<'_>) -> String {
        format!(
            "::sqlx::query({}){}.execute({}).await?.rows_affected()",
            q.sql,
            binds(q.values),
            on(q.tx)
        )
    }

    fn try_exec(&self, q: &Query<'_>) -> String {
        format!(
            "::sqlx::query({}){}.execute(&mut *conn).await.map(|done| done.rows_affected())",
            q.sql,
            binds(q.values)
        )
    }

    fn fetch_optional(&self, q: &Query<'_>) -> String {
        format!(
            "::sqlx::query_as::<_, Self>({}){}.fetch_optional({}).await?",
            q.sql,
            binds(q.values),
            on(q.tx)
        )
    }

    fn fetch_all(&self, q: &Query<'_>) -> String {
        format!(
            "::sqlx::query_as::<_, Self>({}){}.fetch_all({}).await?",
            q.sql,
            binds(q.values),
            on(q.tx)
        )
    }

    fn count(&self, q: &Query<'_>) -> String {
        format!(
            "::sqlx::query_scalar::<_, i64>({}){}.fetch_one({}).await?",
            q.sql,
            binds(q.values),
            on(q.tx)
        )
    }

    fn miss(&self, q: &Query<'_>) -> String {
        let (_, row_type) = paths(q.backend);
        format!(
            "match ::sqlx::query({}){}.fetch_optional(&mut *conn).await? {{ \
             ::core::option::Option::Some(row) => ::core::option::Option::Some(( \
             ::sqlx::Row::try_get::<::std::string::String, _>(&row, {OUTCOME_COLUMN:?})?, \
             <Self as ::sqlx::FromRow<'_, {row_type}>>::from_row(&row)?)), \
             ::core::option::Option::None => ::core::option::Option::None }}",
            q.sql,
            binds(q.values)
        )
    }

    fn unique_violation(&self, v: &Violation<'_>) -> String {
        format!(
            "::core::result::Result::Err(::sqlx::Error::Database(e)) if ::sqlx::error::DatabaseError::is_unique_violation(&*e) && \
             (::sqlx::error::DatabaseError::constraint(&*e) == ::core::option::Option::Some({:?}) \
             || ::sqlx::error::DatabaseError::message(&*e).contains({:?}) \
             || ::sqlx::error::DatabaseError::message(&*e).contains({:?}))",
            v.constraint, v.mysql_key, v.sqlite_columns
        )
    }

    fn in_transaction(&self, body: &str, ty: &str) -> String {
        transaction_block(
            "let mut tx = ::sqlx::Connection::begin(&mut *conn).await?;",
            "tx.commit().await?;",
            body,
            ty,
        )
    }

    fn live_fetch(&self, sql: &str, tx: bool) -> String {
        format!(
            "::sqlx::query_scalar::<_, ::std::string::String>({sql}).fetch_all({}).await",
            on(tx)
        )
    }

    fn live_batch(&self, sql: &str, tx: bool) -> String {
        format!("::sqlx::raw_sql({sql}).execute({}).await", on(tx))
    }

    fn in_transaction_if(&self, body: &str, ty: &str, keep: &str) -> String {
        format!(
            "{{ let mut tx = ::sqlx::Connection::begin(&mut *conn).await?; \
             let value: {ty} = {{ {body} }}; \
             if {keep} {{ tx.commit().await?; }} else {{ tx.rollback().await?; }} value }}"
        )
    }

    fn live_begin(&self, immediate: bool, map: &str) -> String {
        if immediate {
            format!(
                "let mut tx = ::sqlx::Connection::begin_with(&mut *conn, \"BEGIN IMMEDIATE\").await.map_err({map})?;"
            )
        } else {
            format!("let mut tx = ::sqlx::Connection::begin(&mut *conn).await.map_err({map})?;")
        }
    }

    fn live_commit(&self) -> String {
        "tx.commit().await".to_owned()
    }

    fn live_rollback(&self) -> String {
        "let _ = tx.rollback().await;".to_owned()
    }
}

/// sqlx's feature of the backend's driver.
fn feature(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "postgres",
        Backend::Sqlite => "sqlite",
        Backend::Mysql => "mysql",
    }
}

/// The executor of a statement: the method's connection, or the
/// operation's transaction.
fn on(tx: bool) -> &'static str {
    if tx { "&mut *tx" } else { "&mut *conn" }
}

/// `.bind(a).bind(b)`.
fn binds(values: &[String]) -> String {
    values.iter().map(|v| format!(".bind({v})")).collect()
}

/// The paths of the backend's sqlx types: database, row.
pub fn paths(backend: Backend) -> (&'static str, &'static str) {
    match backend {
        Backend::Postgres => ("::sqlx::Postgres", "::sqlx::postgres::PgRow"),
        Backend::Sqlite => ("::sqlx::Sqlite", "::sqlx::sqlite::SqliteRow"),
        Backend::Mysql => ("::sqlx::MySql", "::sqlx::mysql::MySqlRow"),
    }
}

/// Every backend of `layout`, each once.
fn backends(layout: &Dialects<'_>) -> Vec<Backend> {
    let mut backends: Vec<Backend> = Vec::new();
    for dialect in layout.dialects() {
        if !backends.contains(&dialect.backend()) {
            backends.push(dialect.backend());
        }
    }
    backends
}

fn generate(code: &mut Code, layout: &Dialects<'_>, types: &RustTypes<'_>) {
    let any = |want: &dyn Fn(Binding) -> bool| {
        layout
            .schemas()
            .iter()
            .any(|schema| super::binds(schema, types, want))
    };
    let timestamps = layout
        .schemas()
        .iter()
        .any(|schema| super::binds_timestamps(schema, types));
    let text = any(&|b| matches!(b, Binding::Text(_)));
    let json = any(&|b| b == Binding::Json);
    if timestamps {
        code.push_str(TIMESTAMP_WRAPPER);
    }
    if text {
        code.push_str(TEXT_WRAPPER);
    }
    if json {
        code.push_str(JSON_WRAPPER);
    }
    for backend in backends(layout) {
        let (db, _) = paths(backend);
        if timestamps {
            timestamp_wrapper(code, db);
        }
        if text {
            text_wrapper(code, db);
        }
        if json {
            json_wrapper(code, db);
        }
    }
    for schema in layout.schemas() {
        for table in schema.tables() {
            from_row(code, schema, table, types);
            if !layout.multi() {
                builders(code, schema, table, types);
            }
        }
    }
}

/// The JSON wrapper's definition, once for every backend.
const JSON_WRAPPER: &str = r#"
        /// A JSON value bound by the generated sqlx code, measured when it was made:
        /// refused, with a message naming its column, when it would not read back.
        #[doc(hidden)]
        pub struct __AttestoSqlxJson<T> {
            value: ::sqlx::types::Json<T>,
            refusal: ::core::option::Option<&'static str>,
        }
"#;

/// The JSON wrapper's impls for `db`.
fn json_wrapper(code: &mut Code, db: &str) {
    let _ = write!(
        code,
        r#"
        impl<T> ::sqlx::Type<{db}> for __AttestoSqlxJson<T>
        where
            ::sqlx::types::Json<T>: ::sqlx::Type<{db}>,
        {{
            fn type_info() -> <{db} as ::sqlx::Database>::TypeInfo {{
                <::sqlx::types::Json<T> as ::sqlx::Type<{db}>>::type_info()
            }}
            fn compatible(ty: &<{db} as ::sqlx::Database>::TypeInfo) -> bool {{
                <::sqlx::types::Json<T> as ::sqlx::Type<{db}>>::compatible(ty)
            }}
        }}
        impl<'q, T> ::sqlx::Encode<'q, {db}> for __AttestoSqlxJson<T>
        where
            ::sqlx::types::Json<T>: ::sqlx::Encode<'q, {db}>,
        {{
            fn encode_by_ref(
                &self,
                buf: &mut <{db} as ::sqlx::Database>::ArgumentBuffer,
            ) -> ::core::result::Result<::sqlx::encode::IsNull, ::sqlx::error::BoxDynError> {{
                match self.refusal {{
                    ::core::option::Option::Some(refusal) => ::core::result::Result::Err(refusal.into()),
                    ::core::option::Option::None => self.value.encode_by_ref(buf),
                }}
            }}
        }}
"#
    );
}

/// The timestamp wrapper's definition, once for every backend.
const TIMESTAMP_WRAPPER: &str = r#"
        /// A timestamp bound by the generated sqlx code: refused, with a message naming its
        /// column, when it has more precision than the column keeps or falls outside years
        /// 1 to 9999.
        #[doc(hidden)]
        pub struct __AttestoSqlxTimestamp<'a, T> {
            value: &'a T,
            unit: u32,
            refusal: &'static str,
            range: &'static str,
        }
"#;

/// The text wrapper's definition, once for every backend.
const TEXT_WRAPPER: &str = r#"
        /// Text bound by the generated sqlx code: refused, with a message naming its
        /// column, when it is longer than the column keeps.
        #[doc(hidden)]
        pub struct __AttestoSqlxText<'a, T: ?::core::marker::Sized> {
            value: &'a T,
            refusal: ::core::option::Option<&'static str>,
        }
"#;

/// The wrapper through which a host's timestamp type is bound, refused
/// when it would not read back.
fn timestamp_wrapper(code: &mut Code, db: &str) {
    let _ = write!(
        code,
        r#"
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
                match __attesto_timestamp_refusal(self.value, self.unit) {{
                    ::core::option::Option::None => self.value.encode_by_ref(buf),
                    ::core::option::Option::Some(__AttestoTimestampRefusal::Precision) => {{
                        ::core::result::Result::Err(self.refusal.into())
                    }}
                    ::core::option::Option::Some(__AttestoTimestampRefusal::Range) => {{
                        ::core::result::Result::Err(self.range.into())
                    }}
                }}
            }}
        }}
"#
    );
}

/// The wrapper through which text is bound where the server would cut a
/// value longer than its column keeps: refused, measured when it was made.
fn text_wrapper(code: &mut Code, db: &str) {
    let _ = write!(
        code,
        r#"
        impl<T: ::sqlx::Type<{db}> + ?::core::marker::Sized> ::sqlx::Type<{db}> for __AttestoSqlxText<'_, T> {{
            fn type_info() -> <{db} as ::sqlx::Database>::TypeInfo {{
                T::type_info()
            }}
            fn compatible(ty: &<{db} as ::sqlx::Database>::TypeInfo) -> bool {{
                T::compatible(ty)
            }}
        }}
        impl<'q, T> ::sqlx::Encode<'q, {db}> for __AttestoSqlxText<'_, T>
        where
            T: ::sqlx::Encode<'q, {db}> + ?::core::marker::Sized,
        {{
            fn encode_by_ref(
                &self,
                buf: &mut <{db} as ::sqlx::Database>::ArgumentBuffer,
            ) -> ::core::result::Result<::sqlx::encode::IsNull, ::sqlx::error::BoxDynError> {{
                match self.refusal {{
                    ::core::option::Option::Some(refusal) => ::core::result::Result::Err(refusal.into()),
                    ::core::option::Option::None => self.value.encode_by_ref(buf),
                }}
            }}
        }}
"#
    );
}

/// `FromRow` of `table`'s row struct for the rows of `schema`'s backend.
fn from_row(code: &mut Code, schema: &Schema, table: &Table, types: &RustTypes<'_>) {
    let dialect = schema.dialect();
    let (_, row_type) = paths(dialect.backend());
    let row = table.row_name();
    let columns = schema.columns(table);

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
}

/// The queries of one row that bind themselves, for an invocation of one
/// dialect: `insert`, `select_by_key`, `delete_by_key`.
fn builders(code: &mut Code, schema: &Schema, table: &Table, types: &RustTypes<'_>) {
    let (db, _) = paths(schema.dialect().backend());
    let row = table.row_name();
    let args = format!("<{db} as ::sqlx::Database>::Arguments");
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
    for bound in field_values(schema, table, types, |b, s, t, c, _| value(b, s, t, c)) {
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
    let _ = write!(code, "impl {row}");
    code.group(Delimiter::Brace, methods);
}

/// The expression sqlx binds for `source`, bound as `binding`; `table`
/// names the column in a refusal.
fn value(binding: Binding, source: Source<'_>, table: &str, column: &str) -> String {
    match binding {
        Binding::Json => {
            // Measured where the value's type is known: the wrapper's
            // `Encode` cannot name serde's trait, which the host's
            // dependencies may not include.
            let json = |value: &str| {
                format!(
                    "{{ let value = {value}; __AttestoSqlxJson {{ refusal: if {} {{ ::core::option::Option::None }} else {{ ::core::option::Option::Some({}) }}, value: ::sqlx::types::Json(value) }} }}",
                    super::json_reads_back("value"),
                    str_literal(&super::json_message(table, column))
                )
            };
            match source {
                Source::Field { nullable: true, .. } => {
                    format!("{}.as_ref().map(|value| {})", source.place(), json("value"))
                }
                Source::OptRef(name) => format!("{name}.map(|value| {})", json("value")),
                other => json(&other.reference()),
            }
        }
        Binding::Timestamp(precision) => format!(
            "__AttestoSqlxTimestamp {{ value: {}, unit: {}, refusal: {}, range: {} }}",
            source.reference(),
            precision.unit(),
            str_literal(&precision.message(table, column)),
            str_literal(&super::range_message(table, column))
        ),
        Binding::Text(limit) => format!(
            // `&str` is what sqlx encodes, not `str`: a reference to the place.
            "__AttestoSqlxText {{ value: &{}, refusal: if {} {{ ::core::option::Option::Some({}) }} else {{ ::core::option::Option::None }} }}",
            source.place(),
            super::too_long(limit, source),
            str_literal(&super::length_message(limit, table, column))
        ),
        Binding::Plain => match source {
            Source::OptRef(name) | Source::Seconds(name) => name.to_owned(),
            other => other.reference(),
        },
    }
}
