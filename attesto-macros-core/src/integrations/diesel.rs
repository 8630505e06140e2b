//! diesel 2.3: a `table!` per table, named after the table without its
//! `attesto_` stem and pointing at the prefixed name with `sql_name`; the
//! row structs derived `Queryable` and `Selectable` for it, checked for the
//! dialect's backend; and `Insertable`, by value and by reference.
//!
//! diesel has SQL types for most columns. Where a field's Rust type has no
//! diesel impl for the column's SQL type (a list of strings stored as JSON
//! text on SQLite, a UUID in a SQLite `BLOB`, a serde type in a JSON
//! column), the expansion declares a SQL type of its own and reads it into
//! the field type: a trait impl for a foreign type is only allowed when
//! one of its types is local, and the SQL type is. Writing needs more:
//! diesel's blanket `AsExpression` impl rules out one for a foreign type,
//! so such a value is bound through [`BIND`], a local wrapper, and the
//! `Insertable` impls, by value and by reference, are written here rather
//! than derived.

use std::fmt::Write as _;

use attesto_schema::{
    Backend, COUNT_COLUMN, Column, Dialect, LogicalType, OUTCOME_COLUMN, Role, Schema, Table,
};

use super::driver::{Bound, Driver, Feature, FeatureGraph, Query, Signature, Uses, Violation};
use super::value::Source;
use super::{Binding, binding, is_path};
use crate::code::{Code, str_literal};
use crate::expand::dialects::Dialects;
use crate::types::{RustType, RustTypes, field_type, type_key};

/// The SQL type of the JSON columns whose field is a serde type of its own:
/// written as JSON text, read back with serde_json.
const JSON_TYPE: &str = "AttestoDieselJson";

/// The SQL type of a UUID stored as 16 bytes (SQLite's `BLOB`, MySQL's
/// `binary(16)`), which diesel maps to `uuid::Uuid` only on PostgreSQL.
const UUID_TYPE: &str = "AttestoDieselUuid";

/// The wrapper through which a value of a column of the expansion's own
/// SQL type is bound, e.g. `id.eq(AttestoBind(&id))` for a UUID on SQLite.
const BIND: &str = "AttestoBind";

/// diesel: the operations over `&mut` the backend's connection (e.g.
/// `PgConnection`), running the statements with `sql_query`.
pub struct Diesel;

