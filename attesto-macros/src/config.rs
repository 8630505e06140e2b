//! Where the table prefix comes from: the `prefix` argument, a TOML config
//! file, the invoking crate's `Cargo.toml` metadata, or nowhere.

use std::path::PathBuf;

use proc_macro2::Span;
use syn::LitStr;

use crate::args::Args;

/// The config key used when `config_key` is not given, as in the Elixir task.
const DEFAULT_CONFIG_KEY: &str = "attesto";

/// The prefix an invocation asks for, before validation.
pub(crate) struct ResolvedPrefix {
    /// The prefix, as written where it was found.
    pub(crate) value: String,
    /// Where to report an error about it.
    pub(crate) span: Span,
    /// Where it was found, for messages; `None` for the `prefix` argument.
    pub(crate) origin: Option<String>,
    /// Files read on the way, which cargo must watch (absolute paths).
    pub(crate) tracked: Vec<PathBuf>,
}

/// Resolves the prefix as the Elixir task does with `--table-prefix`,
/// `--otp-app` and `--config-key`: an explicit prefix wins, then the config
/// file, then `[package.metadata.<key>]`, then no prefix.
pub(crate) fn resolve_prefix(args: &Args) -> syn::Result<ResolvedPrefix> {
    if let Some(prefix) = &args.prefix {
        return Ok(ResolvedPrefix {
            value: prefix.value(),
            span: prefix.span(),
            origin: None,
            tracked: Vec::new(),
        });
    }
    let key = args
        .config_key
        .as_ref()
        .map_or_else(|| DEFAULT_CONFIG_KEY.to_owned(), LitStr::value);
    let key_span = args.config_key.as_ref().map(LitStr::span);
    if key.is_empty() {
        return Err(syn::Error::new(
            key_span.unwrap_or_else(Span::call_site),
            "`config_key` must not be empty; the default is \"attesto\"",
        ));
    }
    match &args.config {
        Some(config) => from_config_file(config, &key),
        None => from_manifest(&key, key_span.unwrap_or_else(Span::call_site)),
    }
}

/// `table_prefix` from `[<key>]` of the file named by `config = "..."`.
fn from_config_file(config: &LitStr, key: &str) -> syn::Result<ResolvedPrefix> {
    let span = config.span();
    let name = config.value();
    let path = manifest_dir(span)?.join(&name);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        syn::Error::new(
            span,
            format!(
                "cannot read config file {name:?} (relative to the crate's \
                 CARGO_MANIFEST_DIR): {e}"
            ),
        )
    })?;
    let table = parse_toml(&text, span, &format!("config file {name:?}"))?;
    let origin = format!("`table_prefix` in [{key}] of config file {name:?}");
    let Some(section) = table.get(key) else {
        return Err(syn::Error::new(
            span,
            format!(
                "config file {name:?} has no [{key}] table; add one with \
                 `table_prefix = \"...\"`, or set `config_key`"
            ),
        ));
    };
    let Some(section) = section.as_table() else {
        return Err(syn::Error::new(
            span,
            format!(
                "`{key}` in config file {name:?} must be a table, found {}",
                section.type_str()
            ),
        ));
    };
    let value = prefix_value(section.get("table_prefix"), &origin, span)?;
    Ok(ResolvedPrefix {
        value: value.unwrap_or_default(),
        span,
        origin: Some(origin),
        tracked: vec![path],
    })
}

/// `table_prefix` from `[package.metadata.<key>]` of the invoking crate's
/// `Cargo.toml`, or no prefix.
fn from_manifest(key: &str, span: Span) -> syn::Result<ResolvedPrefix> {
    let path = manifest_dir(span)?.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| syn::Error::new(span, format!("cannot read the crate's Cargo.toml: {e}")))?;
    let manifest = parse_toml(&text, span, "the crate's Cargo.toml")?;
    let origin = format!("`table_prefix` in [package.metadata.{key}] of Cargo.toml");
    let entry = manifest
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get(key))
        .and_then(|section| section.get("table_prefix"));
    let value = prefix_value(entry, &origin, span)?;
    Ok(ResolvedPrefix {
        value: value.unwrap_or_default(),
        span,
        origin: Some(origin),
        tracked: vec![path],
    })
}

fn prefix_value(
    value: Option<&toml::Value>,
    origin: &str,
    span: Span,
) -> syn::Result<Option<String>> {
    match value {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(syn::Error::new(
            span,
            format!("{origin} must be a string, found {}", other.type_str()),
        )),
    }
}

fn parse_toml(text: &str, span: Span, what: &str) -> syn::Result<toml::Table> {
    text.parse::<toml::Table>().map_err(|e| {
        // One line, where the parser's own report would draw a snippet.
        let place = e.span().map_or_else(String::new, |at| {
            let before = &text[..at.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!(" at line {line}, column {column}")
        });
        let message = e.message().trim_end().replace('\n', "; ");
        syn::Error::new(span, format!("{what} is not valid TOML{place}: {message}"))
    })
}

fn manifest_dir(span: Span) -> syn::Result<PathBuf> {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| {
            syn::Error::new(
                span,
                "CARGO_MANIFEST_DIR is not set; build with cargo to read configuration files",
            )
        })
}
