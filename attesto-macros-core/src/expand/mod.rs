//! Turns checked arguments into the generated code: the module's constants,
//! then a row struct per table with its statements, then the glue of each
//! integration.

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
    let dialect = errors.keep(args.dialect.as_ref().map(parse_lit::<Dialect>).transpose());
    let version = errors.keep(args.version.as_ref().map(parse_lit::<Version>).transpose());
    let from = errors.keep(args.from.as_ref().map(parse_lit::<Version>).transpose());
    let prefix = errors.keep(resolve_prefix(&args, host));
    let (Some(dialect), Some(version), Some(from), Some(prefix)) = (dialect, version, from, prefix)
    else {
        return errors.finish(Code::default());
    };
    let dialect = dialect.unwrap_or_default();
    let version = version.unwrap_or_else(Version::latest);
    let Some(migration) = errors.keep(
        Migration::new(dialect, &prefix.resolved.prefix, version, from)
            .map_err(|e| migration_error(&args, &prefix, e)),
    ) else {
        return errors.finish(Code::default());
    };
    check_columns(migration.target(), &args, &mut errors);
    let types = RustTypes::new(&args.types, !args.integrations.is_empty());
    let mut tracked = prefix.resolved.files.clone();
    let checked = integrations::check(&args, migration.target(), &types, host, &mut errors);
    for manifest in checked.manifests {
        if !tracked.contains(&manifest) {
            tracked.push(manifest);
        }
    }
    if let Some(path) = &args.migrations_path {
        tracked.extend(
            errors
                .keep(drift::check(&migration, path, host))
                .unwrap_or_default(),
        );
    }
    let asked = Asked { version, from };
    errors.finish(generate(
        &migration,
        &asked,
        &args,
        &tracked,
        checked.schema_path,
    ))
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

/// `schema_path`: how the generated code names attesto-schema.
fn generate(
    migration: &Migration,
    asked: &Asked,
    args: &Args,
    tracked: &[PathBuf],
    schema_path: &str,
) -> Code {
    let schema = migration.target();
    let types = RustTypes::new(&args.types, !args.integrations.is_empty());
    let prefix = schema.prefix();
    let dialect = schema.dialect().name();
    let product = schema.dialect().product();
    let release = schema.release();
    let name = migration.name();
    let tables = schema.tables();
    // A fresh install's UP_SQL and DOWN_SQL hold every table's CREATE and
    // DROP statements: the row structs name those as slices of them, which
    // halves the string literals the compiler has to take in.
    let (up, down, ranges) = match migration {
        Migration::Install(schema) => {
            let (up, creates) = schema.up_sql_with_ranges();
            let (down, drops) = schema.down_sql_with_ranges();
            (up, down, Some((creates, drops)))
        }
        Migration::Upgrade(_) => (migration.up_sql(), migration.down_sql(), None),
    };
    let count = tables.len();
    let covers = match release.versions() {
        [first, .., last] => format!("attesto_phoenix {first} to {last} install it"),
        _ => format!("attesto_phoenix {release} installs it"),
    };
    let (from_version, from_release, up_doc, down_doc) = match (migration.from(), asked.from) {
        (Some(from), Some(from_version)) => (
            format!("::core::option::Option::Some({:?})", from_version.as_str()),
            format!("::core::option::Option::Some({:?})", from.version()),
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
            "::core::option::Option::None".to_owned(),
            "::core::option::Option::None".to_owned(),
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
    let names: Vec<String> = tables.iter().map(|t| schema.table_name(t)).collect();

    // Writing to a `Code` cannot fail: `write!` results are ignored below.
    let mut code = Code::default();
    let _ = write!(
        code,
        r#"
        #[doc = {prefix_doc}]
        pub const TABLE_PREFIX: &str = {prefix};
        /// The SQL dialect of the generated SQL: `"postgres"`, `"sqlite"` or `"mysql"`.
        pub const DIALECT: &str = {dialect:?};
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
        #[doc = {up_doc}]
        pub const UP_SQL: &str = {up};
        #[doc = {down_doc}]
        pub const DOWN_SQL: &str = {down};
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
        up_doc = str_literal(&up_doc),
        up = str_literal(&up),
        down_doc = str_literal(&down_doc),
        down = str_literal(&down),
        names = str_list(names.iter().map(String::as_str)),
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
    track(&mut code, tracked);
    for (i, table) in tables.iter().enumerate() {
        let slices = ranges
            .as_ref()
            .and_then(|(creates, drops)| Some((creates.get(i)?.clone(), drops.get(i)?.clone())));
        rows::row_struct(&mut code, schema, table, &types, args, slices);
        rows::constructor(&mut code, schema, table, &types);
        integrations::operation_constants(&mut code, schema, table);
    }
    integrations::generate(&mut code, schema, &types, args, schema_path);
    code
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
