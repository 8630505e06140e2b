//! Just enough of a TOML document for prefix resolution: its tables, its
//! keys, and every value's TOML type, with strings decoded.
//!
//! Built on `toml_parser`, the lexer and parser under the `toml` crate,
//! rather than on `toml` itself: `toml` adds itself, `serde_core`,
//! `serde_spanned` and `toml_datetime` to the macro's dependency tree, and
//! `serde_core` alone was the longest step of a clean build of the macro
//! (see BENCHMARKS.md). The
//! documents read here are a crate's `Cargo.toml` and a small config file,
//! so this builds a plain tree and enforces the TOML rules that decide what
//! a key holds: no key defined twice, no table defined twice, inline tables
//! closed to later additions, `[[array]]` only on arrays of tables.

use toml_parser::decoder::{Encoding, ScalarKind};
use toml_parser::parser::{EventReceiver, RecursionGuard, ValidateWhitespace};
use toml_parser::{ErrorSink, Expected, ParseError, Raw, Source, Span};

/// How deeply arrays and inline tables may nest, as in the `toml` crate;
/// the tree is dropped recursively, so the depth must be bounded.
const MAX_DEPTH: u32 = 80;

/// A TOML value, as far as prefix resolution needs to see it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A string, decoded.
    String(String),
    /// Any other scalar, by its TOML type name.
    Scalar(&'static str),
    /// An array; `of_tables` when it was made by `[[header]]`s.
    Array { items: Vec<Value>, of_tables: bool },
    /// A table.
    Table(Table),
}

impl Value {
    /// The TOML type's name, as the `toml` crate spells it.
    pub(crate) fn type_str(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Scalar(name) => name,
            Value::Array { .. } => "array",
            Value::Table(_) => "table",
        }
    }

    /// The value under `key`, when this is a table that has one.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Table(table) => table.get(key),
            _ => None,
        }
    }
}

/// How a table came to be, which decides what may later add to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// As the parent of a header's or a dotted key's table; a header may
    /// still define it.
    Implicit,
    /// By its own `[header]` (or as an element of `[[header]]`).
    Header,
    /// By a dotted key, `a.b = 1`.
    Dotted,
    /// As an inline table, `{ ... }`, which is complete as written.
    Inline,
}

/// A TOML table: its entries in document order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    entries: Vec<(String, Value)>,
    origin: Origin,
}

impl Table {
    fn new(origin: Origin) -> Self {
        Table {
            entries: Vec::new(),
            origin,
        }
    }

    /// The value under `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The table under `key`, created with `origin` when absent. Descends
    /// into the last table of an array of tables, as TOML does for headers.
    fn child(&mut self, key: &Key, origin: Origin) -> Result<&mut Table, DocumentError> {
        if self.get(&key.name).is_none() {
            self.entries
                .push((key.name.clone(), Value::Table(Table::new(origin))));
        }
        let conflict = || DocumentError::at(key, format!("`{}` is not a table", key.name));
        match self.get_mut(&key.name) {
            Some(Value::Table(table)) => Ok(table),
            Some(Value::Array {
                items,
                of_tables: true,
            }) => match items.last_mut() {
                Some(Value::Table(table)) => Ok(table),
                _ => Err(conflict()),
            },
            _ => Err(conflict()),
        }
    }
}

/// A key as written, decoded, with its place for messages.
#[derive(Debug, Clone)]
struct Key {
    name: String,
    span: Span,
}

/// Why a document could not be read: the byte offset and a one-line
/// message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DocumentError {
    /// Where in the text, in bytes.
    pub(crate) at: usize,
    /// What, lowercase, on one line.
    pub(crate) message: String,
}

impl DocumentError {
    /// A rule of TOML broken at `key` by otherwise well-formed syntax.
    fn at(key: &Key, message: String) -> Self {
        DocumentError {
            at: key.span.start(),
            message,
        }
    }
}

