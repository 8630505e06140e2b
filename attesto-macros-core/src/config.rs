//! Where the table prefix comes from: the `prefix` argument, a TOML config
//! file, the invoking crate's `Cargo.toml` metadata, or nowhere. The rules
//! live in `attesto_schema::config`, shared with the `attesto` command; this
//! module finds the files and puts errors under the right token.

use std::path::PathBuf;

use attesto_schema::config::{PrefixSources, ResolvedPrefix, resolve_prefix as resolve};
use proc_macro2::Span;
use syn::LitStr;

use crate::args::Args;

/// The prefix an invocation asks for, before validation, and where to
/// report an error about it.
pub struct Prefix {
    /// The prefix and the files it was read from.
    pub resolved: ResolvedPrefix,
    /// The token to report a problem with the prefix under.
    pub span: Span,
}

/// Where the expansion happens: the directory of the invoking crate, which
/// relative paths are resolved against and whose `Cargo.toml` holds the
/// metadata and dependencies. `None` outside cargo.
#[derive(Debug, Clone, Default)]
pub struct Host {
    /// The invoking crate's `CARGO_MANIFEST_DIR`.
    pub manifest_dir: Option<PathBuf>,
}

impl Host {
    /// The host cargo describes in the environment of the compiler.
    pub fn from_env() -> Host {
        Host {
            manifest_dir: std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from),
        }
    }

    /// The invoking crate's directory, or an error under `span` outside cargo.
    pub fn dir(&self, span: Span) -> syn::Result<&std::path::Path> {
        self.manifest_dir.as_deref().ok_or_else(|| {
            syn::Error::new(
                span,
                "CARGO_MANIFEST_DIR is not set; build with cargo to read files relative to the crate",
            )
        })
    }
}

/// Resolves the prefix: `prefix`, else `config`/`config_key`, else
/// `[package.metadata.<config_key>]` of the invoking crate, else none.
pub fn resolve_prefix(args: &Args, host: &Host) -> syn::Result<Prefix> {
    let span = [&args.prefix, &args.config, &args.config_key]
        .into_iter()
        .flatten()
        .map(LitStr::span)
        .next()
        .unwrap_or_else(Span::call_site);
    let prefix = args.prefix.as_ref().map(LitStr::value);
    let config_key = args.config_key.as_ref().map(LitStr::value);
    let mut sources = PrefixSources {
        prefix: prefix.as_deref(),
        config_key: config_key.as_deref(),
        ..PrefixSources::default()
    };
    if prefix.is_none() {
        let dir = host.dir(span)?;
        sources.config = args
            .config
            .as_ref()
            .map(|c| (dir.join(c.value()), c.value()));
        sources.manifest = Some(dir.join("Cargo.toml"));
    }
    let resolved = resolve(&sources).map_err(|e| syn::Error::new(span, e))?;
    Ok(Prefix { resolved, span })
}