impl Driver for Diesel {
    fn name(&self) -> &'static str {
        "diesel"
    }

    fn supports(&self, _backend: Backend) -> bool {
        true
    }

    fn dependency(&self, backend: Backend) -> String {
        format!(
            "diesel = {{ version = \"2.3\", features = [\"{}\", \"chrono\", \"uuid\", \"serde_json\"] }}",
            match backend {
                Backend::Postgres => "postgres",
                Backend::Sqlite => "sqlite",
                Backend::Mysql => "mysql",
            }
        )
    }

    fn feature_graph(&self) -> FeatureGraph {
        FeatureGraph {
            release: "2",
            defaults: &["with-deprecated", "32-column-tables"],
            implies: &[],
        }
    }

    /// A UUID outside PostgreSQL, and a JSON value of a host's type, go
    /// through the expansion's own SQL types, which need no feature.
    fn features(&self, backend: Backend, uses: Uses) -> Vec<Feature> {
        let mut needed = vec![Feature::plain(match backend {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
            Backend::Mysql => "mysql",
        })];
        let uuid = uses.uuid && backend == Backend::Postgres;
        for (on, feature) in [
            (uses.chrono, "chrono"),
            (uuid, "uuid"),
            (uses.json_value, "serde_json"),
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

    fn row_attributes(&self, code: &mut Code, schema: &Schema, table: &Table) {
        row_attributes(code, schema, table);
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

    fn timestamp_glue(&self, code: &mut Code, backend: Backend, name: &str) {
        let sql = match backend {
            Backend::Mysql => "::diesel::sql_types::Datetime",
            Backend::Postgres | Backend::Sqlite => "::diesel::sql_types::Timestamp",
        };
        let db = backend_type(backend);
        for target in [
            sql.to_owned(),
            format!("::diesel::sql_types::Nullable<{sql}>"),
        ] {
            for (generics, ty) in [("", name.to_owned()), ("<'__a>", format!("&'__a {name}"))] {
                let _ = write!(
                    code,
                    "impl{generics} ::diesel::expression::AsExpression<{target}> for {ty} {{\n\
                     type Expression = ::diesel::internal::derives::as_expression::Bound<{target}, Self>;\n\
                     fn as_expression(self) -> Self::Expression {{\n\
                     ::diesel::internal::derives::as_expression::Bound::new(self)\n\
                     }}\n}}\n"
                );
            }
            let _ = write!(
                code,
                "impl ::diesel::serialize::ToSql<{target}, {db}> for {name} {{\n\
                 fn to_sql<'__b>(&'__b self, out: &mut ::diesel::serialize::Output<'__b, '_, {db}>) -> ::diesel::serialize::Result {{\n\
                 <::chrono::NaiveDateTime as ::diesel::serialize::ToSql<{sql}, {db}>>::to_sql(&self.0, out)\n\
                 }}\n}}\n"
            );
        }
        let _ = write!(
            code,
            "impl ::diesel::deserialize::FromSql<{sql}, {db}> for {name} {{\n\
             fn from_sql(value: <{db} as ::diesel::backend::Backend>::RawValue<'_>) -> ::diesel::deserialize::Result<Self> {{\n\
             let value = <::chrono::NaiveDateTime as ::diesel::deserialize::FromSql<{sql}, {db}>>::from_sql(value)?;\n\
             ::core::result::Result::Ok(Self::new(value)?)\n\
             }}\n}}\n\
             impl ::diesel::deserialize::Queryable<{sql}, {db}> for {name} {{\n\
             type Row = Self;\n\
             fn build(row: Self) -> ::diesel::deserialize::Result<Self> {{\n\
             ::core::result::Result::Ok(row)\n\
             }}\n}}\n"
        );
    }

    fn asynchronous(&self) -> bool {
        false
    }

    fn support(&self, code: &mut Code, schema: &Schema) {
        support(code, schema);
    }

    fn reborrow(&self) -> &'static str {
        "&mut *db"
    }

    fn signature(&self, backend: Backend) -> Signature {
        let connection = match backend {
            Backend::Postgres => "::diesel::pg::PgConnection",
            Backend::Sqlite => "::diesel::sqlite::SqliteConnection",
            Backend::Mysql => "::diesel::mysql::MysqlConnection",
        };
        Signature {
            generics: String::new(),
            connection: format!("db: &mut {connection}"),
            error: "::diesel::result::Error".to_owned(),
        }
    }

    /// The value, after the refusal of one that would not read back.
    fn value(&self, bound: &Bound<'_>) -> String {
        let guard = super::guard(
            bound.binding,
            bound.source,
            bound.table_name,
            bound.label,
            &|message| {
                format!(
                    "::diesel::result::Error::SerializationError(::std::boxed::Box::from({message}))"
                )
            },
        );
        bind(
            bound.schema,
            bound.table,
            bound.column,
            bound.types,
            bound.source,
            &guard,
        )
    }

    fn exec(&self, q: &Query<'_>) -> String {
        format!(
            "(::diesel::RunQueryDsl::execute({}, {})? as u64)",
            query(q),
            on(q.tx)
        )
    }

    fn try_exec(&self, q: &Query<'_>) -> String {
        format!(
            "::diesel::RunQueryDsl::execute({}, db).map(|n| n as u64)",
            query(q)
        )
    }

    fn fetch_optional(&self, q: &Query<'_>) -> String {
        format!(
            "::diesel::OptionalExtension::optional(::diesel::RunQueryDsl::get_result::<Self>({}, {}))?",
            query(q),
            on(q.tx)
        )
    }

    fn fetch_all(&self, q: &Query<'_>) -> String {
        format!(
            "::diesel::RunQueryDsl::load::<Self>({}, {})?",
            query(q),
            on(q.tx)
        )
    }

    fn count(&self, q: &Query<'_>) -> String {
        format!(
            "::diesel::RunQueryDsl::get_result::<{COUNT}>({}, {})?.{COUNT_COLUMN}",
            query(q),
            on(q.tx)
        )
    }

    fn miss(&self, q: &Query<'_>) -> String {
        format!(
            "::diesel::OptionalExtension::optional(::diesel::RunQueryDsl::get_result::<{}>({}, db))?\
             .map(|miss| (miss.{OUTCOME_COLUMN}, miss.row))",
            miss_type(q.table),
            query(q)
        )
    }

    fn unique_violation(&self, v: &Violation<'_>) -> String {
        format!(
            "::core::result::Result::Err(::diesel::result::Error::DatabaseError(::diesel::result::DatabaseErrorKind::UniqueViolation, ref info)) \
             if info.constraint_name() == ::core::option::Option::Some({:?}) \
             || info.message().contains({:?}) \
             || info.message().contains({:?})",
            v.constraint, v.mysql_key, v.sqlite_columns
        )
    }

    /// diesel's transaction is a closure; nested in the caller's
    /// transaction, it is a savepoint.
    fn in_transaction(&self, body: &str, ty: &str) -> String {
        format!(
            "::diesel::Connection::transaction::<{ty}, ::diesel::result::Error, _>(db, |tx| ::core::result::Result::Ok({{ {body} }}))?"
        )
    }

    fn live_fetch(&self, sql: &str, _tx: bool) -> String {
        format!(
            "::diesel::RunQueryDsl::load::<{MODULE}::Line>(::diesel::sql_query({sql}), db)\
             .map(|rows| rows.into_iter().map(|row| row.line).collect::<::std::vec::Vec<::std::string::String>>())"
        )
    }

    fn live_batch(&self, sql: &str, _tx: bool) -> String {
        format!("::diesel::connection::SimpleConnection::batch_execute(db, {sql})")
    }

    /// diesel's transaction manager by hand, rather than its closure, so
    /// that a difference can end the transaction as an error of its own.
    fn live_begin(&self, immediate: bool, map: &str) -> String {
        if immediate {
            format!(
                "::diesel::connection::AnsiTransactionManager::begin_transaction_sql(db, \"BEGIN IMMEDIATE\").map_err({map})?;"
            )
        } else {
            format!(
                "<::diesel::connection::AnsiTransactionManager as ::diesel::connection::TransactionManager<_>>::begin_transaction(db).map_err({map})?;"
            )
        }
    }

    fn live_commit(&self) -> String {
        "<::diesel::connection::AnsiTransactionManager as ::diesel::connection::TransactionManager<_>>::commit_transaction(db)".to_owned()
    }

    fn live_rollback(&self) -> String {
        "let _ = <::diesel::connection::AnsiTransactionManager as ::diesel::connection::TransactionManager<_>>::rollback_transaction(db);".to_owned()
    }
}

/// The connection of a statement: the method's, or the operation's
/// transaction's.
fn on(tx: bool) -> &'static str {
    if tx { "tx" } else { "db" }
}

