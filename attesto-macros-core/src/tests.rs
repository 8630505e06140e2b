//! The expansion on `proc_macro2` tokens: every input gives tokens or an
//! error, never a panic; representative expansions match their snapshot
//! files.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

use crate::config::Host;
use crate::expand::expansion_for;

/// A host crate whose manifest names every dependency the integrations'
/// code uses (see `fixtures/host/Cargo.toml`).
fn host() -> Host {
    Host {
        manifest_dir: Some(fixture_dir()),
    }
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/host")
}

/// The expansion's text, or its errors: those that stop it, and those
/// reported beside the code as `compile_error!`s.
fn expand(input: TokenStream) -> Result<String, String> {
    let text = expansion_for(input, &host())
        .and_then(|code| code.into_tokens())
        .map(|tokens| tokens.to_string())
        .map_err(|e| e.to_string())?;
    match text.find(":: core :: compile_error !") {
        Some(at) => Err(text[at..].to_owned()),
        None => Ok(text),
    }
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
        quote!(derive(
            ::serde::Serialize,
            a::b::C,
            ::core::fmt::Debug,
            std::clone::Clone
        )),
        quote!(types(json = std::collections::HashMap<String, Vec<u8>>, uuid = u128)),
        quote!(types(json = Box<dyn Fn(u8) -> Vec<u8>>, strings = Vec<String>)),
        quote!(types()),
        quote!(types(
            timestamp_usec = time::PrimitiveDateTime,
            columns(
                params = MyParams,
                refresh_tokens.claims = Claims,
                attesto_authorization_codes.claims = Claims
            )
        )),
        quote!(attrs(#[serde(deny_unknown_fields)] #[allow(dead_code)])),
        quote!(field_attrs(json = #[serde(default)], columns(expires_at = #[doc = "x"] #[serde(skip)]))),
        quote!(config_key = "tenant"),
        quote!(version = "0.6.1"),
        quote!(version = "2.5.0"),
        quote!(from = "0.6.1", version = "0.19.0", dialect = "sqlite"),
        quote!(from = "1.0.0", dialect = "mysql"),
        quote!(dialect = "mysql", integrations(sqlx)),
        quote!(dialect = "sqlite", integrations(sqlx, rusqlite)),
        quote!(integrations(sqlx, postgres, tokio_postgres)),
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
        (quote!(=), "expected an argument name"),
        (quote!(,), "expected an argument name"),
        (quote!("prefix" = "x"), "expected an argument name"),
        (
            quote!(prefix = "a" "b"),
            "expected `,` or the end of the arguments after the value of `prefix`",
        ),
        (
            quote!(prefix = "a",, dialect = "sqlite"),
            "expected an argument name",
        ),
        (quote!(prefix = r"A"), "uppercase letter 'A'"),
        (quote!(prefix = b"x"), "expected a string literal"),
        (quote!(prefix = 'x'), "expected a string literal"),
        (
            quote!(prefix = concat!("a", "b")),
            "expected a string literal",
        ),
        (
            quote!(prefix = "x" dialect = "sqlite"),
            "expected `,` or the end",
        ),
        (
            quote!(prefix = "oauth_" junk),
            "expected `,` or the end of the arguments after the value of `prefix`",
        ),
        (quote!(prefix = "oauth_";), "expected `,` or the end"),
        (
            quote!(prefix = "oauth_"suffix),
            "unexpected suffix `suffix`",
        ),
        (quote!(prefix: "x"), "expected `=` after `prefix`"),
        (quote!(prefix = ), "expected a string literal"),
        (quote!(prefix["x"]), "expected a string literal"),
        (quote!(prefix { "x" }), "expected a string literal"),
        (quote!(dialect = ""), "unknown dialect"),
        (quote!(dialect = "Postgres"), "unknown dialect"),
        (quote!(config_key = ""), "must not be empty"),
        (
            quote!(config_key = "a.b"),
            "matched whole against one table name",
        ),
        (
            quote!(config_key = "nothing_here"),
            "has no [package.metadata.nothing_here] table",
        ),
        (quote!(config = ""), "cannot read"),
        (quote!(config = "/nonexistent/attesto.toml"), "no such file"),
        (quote!(config = "/dev/zero"), "a device, not a regular file"),
        (quote!(config = "."), "a directory, not a regular file"),
        (quote!(derive(1, 2)), "expected the path of a derive macro"),
        (
            quote!(derive(Debug Clone)),
            "expected the path of a derive macro",
        ),
        (quote!(derive[Debug]), "expected a list in parentheses"),
        (
            quote!(derive(serde::)),
            "expected the path of a derive macro",
        ),
        (quote!(derive(::)), "expected the path of a derive macro"),
        (quote!(derive(Debug,, Clone)), "expected the path"),
        (
            quote!(derive(Vec<u8>)),
            "expected the path of a derive macro",
        ),
        (
            quote!(types(timestamp)),
            "expected `=` and a type after `timestamp`",
        ),
        (
            quote!(types(timestamp = )),
            "expected a type after `timestamp =`",
        ),
        (quote!(types(= String)), "expected identifier"),
        (
            quote!(types(json = String, json = String)),
            "duplicate key `json`",
        ),
        (quote!(types(nope = u8)), "unknown type key `nope`"),
        (
            quote!(types(columns(nope = u8))),
            "no table of schema release 1.2.0 has a column `nope`",
        ),
        (
            quote!(types(columns(refresh_tokens.params = u8))),
            "has no column `params`",
        ),
        (
            quote!(types(columns(tokens.claims = u8))),
            "has no table `tokens`",
        ),
        (
            quote!(types(columns(claims = u8, claims = u16))),
            "duplicate key `claims`",
        ),
        (
            quote!(version = "0.6.1", types(columns(resource = u8))),
            "no table of schema release 0.6.0 has a column `resource`",
        ),
        (quote!(types = "json"), "expected a list in parentheses"),
        (quote!(attrs(serde)), "expected an attribute"),
        (
            "attrs(# serde)".parse().expect("tokens"),
            "expected `[` after `#`",
        ),
        (quote!(field_attrs(json = serde)), "expected an attribute"),
        (quote!(integrations(diesl)), "unknown integration `diesl`"),
        (
            quote!(integrations(sqlx, sqlx)),
            "duplicate integration `sqlx`",
        ),
        (
            quote!(dialect = "postgres", integrations(rusqlite)),
            "integration `rusqlite` does not drive PostgreSQL databases",
        ),
        (
            quote!(dialect = "sqlite", integrations(postgres)),
            "integration `postgres` does not drive SQLite databases",
        ),
        (
            quote!(integrations(sqlx), derive(sqlx::FromRow)),
            "integrations(sqlx) writes `FromRow`",
        ),
        (
            quote!(integrations(sqlx), types(json = String)),
            "is jsonb in PostgreSQL",
        ),
        (
            quote!(integrations(diesel, sea_orm)),
            "integrations(diesel) and integrations(sea_orm) both write a module per table",
        ),
        (
            quote!(unknown, prefix = "x", prefix = "y", types(nope = u8)),
            "unknown argument `unknown`",
        ),
        (quote!(prefix = "\u{0}"), "invalid table prefix"),
        (
            quote!(prefix = "a_very_long_prefix_for_postgres_"),
            "63-byte limit",
        ),
        (
            quote!(version = "1.0.1"),
            "unknown attesto_phoenix version \"1.0.1\"",
        ),
        (quote!(version = "v2.5.0"), "did you mean \"2.5.0\"?"),
        (
            quote!(from = "2.13.0"),
            "cannot upgrade from \"2.13.0\" to \"2.13.0\"",
        ),
        (quote!(from = "0.19.0", version = "0.6.1"), "cannot upgrade"),
        (quote!(version = 0.6), "expected a string literal"),
        (
            quote!(migrations_path = "no/such/dir"),
            "cannot read the migrations directory",
        ),
        (
            quote!(migrations_path = ""),
            "no `create_attesto_tables` migration",
        ),
    ];
    for (input, expected) in inputs {
        let text = input.to_string();
        match expand(input) {
            Ok(_) => panic!("{text}: expanded, expected an error"),
            Err(error) => assert!(error.contains(expected), "{text}: {error}"),
        }
    }
}

#[test]
fn a_long_prefix_is_quoted_within_bounds() {
    let prefix = "a".repeat(1_000_000);
    let error = expand(quote!(prefix = #prefix)).expect_err("too long");
    assert!(error.len() < 600, "{} bytes", error.len());
    let prefix = format!("{}A", "a".repeat(1_000_000));
    let error = expand(quote!(prefix = #prefix)).expect_err("invalid");
    assert!(error.len() < 600, "{} bytes", error.len());
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
fn string_literals_hold_their_text_exactly() {
    let texts = [
        "",
        "plain",
        "a \"quoted\" word",
        "ends with a quote\"",
        "\"# and \"## inside",
        "ends with \"#",
        "\"###\"# a longer run first",
        "## hashes without a quote #",
        "carriage\r\nreturn",
        "tab\tand \\ backslash and \u{0} nul",
        "unicode: é 😀",
    ];
    for text in texts {
        let literal = crate::code::str_literal(text).to_string();
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

    let code = expansion_for(quote!(prefix = "oauth_"), &host()).expect("expands");
    let parts = code.into_parts();
    assert_eq!(parts.len(), 1, "one stretch of text");
    assert!(matches!(parts.first(), Some(Part::Text(_))));

    // The host's type keeps its tokens (and spans) at every json field: of
    // the row structs, and of the constructors' structs where the caller
    // gives the column.
    let schema =
        attesto_schema::Schema::new(attesto_schema::Dialect::default(), "").expect("schema");
    let json: Vec<attesto_schema::Column> = schema
        .tables()
        .iter()
        .flat_map(|table| schema.columns(table))
        .filter(|column| column.logical_type() == attesto_schema::LogicalType::Json)
        .collect();
    let given = json
        .iter()
        .filter(|c| !c.is_state() && !c.is_nullable() && c.default_value().is_none())
        .count();
    assert!(!json.is_empty() && given > 0);
    let code = expansion_for(quote!(types(json = my::Json)), &host()).expect("expands");
    assert_eq!(host_token_streams(code.into_parts()), json.len() + given);
}

/// The representative expansions, each checked against its snapshot file
/// in `snapshots/`; `ATTESTO_UPDATE_SNAPSHOTS=1 cargo test -p
/// attesto-macros-core` rewrites them, and review sees every change to the
/// generated code as a diff.
#[test]
fn expansions_match_their_snapshots() {
    let cases = [
        ("no_prefix", quote!(prefix = "")),
        ("oauth_prefix", quote!(prefix = "oauth_")),
        (
            "sqlite_derive_types_integrations",
            quote!(
                dialect = "sqlite",
                prefix = "app_",
                derive(serde::Serialize),
                types(json = serde_json::Value, columns(params = std::collections::BTreeMap<String, String>)),
                attrs(#[serde(deny_unknown_fields)]),
                field_attrs(timestamp = #[serde(skip_serializing)]),
                integrations(sqlx, rusqlite),
            ),
        ),
        (
            "postgres_integrations",
            quote!(prefix = "oauth_", integrations(sqlx, postgres)),
        ),
        ("mysql_sqlx", quote!(dialect = "mysql", integrations(sqlx))),
        (
            "diesel_sqlite",
            quote!(dialect = "sqlite", prefix = "oauth_", integrations(diesel)),
        ),
        (
            "sea_orm_postgres_host_types",
            quote!(
                types(columns(params = std::collections::BTreeMap<String, String>)),
                integrations(sea_orm),
            ),
        ),
        (
            "upgrade_from_0_19_0",
            quote!(prefix = "oauth_", from = "0.19.0"),
        ),
        (
            "upgrade_mysql_from_1_0_0",
            quote!(dialect = "mysql", from = "1.0.0"),
        ),
        (
            "several_dialects_tracing",
            quote!(
                dialects("postgres", "sqlite", "mariadb"),
                prefix = "oauth_",
                integrations(sqlx),
                tracing
            ),
        ),
    ];
    let update = std::env::var_os("ATTESTO_UPDATE_SNAPSHOTS").is_some();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    let fixture = fixture_dir().display().to_string();
    let mut stale = Vec::new();
    for (name, input) in cases {
        let code = expansion_for(input.clone(), &host()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let rendered = code.render().replace(&fixture, "$HOST");
        let text = format!(
            "// attesto_migration!({input})\n{}",
            formatted(&rendered).unwrap_or_else(|e| panic!("{name}: {e}"))
        );
        let text = wrap_docs(&text);
        let widest = text.lines().map(str::len).max().unwrap_or(0);
        assert!(widest <= 200, "{name}: a line of {widest} characters");
        let path = dir.join(format!("{name}.rs.txt"));
        if update {
            std::fs::write(&path, &text).expect("write snapshot");
            continue;
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if on_disk != text {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "the expansions {stale:?} differ from their snapshots in {}; if the change is \
         intended, run `ATTESTO_UPDATE_SNAPSHOTS=1 cargo test -p attesto-macros-core` and \
         review the diff",
        dir.display()
    );
}

/// Where [`formatted`] wraps string literals and doc comments (a literal's
/// first line may pass it by its indentation and opening; the test asserts
/// no line passes 200 characters).
const SNAPSHOT_WIDTH: usize = 100;

/// `code` as prettyplease prints it, with the two things it leaves on one
/// line wrapped: a string literal without a line break of its own is
/// rewritten as an escaped literal continued with `\` at its spaces (the
/// same string), and a doc comment is split at its spaces into lines of
/// one comment (the same paragraph to rustdoc).
fn formatted(code: &str) -> Result<String, String> {
    use syn::visit_mut::VisitMut;

    /// Rewrites long one-line string literals.
    struct WrapLiterals;

    impl VisitMut for WrapLiterals {
        fn visit_lit_mut(&mut self, lit: &mut syn::Lit) {
            if let syn::Lit::Str(text) = lit {
                let value = text.value();
                if long(&value) {
                    let literal: proc_macro2::Literal =
                        continued(&value).parse().expect("a string literal");
                    *lit = syn::Lit::new(literal);
                }
            }
        }

        // A doc attribute's literal stays: prettyplease prints it as a
        // `///` comment, which `wrap_docs` wraps. An attribute's list is
        // tokens, printed as they are, as a macro's are.
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            if let syn::Meta::List(list) = &mut attr.meta {
                list.tokens = wrap_token_literals(std::mem::take(&mut list.tokens));
            }
        }

        // prettyplease prints a macro's tokens as they are: its long
        // literals are rewritten token by token.
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            mac.tokens = wrap_token_literals(std::mem::take(&mut mac.tokens));
        }
    }

    /// `tokens` with each long string literal continued.
    fn wrap_token_literals(tokens: TokenStream) -> TokenStream {
        use proc_macro2::TokenTree;
        tokens
            .into_iter()
            .map(|tree| match tree {
                TokenTree::Group(group) => {
                    let mut wrapped = proc_macro2::Group::new(
                        group.delimiter(),
                        wrap_token_literals(group.stream()),
                    );
                    wrapped.set_span(group.span());
                    TokenTree::Group(wrapped)
                }
                TokenTree::Literal(literal) => {
                    match syn::parse2::<syn::LitStr>(TokenTree::Literal(literal.clone()).into()) {
                        Ok(text) if long(&text.value()) => TokenTree::Literal(
                            continued(&text.value()).parse().expect("a string literal"),
                        ),
                        _ => TokenTree::Literal(literal),
                    }
                }
                other => other,
            })
            .collect()
    }

    /// Whether a literal of `value` has a line too long for a snapshot.
    fn long(value: &str) -> bool {
        value.lines().any(|line| line.len() > SNAPSHOT_WIDTH - 40)
    }

    let mut file = syn::parse_file(code).map_err(|e| format!("does not parse: {e}"))?;
    WrapLiterals.visit_file_mut(&mut file);
    Ok(wrap_docs(&prettyplease::unparse(&file)))
}

/// An escaped string literal of `value`, a line break and `\` after a space
/// wherever a line would pass [`SNAPSHOT_WIDTH`]: the compiler drops the
/// break and the next line's indentation, so the string is unchanged.
fn continued(value: &str) -> String {
    let escaped = format!("{value:?}");
    let mut out = String::new();
    let mut line = 0;
    for word in escaped.split_inclusive(' ') {
        // A break before a space would lose it: the continuation drops
        // the whitespace that follows it.
        if line + word.len() > SNAPSHOT_WIDTH - 20 && line > 0 && !word.starts_with(' ') {
            out.push_str("\\\n    ");
            line = 4;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

/// Splits each line of a doc comment (`///`, or inside `/** */`, as
/// prettyplease prints a doc of several lines) wider than
/// [`SNAPSHOT_WIDTH`] at its spaces, each piece behind the line's own
/// indentation and comment marker.
fn wrap_docs(text: &str) -> String {
    let mut out = String::new();
    let mut in_block = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let block_line = in_block || trimmed.starts_with("/**");
        in_block = block_line && !trimmed.ends_with("*/");
        // A line comment keeps its marker on every piece; a line of a
        // block comment, its indentation.
        let marker = ["///", "//"]
            .into_iter()
            .find(|marker| trimmed.starts_with(marker))
            .filter(|_| !block_line);
        if line.len() <= SNAPSHOT_WIDTH || (marker.is_none() && !block_line) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let lead = format!("{indent}{}", marker.unwrap_or_default());
        let body = &trimmed[marker.map_or(0, str::len)..];
        let mut current = lead.clone();
        for word in body.split(' ').filter(|w| !w.is_empty()) {
            if current.len() + 1 + word.len() > SNAPSHOT_WIDTH && current.len() > lead.len() {
                out.push_str(&current);
                out.push('\n');
                current.clone_from(&lead);
            }
            if current.len() > indent.len() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push_str(&current);
        out.push('\n');
    }
    out
}

mod properties {
    //! Arbitrary token streams never panic the expansion: each gives code
    //! or an error.

    use proptest::prelude::*;

    use super::{expansion_for, host};

    /// One token of the argument grammar's vocabulary, or noise.
    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::sample::select(vec![
                "prefix", "dialect", "version", "from", "config", "config_key", "migrations_path",
                "derive", "types", "attrs", "field_attrs", "integrations", "columns", "timestamp",
                "timestamp_usec", "json", "uuid", "strings", "sqlx", "postgres", "rusqlite",
                "tokio_postgres", "diesel", "sea_orm", "refresh_tokens", "claims", "params",
                "Debug", "serde", "String", "Vec",
            ]).prop_map(str::to_owned),
            4 => prop::sample::select(vec![
                "=", ",", ".", "::", "<", ">", "#", "->", ";", "&", "'a", "!",
            ]).prop_map(str::to_owned),
            2 => "[a-z_]{0,12}".prop_map(|s| format!("{s:?}")),
            1 => prop::sample::select(vec![
                "\"oauth_\"", "\"sqlite\"", "\"mysql\"", "\"2.5.0\"", "\"0.19.0\"", "\"\"",
                "\"tenant\"", "r#\"x\"#", "b\"x\"", "'c'", "1", "0.6", "\"x\"suffix",
            ]).prop_map(str::to_owned),
            1 => any::<String>().prop_map(|s| format!("{s:?}")),
        ]
    }

    /// Tokens, some of them in groups, as text.
    fn tokens() -> impl Strategy<Value = String> {
        let leaf = prop::collection::vec(token(), 0..8).prop_map(|t| t.join(" "));
        leaf.prop_recursive(3, 48, 6, |inner| {
            prop::collection::vec(
                prop_oneof![
                    inner.clone(),
                    inner.clone().prop_map(|t| format!("({t})")),
                    inner.clone().prop_map(|t| format!("[{t}]")),
                    inner.prop_map(|t| format!("{{{t}}}")),
                ],
                0..6,
            )
            .prop_map(|parts| parts.join(" "))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_tokens_give_code_or_an_error(text in tokens()) {
            if let Ok(input) = text.parse::<proc_macro2::TokenStream>() {
                // Either result is fine; a panic fails the test.
                let _ = expansion_for(input, &host()).and_then(|code| code.into_tokens());
            }
        }
    }
}

/// The expansion of `input` for the fixture host `name`, as text.
fn expand_for_host(input: TokenStream, name: &str) -> String {
    let host = Host {
        manifest_dir: Some(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures")
                .join(name),
        ),
    };
    expansion_for(input, &host)
        .and_then(|code| code.into_tokens())
        .map(|tokens| tokens.to_string())
        .unwrap_or_else(|e| panic!("expands: {e}"))
}

#[test]
fn a_host_whose_sqlx_drives_one_other_server_gets_one_error_naming_the_dialect() {
    for (host, dialect, named) in [
        ("sqlite-host", "sqlite", "`dialect = \"sqlite\"`"),
        (
            "mysql-host",
            "mysql",
            "`dialect = \"mariadb\"` (MariaDB) or `dialect = \"mysql\"`",
        ),
    ] {
        let implied = expand_for_host(quote!(integrations(sqlx)), host);
        // One error, naming the dialect to write.
        assert_eq!(implied.matches("compile_error").count(), 1, "{host}");
        let at = implied
            .find(":: core :: compile_error !")
            .expect("the error");
        let (code, error) = implied.split_at(at);
        // The message is a string literal among the tokens: its quotes are
        // escaped.
        assert!(
            error.contains(&named.replace('"', "\\\"")),
            "{host}: {error}"
        );
        assert!(error.contains("names no dialect"), "{host}: {error}");
        // Beside it, exactly the expansion for that dialect, which
        // compiles in such a host: no cascade.
        let lit = proc_macro2::Literal::string(dialect);
        let explicit = expand_for_host(quote!(dialect = #lit, integrations(sqlx)), host);
        assert_eq!(code.trim_end(), explicit.trim_end(), "{host}");
    }
    // `tracing` names its crate, which the host must depend on.
    let untraced = expand_for_host(
        quote!(dialect = "sqlite", integrations(sqlx), tracing),
        "sqlite-host",
    );
    assert!(
        untraced.contains("does not depend on; add to [dependencies]:\\ntracing = \\\"0.1\\\""),
        "{untraced}"
    );
    // A host whose sqlx drives PostgreSQL gets PostgreSQL, silently.
    let default = expand_for_host(quote!(integrations(sqlx)), "host");
    assert!(!default.contains("compile_error"));
    assert!(default.contains("DIALECT : & str = \"postgres\""));
}

#[test]
fn dialects_are_refused_by_rule() {
    let inputs = [
        (
            quote!(dialect = "sqlite", dialects("postgres")),
            "give `dialect = \"...\"` for one dialect or `dialects(...)` for several, not both",
        ),
        (
            quote!(dialects()),
            "`dialects(...)` names at least one dialect",
        ),
        (
            quote!(dialects("postgres", "postgres")),
            "duplicate dialect \"postgres\"",
        ),
        (
            quote!(dialects("mysql", "mariadb")),
            "dialects \"mysql\" and \"mariadb\" both run on MySQL and MariaDB servers",
        ),
        (quote!(dialects("oracle")), "unknown dialect \"oracle\""),
        (
            quote!(dialects(postgres)),
            "expected a dialect's name as a string literal",
        ),
        (
            quote!(dialects("postgres", "sqlite"), integrations(rusqlite)),
            "integrations(rusqlite) writes the glue of one dialect",
        ),
        (quote!(tracing = "yes"), "`tracing` takes no value"),
        (
            quote!(tracing),
            "`tracing` traces the operations, which only an integration generates",
        ),
        (quote!(tracing(on)), "`tracing` takes no value"),
    ];
    for (input, expected) in inputs {
        let text = input.to_string();
        match expand(input) {
            Ok(_) => panic!("{text}: expanded, expected an error"),
            Err(error) => assert!(error.contains(expected), "{text}: {error}"),
        }
    }
}

#[test]
fn dialects_share_rows_and_keep_their_sql_in_a_module_each() {
    let text = expand(quote!(
        dialects("postgres", "sqlite", "mariadb"),
        integrations(sqlx)
    ))
    .expect("expands");
    for module in ["pub mod postgres", "pub mod sqlite", "pub mod mariadb"] {
        assert!(text.contains(module), "{module}");
    }
    assert_eq!(text.matches("pub struct AuthorizationCodeRow").count(), 1);
    assert_eq!(text.matches("pub enum CodeTake").count(), 1);
    assert!(text.contains("pub enum Pool"));
    assert!(text.contains("Handle :: Mariadb (db)"));
}
