//! Token-level pieces of the argument grammar: values up to a comma,
//! string literals, paths and attributes.

use proc_macro2::{Delimiter, Spacing, Span, TokenStream, TokenTree};
use syn::parse::ParseStream;
use syn::{LitStr, Token};

/// The tokens of a value, up to the next comma outside `<...>`, so that
/// `HashMap<String, String>` stays one value. Types and paths stay tokens:
/// the compiler checks them where the expansion uses them, with their spans.
pub fn value_tokens(input: ParseStream) -> syn::Result<TokenStream> {
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

/// The string literal that is the whole of `tokens` (the value of `key =`),
/// refusing a suffix and anything after the literal.
pub fn string_literal(
    key: &str,
    example: &str,
    tokens: TokenStream,
    eq: Span,
) -> syn::Result<LitStr> {
    let mut iter = tokens.into_iter();
    let wrong =
        |span: Span| syn::Error::new(span, format!("expected a string literal: `{example}`"));
    let Some(first) = iter.next() else {
        return Err(wrong(eq));
    };
    let literal = match &first {
        TokenTree::Literal(literal) => {
            syn::parse2::<LitStr>(TokenTree::from(literal.clone()).into())
                .map_err(|_| wrong(first.span()))?
        }
        other => return Err(wrong(other.span())),
    };
    if !literal.suffix().is_empty() {
        return Err(syn::Error::new(
            literal.span(),
            format!(
                "unexpected suffix `{}` on the string literal of `{key}`; write it without one: `{example}`",
                literal.suffix()
            ),
        ));
    }
    if let Some(next) = iter.next() {
        return Err(syn::Error::new(
            next.span(),
            format!("expected `,` or the end of the arguments after the value of `{key}`"),
        ));
    }
    Ok(literal)
}

/// Checks that `tokens` are a path: `[::] name (:: name)*`.
pub fn check_path(tokens: &TokenStream, at: Span) -> syn::Result<()> {
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

/// The segments of a path, leading `::` dropped: `::core::fmt::Debug` is
/// `["core", "fmt", "Debug"]`.
pub fn path_segments(tokens: &TokenStream) -> Vec<String> {
    tokens
        .clone()
        .into_iter()
        .filter_map(|t| match t {
            TokenTree::Ident(ident) => Some(ident.to_string()),
            _ => None,
        })
        .collect()
}

/// One or more attributes, `#[...]`, optionally separated by commas; each
/// is returned as its tokens.
pub fn attributes(input: ParseStream, what: &str) -> syn::Result<Vec<TokenStream>> {
    let mut attributes = Vec::new();
    while !input.is_empty() && !input.peek(Token![,]) {
        let pound: Token![#] = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("expected an attribute, like `#[serde(default)]`, {what}"),
            )
        })?;
        let group = match input.parse::<TokenTree>()? {
            TokenTree::Group(group) if group.delimiter() == Delimiter::Bracket => group,
            other => {
                return Err(syn::Error::new(
                    other.span(),
                    "expected `[` after `#`: an attribute is written `#[...]`",
                ));
            }
        };
        let mut hash = proc_macro2::Punct::new('#', Spacing::Alone);
        hash.set_span(pound.span);
        let attribute: TokenStream = [TokenTree::Punct(hash), TokenTree::Group(group)]
            .into_iter()
            .collect();
        attributes.push(attribute);
    }
    if attributes.is_empty() {
        return Err(input.error(format!(
            "expected an attribute, like `#[serde(default)]`, {what}"
        )));
    }
    Ok(attributes)
}

/// `a`, `b` and `c` as "`a`, `b`, `c`".
pub fn list(names: impl IntoIterator<Item = &'static str>) -> String {
    names
        .into_iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
