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
mod live;
mod ops;
mod postgres;
mod rusqlite;
mod sea_orm;
mod sqlx;
mod sqlx_handle;
mod sweep;
mod timestamps;
mod tracing;
mod value;

use std::fmt::Write as _;

use attesto_schema::config::manifest_dependencies;
use attesto_schema::declared::{Declared, declared};
use attesto_schema::{Backend, Column, Dialect, LengthLimit, LogicalType, Schema, Table};
use proc_macro2::{Ident, Span};

use crate::args::{Args, Integration, path_segments};
use crate::code::{Code, str_literal};
use crate::config::Host;
use crate::errors::Errors;
use crate::expand::dialects::Dialects;
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

/// What [`check`] found in the host's manifest.
pub struct Checked {
    /// The files it read, which cargo must watch.
    pub manifests: Vec<std::path::PathBuf>,
    /// The path the generated code names attesto-schema by:
    /// `::attesto_schema`, or `::attesto::schema` for a host that depends
    /// on the `attesto` crate (which re-exports it) and not on
    /// attesto-schema itself.
    pub schema_path: &'static str,
    /// Whether the glue can be generated: not when an integration cannot
    /// drive a dialect, whose glue would only add errors to the one that
    /// says so.
    pub glue: bool,
    /// The drivers the invocation named, in order: resolved once, here,
    /// for the checks and for generation.
    drivers: Vec<&'static dyn Driver>,
}

/// The path of attesto-schema in the generated code, by default.
pub const SCHEMA_PATH: &str = "::attesto_schema";

/// Refuses an integration that does not drive a dialect of the
/// invocation, a derive the integration already writes, and a missing
/// dependency or feature, each by its own rule. Returns the manifests read,
/// which cargo must watch, how the generated code names attesto-schema, and
/// whether the glue can be generated at all.
pub fn check(
    args: &Args,
    layout: &Dialects<'_>,
    types: &RustTypes<'_>,
    host: &Host,
    errors: &mut Errors,
) -> Checked {
    let named = named(args);
    let mut checked = Checked {
        manifests: Vec::new(),
        schema_path: SCHEMA_PATH,
        glue: true,
        drivers: named.iter().map(|(driver, _)| *driver).collect(),
    };
    check_several_dialects(layout, &named, errors, &mut checked);
    for schema in layout.schemas() {
        check_supports(schema, &named, errors, &mut checked);
        check_jsonb_strings(schema, &named, types, errors);
    }
    check_derives(args, &named, errors);
    check_modules_per_table(&named, errors);
    if named.is_empty() {
        if let Some(ident) = &args.tracing {
            errors.push(syn::Error::new(
                ident.span(),
                "`tracing` traces the operations, which only an integration generates: \
                 add one, e.g. `integrations(sqlx)`",
            ));
        }
        return checked;
    }
    let Some(dir) = errors.keep(host.dir(Span::call_site())) else {
        return checked;
    };
    let manifest = dir.join("Cargo.toml");
    checked.manifests.push(manifest.clone());
    let Some(present) = errors
        .keep(manifest_dependencies(&manifest).map_err(|e| syn::Error::new(Span::call_site(), e)))
    else {
        return checked;
    };
    let facade =
        present.iter().any(|p| p == "attesto") && !present.iter().any(|p| p == "attesto_schema");
    if facade {
        checked.schema_path = "::attesto::schema";
    }
    check_features(
        layout,
        &named,
        types,
        &manifest,
        &present,
        errors,
        &mut checked,
    );
    check_dependencies(layout, &named, types, &present, facade, errors);
    check_tracing(args, &present, errors);
    checked
}

/// `tracing`'s spans and events name the `tracing` crate: the host depends
/// on it.
fn check_tracing(args: &Args, present: &[String], errors: &mut Errors) {
    let Some(ident) = &args.tracing else {
        return;
    };
    if !present.iter().any(|p| p == "tracing") {
        errors.push(syn::Error::new(
            ident.span(),
            "`tracing` generates spans and events of the `tracing` crate, which this crate \
             does not depend on; add to [dependencies]:\ntracing = \"0.1\"",
        ));
    }
}