/// Parses `text` into its root table.
pub(crate) fn parse(text: &str) -> Result<Table, DocumentError> {
    let source = Source::new(text);
    let tokens: Vec<_> = source.lex().collect();
    let mut builder = Builder::new(source);
    let mut syntax: Vec<ParseError> = Vec::new();
    {
        let mut checked = ValidateWhitespace::new(&mut builder, source);
        let mut guarded = RecursionGuard::new(&mut checked, MAX_DEPTH);
        toml_parser::parser::parse_document(&tokens, &mut guarded, &mut syntax);
    }
    // Report the first error in the text, as a reader would fix them.
    if let Some(error) = syntax
        .iter()
        .chain(&builder.decoding)
        .map(from_parse_error)
        .min_by_key(|e| e.at)
    {
        return Err(error);
    }
    if let Some(error) = builder.semantic.into_iter().next() {
        return Err(error);
    }
    Ok(builder.root)
}

fn from_parse_error(error: &ParseError) -> DocumentError {
    let mut message = error.description().to_owned();
    if let Some(expected) = error.expected() {
        message.push_str(", expected ");
        let names: Vec<String> = expected
            .iter()
            .map(|e| match e {
                Expected::Literal(literal) => format!("`{literal}`"),
                Expected::Description(description) => (*description).to_owned(),
                _ => "something else".to_owned(),
            })
            .collect();
        message.push_str(&if names.is_empty() {
            "nothing".to_owned()
        } else {
            names.join(", ")
        });
    }
    let at = error
        .unexpected()
        .or(error.context())
        .map_or(0, |span| span.start());
    DocumentError { at, message }
}

/// An array or inline table being read, with the keys its value will be
/// stored under once it closes.
enum Open {
    Array { items: Vec<Value>, keys: Vec<Key> },
    Table { table: Table, keys: Vec<Key> },
}

/// Which header is being read.
#[derive(Clone, Copy)]
enum Header {
    Table,
    ArrayOfTables,
}

/// Turns the parser's events into a [`Table`]. Keeps going after an error,
/// as the parser does, and never panics on the event sequences error
/// recovery produces.
struct Builder<'s> {
    source: Source<'s>,
    root: Table,
    /// The path of the last header: where key/value pairs go.
    section: Vec<Key>,
    /// The header being read, if any.
    header: Option<Header>,
    /// The keys read since the last value or header.
    keys: Vec<Key>,
    /// Arrays and inline tables being read, innermost last.
    open: Vec<Open>,
    decoding: Vec<ParseError>,
    semantic: Vec<DocumentError>,
}

impl<'s> Builder<'s> {
    fn new(source: Source<'s>) -> Self {
        Builder {
            source,
            root: Table::new(Origin::Implicit),
            section: Vec::new(),
            header: None,
            keys: Vec::new(),
            open: Vec::new(),
            decoding: Vec::new(),
            semantic: Vec::new(),
        }
    }

    fn raw(&self, span: Span, encoding: Option<Encoding>) -> Raw<'s> {
        let text = self
            .source
            .input()
            .get(span.start()..span.end())
            .unwrap_or("");
        Raw::new_unchecked(text, encoding, span)
    }

    /// Stores a finished value where the pending keys say.
    fn value(&mut self, value: Value) {
        let keys = std::mem::take(&mut self.keys);
        let result = match self.open.last_mut() {
            Some(Open::Array { items, .. }) => {
                items.push(value);
                Ok(())
            }
            Some(Open::Table { table, .. }) => insert(table, &keys, value),
            None => {
                descend(&mut self.root, &self.section).and_then(|table| insert(table, &keys, value))
            }
        };
        if let Err(error) = result {
            self.semantic.push(error);
        }
    }

    fn close_header(&mut self) {
        let keys = std::mem::take(&mut self.keys);
        let result = match (self.header.take(), keys.split_last()) {
            (Some(Header::Table), Some((last, parents))) => {
                descend(&mut self.root, parents).and_then(|parent| define_table(parent, last))
            }
            (Some(Header::ArrayOfTables), Some((last, parents))) => {
                descend(&mut self.root, parents).and_then(|parent| append_table(parent, last))
            }
            // The parser has reported the empty or unopened header.
            _ => Ok(()),
        };
        if let Err(error) = result {
            self.semantic.push(error);
        }
        // Even after an error: later pairs must not land in the previous
        // section.
        self.section = keys;
    }
}

