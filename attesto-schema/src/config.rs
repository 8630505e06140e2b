//! Where a host's table prefix comes from, as the Elixir task resolves it
//! with `--table-prefix`, `--otp-app` and `--config-key`: an explicit
//! prefix, else `table_prefix` in `[<key>]` of a TOML config file, else in
//! `[package.metadata.<key>]` of the crate's `Cargo.toml`, else none.
//!
//! Shared by the macro and the `attesto` command, so that both resolve the
//! same prefix from the same files.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::toml_doc::{self, Value};

/// The config key used when none is given, as in the Elixir task.
pub const DEFAULT_CONFIG_KEY: &str = "attesto";

/// What to resolve the prefix from.
#[derive(Debug, Clone, Default)]
pub struct PrefixSources<'a> {
    /// An explicit prefix; wins over everything, `""` included.
    pub prefix: Option<&'a str>,
    /// A TOML config file: `(path to read, name to show in messages)`.
    pub config: Option<(PathBuf, String)>,
    /// The key of the config table; [`DEFAULT_CONFIG_KEY`] when `None`.
    pub config_key: Option<&'a str>,
    /// The crate manifest whose `[package.metadata.<key>]` is the fallback.
    pub manifest: Option<PathBuf>,
}

/// A prefix and where it came from, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPrefix {
    /// The prefix, exactly as found.
    pub prefix: String,
    /// Where it was found, for messages; `None` for an explicit prefix or
    /// when no source held one.
    pub origin: Option<String>,
    /// The files read, which a build must watch.
    pub files: Vec<PathBuf>,
}

/// Why a prefix could not be resolved.
#[derive(Debug)]
pub enum ConfigError {
    /// The config key is empty.
    EmptyKey,
    /// A file could not be read.
    Read {
        /// The file, as named by the user.
        file: String,
        /// What went wrong.
        error: std::io::Error,
    },
    /// A file is not valid TOML.
    Toml {
        /// The file, as named by the user.
        file: String,
        /// Where and what, on one line.
        message: String,
    },
    /// The config file has no `[<key>]` table, or it is not a table.
    MissingTable {
        /// The file, as named by the user.
        file: String,
        /// The config key.
        key: String,
        /// What stands there instead, if anything.
        found: Option<&'static str>,
    },
    /// `table_prefix` is not a string.
    NotAString {
        /// Where it was found.
        origin: String,
        /// The TOML type found.
        found: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::EmptyKey => {
                f.write_str("the config key must not be empty; the default is \"attesto\"")
            }
            ConfigError::Read { file, error } => write!(f, "cannot read {file}: {error}"),
            ConfigError::Toml { file, message } => write!(f, "{file} is not valid TOML{message}"),
            ConfigError::MissingTable {
                file,
                key,
                found: None,
            } => write!(
                f,
                "{file} has no [{key}] table; add one with `table_prefix = \"...\"`, \
                 or choose another config key"
            ),
            ConfigError::MissingTable {
                file,
                key,
                found: Some(found),
            } => write!(f, "`{key}` in {file} must be a table, found {found}"),
            ConfigError::NotAString { origin, found } => {
                write!(f, "{origin} must be a string, found {found}")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// Resolves the prefix from `sources`, reading at most one file.
pub fn resolve_prefix(sources: &PrefixSources<'_>) -> Result<ResolvedPrefix, ConfigError> {
    if let Some(prefix) = sources.prefix {
        return Ok(ResolvedPrefix {
            prefix: prefix.to_owned(),
            origin: None,
            files: Vec::new(),
        });
    }
    let key = sources.config_key.unwrap_or(DEFAULT_CONFIG_KEY);
    if key.is_empty() {
        return Err(ConfigError::EmptyKey);
    }
    if let Some((path, name)) = &sources.config {
        let file = format!("config file {name:?}");
        let table = read_toml(path, &file)?;
        let section = match table.get(key) {
            Some(Value::Table(section)) => section,
            other => {
                return Err(ConfigError::MissingTable {
                    file,
                    key: key.to_owned(),
                    found: other.map(Value::type_str),
                });
            }
        };
        let origin = format!("`table_prefix` in [{key}] of {file}");
        return found(section.get("table_prefix"), origin, path);
    }
    if let Some(path) = &sources.manifest {
        let manifest = read_toml(path, "the crate's Cargo.toml")?;
        let entry = manifest
            .get("package")
            .and_then(|p| p.get("metadata"))
            .and_then(|m| m.get(key))
            .and_then(|section| section.get("table_prefix"));
        let origin = format!("`table_prefix` in [package.metadata.{key}] of Cargo.toml");
        return found(entry, origin, path);
    }
    Ok(ResolvedPrefix {
        prefix: String::new(),
        origin: None,
        files: Vec::new(),
    })
}

fn found(
    value: Option<&Value>,
    origin: String,
    path: &Path,
) -> Result<ResolvedPrefix, ConfigError> {
    let prefix = match value {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(ConfigError::NotAString {
                origin,
                found: other.type_str(),
            });
        }
    };
    Ok(ResolvedPrefix {
        prefix,
        origin: Some(origin),
        files: vec![path.to_owned()],
    })
}

fn read_toml(path: &Path, file: &str) -> Result<toml_doc::Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
        file: file.to_owned(),
        error,
    })?;
    toml_doc::parse(&text).map_err(|e| {
        let before = text.get(..e.at).unwrap_or(&text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ConfigError::Toml {
            file: file.to_owned(),
            message: format!(" at line {line}, column {column}: {}", e.message),
        }
    })
}
