//! The macro's arguments, parsed into a checked model.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Path, Token, Type};

use crate::errors::Errors;

/// The argument names, in the order the documentation lists them.
const KEYS: &[&str] = &[
    "prefix",
    "dialect",
    "version",
    "from",
    "config",
    "config_key",
    "migrations_path",
    "derive",
    "types",
];

/// The keys of `types(...)`, with the logical types each one covers.
pub(crate) const TYPE_KEYS: &[(&str, &str)] = &[
    ("timestamp", "timestamp(0) and timestamp columns"),
    ("json", "jsonb columns"),
    ("uuid", "uuid columns"),
    ("strings", "varchar(255)[] columns"),
];

/// The checked arguments of one invocation.
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) prefix: Option<LitStr>,
    pub(crate) dialect: Option<LitStr>,
    pub(crate) version: Option<LitStr>,
    pub(crate) from: Option<LitStr>,
    pub(crate) config: Option<LitStr>,
    pub(crate) config_key: Option<LitStr>,
    pub(crate) migrations_path: Option<LitStr>,
    pub(crate) derives: Vec<Path>,
    /// `(key, type)` pairs of `types(...)`, each key at most once.
    pub(crate) types: Vec<(Ident, Type)>,
}

/// What follows an argument name.
enum Value {
    /// `key = tokens`, the tokens up to the next top-level comma.
    Assign(Token![=], TokenStream),
    /// `key(tokens)`.
    List(proc_macro2::Group),
    /// Nothing.
    Missing,
}

impl Args {
    /// Parses the whole invocation. Bad arguments go to `errors`, all of
    /// them, and the good ones are kept so that they can be checked too;
    /// only malformed syntax stops the parse.
    pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> syn::Result<Args> {
        (|input: ParseStream| parse_args(input, errors)).parse2(tokens)
    }
}

fn parse_args(input: ParseStream, errors: &mut Errors) -> syn::Result<Args> {
    let mut args = Args::default();
    let mut seen: Vec<String> = Vec::new();
    while !input.is_empty() {
        let key: Ident = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!(
                    "expected an argument name; valid arguments are {}",
                    list(KEYS)
                ),
            )
        })?;
        let value = parse_value(input)?;
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
        let name = key.to_string();
        if !KEYS.contains(&name.as_str()) {
            errors.push(syn::Error::new(
                key.span(),
                format!(
                    "unknown argument `{name}`; valid arguments are {}",
                    list(KEYS)
                ),
            ));
            continue;
        }
        if seen.contains(&name) {
            errors.push(syn::Error::new(
                key.span(),
                format!("duplicate argument `{name}`; give each argument at most once"),
            ));
            continue;
        }
        seen.push(name.clone());
        match name.as_str() {
            "prefix" => args.prefix = errors.keep(string(&key, value, "\"oauth_\"")),
            "dialect" => args.dialect = errors.keep(string(&key, value, "\"sqlite\"")),
            "version" => args.version = errors.keep(string(&key, value, "\"0.19.0\"")),
            "from" => args.from = errors.keep(string(&key, value, "\"0.6.1\"")),
            "config" => args.config = errors.keep(string(&key, value, "\"attesto.toml\"")),
            "migrations_path" => {
                args.migrations_path = errors.keep(string(&key, value, "\"migrations\""));
            }
            "config_key" => args.config_key = errors.keep(string(&key, value, "\"attesto\"")),
            "derive" => {
                if let Some(derives) = errors.keep(list_value(&key, value, "Debug, Clone")) {
                    args.derives = errors
                        .keep(derives.parse_with(parse_derives))
                        .unwrap_or_default();
                }
            }
            // The only key left is `types`.
            _ => {
                if let Some(types) =
                    errors.keep(list_value(&key, value, "timestamp = chrono::NaiveDateTime"))
                {
                    args.types = errors
                        .keep(types.parse_with(parse_types))
                        .unwrap_or_default();
                }
            }
        }
    }
    Ok(args)
}

