//! The Rust type of each logical type, with the host's `types(...)`.

use attesto_schema::LogicalType;
use proc_macro2::TokenStream;
use syn::Ident;

/// The Rust types of the row-struct fields: std types unless the host's
/// `types(...)` names its own.
#[derive(Default)]
pub(crate) struct RustTypes {
    timestamp: Option<TokenStream>,
    json: Option<TokenStream>,
    uuid: Option<TokenStream>,
    strings: Option<TokenStream>,
}

/// A field's type: std's, written as text, or the host's, as its tokens.
pub(crate) enum RustType<'a> {
    /// A std type, as Rust source.
    Std(&'static str),
    /// A type named in `types(...)`, whose tokens keep their spans.
    Host(&'a TokenStream),
}

impl RustTypes {
    /// The defaults (std only), replaced by the host's `types(...)`.
    pub(crate) fn new(overrides: &[(Ident, TokenStream)]) -> RustTypes {
        let mut types = RustTypes::default();
        for (key, ty) in overrides {
            let slot = if key == "timestamp" {
                &mut types.timestamp
            } else if key == "json" {
                &mut types.json
            } else if key == "uuid" {
                &mut types.uuid
            } else {
                // The keys were checked when parsing; `strings` is the last.
                &mut types.strings
            };
            *slot = Some(ty.clone());
        }
        types
    }

    /// The Rust type of a non-null column of type `ty`.
    pub(crate) fn of(&self, ty: LogicalType) -> RustType<'_> {
        use LogicalType::*;
        let (host, std) = match ty {
            Hash | Ident | Short | Text => (None, "::std::string::String"),
            Strings => (
                self.strings.as_ref(),
                "::std::vec::Vec<::std::string::String>",
            ),
            Json => (self.json.as_ref(), "::std::string::String"),
            Timestamp | TimestampUsec => (self.timestamp.as_ref(), "::std::time::SystemTime"),
            Uuid => (self.uuid.as_ref(), "[::core::primitive::u8; 16]"),
            Int => (None, "::core::primitive::i32"),
            BigInt => (None, "::core::primitive::i64"),
            Bool => (None, "::core::primitive::bool"),
        };
        host.map_or(RustType::Std(std), RustType::Host)
    }
}
