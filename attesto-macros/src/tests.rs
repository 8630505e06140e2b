//! The expansion on `proc_macro2` tokens: every input gives tokens or an
//! error, never a panic.

use proc_macro2::TokenStream;
use quote::quote;

use crate::expand::attesto_migration_inner;

fn expand(input: TokenStream) -> Result<String, String> {
    attesto_migration_inner(input)
        .map(|tokens| tokens.to_string())
        .map_err(|e| e.to_string())
}

#[test]
fn good_inputs_expand() {
    let inputs = [
        quote!(),
        quote!(prefix = "oauth_"),
        quote!(prefix = "",),
        quote!(
            dialect = "sqlite",
            prefix = "x_",
            derive(Clone, serde::Serialize, Debug),
        ),
        quote!(types(timestamp = chrono::NaiveDateTime, json = serde_json::Value, uuid = [u8; 16], strings = Vec<String>,)),
        quote!(derive()),
        quote!(derive(::serde::Serialize, a::b::C,)),
        quote!(types(json = std::collections::HashMap<String, Vec<u8>>, uuid = u128)),
        quote!(types(json = Box<dyn Fn(u8) -> Vec<u8>>, strings = Vec<String>)),
        quote!(types()),
        quote!(config_key = "nothing_here"),
        quote!(version = "0.6.1"),
        quote!(from = "0.6.1", version = "0.19.0", dialect = "sqlite"),
    ];
    for input in inputs {
        let text = input.to_string();
        let output = expand(input).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(output.contains("pub const UP_SQL"), "{text}");
        assert!(output.contains("pub struct DpopReplayRow"), "{text}");
    }
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let inputs = [
        quote!(=),
        quote!(,),
        quote!("prefix" = "x"),
        quote!(prefix = "a" "b"),
        quote!(prefix = "a",, dialect = "sqlite"),
        quote!(prefix = r"A"),
        quote!(prefix = b"x"),
        quote!(prefix = 'x'),
        quote!(prefix = concat!("a", "b")),
        quote!(prefix = "x" dialect = "sqlite"),
        quote!(prefix: "x"),
        quote!(prefix = ),
        quote!(prefix["x"]),
        quote!(prefix { "x" }),
        quote!(dialect = ""),
        quote!(dialect = "Postgres"),
        quote!(config_key = ""),
        quote!(config = ""),
        quote!(config = "/nonexistent/attesto.toml"),
        quote!(config = "src"),
        quote!(derive(1, 2)),
        quote!(derive(Debug Clone)),
        quote!(derive[Debug]),
        quote!(derive(serde::)),
        quote!(derive(::)),
        quote!(derive(Debug,, Clone)),
        quote!(derive(Vec<u8>)),
        quote!(types(timestamp)),
        quote!(types(timestamp = )),
        quote!(types(= String)),
        quote!(types(json = String, json = String)),
        quote!(types = "json"),
        quote!(unknown, prefix = "x", prefix = "y", types(nope = u8)),
        quote!(prefix = "\u{0}"),
        quote!(prefix = "a_very_long_prefix_for_postgres_"),
        quote!(version = "1.0.0"),
        quote!(from = "0.19.0"),
        quote!(from = "0.19.0", version = "0.6.1"),
        quote!(version = 0.6),
        quote!(migrations_path = "no/such/dir"),
        quote!(migrations_path = ""),
    ];
    for input in inputs {
        let text = input.to_string();
        match expand(input) {
            Ok(_) => panic!("{text}: expanded, expected an error"),
            Err(error) => assert!(!error.is_empty(), "{text}"),
        }
    }
}

#[test]
fn generated_items_carry_docs() {
    let output = expand(quote!(prefix = "oauth_")).expect("expands");
    assert!(output.contains("RFC 8628"), "table docs name their RFC");
    assert!(
        output.contains("`code_hash varchar(88) NOT NULL`: digest of the authorization code."),
        "field docs give the SQL type and what the column holds"
    );
    assert!(output.contains("`scope varchar(255)[] NOT NULL DEFAULT ARRAY[]::varchar[]`"));
}

#[test]
fn version_and_from_choose_the_migration() {
    let old = expand(quote!(version = "0.6.1")).expect("expands");
    assert!(!old.contains("ConsentGrantRow"), "0.6.1 has four tables");
    assert!(old.replace(' ', "").contains(
        "pubconstFROM_RELEASE:::core::option::Option<&str>=::core::option::Option::None"
    ));
    let upgrade = expand(quote!(from = "0.6.1")).expect("expands");
    assert!(upgrade.contains("ADD COLUMN"));
    assert!(upgrade.contains("upgrade_attesto_tables_0_6_1_to_0_19_0"));
    assert!(
        upgrade.contains("pub struct ConsentGrantRow"),
        "structs of the target release"
    );
}

#[test]
fn type_values_keep_their_generic_commas() {
    let output = expand(quote!(types(json = std::collections::HashMap<String, u8>, uuid = u128)))
        .expect("expands");
    assert!(
        output.contains("HashMap < String , u8 >"),
        "{}",
        &output[..200]
    );
    assert!(output.contains("pub id : u128"));
}

#[test]
fn string_literals_hold_their_text_exactly() {
    let texts = [
        "",
        "plain",
        "a \"quoted\" word",
        "ends with a quote\"",
        "\"# and \"## inside",
        "carriage\r\nreturn",
        "tab\tand \\ backslash and \u{0} nul",
        "unicode: é 😀",
    ];
    for text in texts {
        let literal = crate::code::str_literal(text);
        let lit: syn::LitStr =
            syn::parse_str(&literal).unwrap_or_else(|e| panic!("{literal}: {e}"));
        assert_eq!(lit.value(), text, "{literal}");
    }
}

#[test]
fn the_compiler_lexes_an_expansion_in_one_parse_unless_host_tokens_split_it() {
    use crate::code::Part;

    fn host_token_streams(parts: Vec<Part>) -> usize {
        parts
            .into_iter()
            .map(|part| match part {
                Part::Text(_) => 0,
                Part::Tokens(_) => 1,
                Part::Group(_, inner) => host_token_streams(inner.into_parts()),
            })
            .sum()
    }

    let code = crate::expand::expansion(quote!(prefix = "oauth_")).expect("expands");
    let parts = code.into_parts();
    assert_eq!(parts.len(), 1, "one stretch of text");
    assert!(matches!(parts.first(), Some(Part::Text(_))));

    // The host's type keeps its tokens (and spans) at every json field.
    let schema =
        attesto_schema::Schema::new(attesto_schema::Dialect::Postgres, "").expect("schema");
    let json_fields = schema
        .tables()
        .iter()
        .flat_map(|table| schema.columns(table))
        .filter(|column| column.logical_type() == attesto_schema::LogicalType::Json)
        .count();
    assert!(json_fields > 0);
    let code = crate::expand::expansion(quote!(types(json = my::Json))).expect("expands");
    assert_eq!(host_token_streams(code.into_parts()), json_fields);
}