fn parse_value(input: ParseStream) -> syn::Result<Value> {
    if input.peek(Token![=]) {
        let eq: Token![=] = input.parse()?;
        let mut tokens = TokenStream::new();
        while !input.is_empty() && !input.peek(Token![,]) {
            tokens.extend([input.parse::<TokenTree>()?]);
        }
        Ok(Value::Assign(eq, tokens))
    } else if input.peek(syn::token::Paren) {
        match input.parse::<TokenTree>()? {
            TokenTree::Group(group) => Ok(Value::List(group)),
            other => Err(syn::Error::new(other.span(), "expected parentheses")),
        }
    } else if input.is_empty() || input.peek(Token![,]) {
        Ok(Value::Missing)
    } else {
        Err(input.error("expected `=` or `(` after the argument name"))
    }
}

/// The value of `key = "..."`.
fn string(key: &Ident, value: Value, example: &str) -> syn::Result<LitStr> {
    let wrong = |span: Span| {
        syn::Error::new(
            span,
            format!("expected a string literal: `{key} = {example}`"),
        )
    };
    match value {
        Value::Assign(eq, tokens) if tokens.is_empty() => Err(wrong(eq.span)),
        Value::Assign(_, tokens) => syn::parse2::<LitStr>(tokens.clone())
            .map_err(|_| syn::Error::new_spanned(&tokens, wrong(Span::call_site()).to_string())),
        Value::List(group) => Err(wrong(group.span())),
        Value::Missing => Err(wrong(key.span())),
    }
}

/// The contents of `key(...)`.
fn list_value(key: &Ident, value: Value, example: &str) -> syn::Result<ListTokens> {
    let wrong = |span: Span| {
        syn::Error::new(
            span,
            format!("expected a list in parentheses: `{key}({example})`"),
        )
    };
    match value {
        Value::List(group) if group.delimiter() == proc_macro2::Delimiter::Parenthesis => {
            Ok(ListTokens(group.stream()))
        }
        Value::List(group) => Err(wrong(group.span())),
        Value::Assign(eq, tokens) if tokens.is_empty() => Err(wrong(eq.span)),
        Value::Assign(_, tokens) => Err(syn::Error::new_spanned(
            &tokens,
            wrong(Span::call_site()).to_string(),
        )),
        Value::Missing => Err(wrong(key.span())),
    }
}

/// The tokens inside the parentheses of a list argument.
struct ListTokens(TokenStream);

impl ListTokens {
    fn parse_with<T>(self, parser: fn(ParseStream) -> syn::Result<T>) -> syn::Result<T> {
        parser.parse2(self.0)
    }
}

fn parse_derives(input: ParseStream) -> syn::Result<Vec<Path>> {
    let paths = Punctuated::<Path, Token![,]>::parse_terminated_with(input, Path::parse_mod_style)?;
    Ok(paths.into_iter().collect())
}

fn parse_types(input: ParseStream) -> syn::Result<Vec<(Ident, Type)>> {
    let mut errors = Errors::default();
    let mut types: Vec<(Ident, Type)> = Vec::new();
    while !input.is_empty() {
        let key: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let ty: Type = input.parse()?;
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
        let valid: Vec<&str> = TYPE_KEYS.iter().map(|(k, _)| *k).collect();
        if !valid.contains(&key.to_string().as_str()) {
            errors.push(syn::Error::new(
                key.span(),
                format!("unknown type key `{key}`; valid keys are {}", list(&valid)),
            ));
        } else if types.iter().any(|(k, _)| *k == key) {
            errors.push(syn::Error::new(
                key.span(),
                format!("duplicate type key `{key}`; give each key at most once"),
            ));
        } else {
            types.push((key, ty));
        }
    }
    errors.finish(types)
}

/// `a`, `b` and `c` as "`a`, `b`, `c`".
fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
