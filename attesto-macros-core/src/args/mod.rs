//! The macro's arguments, parsed into a checked model: every bad argument
//! is reported, under its own tokens, before anything is generated.

mod keys;
mod syntax;

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

pub use keys::{Argument, Integration, Shape, TypeKey};
use syntax::{attributes, check_path, string_literal, value_tokens};
pub use syntax::{list, path_segments};

use attesto_schema::config::closest;

use crate::errors::Errors;

/// What a `types(...)` or `field_attrs(...)` entry applies to.
#[derive(Debug, Clone)]
pub enum Target {
    /// Every column of a logical type.
    Logical(TypeKey),
    /// One column, of every table that has it or of one table.
    Column {
        /// The table, as written (`refresh_tokens` or
        /// `attesto_refresh_tokens`), if qualified.
        table: Option<Ident>,
        /// The column.
        column: Ident,
    },
}

/// One entry of `types(...)` or `field_attrs(...)`.
#[derive(Debug, Clone)]
pub struct Entry<T> {
    /// What it applies to.
    pub target: Target,
    /// Where to report a problem with it.
    pub span: Span,
    /// The type, or the attributes.
    pub value: T,
}

/// The checked arguments of one invocation.
#[derive(Default)]
pub struct Args {
    /// `prefix = "..."`.
    pub prefix: Option<LitStr>,
    /// `dialect = "..."`.
    pub dialect: Option<LitStr>,
    /// The literals of `dialects(...)`, and the identifier that named it.
    pub dialects: Option<(Ident, Vec<LitStr>)>,
    /// `version = "..."`.
    pub version: Option<LitStr>,
    /// `from = "..."`.
    pub from: Option<LitStr>,
    /// `config = "..."`.
    pub config: Option<LitStr>,
    /// `config_key = "..."`.
    pub config_key: Option<LitStr>,
    /// `migrations_path = "..."`.
    pub migrations_path: Option<LitStr>,
    /// The paths of `derive(...)`, checked to be paths.
    pub derives: Vec<TokenStream>,
    /// The entries of `types(...)`, each target at most once.
    pub types: Vec<Entry<TokenStream>>,
    /// The attributes of `attrs(...)`.
    pub attrs: Vec<TokenStream>,
    /// The entries of `field_attrs(...)`.
    pub field_attrs: Vec<Entry<Vec<TokenStream>>>,
    /// The integrations, each with the identifier that named it.
    pub integrations: Vec<(Integration, Ident)>,
    /// `tracing`, by the identifier that named it.
    pub tracing: Option<Ident>,
}

impl Args {
    /// Parses the whole invocation. Bad arguments go to `errors`, all of
    /// them, and the good ones are kept so that they can be checked too;
    /// only malformed syntax stops the parse.
    pub fn parse(tokens: TokenStream, errors: &mut Errors) -> syn::Result<Args> {
        (|input: ParseStream| parse_args(input, errors)).parse2(tokens)
    }
}

/// What follows an argument name.
enum Value {
    /// `key = tokens`, the tokens up to the next top-level comma.
    Assign(Token![=], TokenStream),
    /// `key(tokens)`, or another group.
    List(Group),
    /// Nothing.
    Missing,
}

