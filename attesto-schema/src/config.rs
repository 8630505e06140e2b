//! Where a host's table prefix comes from, as the Elixir task resolves it
//! with `--table-prefix`, `--otp-app` and `--config-key`: an explicit
//! prefix, else `table_prefix` in `[<key>]` of a TOML config file, else in
//! `[package.metadata.<key>]` of the crate's `Cargo.toml`, else none.
//!
//! Shared by the macro and the `attesto` command, so that both resolve the
//! same prefix from the same files, and refuse the same mistakes: a
//! misspelt `table_prefix` or a config table that is not there must never
//! silently mean "no prefix".

use std::fmt;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::files::{ReadError, read_text};
use crate::text::shown;

/// The config key used when none is given, as in the Elixir task.
pub const DEFAULT_CONFIG_KEY: &str = "attesto";

/// The key that holds the prefix inside the config table.
pub const PREFIX_KEY: &str = "table_prefix";

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
#[non_exhaustive]
pub enum ConfigError {
    /// The config key is empty.
    EmptyKey,
    /// A file could not be read.
    Read {
        /// The file, as named by the user.
        file: String,
        /// What went wrong.
        error: ReadError,
    },
    /// A file is not valid TOML.
    Toml {
        /// The file, as named by the user.
        file: String,
        /// The 1-based line of the error.
        line: usize,
        /// The 1-based column (in characters) of the error.
        column: usize,
        /// What the parser says, cut to a bounded length.
        message: String,
    },
    /// The config table is missing.
    MissingTable {
        /// Where it was looked for, e.g. `config file "attesto.toml"`.
        file: String,
        /// The table as the user would write its header, e.g.
        /// `[package.metadata.attesto]`.
        header: String,
        /// The config key.
        key: String,
    },
    /// Something other than a table stands where the config table belongs.
    NotATable {
        /// The table as the user would write its header.
        header: String,
        /// Where it was looked for.
        file: String,
        /// The TOML type found.
        found: &'static str,
    },
    /// `table_prefix` is not a string.
    NotAString {
        /// Where it was found.
        origin: String,
        /// The TOML type found.
        found: &'static str,
    },
    /// The config table has no `table_prefix` but a key that looks like a
    /// misspelling of it.
    Misspelt {
        /// The table as the user would write its header.
        header: String,
        /// Where it was looked for.
        file: String,
        /// The key found.
        found: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::EmptyKey => {
                f.write_str("the config key must not be empty; the default is \"attesto\"")
            }
            ConfigError::Read { file, error } => write!(f, "cannot read {file}: {error}"),
            ConfigError::Toml {
                file,
                line,
                column,
                message,
            } => write!(
                f,
                "{file} is not valid TOML: at line {line}, column {column}: {message}"
            ),
            ConfigError::MissingTable { file, header, key } => {
                write!(
                    f,
                    "{file} has no {header} table; add one with `table_prefix = \"...\"`, \
                     or choose another config key"
                )?;
                if key.contains('.') {
                    write!(
                        f,
                        " (the config key is matched whole against one table name: {} names \
                         the table written [{}], not a table nested in another)",
                        shown(key),
                        shown(key)
                    )?;
                }
                Ok(())
            }
            ConfigError::NotATable {
                header,
                file,
                found,
            } => write!(
                f,
                "{header} in {file} must be a table holding `table_prefix = \"...\"`, found {found}"
            ),
            ConfigError::NotAString { origin, found } => {
                write!(f, "{origin} must be a string, found {found}")
            }
            ConfigError::Misspelt {
                header,
                file,
                found,
            } => write!(
                f,
                "{header} in {file} has no `table_prefix`, but has {}; did you mean \
                 `table_prefix`? (without it, the tables would get no prefix)",
                shown(found)
            ),
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
        let file = format!("config file {}", shown(name));
        let text = read(path, &file)?;
        return prefix_in(&text, Source::Config, key, &file, path);
    }
    if let Some(path) = &sources.manifest {
        let file = "the crate's Cargo.toml".to_owned();
        let text = read(path, &file)?;
        let source = Source::Manifest {
            explicit_key: sources.config_key.is_some(),
        };
        return prefix_in(&text, source, key, &file, path);
    }
    Ok(ResolvedPrefix {
        prefix: String::new(),
        origin: None,
        files: Vec::new(),
    })
}

