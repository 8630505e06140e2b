//! Rust source written as text and handed over in as few parses as
//! possible, with the host's own tokens spliced in where they must keep
//! their spans.
//!
//! Inside the compiler, every token a proc macro builds one by one is a
//! call across the proc-macro bridge: building the expansion's thousands
//! of tokens with `quote!` took about 2 ms of an unoptimised (dev-profile)
//! macro, where the compiler lexes the same text in a fraction of that (see
//! BENCHMARKS.md). Parsed text gets `Span::call_site()`, as `quote!`'s
//! tokens do.

use std::fmt::{self, Write as _};

use proc_macro2::{Delimiter, Group, Span, TokenStream};

/// Rust source being generated.
#[derive(Default)]
pub struct Code {
    parts: Vec<Part>,
}

/// A piece of generated code.
pub enum Part {
    /// Text that lexes on its own (its delimiters balanced).
    Text(String),
    /// The host's tokens, spans kept.
    Tokens(TokenStream),
    /// A delimited group whose contents hold host tokens.
    Group(Delimiter, Code),
}

impl Code {
    /// Appends `text`, Rust source whose delimiters balance.
    pub fn push_str(&mut self, text: &str) {
        match self.parts.last_mut() {
            Some(Part::Text(last)) => last.push_str(text),
            _ => self.parts.push(Part::Text(text.to_owned())),
        }
    }

    /// Appends the host's `tokens`, keeping their spans for the compiler's
    /// errors.
    pub fn tokens(&mut self, tokens: &TokenStream) {
        self.parts.push(Part::Tokens(tokens.clone()));
    }

    /// Appends `other`, for code built apart and spliced in.
    pub fn append(&mut self, other: Code) {
        for part in other.parts {
            match part {
                Part::Text(text) => self.push_str(&text),
                part => self.parts.push(part),
            }
        }
    }

    /// Appends a group delimited by `delimiter` around `inner`, for text
    /// that surrounds host tokens.
    ///
    /// Without host tokens inside, the group stays text, so that an
    /// expansion without `types(...)` or `derive(...)` lexes in one parse.
    pub fn group(&mut self, delimiter: Delimiter, mut inner: Code) {
        let delimiters = match delimiter {
            Delimiter::Parenthesis => Some(("(", ")")),
            Delimiter::Brace => Some(("{", "}")),
            Delimiter::Bracket => Some(("[", "]")),
            Delimiter::None => None,
        };
        match (delimiters, inner.parts.as_mut_slice()) {
            (Some((open, close)), []) => {
                let _ = write!(self, "{open}{close}");
            }
            (Some((open, close)), [Part::Text(text)]) => {
                let _ = write!(self, "{open}{text}{close}");
            }
            _ => self.parts.push(Part::Group(delimiter, inner)),
        }
    }

    /// The code as one text, host tokens printed by proc-macro2: what the
    /// snapshot files hold, so that every change to the generated code
    /// shows as a diff.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Tokens(tokens) => out.push_str(&tokens.to_string()),
                Part::Group(delimiter, inner) => {
                    let (open, close) = match delimiter {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::None => ("", ""),
                    };
                    out.push_str(open);
                    out.push_str(&inner.render());
                    out.push_str(close);
                }
            }
        }
        out
    }

    /// The pieces, as generated: how the text is split by host tokens.
    pub fn into_parts(self) -> Vec<Part> {
        self.parts
    }

    /// The tokens, lexed by proc-macro2, which checks text with its own
    /// lexer before handing it to the compiler (the macro itself skips that
    /// check: see [`Code::lower`] and the crate root).
    pub fn into_tokens(self) -> syn::Result<TokenStream> {
        self.lower(&|text| text.parse::<TokenStream>().map_err(does_not_lex))
    }

    /// The tokens, each stretch of text between host tokens lexed by `lex`.
    pub fn lower(self, lex: &dyn Fn(&str) -> syn::Result<TokenStream>) -> syn::Result<TokenStream> {
        let mut out = TokenStream::new();
        for part in self.parts {
            match part {
                Part::Text(text) => out.extend(lex(&text)?),
                Part::Tokens(tokens) => out.extend(tokens),
                Part::Group(delimiter, inner) => {
                    let group = Group::new(delimiter, inner.lower(lex)?);
                    out.extend(std::iter::once(proc_macro2::TokenTree::Group(group)));
                }
            }
        }
        Ok(out)
    }
}

/// The error for generated text that does not lex: attesto's bug, which
/// still must not panic the compiler.
pub fn does_not_lex(error: impl fmt::Display) -> syn::Error {
    syn::Error::new(
        Span::call_site(),
        format!(
            "attesto_migration! generated code that does not lex ({error}); please report this"
        ),
    )
}

impl fmt::Write for Code {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

/// A string literal for `text`, written raw (`r#"..."#`) when it can be:
/// the compiler reads a raw literal without unescaping it, and the
/// expansion is mostly long SQL and doc strings.
pub fn str_literal(text: &str) -> String {
    // A carriage return is the one thing a raw literal cannot hold as is.
    if text.contains('\r') {
        // `Debug` escapes every character a literal cannot hold as is.
        return format!("{text:?}");
    }
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
}