fn parse_args(input: ParseStream, errors: &mut Errors) -> syn::Result<Args> {
    let mut args = Args::default();
    let mut seen: Vec<Argument> = Vec::new();
    while !input.is_empty() {
        let ident: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!(
                    "expected an argument name; valid arguments are {}",
                    list(Argument::ALL.map(Argument::name))
                ),
            )
        })?;
        let value = parse_value(input, &ident, Argument::from_name(&ident.to_string()))?;
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
        let Some(key) = Argument::from_name(&ident.to_string()) else {
            let meant = closest(&ident.to_string(), Argument::ALL.map(Argument::name))
                .map(|name| format!("did you mean `{name}`? "))
                .unwrap_or_default();
            errors.push(syn::Error::new(
                ident.span(),
                format!(
                    "unknown argument `{ident}`; {meant}valid arguments are {}",
                    list(Argument::ALL.map(Argument::name))
                ),
            ));
            continue;
        };
        if seen.contains(&key) {
            errors.push(syn::Error::new(
                ident.span(),
                format!("duplicate argument `{ident}`; give each argument at most once"),
            ));
            continue;
        }
        seen.push(key);
        match key {
            Argument::Prefix => args.prefix = errors.keep(string(key, &ident, value)),
            Argument::Dialect => args.dialect = errors.keep(string(key, &ident, value)),
            Argument::Dialects => {
                let literals = list_value(key, &ident, value, errors, parse_literals);
                args.dialects = Some((ident, literals));
            }
            Argument::Tracing => {
                if errors.keep(flag(key, value)).is_some() {
                    args.tracing = Some(ident);
                }
            }
            Argument::Version => args.version = errors.keep(string(key, &ident, value)),
            Argument::From => args.from = errors.keep(string(key, &ident, value)),
            Argument::Config => args.config = errors.keep(string(key, &ident, value)),
            Argument::ConfigKey => args.config_key = errors.keep(string(key, &ident, value)),
            Argument::MigrationsPath => {
                args.migrations_path = errors.keep(string(key, &ident, value))
            }
            Argument::Derive => {
                args.derives = list_value(key, &ident, value, errors, parse_derives);
            }
            Argument::Types => {
                args.types = list_value(key, &ident, value, errors, |input| {
                    parse_entries(input, "a type", |input, _| {
                        let ty = value_tokens(input)?;
                        Ok((!ty.is_empty()).then_some(ty))
                    })
                });
            }
            Argument::Attrs => {
                args.attrs = list_value(key, &ident, value, errors, |input| {
                    let found = attributes(input, "for every row struct")?;
                    if !input.is_empty() {
                        input.parse::<Token![,]>()?;
                        if !input.is_empty() {
                            return Err(input.error("expected the end of `attrs(...)`"));
                        }
                    }
                    Ok(found)
                });
            }
            Argument::FieldAttrs => {
                args.field_attrs = list_value(key, &ident, value, errors, |input| {
                    parse_entries(input, "attributes", |input, key| {
                        attributes(input, &format!("after `{key} =`")).map(Some)
                    })
                });
            }
            Argument::Integrations => {
                args.integrations = list_value(key, &ident, value, errors, parse_integrations);
            }
        }
    }
    Ok(args)
}

fn parse_value(input: ParseStream, ident: &Ident, key: Option<Argument>) -> syn::Result<Value> {
    if input.peek(Token![=]) {
        let eq: Token![=] = input.parse()?;
        Ok(Value::Assign(eq, value_tokens(input)?))
    } else if input.peek(syn::token::Paren)
        || input.peek(syn::token::Bracket)
        || input.peek(syn::token::Brace)
    {
        match input.parse::<TokenTree>()? {
            TokenTree::Group(group) => Ok(Value::List(group)),
            other => Err(syn::Error::new(other.span(), "expected parentheses")),
        }
    } else if input.is_empty() || input.peek(Token![,]) {
        Ok(Value::Missing)
    } else {
        // Point at what stands where `=` or `(` belongs.
        let found: TokenTree = input.parse()?;
        let expected = match key.map(|k| (k.shape(), k.example())) {
            Some((Shape::String, example)) => format!("expected `=` after `{ident}`: `{example}`"),
            Some((Shape::List, example)) => format!("expected `(` after `{ident}`: `{example}`"),
            Some((Shape::Flag, example)) => format!("expected `,` after `{ident}`: `{example}`"),
            None => format!("expected `=` or `(` after `{ident}`"),
        };
        Err(syn::Error::new(found.span(), expected))
    }
}

/// The value of `key = "..."`.
fn string(key: Argument, ident: &Ident, value: Value) -> syn::Result<LitStr> {
    let example = key.example();
    let wrong =
        |span: Span| syn::Error::new(span, format!("expected a string literal: `{example}`"));
    match value {
        Value::Assign(eq, tokens) => string_literal(key.name(), example, tokens, eq.span),
        Value::List(group) => Err(wrong(group.span())),
        Value::Missing => Err(wrong(ident.span())),
    }
}