/// Which kind of file a text is, for [`prefix_in`].
#[derive(Debug, Clone, Copy)]
enum Source {
    /// A config file: the table is `[<key>]`, and must exist.
    Config,
    /// A crate manifest: the table is `[package.metadata.<key>]`, and may
    /// be absent only when the key is the default one.
    Manifest { explicit_key: bool },
}

/// The prefix in `text`, the content of `path`, named `file` in messages.
/// Kept apart from the reading so that any text can be tested.
fn prefix_in(
    text: &str,
    source: Source,
    key: &str,
    file: &str,
    path: &Path,
) -> Result<ResolvedPrefix, ConfigError> {
    let document = parse(text, file)?;
    let (header, entry, shown_file) = match source {
        Source::Config => (
            format!("[{}]", toml_key(key)),
            document.get(key),
            file.to_owned(),
        ),
        Source::Manifest { .. } => (
            format!("[package.metadata.{}]", toml_key(key)),
            document
                .get("package")
                .and_then(|p| p.get_ref().get("metadata"))
                .and_then(|m| m.get_ref().get(key)),
            "Cargo.toml".to_owned(),
        ),
    };
    let Some(entry) = entry else {
        // Only the manifest's default key may be absent: an explicit key,
        // or a config file given at all, names a table the user expects.
        if let Source::Manifest {
            explicit_key: false,
        } = source
        {
            return Ok(ResolvedPrefix {
                prefix: String::new(),
                origin: None,
                files: vec![path.to_owned()],
            });
        }
        return Err(ConfigError::MissingTable {
            file: file.to_owned(),
            header,
            key: key.to_owned(),
        });
    };
    let section = table(entry.get_ref(), &header, file)?;
    let origin = format!("`table_prefix` in {header} of {shown_file}");
    found(section, &header, file, origin, path)
}

/// The names under which the crate at `manifest` can use its dependencies
/// in code (`sea-orm` as `sea_orm`, a renamed dependency by its new name),
/// from every dependency table: normal, dev and target-specific ones.
pub fn manifest_dependencies(manifest: &Path) -> Result<Vec<String>, ConfigError> {
    let file = "the crate's Cargo.toml";
    let text = read(manifest, file)?;
    dependencies_in(&text, file)
}

/// The dependency names declared in `text`, a manifest named `file`.
fn dependencies_in(text: &str, file: &str) -> Result<Vec<String>, ConfigError> {
    let document = parse(text, file)?;
    let mut names = Vec::new();
    let mut collect = |table: Option<&DeValue<'_>>| {
        for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let deps = table.and_then(|t| t.get(section)).map(|d| d.get_ref());
            if let Some(deps) = deps.and_then(DeValue::as_table) {
                names.extend(deps.keys().map(|k| k.get_ref().replace('-', "_")));
            }
        }
    };
    let root = DeValue::Table(document.clone());
    collect(Some(&root));
    if let Some(targets) = document.get("target").and_then(|t| t.get_ref().as_table()) {
        for target in targets.values() {
            collect(Some(target.get_ref()));
        }
    }
    names.sort();
    names.dedup();
    Ok(names)
}

/// `key` as it would be written in a TOML header: bare when it can be.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { key.to_owned() } else { shown(key) }
}

fn table<'a, 'i>(
    value: &'a DeValue<'i>,
    header: &str,
    file: &str,
) -> Result<&'a DeTable<'i>, ConfigError> {
    value.as_table().ok_or_else(|| ConfigError::NotATable {
        header: header.to_owned(),
        file: file.to_owned(),
        found: value.type_str(),
    })
}

fn found(
    section: &DeTable<'_>,
    header: &str,
    file: &str,
    origin: String,
    path: &Path,
) -> Result<ResolvedPrefix, ConfigError> {
    let prefix = match section.get(PREFIX_KEY).map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => s.to_string(),
        Some(other) => {
            return Err(ConfigError::NotAString {
                origin,
                found: other.type_str(),
            });
        }
        None => {
            if let Some(misspelt) = section
                .keys()
                .map(|k| k.get_ref().as_ref())
                .find(|k| looks_like_prefix_key(k))
            {
                return Err(ConfigError::Misspelt {
                    header: header.to_owned(),
                    file: file.to_owned(),
                    found: misspelt.to_owned(),
                });
            }
            String::new()
        }
    };
    Ok(ResolvedPrefix {
        prefix,
        origin: Some(origin),
        files: vec![path.to_owned()],
    })
}