/// The table at the header path `path` below `table`, creating missing
/// tables as implicit ones; inline tables and non-tables cannot be entered.
fn descend<'t>(mut table: &'t mut Table, path: &[Key]) -> Result<&'t mut Table, DocumentError> {
    for key in path {
        table = table.child(key, Origin::Implicit)?;
        if table.origin == Origin::Inline {
            return Err(DocumentError::at(
                key,
                format!("cannot extend inline table `{}`", key.name),
            ));
        }
    }
    Ok(table)
}

/// `[.. last]`: defines `last` in `parent`, once.
fn define_table(parent: &mut Table, last: &Key) -> Result<(), DocumentError> {
    match parent.get_mut(&last.name) {
        None => {
            parent
                .entries
                .push((last.name.clone(), Value::Table(Table::new(Origin::Header))));
            Ok(())
        }
        Some(Value::Table(table)) if table.origin == Origin::Implicit => {
            table.origin = Origin::Header;
            Ok(())
        }
        Some(_) => Err(DocumentError::at(
            last,
            format!("duplicate key `{}`", last.name),
        )),
    }
}

/// `[[.. last]]`: appends a table to the array of tables `last`.
fn append_table(parent: &mut Table, last: &Key) -> Result<(), DocumentError> {
    match parent.get_mut(&last.name) {
        None => {
            parent.entries.push((
                last.name.clone(),
                Value::Array {
                    items: vec![Value::Table(Table::new(Origin::Header))],
                    of_tables: true,
                },
            ));
            Ok(())
        }
        Some(Value::Array {
            items,
            of_tables: true,
        }) => {
            items.push(Value::Table(Table::new(Origin::Header)));
            Ok(())
        }
        Some(_) => Err(DocumentError::at(
            last,
            format!("`{}` is not an array of tables", last.name),
        )),
    }
}

/// `a.b.c = value` in `table`.
fn insert(table: &mut Table, keys: &[Key], value: Value) -> Result<(), DocumentError> {
    let Some((last, parents)) = keys.split_last() else {
        // A value without a key: the parser has reported it.
        return Ok(());
    };
    let mut table = table;
    for key in parents {
        table = table.child(key, Origin::Dotted)?;
        if matches!(table.origin, Origin::Inline | Origin::Header) {
            return Err(DocumentError::at(
                key,
                format!("duplicate key `{}`", key.name),
            ));
        }
    }
    if table.get(&last.name).is_some() {
        return Err(DocumentError::at(
            last,
            format!("duplicate key `{}`", last.name),
        ));
    }
    table.entries.push((last.name.clone(), value));
    Ok(())
}