/// A flag, written alone: `tracing`.
fn flag(key: Argument, value: Value) -> syn::Result<()> {
    let wrong = |span: Span| {
        syn::Error::new(
            span,
            format!(
                "`{}` takes no value: write it alone, `{}`",
                key.name(),
                key.example()
            ),
        )
    };
    match value {
        Value::Missing => Ok(()),
        Value::Assign(eq, _) => Err(wrong(eq.span)),
        Value::List(group) => Err(wrong(group.span())),
    }
}

/// String literals separated by commas: `"postgres", "sqlite"`.
fn parse_literals(input: ParseStream) -> syn::Result<Vec<LitStr>> {
    let mut literals = Vec::new();
    while !input.is_empty() {
        literals.push(input.parse::<LitStr>().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!(
                    "expected a dialect's name as a string literal: `{}`",
                    Argument::Dialects.example()
                ),
            )
        })?);
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    Ok(literals)
}

/// The contents of `key(...)`, parsed by `parser`; errors go to `errors`
/// and give an empty value.
fn list_value<T: Default>(
    key: Argument,
    ident: &Ident,
    value: Value,
    errors: &mut Errors,
    parser: impl FnOnce(ParseStream) -> syn::Result<T>,
) -> T {
    let example = key.example();
    let wrong =
        |span: Span| syn::Error::new(span, format!("expected a list in parentheses: `{example}`"));
    let tokens = match value {
        Value::List(group) if group.delimiter() == Delimiter::Parenthesis => group.stream(),
        Value::List(group) => {
            errors.push(wrong(group.span()));
            return T::default();
        }
        Value::Assign(eq, tokens) => {
            let span = tokens.into_iter().next().map_or(eq.span, |t| t.span());
            errors.push(wrong(span));
            return T::default();
        }
        Value::Missing => {
            errors.push(wrong(ident.span()));
            return T::default();
        }
    };
    errors.keep(parser.parse2(tokens)).unwrap_or_default()
}

fn parse_derives(input: ParseStream) -> syn::Result<Vec<TokenStream>> {
    let mut derives = Vec::new();
    while !input.is_empty() {
        let at = input.span();
        let path = value_tokens(input)?;
        check_path(&path, at)?;
        derives.push(path);
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    Ok(derives)
}

/// The entries of `types(...)` or `field_attrs(...)`: `key = value` for a
/// logical type, and `columns(column = value, table.column = value)`.
fn parse_entries<T>(
    input: ParseStream,
    what: &str,
    value: impl Fn(ParseStream, &str) -> syn::Result<Option<T>>,
) -> syn::Result<Vec<Entry<T>>> {
    let mut errors = Errors::default();
    let mut entries: Vec<Entry<T>> = Vec::new();
    while !input.is_empty() {
        let key: Ident = input.parse()?;
        if key == "columns" && input.peek(syn::token::Paren) {
            let group: Group = input.parse::<TokenTree>().and_then(|t| match t {
                TokenTree::Group(g) => Ok(g),
                other => Err(syn::Error::new(other.span(), "expected parentheses")),
            })?;
            let columns = (|input: ParseStream| {
                let mut columns = Vec::new();
                while !input.is_empty() {
                    let first: Ident = input.parse()?;
                    let (table, column) = if input.peek(Token![.]) {
                        input.parse::<Token![.]>()?;
                        (Some(first), input.parse::<Ident>()?)
                    } else {
                        (None, first)
                    };
                    let shown = match &table {
                        Some(table) => format!("{table}.{column}"),
                        None => column.to_string(),
                    };
                    expect_eq(input, &column, &shown, what)?;
                    let Some(v) = value(input, &shown)? else {
                        return Err(syn::Error::new(
                            column.span(),
                            format!("expected {what} after `{shown} =`"),
                        ));
                    };
                    columns.push(Entry {
                        span: column.span(),
                        target: Target::Column { table, column },
                        value: v,
                    });
                    if !input.is_empty() {
                        input.parse::<Token![,]>()?;
                    }
                }
                Ok(columns)
            })
            .parse2(group.stream())?;
            for entry in columns {
                push_unique(&mut entries, entry, &mut errors);
            }
        } else {
            let name = key.to_string();
            expect_eq(input, &key, &name, what)?;
            let v = value(input, &name)?;
            let target = TypeKey::from_name(&name);
            match (target, v) {
                (None, _) => errors.push(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown type key `{key}`; {}valid keys are {}, and `columns(...)` for single columns",
                        closest(&name, TypeKey::ALL.map(TypeKey::name))
                            .map(|k| format!("did you mean `{k}`? "))
                            .unwrap_or_default(),
                        TypeKey::ALL
                            .map(|k| format!("`{}` ({})", k.name(), k.description()))
                            .join(", ")
                    ),
                )),
                (Some(_), None) => {
                    return Err(syn::Error::new(key.span(), format!("expected {what} after `{key} =`")));
                }
                (Some(target), Some(v)) => push_unique(
                    &mut entries,
                    Entry {
                        target: Target::Logical(target),
                        span: key.span(),
                        value: v,
                    },
                    &mut errors,
                ),
            }
        }
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    errors.finish(entries)
}

