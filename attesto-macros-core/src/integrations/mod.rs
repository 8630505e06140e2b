//! The glue of the database libraries a host names in `integrations(...)`:
//! each one's trait impls and statements, generated beside the row structs,
//! so that no column is ever bound or read by hand, and a column added to
//! the schema can never be bound in the wrong place.
//!
//! Each library is a module of its own (`sqlx`, `postgres`, `rusqlite`,
//! `diesel`, `sea_orm`) implementing [`Driver`]: its table glue and the
//! form of every step of an operation. `ops` writes the operations once,
//! for any driver, from the statements `attesto_schema` gives; this module
//! holds what every integration shares: which columns bind as JSON, the
//! timestamp precision rule, the key parameters, and the check that the
//! host depends on the crates the generated code names.

mod diesel;
mod driver;
mod ops;
mod postgres;
mod rusqlite;
mod sea_orm;
mod sqlx;
mod value;

use std::fmt::Write as _;

use attesto_schema::config::manifest_dependencies;
use attesto_schema::{Backend, Column, Dialect, LogicalType, Schema, Table};
use proc_macro2::{Ident, Span};

use crate::args::{Args, Integration, path_segments};
use crate::code::{Code, str_literal};
use crate::config::Host;
use crate::errors::Errors;
use crate::types::{RustType, RustTypes, field_type};
use driver::Driver;

/// The driver of each integration `integrations(...)` names: adding one is
/// its module and a line here (and its name in `Integration`).
fn driver(integration: Integration) -> &'static dyn Driver {
    match integration {
        Integration::Sqlx => &sqlx::Sqlx,
        Integration::Postgres => &postgres::POSTGRES,
        Integration::TokioPostgres => &postgres::TOKIO_POSTGRES,
        Integration::Rusqlite => &rusqlite::Rusqlite,
        Integration::Diesel => &diesel::Diesel,
        Integration::SeaOrm => &sea_orm::SeaOrm,
    }
}

/// The drivers the invocation named, in order, with the identifiers that
/// named them.
fn named(args: &Args) -> Vec<(&'static dyn Driver, &Ident)> {
    args.integrations
        .iter()
        .map(|(integration, ident)| (driver(*integration), ident))
        .collect()
}