/// diesel's query: `sql_query(sql)` with its binds (`.bind::<ST, _>(v)`).
fn query(q: &Query<'_>) -> String {
    format!("::diesel::sql_query({}){}", q.sql, q.values.concat())
}

/// The module of the types diesel's methods read into.
const MODULE: &str = "__attesto_diesel";

/// The type diesel reads a count into (`QueryableByName` reads by name).
const COUNT: &str = "__attesto_diesel::Count";

/// The type diesel reads a miss of `table` into: the outcome and the row.
fn miss_type(table: &Table) -> String {
    format!("{MODULE}::Miss{}", table.row_name())
}

/// The types diesel's methods read into: the count, and each table's
/// miss, in a module of their own: diesel's `QueryableByName` derive names
/// the trait unqualified for an `embed`ded field, and the module imports
/// it without touching the host's names.
fn support(code: &mut Code, schema: &Schema) {
    let _ = writeln!(
        code,
        "/// The rows diesel reads the operations' counts and misses into.\n\
         #[doc(hidden)]\n\
         pub mod {MODULE} {{\n\
         use ::diesel::deserialize::QueryableByName;\n\
         /// A count.\n\
         #[derive(::diesel::QueryableByName)]\n\
         pub struct Count {{\n\
         /// The count.\n\
         #[diesel(sql_type = ::diesel::sql_types::BigInt)]\n\
         pub {COUNT_COLUMN}: i64,\n\
         }}\n\
         /// A line of the catalog `verify` and `ensure` read.\n\
         #[derive(::diesel::QueryableByName)]\n\
         pub struct Line {{\n\
         /// The line.\n\
         #[diesel(sql_type = ::diesel::sql_types::Text)]\n\
         pub line: ::std::string::String,\n\
         }}"
    );
    for table in schema.tables() {
        let misses = schema
            .operations_sql(table)
            .iter()
            .any(|(_, statements)| statements.iter().any(|s| s.role == Role::Miss));
        if !misses {
            continue;
        }
        let _ = writeln!(
            code,
            "/// A miss of an operation on `{}`: the outcome and the row.\n\
             #[derive(::diesel::QueryableByName)]\n\
             pub struct Miss{} {{\n\
             /// The outcome's variant.\n\
             #[diesel(sql_type = ::diesel::sql_types::Text)]\n\
             pub {OUTCOME_COLUMN}: ::std::string::String,\n\
             /// The row.\n\
             #[diesel(embed)]\n\
             pub row: super::{},\n\
             }}",
            schema.table_name(table),
            table.row_name(),
            table.row_name()
        );
    }
    code.push_str("}\n");
}