/// `dialects(...)` takes only the integrations that run one operation on
/// any of several databases.
fn check_several_dialects(
    layout: &Dialects<'_>,
    named: &[(&'static dyn Driver, &Ident)],
    errors: &mut Errors,
    checked: &mut Checked,
) {
    if !layout.multi() {
        return;
    }
    for (driver, ident) in named {
        if !driver.several_dialects() {
            checked.glue = false;
            errors.push(syn::Error::new(
                ident.span(),
                format!(
                    "integrations({0}) writes the glue of one dialect; `dialects(...)` takes \
                     integrations(sqlx), which runs every operation on a pool or connection of any \
                     of them: invoke `attesto_migration!` once per dialect for {0}",
                    driver.name()
                ),
            ));
        }
    }
}

/// Every integration drives the dialect's databases.
fn check_supports(
    schema: &Schema,
    named: &[(&'static dyn Driver, &Ident)],
    errors: &mut Errors,
    checked: &mut Checked,
) {
    let dialect = schema.dialect();
    for (driver, ident) in named {
        if driver.supports(dialect.backend()) {
            continue;
        }
        checked.glue = false;
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

/// A derive the integration writes itself is refused.
fn check_derives(args: &Args, named: &[(&'static dyn Driver, &Ident)], errors: &mut Errors) {
    for (driver, _) in named {
        for derive in &args.derives {
            if let Some(message) = driver.refused_derive(derive) {
                errors.push(syn::Error::new(first_span(derive), message));
            }
        }
    }
}

/// Two integrations that each write a module per table cannot share an
/// invocation.
fn check_modules_per_table(named: &[(&'static dyn Driver, &Ident)], errors: &mut Errors) {
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
}

/// PostgreSQL's `jsonb` is not bound from a `String` by the drivers that
/// refuse it.
fn check_jsonb_strings(
    schema: &Schema,
    named: &[(&'static dyn Driver, &Ident)],
    types: &RustTypes<'_>,
    errors: &mut Errors,
) {
    if schema.dialect().sql_type(LogicalType::Json) != "jsonb"
        || !named.iter().any(|(d, _)| d.refuses_string_for_jsonb())
    {
        return;
    }
    for table in schema.tables() {
        for column in schema.columns(table) {
            if column.logical_type() != LogicalType::Json {
                continue;
            }
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

/// The host's dependency on each integration's crate enables every
/// feature the generated code needs, on every dialect of the invocation:
/// one error per integration naming them all.
fn check_features(
    layout: &Dialects<'_>,
    named: &[(&'static dyn Driver, &Ident)],
    types: &RustTypes<'_>,
    manifest: &std::path::Path,
    present: &[String],
    errors: &mut Errors,
    checked: &mut Checked,
) {
    for (driver, ident) in named {
        if !present.iter().any(|p| p == driver.name()) {
            continue;
        }
        // A manifest that cannot be read says nothing: the build's own
        // errors will.
        let Ok(Some(declared)) = declared(manifest, driver.name()) else {
            continue;
        };
        for file in &declared.files {
            if !checked.manifests.contains(file) {
                checked.manifests.push(file.clone());
            }
        }
        let graph = driver.feature_graph();
        if !declared
            .version
            .as_deref()
            .is_some_and(|v| in_release(v, graph.release))
        {
            continue;
        }
        let enabled = closure(&declared, graph);
        let mut unmet: Vec<driver::Feature> = Vec::new();
        for schema in layout.schemas() {
            let backend = schema.dialect().backend();
            if !driver.supports(backend) {
                continue;
            }
            for feature in driver.features(backend, uses(schema, types)) {
                if !enabled.iter().any(|e| e == feature.satisfied_by) && !unmet.contains(&feature) {
                    unmet.push(feature);
                }
            }
        }
        // What another missing feature enables need not be named.
        let missing: Vec<&str> = unmet
            .iter()
            .filter(|f| {
                !unmet.iter().any(|other| {
                    other.add != f.add
                        && graph
                            .implies
                            .iter()
                            .any(|(from, to)| *from == other.add && to.contains(&f.satisfied_by))
                })
            })
            .map(|f| f.add)
            .collect();
        if missing.is_empty() {
            continue;
        }
        let (plural, them) = if missing.len() == 1 {
            ("", "it")
        } else {
            ("s", "them")
        };
        let named_missing: Vec<String> = missing.iter().map(|f| format!("`{f}`")).collect();
        let place = if declared.inherited {
            "to this crate's line, or to the workspace's [workspace.dependencies]"
        } else {
            "to its line in [dependencies]"
        };
        errors.push(syn::Error::new(
            ident.span(),
            format!(
                "integrations({}) generates code that needs the feature{plural} {} of `{}`, \
                 which this crate's dependency on it does not enable; add {them} {place}:\n{}",
                driver.name(),
                named_missing.join(", "),
                declared.key,
                declared.line_with(&missing)
            ),
        ));
    }
}

/// The host depends on every crate the generated code names: one error per
/// integration with the lines to add.
fn check_dependencies(
    layout: &Dialects<'_>,
    named: &[(&'static dyn Driver, &Ident)],
    types: &RustTypes<'_>,
    present: &[String],
    facade: bool,
    errors: &mut Errors,
) {
    for (driver, ident) in named {
        let mut missing: Vec<(&str, String)> = Vec::new();
        for schema in layout.schemas() {
            if !driver.supports(schema.dialect().backend()) {
                continue;
            }
            for (name, line) in needs(*driver, schema.dialect(), schema, types) {
                // The `attesto` crate re-exports attesto-schema.
                let there = present
                    .iter()
                    .any(|p| p == name || (name == "attesto_schema" && facade));
                if !there && !missing.iter().any(|(n, _)| *n == name) {
                    missing.push((name, line));
                }
            }
        }
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
}

/// The dialect an invocation that names none is for, when its
/// integrations cannot drive PostgreSQL (the default) but drive exactly one
/// other family of servers, as the host's features enable them: that
/// family's dialect, and the one error that asks the host to name it.
pub fn implied_dialect(args: &Args, host: &Host) -> Option<(Dialect, syn::Error)> {
    let named = named(args);
    let (_, first) = named.first()?;
    let dir = host.dir(Span::call_site()).ok()?;
    let manifest = dir.join("Cargo.toml");
    // Which families each integration drives here: by its nature, and, for
    // a crate of several (sqlx), by the features the host enables.
    let drives = |driver: &dyn Driver, backend: Backend| -> bool {
        if !driver.supports(backend) {
            return false;
        }
        let Ok(Some(declared)) = declared(&manifest, driver.name()) else {
            return true;
        };
        let graph = driver.feature_graph();
        if !declared
            .version
            .as_deref()
            .is_some_and(|v| in_release(v, graph.release))
        {
            return true;
        }
        let enabled = closure(&declared, graph);
        driver
            .features(backend, driver::Uses::default())
            .first()
            .is_none_or(|f| enabled.iter().any(|e| e == f.satisfied_by))
    };
    let all = |backend: Backend| named.iter().all(|(d, _)| drives(*d, backend));
    let default = Dialect::default().backend();
    if all(default) {
        return None;
    }
    let mut others = Backend::ALL
        .into_iter()
        .filter(|b| *b != default && all(*b));
    let (Some(backend), None) = (others.next(), others.next()) else {
        return None;
    };
    let names: Vec<&str> = named.iter().map(|(d, _)| d.name()).collect();
    // Every dialect of the family, the last-documented first (MariaDB
    // before MySQL 8: the one more hosts run).
    let dialects: Vec<Dialect> = Dialect::of_backend(backend).collect();
    let dialect = *dialects.first()?;
    let write = dialects
        .iter()
        .rev()
        .map(|d| format!("`dialect = \"{}\"` ({})", d.name(), d.product()))
        .collect::<Vec<_>>()
        .join(" or ");
    Some((
        dialect,
        syn::Error::new(
            first.span(),
            format!(
                "this invocation names no dialect, so it is for PostgreSQL (the default), which \
                 integrations({}) here does not drive: it drives {} only; name the dialect: {write}",
                names.join(", "),
                backend.family()
            ),
        ),
    ))
}

/// What the generated code of `schema` uses, for the features it needs.
fn uses(schema: &Schema, types: &RustTypes<'_>) -> driver::Uses {
    let any = |pred: &dyn Fn(&Column, RustType<'_>) -> bool| {
        schema
            .tables()
            .into_iter()
            .any(|t| schema.columns(t).iter().any(|c| pred(c, types.of(t, c))))
    };
    let dialect = schema.dialect();
    driver::Uses {
        chrono: any(&|_, ty| {
            timestamps::is_newtype(ty)
                || matches!(ty, RustType::Default(d) if d.starts_with("::chrono"))
        }),
        uuid: any(&|_, ty| matches!(ty, RustType::Default("::uuid::Uuid"))),
        json: any(&|c, ty| binding(dialect, c, ty) == Binding::Json),
        json_value: any(&|c, ty| {
            binding(dialect, c, ty) == Binding::Json && is_path(ty, &["serde_json", "Value"])
        }),
    }
}

/// Whether the version requirement `requirement` (`0.9`, `^0.9.1`,
/// `=2.3.0`) asks for releases of `release` (`0.9`, `2`).
fn in_release(requirement: &str, release: &str) -> bool {
    let version = requirement.trim_start_matches(|c: char| "^~=<> ".contains(c));
    version == release
        || version
            .strip_prefix(release)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// The features `declared` enables: its own, the defaults when they are
/// on, and what those enable in turn.
fn closure(declared: &Declared, graph: driver::FeatureGraph) -> Vec<String> {
    let mut enabled = declared.features.clone();
    if declared.default_features {
        enabled.extend(graph.defaults.iter().map(|f| (*f).to_owned()));
    }
    let mut i = 0;
    while let Some(feature) = enabled.get(i).cloned() {
        for (from, to) in graph.implies {
            if *from == feature {
                for implied in *to {
                    if !enabled.iter().any(|e| e == implied) {
                        enabled.push((*implied).to_owned());
                    }
                }
            }
        }
        i += 1;
    }
    enabled
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
    let chrono = uses(&|_, ty| default(ty, "::chrono") || timestamps::is_newtype(ty));
    let uuid = uses(&|_, ty| default(ty, "::uuid"));
    let json_default = uses(&|_, ty| default(ty, "::serde_json"));
    let json_glue =
        driver.writes_json_text() && uses(&|c, ty| binding(dialect, c, ty) == Binding::Json);
    let mut needs = vec![(driver.name(), driver.dependency(dialect.backend()))];
    // `verify` and `ensure` compare the catalog at run time.
    needs.push((
        "attesto_schema",
        format!(
            "attesto-schema = \"{}.{}\"",
            env!("CARGO_PKG_VERSION_MAJOR"),
            env!("CARGO_PKG_VERSION_MINOR")
        ),
    ));
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
/// column order: `value(binding, source, table name, column, type)`.
pub fn field_values(
    schema: &Schema,
    table: &Table,
    types: &RustTypes<'_>,
    value: impl Fn(Binding, value::Source<'_>, &str, &str, RustType<'_>) -> String,
) -> Vec<String> {
    let name = schema.table_name(table);
    schema
        .columns(table)
        .iter()
        .map(|column| {
            let source = value::Source::Field {
                column: column.name(),
                nullable: column.is_nullable(),
                owner: "self",
            };
            let ty = types.of(table, column);
            value(
                binding(schema.dialect(), column, ty),
                source,
                &name,
                column.name(),
                ty,
            )
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
    /// As the field's own text, after checking that it is no longer than
    /// the column keeps (MySQL and MariaDB cut a longer one in a session
    /// that is not strict).
    Text(LengthLimit),
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

/// Whether a column of `schema` binds as `want` says.
pub fn binds(schema: &Schema, types: &RustTypes<'_>, want: &dyn Fn(Binding) -> bool) -> bool {
    schema.tables().into_iter().any(|t| {
        schema
            .columns(t)
            .iter()
            .any(|c| want(binding(schema.dialect(), c, types.of(t, c))))
    })
}

/// Whether a column binds a host's timestamp type, checked at run time.
pub fn binds_timestamps(schema: &Schema, types: &RustTypes<'_>) -> bool {
    binds(schema, types, &|b| matches!(b, Binding::Timestamp(_)))
}

/// The refusal of a timestamp of `table.column` outside years 1 to 9999.
pub fn range_message(table: &str, column: &str) -> String {
    format!(
        "attesto: {table}.{column} takes years 1 to 9999, the range every dialect stores and \
         compares alike, and this value is outside it"
    )
}

/// The refusal of a JSON value of `table.column` that would not read back.
pub fn json_message(table: &str, column: &str) -> String {
    format!(
        "attesto: {table}.{column} is JSON that would not read back: nested deeper than {JSON_DEPTH} \
         levels (serde_json reads no deeper), or not serialisable as JSON"
    )
}

/// The deepest nesting serde_json reads back, as the message says it.
const JSON_DEPTH: u32 = attesto_schema::__private::JSON_DEPTH;

/// The sink that measures how deep serialised JSON nests, refusing past
/// what serde_json reads back: attesto-schema's, under the name the
/// generated code uses.
fn json_depth(code: &mut Code, schema_path: &str) {
    let _ = writeln!(
        code,
        "\n#[doc(hidden)] pub use {schema_path}::__private::JsonDepth as __AttestoJsonDepth;"
    );
}

/// An expression: whether the JSON of `reference` (a reference to a serde
/// value) reads back, as [`json_depth`] measures it.
pub fn json_reads_back(reference: &str) -> String {
    format!("::serde_json::to_writer(__AttestoJsonDepth::default(), {reference}).is_ok()")
}

/// A statement that returns `error(message)` from a method when the value
/// of `binding` from `source` would not read back (a host's timestamp of
/// another precision or out of range, a JSON value too deep, text longer
/// than its column keeps); nothing for a value that always does. `error`
/// makes the driver's error from a `&'static str` expression.
pub fn guard(
    binding: Binding,
    source: value::Source<'_>,
    table: &str,
    column: &str,
    error: &dyn Fn(&str) -> String,
) -> String {
    let reference = source.reference();
    match binding {
        Binding::Plain => String::new(),
        Binding::Json => format!(
            "if !{} {{ return ::core::result::Result::Err({}); }}",
            json_reads_back(&reference),
            error(&str_literal(&json_message(table, column)).to_string())
        ),
        Binding::Timestamp(precision) => format!(
            "match __attesto_timestamp_refusal({reference}, {}) {{ \
             ::core::option::Option::None => {{}}, \
             ::core::option::Option::Some(__AttestoTimestampRefusal::Precision) => return ::core::result::Result::Err({}), \
             ::core::option::Option::Some(__AttestoTimestampRefusal::Range) => return ::core::result::Result::Err({}), }}",
            precision.unit(),
            error(&str_literal(&precision.message(table, column)).to_string()),
            error(&str_literal(&range_message(table, column)).to_string())
        ),
        Binding::Text(limit) => format!(
            "if {} {{ return ::core::result::Result::Err({}); }}",
            too_long(limit, source),
            error(&str_literal(&length_message(limit, table, column)).to_string())
        ),
    }
}

/// An expression: whether the text from `source` is longer than `limit`.
pub fn too_long(limit: LengthLimit, source: value::Source<'_>) -> String {
    let exceeds = match limit {
        LengthLimit::Chars(n) => format!("|v: &str| v.len() > {n} && v.chars().count() > {n}"),
        LengthLimit::Bytes(n) => format!("|v: &str| v.len() > {n}"),
    };
    match source {
        value::Source::Field { nullable: true, .. } => {
            format!("{}.as_deref().is_some_and({exceeds})", source.place())
        }
        value::Source::Field { .. } => {
            format!(
                "({exceeds})(::core::convert::AsRef::<str>::as_ref({}))",
                source.reference()
            )
        }
        value::Source::OptRef(name) => format!("{name}.is_some_and({exceeds})"),
        value::Source::Ref(name) | value::Source::Seconds(name) => format!("({exceeds})({name})"),
    }
}

/// The refusal of text longer than `table.column` keeps.
pub fn length_message(limit: LengthLimit, table: &str, column: &str) -> String {
    format!(
        "attesto: {table}.{column} keeps at most {limit}, and this value is longer: \
         MySQL and MariaDB would cut it without an error in a session whose sql_mode is not \
         strict, so it is refused before it is sent"
    )
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
pub fn row_attributes(code: &mut Code, schema: &Schema, table: &Table, checked: &Checked) {
    for driver in &checked.drivers {
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
        // The expansion's timestamps hold their precision and range.
        (LogicalType::Timestamp | LogicalType::TimestampUsec, _) if timestamps::is_newtype(ty) => {
            Binding::Plain
        }
        (LogicalType::Timestamp, _) => Binding::Timestamp(Precision::Seconds),
        (LogicalType::TimestampUsec, _) => Binding::Timestamp(Precision::Micros),
        // PostgreSQL has arrays of its own.
        (LogicalType::Strings, _) if dialect.has_arrays() => Binding::Plain,
        (LogicalType::Json | LogicalType::Strings, _) if is_string(ty) => Binding::Plain,
        (LogicalType::Json | LogicalType::Strings, _) => Binding::Json,
        // Only text held as a `String` is measured; a host's own type is
        // the host's to keep within the column.
        (ty_, _) => match dialect.length_limit(ty_) {
            Some(limit) if is_string(ty) => Binding::Text(limit),
            _ => Binding::Plain,
        },
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
/// row by key, as items of the row struct's `impl` or the table's module.
pub fn statements(code: &mut Code, schema: &Schema, table: &Table) {
    let key = key_doc(table);
    let _ = write!(
        code,
        r#"
            /// `SELECT` of every column of the row whose key ({key}) equals the parameters, in key order.
            pub const SELECT_BY_KEY_SQL: &'static str = {select};
            /// `DELETE` of the row whose key ({key}) equals the parameters, in key order.
            pub const DELETE_BY_KEY_SQL: &'static str = {delete};
"#,
        select = str_literal(&schema.select_by_key_sql(table)),
        delete = str_literal(&schema.delete_by_key_sql(table)),
    );
}

/// The trait that tells a timestamp's sub-second part, implemented for the
/// timestamp types of chrono, time and std that the rows use.
fn timestamp_trait(code: &mut Code, schema: &Schema, types: &RustTypes<'_>, schema_path: &str) {
    let _ = write!(
        code,
        r#"
        /// The sub-second part of a timestamp, in nanoseconds: how the generated binding
        /// refuses a value with more precision than its column keeps (a `timestamp(0)`
        /// column keeps whole seconds, a `timestamp` one microseconds), which would not
        /// read back equal. Implemented here for the timestamp types of chrono, time and
        /// std that the rows use; implement it for a timestamp type of your own.
        pub trait AttestoTimestamp {{
            /// The nanoseconds past the whole second.
            fn attesto_subsec_nanos(&self) -> u32;
            /// The whole seconds since the Unix epoch (negative before it): how the
            /// binding refuses a value outside years 1 to 9999, the range every dialect
            /// stores and compares alike.
            fn attesto_unix_seconds(&self) -> i64;
        }}
        impl<T: AttestoTimestamp> AttestoTimestamp for ::core::option::Option<T> {{
            fn attesto_subsec_nanos(&self) -> u32 {{
                self.as_ref().map_or(0, T::attesto_subsec_nanos)
            }}
            fn attesto_unix_seconds(&self) -> i64 {{
                self.as_ref().map_or(0, T::attesto_unix_seconds)
            }}
        }}
        impl<T: AttestoTimestamp + ?::core::marker::Sized> AttestoTimestamp for &T {{
            fn attesto_subsec_nanos(&self) -> u32 {{
                T::attesto_subsec_nanos(self)
            }}
            fn attesto_unix_seconds(&self) -> i64 {{
                T::attesto_unix_seconds(self)
            }}
        }}
        #[doc(hidden)]
        pub use {schema_path}::__private::TimestampRefusal as __AttestoTimestampRefusal;
        /// Why `value`, for a column that keeps whole multiples of `unit` nanoseconds,
        /// would not read back as written; `None` when it would.
        #[doc(hidden)]
        pub fn __attesto_timestamp_refusal<T: AttestoTimestamp + ?::core::marker::Sized>(
            value: &T,
            unit: u32,
        ) -> ::core::option::Option<__AttestoTimestampRefusal> {{
            {schema_path}::__private::timestamp_refusal(
                value.attesto_unix_seconds(),
                value.attesto_subsec_nanos(),
                unit,
            )
        }}
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
            // A leap second's nanoseconds pass 1e9: kept, so it is refused.
            let (nanos, seconds) = match last.as_str() {
                "NaiveDateTime" => (
                    "self.and_utc().timestamp_subsec_nanos()",
                    "self.and_utc().timestamp()",
                ),
                "DateTime" => ("self.timestamp_subsec_nanos()", "self.timestamp()"),
                "PrimitiveDateTime" => ("self.nanosecond()", "self.assume_utc().unix_timestamp()"),
                "OffsetDateTime" => ("self.nanosecond()", "self.unix_timestamp()"),
                "SystemTime" => (
                    "match self.duration_since(::std::time::UNIX_EPOCH) { \
                     ::core::result::Result::Ok(d) => d.subsec_nanos(), \
                     ::core::result::Result::Err(e) => e.duration().subsec_nanos() }",
                    "match self.duration_since(::std::time::UNIX_EPOCH) { \
                     ::core::result::Result::Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX), \
                     ::core::result::Result::Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s) }",
                ),
                // A type of the host's own: the host implements the trait.
                _ => continue,
            };
            seen.push(normal);
            code.push_str("impl AttestoTimestamp for ");
            field_type(code, ty, false);
            let _ = writeln!(
                code,
                " {{ fn attesto_subsec_nanos(&self) -> u32 {{ {nanos} }} \
                 fn attesto_unix_seconds(&self) -> i64 {{ {seconds} }} }}"
            );
        }
    }
}

/// The glue of every integration the host named, for every dialect of the
/// invocation.
pub fn generate(
    code: &mut Code,
    layout: &Dialects<'_>,
    types: &RustTypes<'_>,
    args: &Args,
    checked: &Checked,
) {
    let schema_path = checked.schema_path;
    let named = &checked.drivers;
    let Some(&driver) = named.first() else {
        return;
    };
    let schema = layout.primary();
    let any = |want: &dyn Fn(Binding) -> bool| {
        layout
            .schemas()
            .iter()
            .any(|schema| binds(schema, types, want))
    };
    if named.iter().any(|d| d.checks_timestamps()) && any(&|b| matches!(b, Binding::Timestamp(_))) {
        timestamp_trait(code, schema, types, schema_path);
    }
    if any(&|b| b == Binding::Json) {
        json_depth(code, schema_path);
    }
    timestamps::definitions(code, &timestamps::used(schema, types), &args.derives);
    let mut backends: Vec<Backend> = Vec::new();
    for dialect in layout.dialects() {
        if !backends.contains(&dialect.backend()) {
            backends.push(dialect.backend());
        }
    }
    for (i, driver) in named.iter().enumerate() {
        // Drivers of one set of types share one set of impls.
        if named[..i].iter().all(|d| d.glue_key() != driver.glue_key()) {
            driver.glue(code, layout, types, named);
            for newtype in timestamps::used(schema, types) {
                for backend in &backends {
                    driver.timestamp_glue(code, *backend, newtype.name);
                }
            }
        }
    }
    // The operations' methods, for the first integration named (every one
    // runs them): two drivers' methods of one name cannot share a row struct.
    driver.support(code, schema);
    driver.handle(code, layout);
    let tracing = args.tracing.is_some();
    for table in schema.tables() {
        ops::outcomes(code, schema, table);
        ops::methods(code, layout, table, types, driver, tracing);
    }
    live::functions(code, layout, driver, schema_path, args.from.is_some());
    sweep::functions(code, layout, types, driver, tracing);
    if layout.multi() {
        driver.pools(code, layout, schema_path);
    }
}

/// The constants `verify` and `ensure` use, for `schema`'s dialect: items
/// of the invocation's module, or of the dialect's.
pub fn live_constants(code: &mut Code, schema: &Schema, args: &Args, path: &str) {
    live::constants(code, schema, args.from.is_some(), path);
}

/// The SQL constants of the stores' operations on `table`: in every
/// expansion, with or without an integration.
pub fn operation_constants(code: &mut Code, schema: &Schema, table: &Table) {
    ops::constants(code, schema, table);
}