/// Consumes the `=` after `key`, or reports that it is missing under `key`.
fn expect_eq(input: ParseStream, key: &Ident, shown: &str, what: &str) -> syn::Result<()> {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        Ok(())
    } else {
        Err(syn::Error::new(
            key.span(),
            format!("expected `=` and {what} after `{shown}`: `{shown} = ...`"),
        ))
    }
}

/// Adds `entry` unless its target was given already.
fn push_unique<T>(entries: &mut Vec<Entry<T>>, entry: Entry<T>, errors: &mut Errors) {
    let same = |a: &Target, b: &Target| match (a, b) {
        (Target::Logical(a), Target::Logical(b)) => a == b,
        (
            Target::Column {
                table: ta,
                column: ca,
            },
            Target::Column {
                table: tb,
                column: cb,
            },
        ) => ca == cb && ta.as_ref().map(Ident::to_string) == tb.as_ref().map(Ident::to_string),
        _ => false,
    };
    if entries.iter().any(|e| same(&e.target, &entry.target)) {
        let name = match &entry.target {
            Target::Logical(key) => key.name().to_owned(),
            Target::Column {
                table: Some(t),
                column,
            } => format!("{t}.{column}"),
            Target::Column {
                table: None,
                column,
            } => column.to_string(),
        };
        errors.push(syn::Error::new(
            entry.span,
            format!("duplicate key `{name}`; give each key at most once"),
        ));
    } else {
        entries.push(entry);
    }
}

fn parse_integrations(input: ParseStream) -> syn::Result<Vec<(Integration, Ident)>> {
    let mut errors = Errors::default();
    let mut integrations: Vec<(Integration, Ident)> = Vec::new();
    while !input.is_empty() {
        let ident: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!(
                    "expected an integration: {}",
                    list(Integration::ALL.map(Integration::name))
                ),
            )
        })?;
        match Integration::from_name(&ident.to_string()) {
            None => errors.push(syn::Error::new(
                ident.span(),
                format!(
                    "unknown integration `{ident}`; {}valid integrations are {}",
                    closest(&ident.to_string(), Integration::ALL.map(Integration::name))
                        .map(|i| format!("did you mean `{i}`? "))
                        .unwrap_or_default(),
                    list(Integration::ALL.map(Integration::name))
                ),
            )),
            Some(integration) if integrations.iter().any(|(i, _)| *i == integration) => {
                errors.push(syn::Error::new(
                    ident.span(),
                    format!("duplicate integration `{ident}`; name each at most once"),
                ));
            }
            Some(integration) => integrations.push((integration, ident)),
        }
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    errors.finish(integrations)
}