/// The diesel backend type of `dialect`.
fn backend(dialect: Dialect) -> &'static str {
    backend_type(dialect.backend())
}

/// diesel's type of `backend`.
fn backend_type(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "::diesel::pg::Pg",
        Backend::Sqlite => "::diesel::sqlite::Sqlite",
        Backend::Mysql => "::diesel::mysql::Mysql",
    }
}

/// A column's SQL type in `table!`, without `Nullable`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SqlType {
    /// One of diesel's own, as written in `table!`.
    Diesel(&'static str),
    /// [`JSON_TYPE`].
    Json,
    /// [`UUID_TYPE`].
    Uuid,
}

fn sql_type(dialect: Dialect, column: &Column, ty: RustType<'_>) -> SqlType {
    use LogicalType::*;
    let value = is_path(ty, &["serde_json", "Value"]);
    let default_uuid = matches!(ty, RustType::Default("::uuid::Uuid"));
    match (column.logical_type(), dialect.backend()) {
        (Hash | Ident | Short | Text, _) => SqlType::Diesel("Text"),
        (Strings, Backend::Postgres) => {
            // `Vec<Option<String>>` reads NULL elements; `Vec<String>`, the
            // default, is what diesel maps `Array<Text>` to.
            let nullable_elements = match ty {
                RustType::Host(tokens) => tokens.to_string().contains("Option"),
                RustType::Default(_) => false,
            };
            SqlType::Diesel(if nullable_elements {
                "Array<Nullable<Text>>"
            } else {
                "Array<Text>"
            })
        }
        (Json, Backend::Postgres) if value => SqlType::Diesel("Jsonb"),
        (Json, Backend::Postgres) => SqlType::Json,
        (Json | Strings, _) => match binding(dialect, column, ty) {
            // A `String` field holds the JSON text itself.
            Binding::Plain => SqlType::Diesel("Text"),
            _ if value => SqlType::Diesel("Json"),
            _ => SqlType::Json,
        },
        (Timestamp | TimestampUsec, Backend::Mysql) => SqlType::Diesel("Datetime"),
        (Timestamp | TimestampUsec, _) => SqlType::Diesel("Timestamp"),
        (Uuid, Backend::Postgres) => SqlType::Diesel("Uuid"),
        (Uuid, _) if default_uuid => SqlType::Uuid,
        // A type of the host's own in a byte column: diesel's `Binary`,
        // which `Vec<u8>` implements.
        (Uuid, _) => SqlType::Diesel("Binary"),
        (Int, _) => SqlType::Diesel("Integer"),
        (BigInt, _) => SqlType::Diesel("BigInt"),
        (Bool, _) => SqlType::Diesel("Bool"),
    }
}

/// The `.bind::<ST, _>(value)` with which an operation's statement binds
/// `source`, a value of `column` (`None`: a number of seconds), after
/// `guard` (statements that return the refusal of a value that would not
/// read back). The SQL type is the column's own, from its `table!`; a
/// value of one of the expansion's own SQL types goes through [`BIND`].
fn bind(
    schema: &Schema,
    table: &Table,
    column: Option<&Column>,
    types: &RustTypes<'_>,
    source: Source<'_>,
    guard: &str,
) -> String {
    let Some(column) = column else {
        return format!(
            ".bind::<::diesel::sql_types::BigInt, _>({})",
            source.place()
        );
    };
    let declared = format!(
        "<{}::{} as ::diesel::Expression>::SqlType",
        table.short_name(),
        column.name()
    );
    // An optional value for a `NOT NULL` column (a parameter that may be
    // absent) binds as nullable.
    let sql = if source.optional() && !column.is_nullable() {
        format!("::diesel::sql_types::Nullable<{declared}>")
    } else {
        declared
    };
    let local = !matches!(
        sql_type(schema.dialect(), column, types.of(table, column)),
        SqlType::Diesel(_)
    );
    let value = match (source, local) {
        (Source::Field { nullable: true, .. }, true) => {
            format!("{}.as_ref().map({BIND})", source.place())
        }
        (Source::OptRef(name), true) => format!("{name}.map({BIND})"),
        (source, true) => format!("{BIND}({})", source.reference()),
        (Source::Seconds(name), false) => name.to_owned(),
        (source, false) => source.reference(),
    };
    if guard.is_empty() {
        format!(".bind::<{sql}, _>({value})")
    } else {
        // A block: the guard returns the error before the value is bound.
        format!(".bind::<{sql}, _>({{ {guard} {value} }})")
    }
}