/// Refuses an integration that does not drive the dialect's databases, a
/// derive the integration already writes, and a missing dependency.
/// Returns the manifest read, which cargo must watch.
pub fn check(
    args: &Args,
    schema: &Schema,
    types: &RustTypes<'_>,
    host: &Host,
    errors: &mut Errors,
) -> Vec<std::path::PathBuf> {
    let dialect = schema.dialect();
    let backend = dialect.backend();
    let named = named(args);
    for (driver, ident) in &named {
        if !driver.supports(backend) {
            let fits: Vec<String> = Dialect::ALL
                .into_iter()
                .filter(|d| driver.supports(d.backend()))
                .map(|d| format!("\"{}\"", d.name()))
                .collect();
            errors.push(syn::Error::new(
                ident.span(),
                format!(
                    "integration `{}` does not drive {} databases (dialect = \"{}\"); it fits dialect {}",
                    driver.name(),
                    dialect.product(),
                    dialect.name(),
                    fits.join(" or ")
                ),
            ));
        }
    }
    for (driver, _) in &named {
        for derive in &args.derives {
            if let Some(message) = driver.refused_derive(derive) {
                errors.push(syn::Error::new(first_span(derive), message));
            }
        }
    }
    let mut per_table = named.iter().filter(|(d, _)| d.module_per_table());
    if let (Some((first, ident)), Some((second, _))) = (per_table.next(), per_table.next()) {
        errors.push(syn::Error::new(
            ident.span(),
            format!(
                "integrations({}) and integrations({}) both write a module per table, named after it; \
                 invoke `attesto_migration!` once per library, in two modules",
                first.name(),
                second.name()
            ),
        ));
    }
    if backend == Backend::Postgres && named.iter().any(|(d, _)| d.refuses_string_for_jsonb()) {
        for table in schema.tables() {
            for column in schema.columns(table) {
                if column.logical_type() == LogicalType::Json {
                    if let RustType::Host(tokens) = types.of(table, &column) {
                        if is_string(types.of(table, &column)) {
                            errors.push(syn::Error::new(
                                first_span(tokens),
                                format!(
                                    "`{}.{}` is jsonb in PostgreSQL, which the drivers do not bind from a `String`; \
                                     use a serde type such as `serde_json::Value` (the default)",
                                    table.name(),
                                    column.name()
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
    if named.is_empty() {
        return Vec::new();
    }
    let Some(dir) = errors.keep(host.dir(Span::call_site())) else {
        return Vec::new();
    };
    let manifest = dir.join("Cargo.toml");
    let Some(present) = errors
        .keep(manifest_dependencies(&manifest).map_err(|e| syn::Error::new(Span::call_site(), e)))
    else {
        return vec![manifest];
    };
    for (driver, ident) in &named {
        if !driver.supports(backend) {
            continue;
        }
        let missing: Vec<(&str, String)> = needs(*driver, dialect, schema, types)
            .into_iter()
            .filter(|(name, _)| !present.iter().any(|p| p == name))
            .collect();
        if !missing.is_empty() {
            errors.push(syn::Error::new(
                ident.span(),
                format!(
                    "integrations({}) generates code that names {}, which this crate does not depend on; \
                     add to [dependencies]:\n{}",
                    driver.name(),
                    missing.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", "),
                    missing.iter().map(|(_, line)| line.as_str()).collect::<Vec<_>>().join("\n")
                ),
            ));
        }
    }
    vec![manifest]
}

/// The crates the glue of `driver` names, with the dependency line that
/// provides each (`name`, `line`).
fn needs(
    driver: &dyn Driver,
    dialect: Dialect,
    schema: &Schema,
    types: &RustTypes<'_>,
) -> Vec<(&'static str, String)> {
    let uses = |pred: &dyn Fn(&Column, RustType<'_>) -> bool| {
        schema
            .tables()
            .into_iter()
            .any(|t| schema.columns(t).iter().any(|c| pred(c, types.of(t, c))))
    };
    let default =
        |ty: RustType<'_>, name: &str| matches!(ty, RustType::Default(d) if d.starts_with(name));
    let chrono = uses(&|_, ty| default(ty, "::chrono"));
    let uuid = uses(&|_, ty| default(ty, "::uuid"));
    let json_default = uses(&|_, ty| default(ty, "::serde_json"));
    let json_glue =
        driver.writes_json_text() && uses(&|c, ty| binding(dialect, c, ty) == Binding::Json);
    let mut needs = vec![(driver.name(), driver.dependency(dialect.backend()))];
    if chrono {
        needs.push(("chrono", "chrono = \"0.4\"".to_owned()));
    }
    if uuid {
        needs.push(("uuid", "uuid = \"1\"".to_owned()));
    }
    if json_default || json_glue {
        needs.push(("serde_json", "serde_json = \"1\"".to_owned()));
    }
    needs
}

/// The span of the first of the host's `tokens`, where an error about
/// them goes.
fn first_span(tokens: &proc_macro2::TokenStream) -> Span {
    tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}

/// Each field of `table`'s row as a driver binds it for `INSERT_SQL`, in
/// column order: `value(binding, source, table name, column)`.
pub fn field_values(
    schema: &Schema,
    table: &Table,
    types: &RustTypes<'_>,
    value: impl Fn(Binding, value::Source<'_>, &str, &str) -> String,
) -> Vec<String> {
    let name = schema.table_name(table);
    schema
        .columns(table)
        .iter()
        .map(|column| {
            let source = value::Source::Field {
                column: column.name(),
                nullable: column.is_nullable(),
            };
            let binding = binding(schema.dialect(), column, types.of(table, column));
            value(binding, source, &name, column.name())
        })
        .collect()
}

/// How a column's value travels between the field and the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// As the field's own type.
    Plain,
    /// As the JSON text of the field (serde).
    Json,
    /// As the field's own type, after checking that it has no more
    /// precision than the column keeps.
    Timestamp(Precision),
}

/// What a timestamp column keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Whole seconds (`timestamp(0)`, Ecto's `:utc_datetime`).
    Seconds,
    /// Microseconds (`timestamp`, Ecto's `:utc_datetime_usec`).
    Micros,
}

impl Precision {
    /// The nanoseconds a value's sub-second part must be a multiple of.
    pub const fn unit(self) -> u32 {
        match self {
            Precision::Seconds => 1_000_000_000,
            Precision::Micros => 1_000,
        }
    }

    /// The refusal's message for `table.column`.
    pub fn message(self, table: &str, column: &str) -> String {
        match self {
            Precision::Seconds => format!(
                "attesto: {table}.{column} keeps whole seconds (timestamp(0), Ecto's :utc_datetime), \
                 and this value has a fraction of a second, which would not read back the same; \
                 truncate it to whole seconds first"
            ),
            Precision::Micros => format!(
                "attesto: {table}.{column} keeps microseconds (timestamp, Ecto's :utc_datetime_usec), \
                 and this value has nanoseconds, which would not read back the same; truncate it \
                 to microseconds first"
            ),
        }
    }
}

/// Whether `ty` is the type at `path`, e.g. `["serde_json", "Value"]`,
/// written in full (with or without a leading `::`).
pub fn is_path(ty: RustType<'_>, path: &[&str]) -> bool {
    match ty {
        RustType::Default(d) => d
            .trim_start_matches("::")
            .split("::")
            .eq(path.iter().copied()),
        RustType::Host(tokens) => {
            !tokens.to_string().contains('<') && path_segments(tokens) == path
        }
    }
}

/// The attributes the integrations put on `table`'s row struct (diesel's
/// derives, pointed at its `table!`).
pub fn row_attributes(code: &mut Code, schema: &Schema, table: &Table, args: &Args) {
    for (driver, _) in named(args) {
        driver.row_attributes(code, schema, table);
    }
}

/// Whether `ty` is written as `String`: in a JSON column on SQLite or
/// MySQL, such a field holds the JSON text itself.
pub fn is_string(ty: RustType<'_>) -> bool {
    match ty {
        RustType::Default(d) => d == "::std::string::String",
        RustType::Host(tokens) => {
            let segments = path_segments(tokens);
            let text = tokens.to_string();
            // Only a bare path: `Option<String>` is not a `String`.
            !text.contains('<')
                && matches!(
                    segments
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .as_slice(),
                    ["String"] | ["std", "string", "String"] | ["alloc", "string", "String"]
                )
        }
    }
}

/// How `column`, whose field has type `ty`, binds in `dialect`.
pub fn binding(dialect: Dialect, column: &Column, ty: RustType<'_>) -> Binding {
    match (column.logical_type(), dialect) {
        (LogicalType::Timestamp, _) => Binding::Timestamp(Precision::Seconds),
        (LogicalType::TimestampUsec, _) => Binding::Timestamp(Precision::Micros),
        // PostgreSQL has arrays of its own.
        (LogicalType::Strings, _) if dialect.has_arrays() => Binding::Plain,
        (LogicalType::Json | LogicalType::Strings, _) if is_string(ty) => Binding::Plain,
        (LogicalType::Json | LogicalType::Strings, _) => Binding::Json,
        _ => Binding::Plain,
    }
}

/// The parameters that name one row by its key: `(name, type)` per key
/// column, text columns as `&str`.
pub fn key_params(
    code: &mut Code,
    schema: &Schema,
    table: &Table,
    types: &RustTypes<'_>,
    lifetime: &str,
) -> Vec<&'static str> {
    let columns = schema.columns(table);
    let mut names = Vec::new();
    for (i, key) in table.key().iter().enumerate() {
        let Some(column) = columns.iter().find(|c| c.name() == *key) else {
            continue;
        };
        if i > 0 {
            code.push_str(", ");
        }
        let _ = write!(code, "{key}: &{lifetime} ");
        match types.of(table, column) {
            RustType::Default("::std::string::String") => code.push_str("str"),
            ty => field_type(code, ty, false),
        }
        names.push(*key);
    }
    names
}

/// The doc line of a key parameter list, e.g. "`id`" or "`sid`, `client_id`".
pub fn key_doc(table: &Table) -> String {
    table
        .key()
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The constants every integration's methods use: the statements of one
/// row by key, and of the sweeper.
pub fn statements(code: &mut Code, schema: &Schema, table: &Table) {
    let key = key_doc(table);
    let _ = write!(
        code,
        r#"
        impl {row} {{
            /// `SELECT` of every column of the row whose key ({key}) equals the parameters, in key order.
            pub const SELECT_BY_KEY_SQL: &'static str = {select};
            /// `DELETE` of the row whose key ({key}) equals the parameters, in key order.
            pub const DELETE_BY_KEY_SQL: &'static str = {delete};
"#,
        row = table.row_name(),
        select = str_literal(&schema.select_by_key_sql(table)),
        delete = str_literal(&schema.delete_by_key_sql(table)),
    );
    if let Some(sql) = schema.delete_expired_sql(table) {
        let _ = write!(
            code,
            "/// `DELETE` of every row whose `expires_at` is before the parameter: the sweeper.\n\
             pub const DELETE_EXPIRED_SQL: &'static str = {};\n",
            str_literal(&sql)
        );
    }
    code.push_str("}\n");
}

/// The trait that tells a timestamp's sub-second part, implemented for the
/// timestamp types of chrono, time and std that the rows use.
fn timestamp_trait(code: &mut Code, schema: &Schema, types: &RustTypes<'_>) {
    code.push_str(
        r#"
        /// The sub-second part of a timestamp, in nanoseconds: how the generated binding
        /// refuses a value with more precision than its column keeps (a `timestamp(0)`
        /// column keeps whole seconds, a `timestamp` one microseconds), which would not
        /// read back equal. Implemented here for the timestamp types of chrono, time and
        /// std that the rows use; implement it for a timestamp type of your own.
        pub trait AttestoTimestamp {
            /// The nanoseconds past the whole second.
            fn attesto_subsec_nanos(&self) -> u32;
        }
        impl<T: AttestoTimestamp> AttestoTimestamp for ::core::option::Option<T> {
            fn attesto_subsec_nanos(&self) -> u32 {
                self.as_ref().map_or(0, T::attesto_subsec_nanos)
            }
        }
        impl<T: AttestoTimestamp + ?::core::marker::Sized> AttestoTimestamp for &T {
            fn attesto_subsec_nanos(&self) -> u32 {
                T::attesto_subsec_nanos(self)
            }
        }
"#,
    );
    let mut seen: Vec<String> = Vec::new();
    for table in schema.tables() {
        for column in schema.columns(table) {
            if !column.logical_type().is_timestamp() {
                continue;
            }
            let ty = types.of(table, &column);
            let (normal, last) = match ty {
                RustType::Default(d) => (
                    d.trim_start_matches("::").to_owned(),
                    d.rsplit("::").next().unwrap_or(d).to_owned(),
                ),
                RustType::Host(tokens) => {
                    let text: String = tokens.to_string().split_whitespace().collect();
                    let segments = path_segments(tokens);
                    let last = if text.contains('<') {
                        // `DateTime<Utc>`: the segment before the generics.
                        segments.iter().rev().nth(1).cloned().unwrap_or_default()
                    } else {
                        segments.last().cloned().unwrap_or_default()
                    };
                    (text.trim_start_matches("::").to_owned(), last)
                }
            };
            if seen.contains(&normal) {
                continue;
            }
            let body = match last.as_str() {
                "NaiveDateTime" => "self.and_utc().timestamp_subsec_nanos() % 1_000_000_000",
                "DateTime" => "self.timestamp_subsec_nanos() % 1_000_000_000",
                "PrimitiveDateTime" | "OffsetDateTime" => "self.nanosecond()",
                "SystemTime" => {
                    "match self.duration_since(::std::time::UNIX_EPOCH) { \
                     ::core::result::Result::Ok(d) => d.subsec_nanos(), \
                     ::core::result::Result::Err(e) => e.duration().subsec_nanos() }"
                }
                // A type of the host's own: the host implements the trait.
                _ => continue,
            };
            seen.push(normal);
            code.push_str("impl AttestoTimestamp for ");
            field_type(code, ty, false);
            let _ = writeln!(
                code,
                " {{ fn attesto_subsec_nanos(&self) -> u32 {{ {body} }} }}"
            );
        }
    }
}

/// The glue of every integration the host named.
pub fn generate(code: &mut Code, schema: &Schema, types: &RustTypes<'_>, args: &Args) {
    let named: Vec<&dyn Driver> = named(args).into_iter().map(|(d, _)| d).collect();
    if named.is_empty() {
        return;
    }
    for table in schema.tables() {
        statements(code, schema, table);
    }
    if named.iter().any(|d| d.checks_timestamps()) {
        timestamp_trait(code, schema, types);
    }
    for (i, driver) in named.iter().enumerate() {
        // Drivers of one set of types share one set of impls.
        if named[..i].iter().all(|d| d.glue_key() != driver.glue_key()) {
            driver.glue(code, schema, types, &named);
        }
    }
    // The operations' methods, for the first integration named (every one
    // runs them): two drivers' methods of one name cannot share a row struct.
    let driver = named[0];
    driver.support(code, schema);
    for table in schema.tables() {
        ops::outcomes(code, schema, table);
        ops::methods(code, schema, table, types, driver);
    }
}

/// The SQL constants of the stores' operations on `table`: in every
/// expansion, with or without an integration.
pub fn operation_constants(code: &mut Code, schema: &Schema, table: &Table) {
    ops::constants(code, schema, table);
}
