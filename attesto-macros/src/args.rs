//! The macro's arguments, parsed into a checked model.

use proc_macro2::{Spacing, Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

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
    /// The paths of `derive(...)`, checked to be paths.
    pub(crate) derives: Vec<TokenStream>,
    /// `(key, type)` pairs of `types(...)`, each key at most once.
    pub(crate) types: Vec<(Ident, TokenStream)>,
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
        Ok(Value::Assign(eq, value_tokens(input)?))
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

/// The tokens of a value, up to the next comma outside `<...>`, so that
/// `HashMap<String, String>` stays one value. Types and paths stay tokens:
/// the compiler checks them where the expansion uses them, with their spans.
fn value_tokens(input: ParseStream) -> syn::Result<TokenStream> {
    let mut tokens = TokenStream::new();
    let mut depth = 0usize;
    let mut after_dash = false;
    loop {
        let at_end = input.is_empty() || (depth == 0 && input.peek(Token![,]));
        if at_end {
            break;
        }
        let token: TokenTree = input.parse()?;
        let mut dash = false;
        if let TokenTree::Punct(punct) = &token {
            match punct.as_char() {
                '<' => depth += 1,
                // The `>` of `->` closes nothing.
                '>' if !after_dash => depth = depth.saturating_sub(1),
                '-' => dash = punct.spacing() == Spacing::Joint,
                _ => {}
            }
        }
        after_dash = dash;
        tokens.extend([token]);
    }
    Ok(tokens)
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
        Value::Assign(_, tokens) => {
            syn::parse2::<LitStr>(tokens.clone()).map_err(|_| wrong(first_span(&tokens)))
        }
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
        Value::Assign(_, tokens) => Err(wrong(first_span(&tokens))),
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

/// Checks that `tokens` are a path: `[::] name (:: name)*`.
fn check_path(tokens: &TokenStream, at: Span) -> syn::Result<()> {
    let wrong = |span: Span| {
        syn::Error::new(
            span,
            "expected the path of a derive macro, like `Debug` or `sqlx::FromRow`",
        )
    };
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let is_colon = |i: usize, joint: bool| {
        matches!(tokens.get(i), Some(TokenTree::Punct(p))
            if p.as_char() == ':' && (!joint || p.spacing() == Spacing::Joint))
    };
    let mut i = if is_colon(0, true) && is_colon(1, false) {
        2
    } else {
        0
    };
    loop {
        match tokens.get(i) {
            Some(TokenTree::Ident(_)) => i += 1,
            Some(other) => return Err(wrong(other.span())),
            None => return Err(wrong(tokens.last().map_or(at, TokenTree::span))),
        }
        match tokens.get(i) {
            None => return Ok(()),
            Some(_) if is_colon(i, true) && is_colon(i + 1, false) => i += 2,
            Some(other) => return Err(wrong(other.span())),
        }
    }
}

fn parse_types(input: ParseStream) -> syn::Result<Vec<(Ident, TokenStream)>> {
    let mut errors = Errors::default();
    let mut types: Vec<(Ident, TokenStream)> = Vec::new();
    while !input.is_empty() {
        let key: Ident = input.parse()?;
        let eq: Token![=] = input.parse()?;
        let ty = value_tokens(input)?;
        if ty.is_empty() {
            return Err(syn::Error::new(
                eq.span,
                format!("expected a type after `{key} =`"),
            ));
        }
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

/// Where to report a bad value: its first token.
fn first_span(tokens: &TokenStream) -> Span {
    tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}

/// `a`, `b` and `c` as "`a`, `b`, `c`".
fn list(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