/// The candidate `given` most likely misspells: within two edits of it,
/// ignoring case and `-` for `_`, or it with an `s` more or less
/// (`integration` for `integrations`); the nearest, the first of equals.
pub fn closest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Names far longer than any candidate cannot be within two edits.
    if given.len() > 64 {
        return None;
    }
    let normal = given.to_ascii_lowercase().replace('-', "_");
    candidates
        .into_iter()
        .filter(|c| *c != given)
        .map(|c| {
            let plural =
                normal.strip_suffix('s') == Some(c) || c.strip_suffix('s') == Some(&normal);
            let distance = if plural {
                1
            } else {
                strsim::damerau_levenshtein(&normal, c)
            };
            (c, distance)
        })
        .filter(|(_, distance)| *distance <= 2)
        .min_by_key(|(_, distance)| *distance)
        .map(|(c, _)| c)
}

/// Whether `key` is most likely a mistyped `table_prefix`: within two edits
/// of it, ignoring case and `-` for `_`, or a bare `prefix`. The host's
/// other keys in the table stay allowed.
fn looks_like_prefix_key(key: &str) -> bool {
    // Keys far longer than `table_prefix` cannot be within two edits.
    if key.len() > 2 * PREFIX_KEY.len() {
        return false;
    }
    let normal = key.to_ascii_lowercase().replace('-', "_");
    normal == "prefix" || strsim::damerau_levenshtein(&normal, PREFIX_KEY) <= 2
}

pub(crate) fn read(path: &Path, file: &str) -> Result<String, ConfigError> {
    read_text(path).map_err(|error| ConfigError::Read {
        file: file.to_owned(),
        error,
    })
}

