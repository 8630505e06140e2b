//! Turns checked arguments into the generated code: the module's constants,
//! then a row struct per table with its statements, then the glue of each
//! integration.

pub mod dialects;
pub mod rows;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::str::FromStr;

use attesto_schema::{Dialect, Migration, Schema, UpgradeError, Version};
use proc_macro2::{Span, TokenStream};
use syn::LitStr;

use crate::args::{Args, Entry, Target};
use crate::code::{Code, str_literal};
use crate::config::{Host, Prefix, resolve_prefix};
use crate::drift;
use crate::errors::Errors;
use crate::integrations;
use crate::types::{RustTypes, names};
use dialects::Dialects;

/// The whole expansion, on `proc_macro2` tokens lexed by proc-macro2, so
/// that it can be tested and measured outside a compiler.
pub fn attesto_migration_inner(input: TokenStream) -> syn::Result<TokenStream> {
    expansion(input)?.into_tokens()
}

/// The expansion as generated code, for the crate cargo is compiling: what
/// the macro hands to the compiler.
pub fn expansion(input: TokenStream) -> syn::Result<Code> {
    expansion_for(input, &Host::from_env())
}

/// The expansion as generated code, for `host`.
pub fn expansion_for(input: TokenStream, host: &Host) -> syn::Result<Code> {
    let mut errors = Errors::default();
    let args = Args::parse(input, &mut errors)?;
    // What the glue's checks refuse is reported beside the whole expansion,
    // as thiserror does: the constants and rows still exist, so that the
    // host sees the one error, not a cascade of its uses.
    let mut beside = Errors::default();
    let dialects = resolve_dialects(&args, host, &mut errors, &mut beside);
    let version = errors.keep(args.version.as_ref().map(parse_lit::<Version>).transpose());
    let from = errors.keep(args.from.as_ref().map(parse_lit::<Version>).transpose());
    let prefix = errors.keep(resolve_prefix(&args, host));
    let (Some(dialects), Some(version), Some(from), Some(prefix)) =
        (dialects, version, from, prefix)
    else {
        return errors.finish(Code::default());
    };
    let version = version.unwrap_or_else(Version::latest);
    let mut migrations = Vec::new();
    let mut refused: Vec<String> = Vec::new();
    for dialect in &dialects.named {
        match Migration::new(*dialect, &prefix.resolved.prefix, version, from) {
            Ok(migration) => migrations.push(migration),
            Err(e) => {
                let error = migration_error(&args, &prefix, e);
                // One prefix too long for two dialects is one error.
                if !refused.contains(&error.to_string()) {
                    refused.push(error.to_string());
                    errors.push(error);
                }
            }
        }
    }
    if migrations.len() != dialects.named.len() {
        return errors.finish(Code::default());
    }
    let schemas: Vec<&Schema> = migrations.iter().map(Migration::target).collect();
    let layout = Dialects::new(schemas, dialects.multi);
    check_columns(layout.primary(), &args, &mut errors);
    let types = RustTypes::new(&args.types, !args.integrations.is_empty());
    let mut tracked = prefix.resolved.files.clone();
    let mut refused = Errors::default();
    let mut checked = integrations::check(&args, &layout, &types, host, &mut refused);
    // Glue that an integration check refused would only add errors of its
    // own: the constants and rows stand without it.
    checked.glue &= refused.is_empty();
    beside.absorb(refused);
    for manifest in &checked.manifests {
        if !tracked.contains(manifest) {
            tracked.push(manifest.clone());
        }
    }
    if let Some(path) = &args.migrations_path {
        for migration in &migrations {
            tracked.extend(
                errors
                    .keep(drift::check(migration, path, host))
                    .unwrap_or_default(),
            );
        }
    }
    let invocation = Invocation {
        migrations: &migrations,
        layout: &layout,
        asked: Asked { version, from },
        args: &args,
        types: &types,
        tracked: &tracked,
        checked: &checked,
    };
    let code = generate(&invocation);
    if errors.is_empty() {
        Ok(beside.beside(code))
    } else {
        errors.absorb(beside);
        errors.finish(code)
    }
}

/// The dialects an invocation named: `dialect = "..."` (PostgreSQL when
/// none), or the list of `dialects(...)`.
struct Named {
    named: Vec<Dialect>,
    multi: bool,
}

