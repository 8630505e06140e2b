//! Turns checked arguments into the generated constants and row structs.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;

use attesto_schema::{Dialect, Migration, Release, Schema, Table, UpgradeError};
use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::LitStr;

use crate::args::Args;
use crate::code::{Code, str_literal};
use crate::config::{Prefix, resolve_prefix};
use crate::drift;
use crate::errors::Errors;
use crate::types::{RustType, RustTypes};

/// Derives every row struct gets, before the host's own.
const BASE_DERIVES: &[&str] = &["Debug", "Clone", "PartialEq"];

/// The whole expansion, on `proc_macro2` tokens so that it can be tested
/// outside a compiler.
// The macro itself lowers `expansion` with the crate root's
// `compiler_tokens`; tests, the example and the bench use this.
#[allow(dead_code)]
pub(crate) fn attesto_migration_inner(input: TokenStream) -> syn::Result<TokenStream> {
    expansion(input)?.into_tokens()
}

/// The expansion as generated code: what the macro hands to the compiler.
pub(crate) fn expansion(input: TokenStream) -> syn::Result<Code> {
    let mut errors = Errors::default();
    let args = Args::parse(input, &mut errors)?;
    let dialect = errors.keep(args.dialect.as_ref().map(parse_lit::<Dialect>).transpose());
    let version = errors.keep(args.version.as_ref().map(parse_lit::<Release>).transpose());
    let from = errors.keep(args.from.as_ref().map(parse_lit::<Release>).transpose());
    let prefix = errors.keep(resolve_prefix(&args));
    let (Some(dialect), Some(version), Some(from), Some(prefix)) = (dialect, version, from, prefix)
    else {
        return errors.finish(Code::default());
    };
    let dialect = dialect.unwrap_or_default();
    let version = version.unwrap_or_else(Release::latest);
    let Some(migration) = errors.keep(
        Migration::new(dialect, &prefix.resolved.prefix, version, from)
            .map_err(|e| migration_error(&args, &prefix, e)),
    ) else {
        return errors.finish(Code::default());
    };
    let mut tracked = prefix.resolved.files.clone();
    if let Some(path) = &args.migrations_path {
        tracked.extend(
            errors
                .keep(drift::check(&migration, path))
                .unwrap_or_default(),
        );
    }
    errors.finish(generate(&migration, &args, &tracked))
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
        not_forward @ UpgradeError::NotForward { .. } => {
            let span = args
                .from
                .as_ref()
                .map_or_else(Span::call_site, LitStr::span);
            syn::Error::new(span, not_forward)
        }
    }
}