pub(crate) fn parse<'i>(text: &'i str, file: &str) -> Result<DeTable<'i>, ConfigError> {
    DeTable::parse(text)
        .map(|table| table.into_inner())
        .map_err(|e| {
            let at = e.span().map_or(0, |span| span.start);
            let before = text.get(..at).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            // The parser's message may quote a key of any length.
            let message = e.message().trim();
            let message = match message.char_indices().nth(200) {
                Some((cut, _)) => format!("{}...", &message[..cut]),
                None => message.to_owned(),
            };
            ConfigError::Toml {
                file: file.to_owned(),
                line,
                column,
                message,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_config(text: &str, key: Option<&str>) -> Result<ResolvedPrefix, ConfigError> {
        let dir = std::env::temp_dir().join(format!(
            "attesto-config-{}-{}",
            std::process::id(),
            text.len()
        ));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join(format!("c{}.toml", text.len() ^ key.map_or(0, str::len)));
        std::fs::write(&path, text).expect("write");
        let sources = PrefixSources {
            config: Some((path, "c.toml".to_owned())),
            config_key: key,
            ..PrefixSources::default()
        };
        resolve_prefix(&sources)
    }

    fn from_manifest(text: &str, key: Option<&str>) -> Result<ResolvedPrefix, ConfigError> {
        let dir = std::env::temp_dir().join(format!("attesto-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join(format!("Cargo{}.toml", text.len()));
        std::fs::write(&path, text).expect("write");
        let sources = PrefixSources {
            manifest: Some(path),
            config_key: key,
            ..PrefixSources::default()
        };
        resolve_prefix(&sources)
    }

    #[test]
    fn reads_the_prefix_and_allows_other_keys() {
        let r =
            from_config("[attesto]\ntable_prefix = \"cfg_\"\nrepo = \"x\"\n", None).expect("ok");
        assert_eq!(r.prefix, "cfg_");
        let r = from_config("[attesto]\nrepo = \"x\"\npassword = \"y\"\n", None).expect("ok");
        assert_eq!(r.prefix, "");
    }

    #[test]
    fn a_misspelt_key_is_an_error() {
        for typo in [
            "table_prefx",
            "tableprefix",
            "table-prefix",
            "Table_Prefix",
            "prefix",
            "table_prefixx",
        ] {
            let error = from_config(&format!("[attesto]\n{typo} = \"oauth_\"\n"), None)
                .expect_err(typo)
                .to_string();
            assert!(
                error.contains("did you mean `table_prefix`?"),
                "{typo}: {error}"
            );
            let error = from_manifest(
                &format!(
                    "[package]\nname = \"h\"\n[package.metadata.attesto]\n{typo} = \"oauth_\"\n"
                ),
                None,
            )
            .expect_err(typo)
            .to_string();
            assert!(error.contains("[package.metadata.attesto]"), "{error}");
            assert!(error.contains("did you mean `table_prefix`?"), "{error}");
        }
    }

    #[test]
    fn a_string_where_the_table_belongs_is_an_error() {
        let error = from_manifest(
            "[package]\nname = \"h\"\n[package.metadata]\nattesto = \"oauth_\"\n",
            None,
        )
        .expect_err("string")
        .to_string();
        assert_eq!(
            error,
            "[package.metadata.attesto] in the crate's Cargo.toml must be a table holding \
             `table_prefix = \"...\"`, found string"
        );
    }

    #[test]
    fn an_explicit_key_must_name_a_table() {
        let manifest = "[package]\nname = \"h\"\n";
        assert_eq!(
            from_manifest(manifest, None).expect("default key").prefix,
            ""
        );
        let error = from_manifest(manifest, Some("tenant"))
            .expect_err("explicit")
            .to_string();
        assert!(
            error.contains("has no [package.metadata.tenant] table"),
            "{error}"
        );
        let error = from_config("[a]\nb = 1\n", Some("a.b"))
            .expect_err("dotted")
            .to_string();
        assert!(
            error.contains("matched whole against one table name"),
            "{error}"
        );
        assert!(error.contains("[\"a.b\"]"), "{error}");
    }

    #[test]
    fn errors_quote_a_bounded_amount_of_input() {
        let key = "k".repeat(1_000_000);
        let error = from_config(&format!("[attesto]\n{key} = 1\n{key} = 2\n"), None)
            .expect_err("duplicate")
            .to_string();
        assert!(error.len() < 400, "{}", error.len());
    }

    #[test]
    fn eighty_thousand_keys_parse_in_well_under_a_second() {
        let mut text = String::from("[attesto]\ntable_prefix = \"big_\"\n[other]\n");
        for i in 0..80_000 {
            text.push_str(&format!("key_{i} = {i}\n"));
        }
        let start = std::time::Instant::now();
        let r = from_config(&text, None).expect("ok");
        assert_eq!(r.prefix, "big_");
        // Unoptimised test builds included; the quadratic reader took 46 s.
        assert!(
            start.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
    }

    mod properties {
        //! Arbitrary TOML text never panics the reader: each gives a
        //! prefix or an error.

        use proptest::prelude::*;

        use super::super::{Source, dependencies_in, prefix_in};

        /// One piece of a TOML document, valid or not.
        fn piece() -> impl Strategy<Value = String> {
            prop_oneof![
                3 => prop::sample::select(vec![
                    "[attesto]", "[package]", "[package.metadata]", "[package.metadata.attesto]",
                    "[[attesto]]", "[dependencies]", "[target.'cfg(unix)'.dependencies]",
                    "[tenant]", "[\"a.b\"]", "[attesto.nested]", "[", "]", "[[", "]]",
                ]).prop_map(str::to_owned),
                4 => prop::sample::select(vec![
                    "table_prefix", "table_prefx", "prefix", "Table-Prefix", "attesto",
                    "metadata", "package", "sqlx", "sea-orm", "a.b", "\"a.b\"", "'x'",
                ]).prop_map(str::to_owned),
                4 => prop::sample::select(vec![
                    "=", " = ", "\n", "\r\n", ",", "{", "}", "[", "]", ".", "#", "\"",
                    "'''", "\"\"\"", "\\",
                ]).prop_map(str::to_owned),
                3 => prop::sample::select(vec![
                    "\"oauth_\"", "\"\"", "1", "true", "1979-05-27T07:32:00Z", "[]",
                    "{}", "{ table_prefix = \"x\" }", "\"1.0\"", "inf", "0x1f",
                ]).prop_map(str::to_owned),
                1 => any::<String>(),
            ]
        }

        /// Pieces joined: mostly invalid TOML, often valid, sometimes a
        /// document with the tables the reader looks for.
        fn document() -> impl Strategy<Value = String> {
            prop::collection::vec(piece(), 0..40).prop_map(|p| p.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1024))]

            #[test]
            fn any_text_gives_a_prefix_or_an_error(
                text in document(),
                key in prop::sample::select(vec!["attesto", "tenant", "a.b", "table_prefix"]),
                explicit_key in any::<bool>(),
            ) {
                let path = std::path::Path::new("c.toml");
                // Either result is fine; a panic fails the test.
                let _ = prefix_in(&text, Source::Config, key, "c.toml", path);
                let _ = prefix_in(&text, Source::Manifest { explicit_key }, key, "Cargo.toml", path);
                let _ = dependencies_in(&text, "Cargo.toml");
            }
        }
    }
}
