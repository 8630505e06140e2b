//! The command line, parsed.

use std::path::PathBuf;

use crate::dialect::Dialect;
use crate::migration::MigrationFormat;
use crate::release::Release;

/// The usage text, printed for `--help` and after a usage error.
pub const USAGE: &str = "\
usage: attesto gen-migration [OPTIONS]
       attesto check [OPTIONS] [PATH]

gen-migration writes the migration that installs the attesto schema (or,
with --from, upgrades it) into a migrations directory, as frozen files.
check compares a migration on disk with what attesto generates and exits
non-zero with a diff when they differ; PATH is the migration's up file or
diesel directory (default: the migration found in --migrations-path).
Without options, check regenerates from the file's header.

options:
  --table-prefix P       table-name prefix (wins over any configuration)
  --dialect D            postgres (default) or sqlite
  --version V            schema release to install or upgrade to (default: latest)
  --from V               write the upgrade from release V instead of an install
  --migrations-path DIR  migrations directory (default: migrations)
  --format F             sqlx (default), diesel or refinery
  --manifest-path PATH   Cargo.toml whose [package.metadata.<key>] holds
                         table_prefix (default: ./Cargo.toml when present)
  --config FILE          TOML file whose [<key>] table holds table_prefix
  --config-key KEY       the table's key (default: attesto)
  -h, --help             print this help
";

/// The subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `gen-migration`.
    Generate,
    /// `check`.
    Check,
}

/// Everything the command line says.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub table_prefix: Option<String>,
    pub dialect: Option<Dialect>,
    pub version: Option<Release>,
    pub from: Option<Release>,
    pub migrations_path: Option<PathBuf>,
    pub format: Option<MigrationFormat>,
    pub manifest_path: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub config_key: Option<String>,
    pub path: Option<PathBuf>,
}

impl Options {
    /// Whether any option that chooses the migration was given.
    pub fn chooses_migration(&self) -> bool {
        self.table_prefix.is_some()
            || self.dialect.is_some()
            || self.version.is_some()
            || self.from.is_some()
            || self.manifest_path.is_some()
            || self.config.is_some()
            || self.config_key.is_some()
    }
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Parsed {
    /// Run a command.
    Run(Command, Options),
    /// Print the usage.
    Help,
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Parsed, String> {
    let mut args = args.iter();
    let command = match args.next().map(String::as_str) {
        Some("gen-migration") => Command::Generate,
        Some("check") => Command::Check,
        Some("-h" | "--help" | "help") => return Ok(Parsed::Help),
        Some(other) => return Err(format!("unknown command {other:?}")),
        None => return Err("no command given".to_owned()),
    };
    let mut options = Options::default();
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(Parsed::Help);
        }
        let Some(flag) = arg.strip_prefix("--") else {
            if command == Command::Check && options.path.is_none() {
                options.path = Some(PathBuf::from(arg));
                continue;
            }
            return Err(format!("unexpected argument {arg:?}"));
        };
        let (flag, inline) = match flag.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (flag, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| format!("--{flag} needs a value"))
        };
        let duplicate = || format!("--{flag} given twice");
        match flag {
            "table-prefix" => set(&mut options.table_prefix, value()?, duplicate)?,
            "dialect" => {
                let v = value()?;
                let d = v.parse::<Dialect>().map_err(|e| e.to_string())?;
                set(&mut options.dialect, d, duplicate)?;
            }
            "version" => {
                let v = value()?.parse::<Release>().map_err(|e| e.to_string())?;
                set(&mut options.version, v, duplicate)?;
            }
            "from" => {
                let v = value()?.parse::<Release>().map_err(|e| e.to_string())?;
                set(&mut options.from, v, duplicate)?;
            }
            "migrations-path" => set(&mut options.migrations_path, value()?.into(), duplicate)?,
            "format" => {
                let v = value()?;
                let f = MigrationFormat::from_name(&v).ok_or_else(|| {
                    format!(
                        "unknown format {v:?}; expected one of \"sqlx\", \"diesel\", \"refinery\""
                    )
                })?;
                set(&mut options.format, f, duplicate)?;
            }
            "manifest-path" => set(&mut options.manifest_path, value()?.into(), duplicate)?,
            "config" => set(&mut options.config, value()?.into(), duplicate)?,
            "config-key" => set(&mut options.config_key, value()?, duplicate)?,
            _ => return Err(format!("unknown option --{flag}")),
        }
    }
    Ok(Parsed::Run(command, options))
}

fn set<T>(slot: &mut Option<T>, value: T, duplicate: impl Fn() -> String) -> Result<(), String> {
    if slot.is_some() {
        return Err(duplicate());
    }
    *slot = Some(value);
    Ok(())
}
