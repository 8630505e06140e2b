//! Turns checked arguments into the generated constants and row structs.

use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;

use attesto_schema::{Dialect, Migration, Release, Schema, Table, UpgradeError};
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::LitStr;

use crate::args::Args;
use crate::config::{Prefix, resolve_prefix};
use crate::drift;
use crate::errors::Errors;
use crate::types::{RustTypes, str_literal};

/// Derives every row struct gets, before the host's own.
const BASE_DERIVES: &[&str] = &["Debug", "Clone", "PartialEq"];

/// The whole expansion, on `proc_macro2` tokens so that it can be tested
/// outside a compiler.
pub(crate) fn attesto_migration_inner(input: TokenStream) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let args = Args::parse(input, &mut errors)?;
    let dialect = errors.keep(args.dialect.as_ref().map(parse_lit::<Dialect>).transpose());
    let version = errors.keep(args.version.as_ref().map(parse_lit::<Release>).transpose());
    let from = errors.keep(args.from.as_ref().map(parse_lit::<Release>).transpose());
    let prefix = errors.keep(resolve_prefix(&args));
    let (Some(dialect), Some(version), Some(from), Some(prefix)) = (dialect, version, from, prefix)
    else {
        return errors.finish(TokenStream::new());
    };
    let dialect = dialect.unwrap_or_default();
    let version = version.unwrap_or_else(Release::latest);
    let Some(migration) = errors.keep(
        Migration::new(dialect, &prefix.resolved.prefix, version, from)
            .map_err(|e| migration_error(&args, &prefix, e)),
    ) else {
        return errors.finish(TokenStream::new());
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

fn generate(migration: &Migration, args: &Args, tracked: &[PathBuf]) -> TokenStream {
    let schema = migration.target();
    let types = RustTypes::new(&args.types);
    let derives = derives(args);
    let prefix_value = schema.prefix();
    let dialect = schema.dialect().name();
    let product = schema.dialect().product();
    let release = schema.release().version();
    let name = migration.name();
    let tables = schema.tables();
    let names: Vec<String> = tables.iter().map(|t| schema.table_name(t)).collect();
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
    let rows = tables.iter().enumerate().map(|(i, table)| {
        let slices = ranges
            .as_ref()
            .and_then(|(creates, drops)| Some((creates.get(i)?.clone(), drops.get(i)?.clone())));
        row_struct(schema, table, &types, &derives, slices)
    });
    // Reading a file at compile time does not make cargo watch it;
    // `include_bytes!` of its absolute path does.
    let tracked = tracked.iter().filter_map(|path| {
        let path = path.to_str()?;
        Some(quote! { const _: &[u8] = ::core::include_bytes!(#path); })
    });
    let count = tables.len();
    let (from, up_doc, down_doc) = match migration.from() {
        None => (
            quote!(::core::option::Option::None),
            format!(
                " The up migration ({product}, schema release {release}): creates the {count} tables in order, each followed by its indexes."
            ),
            format!(" The down migration ({product}): drops the {count} tables in reverse order."),
        ),
        Some(from) => {
            let from = from.version();
            (
                quote!(::core::option::Option::Some(#from)),
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
    let prefix_doc = format!(" The table-name prefix of every table and index: {prefix_value:?}.");
    let name_doc = format!(" The migration's name in file names: `{name}`.");
    let [
        prefix_doc,
        name_doc,
        up_doc,
        down_doc,
        prefix_value,
        up,
        down,
    ] = [
        &prefix_doc,
        &name_doc,
        &up_doc,
        &down_doc,
        prefix_value,
        &up,
        &down,
    ]
    .map(str_literal);
    quote! {
        #[doc = #prefix_doc]
        pub const TABLE_PREFIX: &str = #prefix_value;
        /// The SQL dialect of the generated SQL: `"postgres"` or `"sqlite"`.
        pub const DIALECT: &str = #dialect;
        /// The attesto_phoenix schema release the database has after `UP_SQL`.
        pub const SCHEMA_RELEASE: &str = #release;
        /// The release `UP_SQL` upgrades from; `None` for a fresh install.
        pub const FROM_RELEASE: ::core::option::Option<&str> = #from;
        #[doc = #name_doc]
        pub const MIGRATION_NAME: &str = #name;
        #[doc = #up_doc]
        pub const UP_SQL: &str = #up;
        #[doc = #down_doc]
        pub const DOWN_SQL: &str = #down;
        /// The prefixed table names of `SCHEMA_RELEASE`, in creation order.
        pub const TABLES: &[&str] = &[#(#names),*];
        #(#tracked)*
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
        #(#rows)*
    }
}

/// `sql[range]` of the constant `name`, in a `const`.
fn sql_slice(name: TokenStream, range: Range<usize>) -> TokenStream {
    let (start, end) = (range.start, range.end);
    quote!(__attesto_sql_slice(#name, #start, #end))
}

fn derives(args: &Args) -> Vec<TokenStream> {
    let mut derives: Vec<TokenStream> = BASE_DERIVES
        .iter()
        .map(|name| {
            let ident = format_ident!("{}", name);
            quote!(#ident)
        })
        .collect();
    // A host that names a base derive again must not get a conflicting impl.
    derives.extend(
        args.derives
            .iter()
            .filter(|path| {
                let mut tokens = (*path).clone().into_iter();
                match (tokens.next(), tokens.next()) {
                    (Some(TokenTree::Ident(ident)), None) => {
                        !BASE_DERIVES.iter().any(|base| ident == base)
                    }
                    _ => true,
                }
            })
            .cloned(),
    );
    derives
}

fn row_struct(
    schema: &Schema,
    table: &Table,
    types: &RustTypes,
    derives: &[TokenStream],
    slices: Option<(Range<usize>, Range<usize>)>,
) -> TokenStream {
    let dialect = schema.dialect();
    let name = schema.table_name(table);
    let ident = syn::Ident::new(table.row_name(), Span::call_site());
    let columns = schema.columns(table);
    let fields = columns.iter().map(|column| {
        let field = syn::Ident::new(column.name(), Span::call_site());
        let ty = types.of(column.logical_type());
        let ty = if column.is_nullable() {
            quote!(::core::option::Option<#ty>)
        } else {
            ty
        };
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
        let doc = str_literal(&doc);
        quote! {
            #[doc = #doc]
            pub #field: #ty,
        }
    });
    let column_names = columns.iter().map(|c| c.name());
    let primary_key = table.primary_key();
    let (create, drop) = match slices {
        Some((create, drop)) => (
            sql_slice(quote!(UP_SQL), create),
            sql_slice(quote!(DOWN_SQL), drop),
        ),
        None => {
            let create = str_literal(&schema.create_sql(table));
            let drop = str_literal(&schema.drop_sql(table));
            (quote!(#create), quote!(#drop))
        }
    };
    let insert = schema.insert_sql(table);
    let select = schema.select_sql(table);
    let struct_doc = format!(
        " A row of `{name}` (schema release {}).\n\n {}\n\n Read rows with [`Self::SELECT_SQL`], which names [`Self::COLUMNS`]: \
         map columns by name, never by position, because an upgraded table orders its columns differently.",
        schema.release(),
        table.description()
    );
    let table_doc = format!(" The table name, `{name}`.");
    let [struct_doc, table_doc, name, insert, select] =
        [&*struct_doc, &*table_doc, &*name, &*insert, &*select].map(str_literal);
    quote! {
        #[doc = #struct_doc]
        #[derive(#(#derives),*)]
        pub struct #ident {
            #(#fields)*
        }

        impl #ident {
            #[doc = #table_doc]
            pub const TABLE: &'static str = #name;
            /// The column names, in the order of the struct's fields.
            pub const COLUMNS: &'static [&'static str] = &[#(#column_names),*];
            /// The primary-key columns (empty when the table has none).
            pub const PRIMARY_KEY: &'static [&'static str] = &[#(#primary_key),*];
            /// `CREATE TABLE` for this table, followed by its indexes.
            pub const CREATE_SQL: &'static str = #create;
            /// `DROP TABLE` for this table.
            pub const DROP_SQL: &'static str = #drop;
            /// `INSERT` of every column, with placeholders numbered in [`Self::COLUMNS`] order.
            pub const INSERT_SQL: &'static str = #insert;
            /// `SELECT` of every column by name, in [`Self::COLUMNS`] order.
            pub const SELECT_SQL: &'static str = #select;
        }
    }
}