/// The dialects of the invocation, each checked: a name each, none twice,
/// no two that share sqlx's and diesel's types of one server (MySQL and
/// MariaDB), and not both arguments. An invocation that names none whose
/// integrations drive one family of servers, not PostgreSQL's, is for that
/// family, with the error that asks to name it (`beside`).
fn resolve_dialects(
    args: &Args,
    host: &Host,
    errors: &mut Errors,
    beside: &mut Errors,
) -> Option<Named> {
    let dialect = errors.keep(args.dialect.as_ref().map(parse_lit::<Dialect>).transpose())?;
    let Some((ident, literals)) = &args.dialects else {
        let dialect = match dialect {
            Some(dialect) => dialect,
            None => match integrations::implied_dialect(args, host) {
                Some((implied, error)) => {
                    beside.push(error);
                    implied
                }
                None => Dialect::default(),
            },
        };
        return Some(Named {
            named: vec![dialect],
            multi: false,
        });
    };
    if args.dialect.is_some() {
        errors.push(syn::Error::new(
            ident.span(),
            "give `dialect = \"...\"` for one dialect or `dialects(...)` for several, not both",
        ));
        return None;
    }
    if literals.is_empty() {
        errors.push(syn::Error::new(
            ident.span(),
            format!(
                "`dialects(...)` names at least one dialect: `{}`",
                crate::args::Argument::Dialects.example()
            ),
        ));
        return None;
    }
    let mut named: Vec<Dialect> = Vec::new();
    let mut ok = true;
    for literal in literals {
        let Some(dialect) = errors.keep(parse_lit::<Dialect>(literal)) else {
            ok = false;
            continue;
        };
        if named.contains(&dialect) {
            errors.push(syn::Error::new(
                literal.span(),
                format!(
                    "duplicate dialect \"{}\"; name each at most once",
                    dialect.name()
                ),
            ));
            ok = false;
        } else if let Some(other) = named.iter().find(|d| d.backend() == dialect.backend()) {
            errors.push(syn::Error::new(
                literal.span(),
                format!(
                    "dialects \"{}\" and \"{}\" both run on {} servers, through one pool type: \
                     name the one your servers are",
                    other.name(),
                    dialect.name(),
                    dialect.backend().family()
                ),
            ));
            ok = false;
        } else {
            named.push(dialect);
        }
    }
    ok.then_some(Named { named, multi: true })
}

/// The versions the invocation asked for, before they resolved to releases.
pub struct Asked {
    /// `version`, or the latest.
    pub version: Version,
    /// `from`, if given.
    pub from: Option<Version>,
}

/// The value of a string argument, parsed; the parser's error goes under
/// the literal.
fn parse_lit<T>(lit: &LitStr) -> syn::Result<T>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    lit.value()
        .parse()
        .map_err(|e| syn::Error::new(lit.span(), e))
}

fn migration_error(args: &Args, prefix: &Prefix, error: UpgradeError) -> syn::Error {
    match error {
        UpgradeError::Prefix(error) => {
            let message = match &prefix.resolved.origin {
                Some(origin) => format!("{error} (the prefix comes from {origin})"),
                None => error.to_string(),
            };
            syn::Error::new(prefix.span, message)
        }
        other => {
            let span = args
                .from
                .as_ref()
                .map_or_else(Span::call_site, LitStr::span);
            syn::Error::new(span, other)
        }
    }
}