impl EventReceiver for Builder<'_> {
    fn std_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.keys.clear();
        self.header = Some(Header::Table);
    }

    fn std_table_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.close_header();
    }

    fn array_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.keys.clear();
        self.header = Some(Header::ArrayOfTables);
    }

    fn array_table_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        self.close_header();
    }

    fn inline_table_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) -> bool {
        let keys = std::mem::take(&mut self.keys);
        self.open.push(Open::Table {
            table: Table::new(Origin::Implicit),
            keys,
        });
        true
    }

    fn inline_table_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        if let Some(Open::Table { mut table, keys }) = self.open.pop() {
            seal(&mut table);
            self.keys = keys;
            self.value(Value::Table(table));
        }
    }

    fn array_open(&mut self, _span: Span, _error: &mut dyn ErrorSink) -> bool {
        let keys = std::mem::take(&mut self.keys);
        self.open.push(Open::Array {
            items: Vec::new(),
            keys,
        });
        true
    }

    fn array_close(&mut self, _span: Span, _error: &mut dyn ErrorSink) {
        if let Some(Open::Array { items, keys }) = self.open.pop() {
            self.keys = keys;
            self.value(Value::Array {
                items,
                of_tables: false,
            });
        }
    }

    fn simple_key(&mut self, span: Span, encoding: Option<Encoding>, _error: &mut dyn ErrorSink) {
        let mut name = String::new();
        let raw = self.raw(span, encoding);
        raw.decode_key(&mut name, &mut self.decoding);
        let key = Key { name, span };
        // Dotted keys nest tables too, and the tree is dropped recursively.
        if self.keys.len() >= MAX_DEPTH as usize {
            let message = format!("key `{}` nests more than {MAX_DEPTH} tables deep", key.name);
            self.semantic.push(DocumentError::at(&key, message));
            return;
        }
        self.keys.push(key);
    }

    fn scalar(&mut self, span: Span, encoding: Option<Encoding>, _error: &mut dyn ErrorSink) {
        let mut decoded = String::new();
        let raw = self.raw(span, encoding);
        let kind = raw.decode_scalar(&mut decoded, &mut self.decoding);
        // The parser checks the shape of numbers and dates; their values
        // are checked where they are converted, as the `toml` crate does.
        let (value, valid) = match kind {
            ScalarKind::String => (Value::String(decoded), true),
            ScalarKind::Boolean(_) => (Value::Scalar("boolean"), true),
            ScalarKind::DateTime => (Value::Scalar("datetime"), is_datetime(raw.as_str())),
            ScalarKind::Float => (Value::Scalar("float"), decoded.parse::<f64>().is_ok()),
            ScalarKind::Integer(radix) => (
                Value::Scalar("integer"),
                i64::from_str_radix(&decoded, radix.value()).is_ok(),
            ),
        };
        if !valid {
            let what = value.type_str();
            self.decoding
                .push(ParseError::new(format!("invalid {what}")).with_unexpected(span));
        }
        self.value(value);
    }
}

/// Whether `text` is a TOML offset date-time, local date-time, local date
/// or local time (RFC 3339 with TOML's relaxations: `t` or a space between
/// date and time, optional seconds), with every field in range.
fn is_datetime(text: &str) -> bool {
    let mut at = Cursor(text.as_bytes());
    let dated = text.as_bytes().get(2) != Some(&b':');
    let mut timed = !dated;
    if dated {
        let Some((year, month, day)) = at.date() else {
            return false;
        };
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            1..=12 => 31,
            _ => return false,
        };
        if !(1..=days).contains(&day) {
            return false;
        }
        timed = at.take_any(b"Tt ").is_some();
    }
    if timed {
        let Some((hour, minute, second)) = at.time() else {
            return false;
        };
        if hour > 23 || minute > 59 || second > 60 {
            return false;
        }
        if dated && at.take_any(b"Zz").is_none() && at.take_any(b"+-").is_some() {
            match (at.field(2), at.take(b':'), at.field(2)) {
                (Some(hours), true, Some(minutes)) if hours <= 23 && minutes <= 59 => {}
                _ => return false,
            }
        }
    }
    at.0.is_empty()
}

/// The unread rest of a date or time.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    /// A run of exactly `len` digits, as a number.
    fn field(&mut self, len: usize) -> Option<u32> {
        let run = self.0.iter().take_while(|b| b.is_ascii_digit()).count();
        if run != len {
            return None;
        }
        let (digits, rest) = self.0.split_at(run);
        self.0 = rest;
        Some(digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    }

    /// Consumes `byte` if it comes next.
    fn take(&mut self, byte: u8) -> bool {
        self.take_any(&[byte]).is_some()
    }

    /// Consumes the next byte if it is one of `set`.
    fn take_any(&mut self, set: &[u8]) -> Option<u8> {
        let (first, rest) = self.0.split_first()?;
        if !set.contains(first) {
            return None;
        }
        self.0 = rest;
        Some(*first)
    }

    /// `YYYY-MM-DD`.
    fn date(&mut self) -> Option<(u32, u32, u32)> {
        let year = self.field(4)?;
        self.take(b'-').then_some(())?;
        let month = self.field(2)?;
        self.take(b'-').then_some(())?;
        Some((year, month, self.field(2)?))
    }

    /// `HH:MM[:SS[.fraction]]`; seconds are 0 when left out.
    fn time(&mut self) -> Option<(u32, u32, u32)> {
        let hour = self.field(2)?;
        self.take(b':').then_some(())?;
        let minute = self.field(2)?;
        if !self.take(b':') {
            return Some((hour, minute, 0));
        }
        let second = self.field(2)?;
        if self.take(b'.') {
            let run = self.0.iter().take_while(|b| b.is_ascii_digit()).count();
            if run == 0 {
                return None;
            }
            self.0 = &self.0[run..];
        }
        Some((hour, minute, second))
    }
}

