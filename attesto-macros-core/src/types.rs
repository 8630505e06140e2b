//! The Rust type of each column: the host's `types(...)` where it names
//! one, else a default. Without integrations the defaults are std types;
//! with one, they are the types the drivers bind and decode on every
//! dialect, from the drivers' usual companion crates (uuid, serde_json),
//! and, for timestamps, the expansion's own `Timestamp` and
//! `TimestampUsec` over chrono's `NaiveDateTime`.

use attesto_schema::{Column, LogicalType, Table};
use proc_macro2::TokenStream;

use crate::code::Code;

use crate::args::{Entry, Target, TypeKey};

/// A field's type: a default, written as text, or the host's, as its tokens.
#[derive(Clone, Copy)]
pub enum RustType<'a> {
    /// A default type, as Rust source.
    Default(&'static str),
    /// A type named in `types(...)`, whose tokens keep their spans.
    Host(&'a TokenStream),
}

/// Where a column's type comes from.
pub struct RustTypes<'a> {
    entries: &'a [Entry<TokenStream>],
    drivers: bool,
}

impl<'a> RustTypes<'a> {
    /// The types of `entries` over the defaults: std's, or, when `drivers`
    /// (an integration is on), the drivers' companion crates'.
    pub fn new(entries: &'a [Entry<TokenStream>], drivers: bool) -> RustTypes<'a> {
        RustTypes { entries, drivers }
    }

    /// The host's type for `key`, if it named one.
    fn logical(&self, key: TypeKey) -> Option<&'a TokenStream> {
        self.entries.iter().find_map(|e| match e.target {
            Target::Logical(k) if k == key => Some(&e.value),
            _ => None,
        })
    }

    /// The Rust type of `column` of `table`, not wrapped in `Option`.
    pub fn of(&self, table: &Table, column: &Column) -> RustType<'a> {
        let exact = self.entries.iter().find_map(|e| match &e.target {
            Target::Column {
                table: Some(t),
                column: c,
            } if c == column.name() && names(t, table) => Some(&e.value),
            _ => None,
        });
        let any_table = || {
            self.entries.iter().find_map(|e| match &e.target {
                Target::Column {
                    table: None,
                    column: c,
                } if c == column.name() => Some(&e.value),
                _ => None,
            })
        };
        if let Some(ty) = exact.or_else(any_table) {
            return RustType::Host(ty);
        }
        self.of_logical(column.logical_type())
    }

    /// The type of a column of logical type `ty` without a column override.
    pub fn of_logical(&self, ty: LogicalType) -> RustType<'a> {
        let host = match TypeKey::of(ty) {
            // Microsecond timestamps follow `timestamp` unless named apart.
            Some(TypeKey::TimestampUsec) => self
                .logical(TypeKey::TimestampUsec)
                .or_else(|| self.logical(TypeKey::Timestamp)),
            Some(key) => self.logical(key),
            None => None,
        };
        host.map_or_else(|| RustType::Default(self.default(ty)), RustType::Host)
    }

    fn default(&self, ty: LogicalType) -> &'static str {
        use LogicalType::*;
        match (ty, self.drivers) {
            (Hash | Ident | Short | Text, _) => "::std::string::String",
            (Strings, _) => "::std::vec::Vec<::std::string::String>",
            (Json, false) => "::std::string::String",
            (Json, true) => "::serde_json::Value",
            (Timestamp | TimestampUsec, false) => "::std::time::SystemTime",
            // The expansion's own, which hold their column's precision
            // (`integrations::timestamps`).
            (Timestamp, true) => "Timestamp",
            (TimestampUsec, true) => "TimestampUsec",
            (Uuid, false) => "[::core::primitive::u8; 16]",
            (Uuid, true) => "::uuid::Uuid",
            (Int, _) => "::core::primitive::i32",
            (BigInt, _) => "::core::primitive::i64",
            (Bool, _) => "::core::primitive::bool",
        }
    }
}

/// Whether `ty` is a type the expansion itself defines, named without a
/// path (a nested module names it through `super::`).
pub fn is_local(ty: RustType<'_>) -> bool {
    matches!(ty, RustType::Default(d) if !d.starts_with("::") && !d.starts_with('['))
}

/// Whether `written` names `table`: its full name or its short one.
pub fn names(written: &syn::Ident, table: &Table) -> bool {
    written == table.name() || written == table.short_name()
}

/// The field type of `column`: the Rust type, in `Option` when nullable.
pub fn field_type(code: &mut Code, ty: RustType<'_>, nullable: bool) {
    // `<` and `>` are not delimiters: the text on either side of a host
    // type still lexes on its own.
    let (open, close) = if nullable {
        ("::core::option::Option<", ">")
    } else {
        ("", "")
    };
    code.push_str(open);
    match ty {
        RustType::Default(ty) => code.push_str(ty),
        RustType::Host(tokens) => code.tokens(tokens),
    }
    code.push_str(close);
}

/// `ty` as text without spaces: the same text for the same type however
/// the host spaced it, to tell field types apart.
pub fn type_key(ty: RustType<'_>) -> String {
    let mut text = Code::default();
    field_type(&mut text, ty, false);
    text.render().split_whitespace().collect()
}