/// Every `columns(...)` entry of `types(...)` and `field_attrs(...)` must
/// name a column of the release, and a table that has it.
fn check_columns(schema: &Schema, args: &Args, errors: &mut Errors) {
    let targets = args
        .types
        .iter()
        .map(|e| (&e.target, e.span))
        .chain(args.field_attrs.iter().map(|e| (&e.target, e.span)));
    for (target, span) in targets {
        let Target::Column { table, column } = target else {
            continue;
        };
        let release = schema.release();
        match table {
            Some(written) => {
                let Some(table) = schema.tables().into_iter().find(|t| names(written, t)) else {
                    errors.push(syn::Error::new(
                        written.span(),
                        format!(
                            "schema release {release} has no table `{written}`; its tables are {}",
                            schema
                                .tables()
                                .iter()
                                .map(|t| format!("`{}`", t.short_name()))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                    continue;
                };
                if !schema.columns(table).iter().any(|c| column == c.name()) {
                    errors.push(syn::Error::new(
                        span,
                        format!(
                            "`{}` has no column `{column}` in schema release {release}; its columns are {}",
                            table.name(),
                            schema
                                .columns(table)
                                .iter()
                                .map(|c| format!("`{}`", c.name()))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
            None => {
                let known = schema
                    .tables()
                    .into_iter()
                    .any(|t| schema.columns(t).iter().any(|c| column == c.name()));
                if !known {
                    errors.push(syn::Error::new(
                        span,
                        format!("no table of schema release {release} has a column `{column}`"),
                    ));
                }
            }
        }
    }
}

/// An invocation parsed, resolved and checked: everything generation
/// reads, each worked out once.
struct Invocation<'a> {
    /// A migration per dialect, in the order named.
    migrations: &'a [Migration],
    /// The dialects' schemas, and whether there are several.
    layout: &'a Dialects<'a>,
    /// The versions asked for.
    asked: Asked,
    /// The arguments as parsed (the host's tokens among them).
    args: &'a Args,
    /// The Rust type of every column.
    types: &'a RustTypes<'a>,
    /// The files cargo must watch.
    tracked: &'a [PathBuf],
    /// What the integration checks found: how the generated code names
    /// attesto-schema, and whether the glue can be generated.
    checked: &'a integrations::Checked,
}

/// The whole expansion of a checked invocation: the module's constants, a
/// row struct per table with its statements, then the glue of each
/// integration.
fn generate(invocation: &Invocation<'_>) -> Code {
    let Invocation {
        migrations,
        layout,
        asked,
        args,
        types,
        tracked,
        checked,
    } = invocation;
    let migration = &migrations[0];
    let schema = layout.primary();
    let glue = checked.glue && !args.integrations.is_empty();
    let prefix = schema.prefix();
    let release = schema.release();
    let name = migration.name();
    let tables = schema.tables();
    let covers = match release.versions() {
        [first, .., last] => format!("attesto_phoenix {first} to {last} install it"),
        _ => format!("attesto_phoenix {release} installs it"),
    };
    let (from_version, from_release) = match (migration.from(), asked.from) {
        (Some(from), Some(from_version)) => (
            format!("::core::option::Option::Some({:?})", from_version.as_str()),
            format!("::core::option::Option::Some({:?})", from.version()),
        ),
        _ => (
            "::core::option::Option::None".to_owned(),
            "::core::option::Option::None".to_owned(),
        ),
    };
    let names: Vec<String> = tables.iter().map(|t| schema.table_name(t)).collect();

    // Writing to a `Code` cannot fail: `write!` results are ignored below.
    let mut code = Code::default();
    let _ = write!(
        code,
        r#"
        #[doc = {prefix_doc}]
        pub const TABLE_PREFIX: &str = {prefix};
        /// The attesto_phoenix version the invocation asked for (`version`, or the latest).
        pub const ATTESTO_PHOENIX_VERSION: &str = {version:?};
        #[doc = {release_doc}]
        pub const SCHEMA_RELEASE: &str = {release_str:?};
        /// The attesto_phoenix version `UP_SQL` upgrades from (`from`); `None` for a fresh install.
        pub const FROM_VERSION: ::core::option::Option<&str> = {from_version};
        /// The schema release `UP_SQL` upgrades from; `None` for a fresh install.
        pub const FROM_RELEASE: ::core::option::Option<&str> = {from_release};
        #[doc = {name_doc}]
        pub const MIGRATION_NAME: &str = {name:?};
        /// The prefixed table names of `SCHEMA_RELEASE`, in creation order.
        pub const TABLES: &[&str] = &[{names}];
"#,
        prefix_doc = str_literal(&format!(
            " The table-name prefix of every table and index: {prefix:?}."
        )),
        prefix = str_literal(prefix),
        version = asked.version.as_str(),
        release_doc = str_literal(&format!(
            " The schema release the database has after `UP_SQL` ({covers})."
        )),
        release_str = release.version(),
        name_doc = str_literal(&format!(" The migration's name in file names: `{name}`.")),
        names = str_list(names.iter().map(String::as_str)),
    );
    if layout.multi() {
        let _ = write!(
            code,
            "/// The dialects this invocation generates for, in the order named: each has a \
             module of its own (`{0}::UP_SQL`, `{0}::TARGET`, ...).\n\
             pub const DIALECTS: &[&str] = &[{1}];\n",
            schema.dialect().name(),
            str_list(layout.dialects().map(|d| d.name()))
        );
    }
    track(&mut code, tracked);
    // A fresh install's UP_SQL and DOWN_SQL hold every table's CREATE and
    // DROP statements: with one dialect, the row structs name those as
    // slices of them, which halves the string literals the compiler has to
    // take in.
    let ranges = if layout.multi() {
        None
    } else {
        module_consts(&mut code, migration, asked, true)
    };
    for (i, table) in tables.iter().enumerate() {
        rows::row_struct(
            &mut code,
            layout,
            table,
            types,
            args,
            glue.then_some(*checked),
        );
        let _ = write!(code, "impl {} {{", table.row_name());
        rows::identity_consts(&mut code, schema, table);
        if !layout.multi() {
            let slices = ranges.as_ref().and_then(|(creates, drops)| {
                Some((creates.get(i)?.clone(), drops.get(i)?.clone()))
            });
            table_consts(&mut code, schema, table, slices, "Self", glue);
        }
        code.push_str("}\n");
        rows::constructor(&mut code, schema, table, types);
    }
    if layout.multi() {
        for (migration, schema) in migrations.iter().zip(layout.schemas()) {
            let dialect = schema.dialect();
            let _ = write!(
                code,
                "/// What this invocation generates for {}: its migration, its statements \
                 table by table, and what `verify` and `ensure` compare.\npub mod {} {{\n",
                dialect.product(),
                dialect.name()
            );
            module_consts(&mut code, migration, asked, false);
            for table in &tables {
                let _ = write!(
                    code,
                    "/// The statements of `{}` on {}.\npub mod {} {{\n",
                    schema.table_name(table),
                    dialect.product(),
                    table.short_name()
                );
                let row = format!("super::super::{}", table.row_name());
                table_consts(&mut code, schema, table, None, &row, glue);
                code.push_str("}\n");
            }
            if glue {
                integrations::live_constants(&mut code, schema, args, checked.schema_path);
            }
            code.push_str("}\n");
        }
    } else if glue {
        integrations::live_constants(&mut code, schema, args, checked.schema_path);
    }
    if glue {
        integrations::generate(&mut code, layout, types, args, checked);
    }
    code
}

/// The statements of `table` in `schema`'s dialect, as items of the row
/// struct's `impl` or of the table's module (`row` names the row struct
/// from there): the row's own, the operations', and, with an
/// integration, the statements of one row by its key.
fn table_consts(
    code: &mut Code,
    schema: &Schema,
    table: &attesto_schema::Table,
    slices: Option<(std::ops::Range<usize>, std::ops::Range<usize>)>,
    row: &str,
    glue: bool,
) {
    rows::sql_consts(code, schema, table, slices, row);
    integrations::operation_constants(code, schema, table);
    if glue {
        integrations::statements(code, schema, table);
    }
}

/// Each table's `CREATE` and `DROP` statements, as ranges of `UP_SQL` and
/// `DOWN_SQL`.
type Ranges = (Vec<std::ops::Range<usize>>, Vec<std::ops::Range<usize>>);

/// The constants of one dialect's migration: `DIALECT`, `UP_SQL` and
/// `DOWN_SQL`. With `ranges`, a fresh install also gives each table's
/// `CREATE` and `DROP` as ranges of them, and the `const fn` that slices
/// them.
fn module_consts(
    code: &mut Code,
    migration: &Migration,
    asked: &Asked,
    ranges: bool,
) -> Option<Ranges> {
    let schema = migration.target();
    let product = schema.dialect().product();
    let release = schema.release();
    let count = schema.tables().len();
    let (up, down, ranges) = match migration {
        Migration::Install(schema) if ranges => {
            let (up, creates) = schema.up_sql_with_ranges();
            let (down, drops) = schema.down_sql_with_ranges();
            (up, down, Some((creates, drops)))
        }
        _ => (migration.up_sql(), migration.down_sql(), None),
    };
    let (up_doc, down_doc) = match (migration.from(), asked.from) {
        (Some(from), Some(from_version)) => (
            format!(
                " The up migration ({product}): upgrades a database at schema release {from} \
                 (attesto_phoenix {from_version}) to {release}, adding the missing tables, columns \
                 (with their defaults) and indexes; existing rows are kept."
            ),
            format!(
                " The down migration ({product}): returns a database at schema release {release} \
                 to {from}, keeping the rows of the tables {from} has. It fails, having changed \
                 nothing, where it would have to restore a `NOT NULL` on a column that holds NULL."
            ),
        ),
        _ => (
            format!(
                " The up migration ({product}, schema release {release}): creates the {count} \
                 tables in order, each followed by its indexes."
            ),
            format!(" The down migration ({product}): drops the {count} tables in reverse order."),
        ),
    };
    let transaction = if schema.dialect().transactional_ddl() {
        "\n\n No `BEGIN`/`COMMIT`: run it in your migration runner's transaction, which \
         makes it all or nothing."
            .to_owned()
    } else {
        format!(
            "\n\n {product} commits each DDL statement on its own; an upgrade is written so \
             that one that fails part-way can be run again to completion."
        )
    };
    let up_doc = format!("{up_doc}{transaction}");
    let dialects = Dialect::ALL.map(|d| format!("`{:?}`", d.name())).join(", ");
    let _ = write!(
        code,
        r#"
        /// The SQL dialect of the generated SQL, one of {dialects}.
        pub const DIALECT: &str = {dialect:?};
        #[doc = {up_doc}]
        pub const UP_SQL: &str = {up};
        #[doc = {down_doc}]
        pub const DOWN_SQL: &str = {down};
"#,
        dialect = schema.dialect().name(),
        up_doc = str_literal(&up_doc),
        up = str_literal(&up),
        down_doc = str_literal(&down_doc),
        down = str_literal(&down),
    );
    if ranges.is_some() {
        code.push_str(
            r#"
        /// `&UP_SQL[start..end]` (or of `DOWN_SQL`), in a `const`.
        #[doc(hidden)]
        const fn __attesto_sql_slice(sql: &'static str, start: usize, end: usize) -> &'static str {
            let (head, _) = sql.as_bytes().split_at(end);
            let (_, slice) = head.split_at(start);
            match ::core::str::from_utf8(slice) {
                ::core::result::Result::Ok(slice) => slice,
                ::core::result::Result::Err(_) => ::core::panic!("attesto: slice off a char boundary"),
            }
        }
"#,
        );
    }
    ranges
}

/// Makes cargo rebuild when a file the expansion read changes, without
/// putting the file's bytes in any artifact.
///
/// cargo watches every file `include_bytes!` names (rustc lists it in the
/// crate's dep-info). Inside the body of a function that nothing calls,
/// the bytes are never evaluated into a constant, so they reach neither
/// the `.rlib`, the `.rmeta` nor the incremental cache: a secret in another
/// table of a config file stays out of the build's output.
fn track(code: &mut Code, tracked: &[PathBuf]) {
    let paths: Vec<&str> = tracked.iter().filter_map(|path| path.to_str()).collect();
    if paths.is_empty() {
        return;
    }
    code.push_str("\n#[doc(hidden)] #[allow(dead_code)] fn __attesto_watch_files() {");
    for path in paths {
        let _ = write!(
            code,
            " let _ = ::core::include_bytes!({});",
            str_literal(path)
        );
    }
    code.push_str(" }\n");
}

/// `"a", "b"`: the items of a `&[&str]` literal.
pub fn str_list<'a>(items: impl Iterator<Item = &'a str> + Clone) -> String {
    // Through `format!`, whose appending std runs optimised (see
    // `Code::write_fmt`).
    format!("{}", StrList(items))
}

/// The items of a `&[&str]` literal, as a `Display`.
struct StrList<I>(I);

impl<'a, I: Iterator<Item = &'a str> + Clone> std::fmt::Display for StrList<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, item) in self.0.clone().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            std::fmt::Display::fmt(&str_literal(item), f)?;
        }
        Ok(())
    }
}

/// The entries of `field_attrs(...)` that apply to `column` of `table`.
pub fn field_attrs<'a>(
    entries: &'a [Entry<Vec<TokenStream>>],
    table: &'a attesto_schema::Table,
    column: &'a attesto_schema::Column,
) -> impl Iterator<Item = &'a TokenStream> {
    use crate::args::TypeKey;
    // Microsecond timestamps take `timestamp`'s attributes unless
    // `timestamp_usec` has its own, as they take its type.
    let usec_own = entries
        .iter()
        .any(|e| matches!(e.target, Target::Logical(TypeKey::TimestampUsec)));
    entries
        .iter()
        .filter(move |e| match &e.target {
            Target::Logical(key) => match TypeKey::of(column.logical_type()) {
                Some(TypeKey::TimestampUsec) if !usec_own => *key == TypeKey::Timestamp,
                of => of == Some(*key),
            },
            Target::Column {
                table: t,
                column: c,
            } => c == column.name() && t.as_ref().is_none_or(|t| names(t, table)),
        })
        .flat_map(|e| e.value.iter())
}