/// Marks an inline table and the tables its dotted keys made as complete.
fn seal(table: &mut Table) {
    table.origin = Origin::Inline;
    for (_, value) in &mut table.entries {
        if let Value::Table(inner) = value {
            if inner.origin == Origin::Dotted {
                seal(inner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The reader against the `toml` crate, on valid documents and on
    //! documents TOML forbids.

    use super::{Value, parse};

    /// Both trees as text, tables sorted by key, so that the two can be
    /// compared whatever order each keeps.
    fn ours(value: &Value) -> String {
        match value {
            Value::String(s) => format!("{s:?}"),
            Value::Scalar(name) => (*name).to_owned(),
            Value::Array { items, .. } => {
                let items: Vec<String> = items.iter().map(ours).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Table(table) => {
                let mut entries: Vec<String> = table
                    .entries
                    .iter()
                    .map(|(k, v)| format!("{k:?}: {}", ours(v)))
                    .collect();
                entries.sort();
                format!("{{{}}}", entries.join(", "))
            }
        }
    }

    fn reference(value: &toml::Value) -> String {
        match value {
            toml::Value::String(s) => format!("{s:?}"),
            toml::Value::Array(items) => {
                let items: Vec<String> = items.iter().map(reference).collect();
                format!("[{}]", items.join(", "))
            }
            toml::Value::Table(table) => {
                let mut entries: Vec<String> = table
                    .iter()
                    .map(|(k, v)| format!("{k:?}: {}", reference(v)))
                    .collect();
                entries.sort();
                format!("{{{}}}", entries.join(", "))
            }
            other => other.type_str().to_owned(),
        }
    }

    const VALID: &[&str] = &[
        "",
        "# only a comment\n",
        r#"
[package]
name = "host"
version = "0.1.0"
edition = "2024"
authors = ["A <a@example.com>", 'B']

[package.metadata.attesto]
table_prefix = "meta_"

[dependencies]
serde = { version = "1", features = ["derive"], default-features = false }
tokio.version = "1"
tokio.features = ["rt"]

[target.'cfg(unix)'.dependencies]
libc = "0.2"

[[bin]]
name = "one"
path = "src/one.rs"

[[bin]]
name = "two"

[profile.release]
lto = true
opt-level = 3
debug = 1.5
"#,
        "[package]\nmetadata.attesto.table_prefix = 'dotted_'\n",
        "[package.metadata]\nattesto = { table_prefix = \"inline_\" }\n",
        "package = { metadata = { attesto = { table_prefix = \"root_\" } } }\n",
        "[package.metadata.\"attesto\"]\n\"table_prefix\" = \"quoted_\"\n",
        "a = \"\"\"\nline one\\\n   still one \\u00e9\\U0001F600\"\"\"\nb = '''\nraw \\n'''\n",
        "a = 0x1F\nb = 0o17\nc = 0b11\nd = +1_000\ne = -0.5e3\nf = inf\ng = nan\nh = true\n",
        "a = 1979-05-27T07:32:00Z\nb = 1979-05-27\nc = 07:32:00\nd = 1979-05-27T00:32:00.999999-07:00\n",
        "a = 1979-05-27 07:32:00\nb = 1979-05-27t07:32z\nc = 07:32\nd = 2000-02-29\ne = 1979-05-27T07:32:00.123456789+05:30\n",
        "a = -9223372036854775808\nb = 0x7FFFFFFFFFFFFFFF\nc = 1_2_3\n",
        "a = [[1, 2], [\"x\"], [{ b = 1 }, { c.d = 2 }]]\nempty = []\ne = {}\n",
        "[a.b.c]\nx = 1\n[a]\ny = 2\n[a.b]\nz = 3\n",
        "[fruit]\napple.color = 'red'\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true\n",
        "[[a]]\nx = 1\n[a.b]\ny = 2\n[[a]]\nx = 3\n[[a.c]]\nz = 4\n",
        "\"\" = 'empty key'\n'a.b' = 1\n\"é\" = 2\n3 = 3\n",
        "a = { b = 1, c.d = 2, c.e = 3 }\n",
        // TOML 1.1: newlines and a trailing comma in inline tables.
        "a = {\n  b = 1,\n  c = 2,\n}\n",
        "  [ spaced . header ]  # comment\n  key   =   'v'  # comment\n",
    ];

    #[test]
    fn reads_what_the_toml_crate_reads() {
        for text in VALID {
            let expected: toml::Table = text
                .parse()
                .unwrap_or_else(|e| panic!("toml rejects {text:?}: {e}"));
            let expected = reference(&toml::Value::Table(expected));
            let table = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
            assert_eq!(ours(&Value::Table(table)), expected, "{text}");
        }
    }

    const INVALID: &[&str] = &[
        "a = 1\na = 2\n",
        "a = 1\nA = 2\na = 3\n",
        "[a]\n[a]\n",
        "[a]\nb = 1\n[a.b]\n",
        "a = 1\n[a]\n",
        "a.b = 1\n[a]\n",
        "a.b = 1\na = 2\n",
        "a = { b = 1 }\n[a]\n",
        "a = { b = 1 }\n[a.c]\n",
        "a = { b = 1 }\na.c = 2\n",
        "a = { b.c = 1 }\n[a.b]\n",
        "a = { b = 1, b = 2 }\n",
        "a = []\n[[a]]\n",
        "[[a]]\n[a]\n",
        "[a]\n[[a]]\n",
        "[fruit]\napple.color = 'red'\n[fruit.apple]\n",
        "a = b\n",
        "a = \"unterminated\n",
        "a = \"\\q\"\n",
        "a = 1 b = 2\n",
        "[a\nb = 1\n",
        "[]\n",
        "a = \n",
        "= 1\n",
        "a = 1 # \u{7}\n",
        "a = [1,,2]\n",
        "a = 0x\n",
        "a = 1979-13-27\n",
        "a = 1900-02-29\n",
        "a = 1979-05-27T24:00:00\n",
        "a = 07:60:00\n",
        "a = 1979-05-27T07:32:00+24:00\n",
        "a = 07:32:00Z\n",
        "a = 9223372036854775808\n",
        "a = 0x8000000000000000\n",
    ];

    #[test]
    fn refuses_what_the_toml_crate_refuses() {
        for text in INVALID {
            assert!(
                text.parse::<toml::Table>().is_err(),
                "toml accepts {text:?}, so this list is wrong"
            );
            assert!(parse(text).is_err(), "accepted {text:?}");
        }
    }

    #[test]
    fn errors_point_at_the_offending_text() {
        let text = "[attesto]\ntable_prefix = oauth_\n";
        let error = parse(text).expect_err("unquoted string");
        assert_eq!(&text[error.at..error.at + 6], "oauth_");
        assert!(
            error.message.contains("string values must be quoted"),
            "{error:?}"
        );

        let text = "a = 1\na = 2\n";
        let error = parse(text).expect_err("duplicate key");
        assert_eq!(error.at, 6);
        assert_eq!(error.message, "duplicate key `a`");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let arrays = format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(&arrays).is_err());
        let tables = format!("a = {}{}\n", "{ b = ".repeat(100_000), "}".repeat(100_000));
        assert!(parse(&tables).is_err());
        let dotted = format!("{} = 1\n", vec!["k"; 100_000].join("."));
        assert!(parse(&dotted).is_err());
        let header = format!("[{}]\n", vec!["k"; 100_000].join("."));
        assert!(parse(&header).is_err());
    }
}
