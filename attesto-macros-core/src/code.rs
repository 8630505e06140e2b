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

use std::fmt;

use proc_macro2::{Delimiter, Group, Span, TokenStream};

/// Rust source being generated.
#[derive(Default)]
pub struct Code {
    /// The pieces before [`Code::text`].
    parts: Vec<Part>,
    /// The text after the last host token, not yet a part of its own:
    /// nearly every write is text, and appending to one `String` is the
    /// cheapest write an unoptimised (dev-profile) macro can make.
    text: String,
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
        self.text.push_str(text);
    }

    /// Ends the trailing text, before a part that is not text.
    fn flush(&mut self) {
        if !self.text.is_empty() {
            self.parts.push(Part::Text(std::mem::take(&mut self.text)));
        }
    }

    /// Appends the host's `tokens`, keeping their spans for the compiler's
    /// errors.
    pub fn tokens(&mut self, tokens: &TokenStream) {
        self.flush();
        self.parts.push(Part::Tokens(tokens.clone()));
    }

    /// Appends `other`, for code built apart and spliced in.
    pub fn append(&mut self, other: Code) {
        for part in other.parts {
            match part {
                Part::Text(text) => self.push_str(&text),
                part => {
                    self.flush();
                    self.parts.push(part);
                }
            }
        }
        self.push_str(&other.text);
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
        match (delimiters, inner.parts.is_empty()) {
            (Some((open, close)), true) => {
                self.push_str(open);
                self.push_str(&inner.text);
                self.push_str(close);
            }
            _ => {
                inner.flush();
                self.flush();
                self.parts.push(Part::Group(delimiter, inner));
            }
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
        out.push_str(&self.text);
        out
    }

    /// The pieces, as generated: how the text is split by host tokens.
    pub fn into_parts(mut self) -> Vec<Part> {
        self.flush();
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
        for part in self.into_parts() {
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

    /// Formats with std's own `format`, then appends the text once.
    ///
    /// std is compiled optimised even in a dev build, the macro is not:
    /// `write!` through this type's `write_str` would append each piece of
    /// the template with an unoptimised `String::push_str`, about 400
    /// instructions a call, thousands of calls an expansion.
    fn write_fmt(&mut self, args: fmt::Arguments<'_>) -> fmt::Result {
        self.push_str(&fmt::format(args));
        Ok(())
    }
}

/// A string literal for `text`, written raw (`r#"..."#`) when it can be:
/// the compiler reads a raw literal without unescaping it, and the
/// expansion is mostly long SQL and doc strings.
///
/// It displays as the literal, so that `write!` puts it straight into the
/// code being written, without a copy of its own.
pub fn str_literal(text: &str) -> StrLiteral<'_> {
    StrLiteral {
        text,
        hashes: raw_hashes(text),
    }
}

/// A string literal, as [`str_literal`] writes it.
pub struct StrLiteral<'a> {
    text: &'a str,
    /// The `#`s around a raw literal; `None` for an escaped one.
    hashes: Option<usize>,
}

/// How many `#`s a raw literal of `text` needs: one more than the longest
/// run of `#` that follows a `"` in it; `None` when it cannot be raw (a
/// carriage return is the one thing a raw literal cannot hold as is).
///
/// The macro runs unoptimised in dev builds. There, std's byte search
/// (`<[u8]>::contains`, word at a time) costs a few instructions a byte,
/// a loop over the bytes some twenty, and `str::contains` with a string
/// pattern more: the search was a quarter of the generation's work. Nearly
/// every text holds no `#` at all, which settles it.
fn raw_hashes(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if bytes.contains(&b'\r') {
        return None;
    }
    if !bytes.contains(&b'#') {
        return Some(1);
    }
    let len = bytes.len();
    let mut hashes = 1;
    let mut i = 0;
    while i < len {
        let byte = bytes[i];
        i += 1;
        if byte == b'"' {
            let start = i;
            while i < len && bytes[i] == b'#' {
                i += 1;
            }
            if i - start >= hashes {
                hashes = i - start + 1;
            }
        }
    }
    Some(hashes)
}

impl fmt::Display for StrLiteral<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HASHES: &str = "########";
        let Some(n) = self.hashes else {
            // `Debug` escapes every character a literal cannot hold as is.
            return write!(f, "{:?}", self.text);
        };
        let write_hashes = |f: &mut fmt::Formatter<'_>| match HASHES.get(..n) {
            Some(hashes) => f.write_str(hashes),
            None => (0..n).try_for_each(|_| f.write_str("#")),
        };
        f.write_str("r")?;
        write_hashes(f)?;
        f.write_str("\"")?;
        f.write_str(self.text)?;
        f.write_str("\"")?;
        write_hashes(f)
    }
}