/// `#[derive(...)]` and `#[diesel(...)]` of `table`'s row struct.
fn row_attributes(code: &mut Code, schema: &Schema, table: &Table) {
    let _ = write!(
        code,
        "#[derive(::diesel::Queryable, ::diesel::Selectable, ::diesel::QueryableByName)]\n\
         #[diesel(table_name = {}, check_for_backend({}))]\n",
        table.short_name(),
        backend(schema.dialect())
    );
}

fn generate(code: &mut Code, schema: &Schema, types: &RustTypes<'_>) {
    let dialect = schema.dialect();
    // The field types of each of the expansion's own SQL types.
    let mut json_fields: Vec<(String, RustType<'_>)> = Vec::new();
    let mut uuid_used = false;
    for table in schema.tables() {
        for column in schema.columns(table) {
            let ty = types.of(table, &column);
            match sql_type(dialect, &column, ty) {
                SqlType::Json => {
                    let key = type_key(ty);
                    if !json_fields.iter().any(|(k, _)| *k == key) {
                        json_fields.push((key, ty));
                    }
                }
                SqlType::Uuid => uuid_used = true,
                SqlType::Diesel(_) => {}
            }
        }
    }
    let mut declared = Vec::new();
    if !json_fields.is_empty() {
        declared.push(JSON_TYPE);
    }
    if uuid_used {
        declared.push(UUID_TYPE);
    }
    if !declared.is_empty() {
        bind_type(code, &declared);
    }
    if !json_fields.is_empty() {
        json_type(code, dialect, &json_fields);
    }
    if uuid_used {
        uuid_type(code, dialect);
    }
    for table in schema.tables() {
        table_macro(code, schema, table, types);
        insertable(code, schema, table, types);
    }
    // Every pair of tables may meet in one query, as `diesel print-schema`
    // allows.
    let tables: Vec<&str> = schema.tables().iter().map(|t| t.short_name()).collect();
    if tables.len() > 1 {
        let _ = writeln!(
            code,
            "::diesel::allow_tables_to_appear_in_same_query!({});",
            tables.join(", ")
        );
    }
}

/// The `table!` of `table`.
fn table_macro(code: &mut Code, schema: &Schema, table: &Table, types: &RustTypes<'_>) {
    let dialect = schema.dialect();
    let columns = schema.columns(table);
    let declared: Vec<SqlType> = columns
        .iter()
        .map(|c| sql_type(dialect, c, types.of(table, c)))
        .collect();
    code.push_str("::diesel::table! {\nuse ::diesel::sql_types::*;\n");
    for (local, name) in [(SqlType::Json, JSON_TYPE), (SqlType::Uuid, UUID_TYPE)] {
        if declared.contains(&local) {
            let _ = writeln!(code, "use super::{name};");
        }
    }
    let key = table.key();
    let doc = format!(
        " `{}`: {}{}",
        schema.table_name(table),
        table.description(),
        if schema.primary_key(table).is_empty() {
            format!(
                "\n\n The table has no primary key; diesel's is `{}`, its unique key.",
                key.join("`, `")
            )
        } else {
            String::new()
        }
    );
    let _ = write!(
        code,
        "#[doc = {}]\n#[sql_name = {}]\n{} ({}) {{\n",
        str_literal(&doc),
        str_literal(&schema.table_name(table)),
        table.short_name(),
        key.join(", ")
    );
    for (column, declared) in columns.iter().zip(&declared) {
        let ty = match declared {
            SqlType::Diesel(ty) => (*ty).to_owned(),
            SqlType::Json => JSON_TYPE.to_owned(),
            SqlType::Uuid => UUID_TYPE.to_owned(),
        };
        let ty = if column.is_nullable() {
            format!("Nullable<{ty}>")
        } else {
            ty
        };
        let _ = writeln!(
            code,
            "#[doc = {}]\n{} -> {ty},",
            str_literal(&format!(" `{}`", column.name())),
            column.name()
        );
    }
    code.push_str("}\n}\n");
}

/// `Insertable` for the row and for a reference to it, as diesel's derive
/// writes them (a `None` in a nullable column is left to the column's
/// default, which is `NULL` for every nullable column), with the values of
/// the expansion's own SQL types bound through [`BIND`].
fn insertable(code: &mut Code, schema: &Schema, table: &Table, types: &RustTypes<'_>) {
    let dialect = schema.dialect();
    let module = table.short_name();
    let row = table.row_name();
    for borrowed in [false, true] {
        let mut values = Code::default();
        let mut exprs = String::new();
        for column in schema.columns(table) {
            let ty = types.of(table, &column);
            let c = column.name();
            let local = !matches!(sql_type(dialect, &column, ty), SqlType::Diesel(_));
            let mut value = Code::default();
            match (local, borrowed) {
                (false, false) => field_type(&mut value, ty, false),
                (false, true) => {
                    value.push_str("&'__insert ");
                    field_type(&mut value, ty, false);
                }
                (true, false) => {
                    let _ = write!(value, "{BIND}<");
                    field_type(&mut value, ty, false);
                    value.push_str(">");
                }
                (true, true) => {
                    let _ = write!(value, "{BIND}<&'__insert ");
                    field_type(&mut value, ty, false);
                    value.push_str(">");
                }
            }
            let column_path = format!("{module}::{c}");
            let (open, close) = if column.is_nullable() {
                ("::core::option::Option<", ">")
            } else {
                ("", "")
            };
            let _ = write!(values, "{open}::diesel::dsl::Eq<{column_path}, ");
            values.append(value);
            let _ = write!(values, ">{close}, ");
            let field = if borrowed {
                format!("&self.{c}")
            } else {
                format!("self.{c}")
            };
            let wrap = |v: &str| {
                if local {
                    format!("{BIND}({v})")
                } else {
                    v.to_owned()
                }
            };
            let expr = if column.is_nullable() {
                let option = if borrowed {
                    format!("self.{c}.as_ref()")
                } else {
                    format!("self.{c}")
                };
                format!(
                    "{option}.map(|v| ::diesel::ExpressionMethods::eq({column_path}, {}))",
                    wrap("v")
                )
            } else {
                format!(
                    "::diesel::ExpressionMethods::eq({column_path}, {})",
                    wrap(&field)
                )
            };
            let _ = writeln!(exprs, "{expr},");
        }
        let (generics, target) = if borrowed {
            ("<'__insert>", format!("&'__insert {row}"))
        } else {
            ("", row.to_owned())
        };
        let doc = if borrowed {
            format!(
                " Inserts a reference to the row into `{module}`: `insert_into({module}::table).values(&row)`."
            )
        } else {
            format!(" Inserts the row into `{module}`.")
        };
        let mut tuple = Code::default();
        tuple.append(values);
        let _ = write!(
            code,
            "#[doc = {}]\nimpl{generics} ::diesel::insertable::Insertable<{module}::table> for {target} ",
            str_literal(&doc)
        );
        let mut body = Code::default();
        body.push_str("type Values = <");
        body.group(proc_macro2::Delimiter::Parenthesis, tuple);
        let _ = write!(
            body,
            " as ::diesel::insertable::Insertable<{module}::table>>::Values;\n\
             fn values(self) -> Self::Values {{\n\
             ::diesel::insertable::Insertable::<{module}::table>::values(({exprs}))\n\
             }}\n"
        );
        code.group(proc_macro2::Delimiter::Brace, body);
        code.push_str("\n");
    }
    // Lets a `Vec` of rows be inserted in one statement, as the derive does.
    let _ = writeln!(
        code,
        "impl ::diesel::internal::derives::insertable::UndecoratedInsertRecord<{module}::table> for {row} {{}}"
    );
}

/// The SQL type attribute of `dialect` for a type stored as `sqlite`,
/// `mysql` or, on PostgreSQL, the type with OIDs `pg`.
fn type_attribute(dialect: Dialect, pg: (u32, u32), sqlite: &str, mysql: &str) -> String {
    match dialect.backend() {
        Backend::Postgres => format!("postgres_type(oid = {}, array_oid = {})", pg.0, pg.1),
        Backend::Sqlite => format!("sqlite_type(name = \"{sqlite}\")"),
        Backend::Mysql => format!("mysql_type(name = \"{mysql}\")"),
    }
}

/// [`BIND`]: how a value becomes an expression of one of the expansion's
/// own SQL types, those in `declared`, for a column and for a nullable one.
fn bind_type(code: &mut Code, declared: &[&str]) {
    let _ = write!(
        code,
        r#"
        /// A value bound to a column of one of this module's own diesel SQL types
        /// ({types}), which diesel cannot take directly from a foreign type such as
        /// `uuid::Uuid` or `Vec<String>`: `.filter(id.eq(AttestoBind(&id)))`.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct {BIND}<T>(pub T);
"#,
        types = declared
            .iter()
            .map(|t| format!("[`{t}`]"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for &sql in declared {
        for nullable in [false, true] {
            let sql = if nullable {
                format!("::diesel::sql_types::Nullable<{sql}>")
            } else {
                sql.to_owned()
            };
            let _ = write!(
                code,
                "impl<T> ::diesel::expression::AsExpression<{sql}> for {BIND}<T> {{\n\
                 type Expression = ::diesel::internal::derives::as_expression::Bound<{sql}, Self>;\n\
                 fn as_expression(self) -> Self::Expression {{\n\
                 ::diesel::internal::derives::as_expression::Bound::new(self)\n\
                 }}\n}}\n"
            );
        }
        let _ = write!(
            code,
            "impl<T, __DB: ::diesel::backend::Backend> ::diesel::serialize::ToSql<::diesel::sql_types::Nullable<{sql}>, __DB> for {BIND}<T>\n\
             where Self: ::diesel::serialize::ToSql<{sql}, __DB> {{\n\
             fn to_sql<'__b>(&'__b self, out: &mut ::diesel::serialize::Output<'__b, '_, __DB>) -> ::diesel::serialize::Result {{\n\
             ::diesel::serialize::ToSql::<{sql}, __DB>::to_sql(self, out)\n\
             }}\n}}\n"
        );
    }
}

/// The types for which diesel implements `Queryable` for every SQL type
/// they have `FromSql` for (its `FromSqlRow` derive on them): a `Queryable`
/// impl of the expansion's own would conflict. Matched by the type's name
/// before its generics, e.g. `Vec` in `Vec<Option<String>>`.
const READ_BY_DIESEL: &[&str] = &[
    "Vec",
    "String",
    "Value",
    "Uuid",
    "bool",
    "i8",
    "i16",
    "i32",
    "i64",
    "u8",
    "u16",
    "u32",
    "u64",
    "f32",
    "f64",
    "SystemTime",
    "NaiveDate",
    "NaiveTime",
    "NaiveDateTime",
    "DateTime",
    "PrimitiveDateTime",
    "OffsetDateTime",
    "Date",
    "Time",
    "BigDecimal",
    "Duration",
];

/// Whether diesel's blanket `Queryable` impls cover `ty` (see
/// [`READ_BY_DIESEL`]).
fn diesel_reads_any_sql_type(ty: RustType<'_>) -> bool {
    let text = match ty {
        RustType::Default(d) => d.to_owned(),
        RustType::Host(tokens) => tokens.to_string(),
    };
    let outer = text.split('<').next().unwrap_or_default();
    let name = outer.rsplit("::").next().unwrap_or_default().trim();
    READ_BY_DIESEL.contains(&name)
}

/// `FromSql` of `sql` for `ty` with body `read`, `Queryable` when diesel's
/// blanket impls do not cover `ty`, and `ToSql` for `ty` in [`BIND`], by
/// value and by reference, with body `write`.
fn conversions(
    code: &mut Code,
    dialect: Dialect,
    sql: &str,
    ty: RustType<'_>,
    read: &str,
    write: &str,
) {
    let db = backend(dialect);
    let _ = write!(
        code,
        "impl ::diesel::deserialize::FromSql<{sql}, {db}> for "
    );
    field_type(code, ty, false);
    let _ = write!(
        code,
        " {{\n\
         fn from_sql(value: <{db} as ::diesel::backend::Backend>::RawValue<'_>) -> ::diesel::deserialize::Result<Self> {{\n\
         {read}\n\
         }}\n}}\n"
    );
    if !diesel_reads_any_sql_type(ty) {
        // A column's value as a query result: the value itself.
        let _ = write!(
            code,
            "impl ::diesel::deserialize::Queryable<{sql}, {db}> for "
        );
        field_type(code, ty, false);
        code.push_str(
            " {\ntype Row = Self;\n\
             fn build(row: Self) -> ::diesel::deserialize::Result<Self> {\n\
             ::core::result::Result::Ok(row)\n\
             }\n}\n",
        );
    }
    for reference in ["", "&'__a "] {
        let generics = if reference.is_empty() { "" } else { "<'__a>" };
        let _ = write!(
            code,
            "impl{generics} ::diesel::serialize::ToSql<{sql}, {db}> for {BIND}<{reference}"
        );
        field_type(code, ty, false);
        let _ = write!(
            code,
            "> {{\n\
             fn to_sql<'__b>(&'__b self, out: &mut ::diesel::serialize::Output<'__b, '_, {db}>) -> ::diesel::serialize::Result {{\n\
             {write}\n\
             ::core::result::Result::Ok(::diesel::serialize::IsNull::No)\n\
             }}\n}}\n"
        );
    }
}

/// [`JSON_TYPE`], and its conversions for the field types in `fields`.
fn json_type(code: &mut Code, dialect: Dialect, fields: &[(String, RustType<'_>)]) {
    let _ = write!(
        code,
        "/// diesel's SQL type of the JSON columns whose fields are serde types of their own \
         (on SQLite and MySQL, also the lists of strings, stored as JSON): written as JSON \
         text with serde_json, and read back the same way.\n\
         #[derive(::diesel::sql_types::SqlType, ::diesel::query_builder::QueryId, Debug, Clone, Copy, Default)]\n\
         #[diesel({})]\n\
         pub struct {JSON_TYPE};\n",
        type_attribute(dialect, (3802, 3807), "Text", "String")
    );
    // PostgreSQL's binary jsonb is a version byte, 1, then the JSON text.
    let (read, write) = match dialect.backend() {
        Backend::Postgres => (
            "match value.as_bytes().split_first() {\n\
             ::core::option::Option::Some((1, json)) => ::core::result::Result::Ok(::serde_json::from_slice(json)?),\n\
             _ => ::core::result::Result::Err(\"attesto: a jsonb value without its version byte 1\".into()),\n\
             }",
            "::std::io::Write::write_all(out, &[1])?;\n\
             ::serde_json::to_writer(out, &self.0)?;",
        ),
        Backend::Sqlite => (
            "let text = <::std::string::String as ::diesel::deserialize::FromSql<::diesel::sql_types::Text, ::diesel::sqlite::Sqlite>>::from_sql(value)?;\n\
             ::core::result::Result::Ok(::serde_json::from_str(&text)?)",
            "out.set_value(::serde_json::to_string(&self.0)?);",
        ),
        Backend::Mysql => (
            "::core::result::Result::Ok(::serde_json::from_slice(value.as_bytes())?)",
            "::serde_json::to_writer(out, &self.0)?;",
        ),
    };
    // A value that would not read back is refused before it is written.
    let write = format!(
        "if !{} {{\n\
         return ::core::result::Result::Err(\"attesto: a JSON value that would not read back: nested \
         deeper than serde_json reads, or not serialisable as JSON\".into());\n\
         }}\n{write}",
        super::json_reads_back("&self.0")
    );
    for (_, ty) in fields {
        conversions(code, dialect, JSON_TYPE, *ty, read, &write);
    }
}

/// [`UUID_TYPE`], and its conversions for `uuid::Uuid`.
fn uuid_type(code: &mut Code, dialect: Dialect) {
    let db = backend(dialect);
    let _ = write!(
        code,
        "/// diesel's SQL type of a UUID stored as its 16 bytes (SQLite's `BLOB`, MySQL's \
         `binary(16)`), as Ecto, sqlx and sea-orm store it; diesel maps `uuid::Uuid` to a \
         column only on PostgreSQL.\n\
         #[derive(::diesel::sql_types::SqlType, ::diesel::query_builder::QueryId, Debug, Clone, Copy, Default)]\n\
         #[diesel({})]\n\
         pub struct {UUID_TYPE};\n",
        type_attribute(dialect, (2950, 2951), "Binary", "Blob")
    );
    let read = format!(
        "let bytes = <::std::vec::Vec<u8> as ::diesel::deserialize::FromSql<::diesel::sql_types::Binary, {db}>>::from_sql(value)?;\n\
         ::core::result::Result::Ok(::uuid::Uuid::from_slice(&bytes)?)"
    );
    let write = match dialect.backend() {
        Backend::Sqlite => "out.set_value(self.0.as_bytes().as_slice());",
        _ => "::std::io::Write::write_all(out, self.0.as_bytes())?;",
    };
    conversions(
        code,
        dialect,
        UUID_TYPE,
        RustType::Default("::uuid::Uuid"),
        &read,
        write,
    );
}
