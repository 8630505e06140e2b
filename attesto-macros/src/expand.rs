//! Turns checked arguments into the generated constants and row structs.

use attesto_schema::{Dialect, Schema, Table};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::LitStr;

use crate::args::Args;
use crate::config::{ResolvedPrefix, resolve_prefix};
use crate::errors::Errors;
use crate::types::RustTypes;

/// Derives every row struct gets, before the host's own.
const BASE_DERIVES: &[&str] = &["Debug", "Clone", "PartialEq"];

/// The whole expansion, on `proc_macro2` tokens so that it can be tested
/// outside a compiler.
pub(crate) fn attesto_migration_inner(input: TokenStream) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let args = Args::parse(input, &mut errors)?;
    let dialect = errors.keep(dialect(args.dialect.as_ref()));
    let prefix = errors.keep(resolve_prefix(&args));
    let (Some(dialect), Some(prefix)) = (dialect, prefix) else {
        return errors.finish(TokenStream::new());
    };
    let schema =
        errors.keep(Schema::new(dialect, &prefix.value).map_err(|e| prefix_error(&prefix, &e)));
    let output = schema.map(|schema| generate(&schema, &args, &prefix));
    errors.finish(output.unwrap_or_default())
}

fn dialect(lit: Option<&LitStr>) -> syn::Result<Dialect> {
    match lit {
        None => Ok(Dialect::default()),
        Some(lit) => lit
            .value()
            .parse()
            .map_err(|e| syn::Error::new(lit.span(), e)),
    }
}

fn prefix_error(prefix: &ResolvedPrefix, error: &attesto_schema::PrefixError) -> syn::Error {
    let message = match &prefix.origin {
        Some(origin) => format!("{error} (the prefix comes from {origin})"),
        None => error.to_string(),
    };
    syn::Error::new(prefix.span, message)
}

fn generate(schema: &Schema, args: &Args, prefix: &ResolvedPrefix) -> TokenStream {
    let types = RustTypes::new(&args.types);
    let derives = derives(args);
    let prefix_value = schema.prefix();
    let dialect = schema.dialect().name();
    let product = schema.dialect().product();
    let release = attesto_schema::RELEASE;
    let up = schema.up_sql();
    let down = schema.down_sql();
    let names: Vec<String> = schema
        .tables()
        .iter()
        .map(|t| schema.table_name(t))
        .collect();
    let rows = schema
        .tables()
        .iter()
        .map(|table| row_struct(schema, table, &types, &derives));
    // Reading a file at compile time does not make cargo watch it;
    // `include_bytes!` of its absolute path does.
    let tracked = prefix.tracked.iter().filter_map(|path| {
        let path = path.to_str()?;
        Some(quote! { const _: &[u8] = ::core::include_bytes!(#path); })
    });
    let up_doc = format!(
        " The up migration ({product}, schema release {release}): creates the nine tables in order, each followed by its indexes.\n\n No `BEGIN`/`COMMIT`: run it in your migration runner's transaction."
    );
    let down_doc =
        format!(" The down migration ({product}): drops the nine tables in reverse order.");
    let prefix_doc = format!(" The table-name prefix of every table and index: {prefix_value:?}.");
    quote! {
        #[doc = #prefix_doc]
        pub const TABLE_PREFIX: &str = #prefix_value;
        /// The SQL dialect of the generated SQL: `"postgres"` or `"sqlite"`.
        pub const DIALECT: &str = #dialect;
        /// The attesto_phoenix schema release the SQL installs.
        pub const SCHEMA_RELEASE: &str = #release;
        #[doc = #up_doc]
        pub const UP_SQL: &str = #up;
        #[doc = #down_doc]
        pub const DOWN_SQL: &str = #down;
        /// The prefixed table names, in creation order.
        pub const TABLES: &[&str] = &[#(#names),*];
        #(#tracked)*
        #(#rows)*
    }
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
                !(path.segments.len() == 1 && BASE_DERIVES.iter().any(|base| path.is_ident(base)))
            })
            .map(|path| quote!(#path)),
    );
    derives
}

fn row_struct(
    schema: &Schema,
    table: &Table,
    types: &RustTypes,
    derives: &[TokenStream],
) -> TokenStream {
    let dialect = schema.dialect();
    let name = schema.table_name(table);
    let ident = syn::Ident::new(table.row_name(), Span::call_site());
    let fields = table.columns().iter().map(|column| {
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
        quote! {
            #[doc = #doc]
            pub #field: #ty,
        }
    });
    let columns = table.columns().iter().map(|c| c.name());
    let primary_key = table.primary_key();
    let create = schema.create_sql(table);
    let drop = schema.drop_sql(table);
    let insert = schema.insert_sql(table);
    let select = schema.select_sql(table);
    let struct_doc = format!(
        " A row of `{name}`.\n\n {}\n\n Read rows with [`Self::SELECT_SQL`], which names [`Self::COLUMNS`]: \
         map columns by name, never by position, because an upgraded table orders its columns differently.",
        table.description()
    );
    let table_doc = format!(" The table name, `{name}`.");
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
            pub const COLUMNS: &'static [&'static str] = &[#(#columns),*];
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
