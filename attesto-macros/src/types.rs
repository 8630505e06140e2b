//! The Rust type of each logical type, with the host's `types(...)`.

use attesto_schema::LogicalType;
use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

/// The Rust types of the row-struct fields.
pub(crate) struct RustTypes {
    timestamp: TokenStream,
    json: TokenStream,
    uuid: TokenStream,
    strings: TokenStream,
}

impl RustTypes {
    /// The defaults (std only), replaced by the host's `types(...)`.
    pub(crate) fn new(overrides: &[(Ident, TokenStream)]) -> RustTypes {
        let mut types = RustTypes {
            timestamp: quote!(::std::time::SystemTime),
            json: quote!(::std::string::String),
            uuid: quote!([::core::primitive::u8; 16]),
            strings: quote!(::std::vec::Vec<::std::string::String>),
        };
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
            *slot = ty.clone();
        }
        types
    }

    /// The Rust type of a non-null column of type `ty`.
    pub(crate) fn of(&self, ty: LogicalType) -> TokenStream {
        use LogicalType::*;
        match ty {
            Hash | Ident | Short | Text => quote!(::std::string::String),
            Strings => self.strings.clone(),
            Json => self.json.clone(),
            Timestamp | TimestampUsec => self.timestamp.clone(),
            Uuid => self.uuid.clone(),
            Int => quote!(::core::primitive::i32),
            BigInt => quote!(::core::primitive::i64),
            Bool => quote!(::core::primitive::bool),
        }
    }
}

/// A string literal token for `text`, written raw (`r#"..."#`) when it
/// can be: the compiler, or proc-macro2 outside it, reads a raw literal
/// much faster than it escapes a long string character by character, and
/// the expansion is mostly long SQL and doc strings.
pub(crate) fn str_literal(text: &str) -> proc_macro2::Literal {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    let raw = format!("r{hashes}\"{text}\"{hashes}");
    // A carriage return is the one thing a raw literal cannot hold as is.
    if text.contains('\r') {
        return proc_macro2::Literal::string(text);
    }
    raw.parse()
        .unwrap_or_else(|_| proc_macro2::Literal::string(text))
}