fn generate(migration: &Migration, args: &Args, tracked: &[PathBuf]) -> Code {
    let schema = migration.target();
    let types = RustTypes::new(&args.types);
    let prefix = schema.prefix();
    let dialect = schema.dialect().name();
    let product = schema.dialect().product();
    let release = schema.release().version();
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
    let (from, up_doc, down_doc) = match migration.from() {
        None => (
            "::core::option::Option::None".to_owned(),
            format!(
                " The up migration ({product}, schema release {release}): creates the {count} tables in order, each followed by its indexes."
            ),
            format!(" The down migration ({product}): drops the {count} tables in reverse order."),
        ),
        Some(from) => {
            let from = from.version();
            (
                format!("::core::option::Option::Some({from:?})"),
                format!(
                    " The up migration ({product}): upgrades a database at schema release {from} to {release}, adding the missing columns (with their defaults), indexes and tables; existing rows are kept."
                ),
                format!(
                    " The down migration ({product}): returns a database at schema release {release} to {from}."
                ),
            )
        }
    };
    let up_doc =
        format!("{up_doc}\n\n No `BEGIN`/`COMMIT`: run it in your migration runner's transaction.");
    let names: Vec<String> = tables.iter().map(|t| schema.table_name(t)).collect();

    // Writing to a `Code` cannot fail: `write!` results are ignored below.
    let mut code = Code::default();
    let _ = write!(
        code,
        r#"
        #[doc = {prefix_doc}]
        pub const TABLE_PREFIX: &str = {prefix};
        /// The SQL dialect of the generated SQL: `"postgres"` or `"sqlite"`.
        pub const DIALECT: &str = {dialect:?};
        /// The attesto_phoenix schema release the database has after `UP_SQL`.
        pub const SCHEMA_RELEASE: &str = {release:?};
        /// The release `UP_SQL` upgrades from; `None` for a fresh install.
        pub const FROM_RELEASE: ::core::option::Option<&str> = {from};
        #[doc = {name_doc}]
        pub const MIGRATION_NAME: &str = {name:?};
        #[doc = {up_doc}]
        pub const UP_SQL: &str = {up};
        #[doc = {down_doc}]
        pub const DOWN_SQL: &str = {down};
        /// The prefixed table names of `SCHEMA_RELEASE`, in creation order.
        pub const TABLES: &[&str] = &[{names}];
        /// `&UP_SQL[start..end]` (or of `DOWN_SQL`), in a `const`.
        #[doc(hidden)]
        const fn __attesto_sql_slice(sql: &'static str, start: usize, end: usize) -> &'static str {{
            let (head, _) = sql.as_bytes().split_at(end);
            let (_, slice) = head.split_at(start);
            match ::core::str::from_utf8(slice) {{
                ::core::result::Result::Ok(slice) => slice,
                ::core::result::Result::Err(_) => ::core::panic!("attesto: slice off a char boundary"),
            }}
        }}
"#,
        prefix_doc = str_literal(&format!(
            " The table-name prefix of every table and index: {prefix:?}."
        )),
        prefix = str_literal(prefix),
        name_doc = str_literal(&format!(" The migration's name in file names: `{name}`.")),
        up_doc = str_literal(&up_doc),
        up = str_literal(&up),
        down_doc = str_literal(&down_doc),
        down = str_literal(&down),
        names = str_list(names.iter().map(String::as_str)),
    );
    // Reading a file at compile time does not make cargo watch it;
    // `include_bytes!` of its absolute path does.
    for path in tracked.iter().filter_map(|path| path.to_str()) {
        let _ = writeln!(code, "const _: &[u8] = ::core::include_bytes!({path:?});");
    }
    for (i, table) in tables.iter().enumerate() {
        let slices = ranges
            .as_ref()
            .and_then(|(creates, drops)| Some((creates.get(i)?.clone(), drops.get(i)?.clone())));
        row_struct(&mut code, schema, table, &types, args, slices);
    }
    code
}

/// The host's derive paths, less the base derives they repeat.
fn host_derives(args: &Args) -> impl Iterator<Item = &TokenStream> {
    // A host that names a base derive again must not get a conflicting impl.
    args.derives.iter().filter(|path| {
        let mut tokens = (*path).clone().into_iter();
        match (tokens.next(), tokens.next()) {
            (Some(TokenTree::Ident(ident)), None) => !BASE_DERIVES.iter().any(|base| ident == base),
            _ => true,
        }
    })
}

/// `#[derive(...)]`: the base derives as text, the host's as its tokens.
fn derive_attribute(code: &mut Code, args: &Args) {
    let mut list = Code::default();
    let _ = write!(list, "{}", BASE_DERIVES.join(", "));
    for path in host_derives(args) {
        let _ = write!(list, ", ");
        list.tokens(path);
    }
    let mut attribute = Code::default();
    let _ = write!(attribute, "derive");
    attribute.group(Delimiter::Parenthesis, list);
    let _ = write!(code, "#");
    code.group(Delimiter::Bracket, attribute);
}

fn row_struct(
    code: &mut Code,
    schema: &Schema,
    table: &Table,
    types: &RustTypes,
    args: &Args,
    slices: Option<(Range<usize>, Range<usize>)>,
) {
    let dialect = schema.dialect();
    let name = schema.table_name(table);
    let ident = table.row_name();
    let columns = schema.columns(table);
    let struct_doc = format!(
        " A row of `{name}` (schema release {}).\n\n {}\n\n Read rows with [`Self::SELECT_SQL`], which names [`Self::COLUMNS`]: \
         map columns by name, never by position, because an upgraded table orders its columns differently.",
        schema.release(),
        table.description()
    );
    let _ = write!(code, "#[doc = {}]", str_literal(&struct_doc));
    derive_attribute(code, args);
    let _ = write!(code, "pub struct {ident}");
    let mut fields = Code::default();
    for column in &columns {
        let null = if column.is_nullable() {
            "NULL"
        } else {
            "NOT NULL"
        };
        let default = column
            .default_value()
            .map(|d| format!(" DEFAULT {}", dialect.default_sql(d)))
            .unwrap_or_default();
        let mut doc = format!(
            " `{} {} {null}{default}`",
            column.name(),
            dialect.sql_type(column.logical_type())
        );
        if !column.description().is_empty() {
            doc.push_str(": ");
            doc.push_str(column.description());
            doc.push('.');
        }
        let _ = write!(
            fields,
            "#[doc = {}] pub {}: ",
            str_literal(&doc),
            column.name()
        );
        // `<` and `>` are not delimiters: the text on either side of a
        // host type still lexes on its own.
        let (open, close) = if column.is_nullable() {
            ("::core::option::Option<", ">")
        } else {
            ("", "")
        };
        match types.of(column.logical_type()) {
            RustType::Std(ty) => {
                let _ = write!(fields, "{open}{ty}{close},");
            }
            RustType::Host(tokens) => {
                let _ = write!(fields, "{open}");
                fields.tokens(tokens);
                let _ = write!(fields, "{close},");
            }
        }
    }
    code.group(Delimiter::Brace, fields);

    let column_names = str_list(columns.iter().map(|c| c.name()));
    let primary_key = str_list(table.primary_key().iter().copied());
    let (create, drop) = match slices {
        Some((create, drop)) => (sql_slice("UP_SQL", create), sql_slice("DOWN_SQL", drop)),
        None => (
            str_literal(&schema.create_sql(table)),
            str_literal(&schema.drop_sql(table)),
        ),
    };
    let _ = write!(
        code,
        r#"
        impl {ident} {{
            #[doc = {table_doc}]
            pub const TABLE: &'static str = {table};
            /// The column names, in the order of the struct's fields.
            pub const COLUMNS: &'static [&'static str] = &[{column_names}];
            /// The primary-key columns (empty when the table has none).
            pub const PRIMARY_KEY: &'static [&'static str] = &[{primary_key}];
            /// `CREATE TABLE` for this table, followed by its indexes.
            pub const CREATE_SQL: &'static str = {create};
            /// `DROP TABLE` for this table.
            pub const DROP_SQL: &'static str = {drop};
            /// `INSERT` of every column, with placeholders numbered in [`Self::COLUMNS`] order.
            pub const INSERT_SQL: &'static str = {insert};
            /// `SELECT` of every column by name, in [`Self::COLUMNS`] order.
            pub const SELECT_SQL: &'static str = {select};
        }}
"#,
        table_doc = str_literal(&format!(" The table name, `{name}`.")),
        table = str_literal(&name),
        insert = str_literal(&schema.insert_sql(table)),
        select = str_literal(&schema.select_sql(table)),
    );
}

/// `"a", "b"`: the items of a `&[&str]` literal.
fn str_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.map(str_literal).collect::<Vec<_>>().join(", ")
}

/// `sql[range]` of the constant `name`, in a `const`.
fn sql_slice(name: &str, range: Range<usize>) -> String {
    format!(
        "__attesto_sql_slice({name}, {}, {})",
        range.start, range.end
    )
}
