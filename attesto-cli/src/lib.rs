//! The `attesto` command, as a library: `gen-migration` writes a
//! migration into a migrations directory, `check` compares one on disk
//! with what attesto generates, `schema` prints the schema as SQL, JSON or
//! a diagram, `status` says which release a live database holds. Prefix
//! resolution, validation and SQL are attesto-schema's, as the macro's are.
//!
//! [`run`] is what the `attesto` binary calls, with the process's
//! arguments and streams, and what the tests call in-process. `attesto
//! --help` is the command's reference.

mod args;
mod error;
#[cfg(feature = "status")]
mod status;
mod write;

use std::io::Write;
use std::path::{Path, PathBuf};

use attesto_schema::Migration;
use attesto_schema::Version;
use attesto_schema::compare;
use attesto_schema::config::{PrefixSources, resolve_prefix};
use attesto_schema::read_text;
use attesto_schema::{FoundMigration, MigrationFormat, UtcTime, find_migrations};

pub use args::EXIT_CODES;
use args::{Options, SchemaFormat};
pub use error::CliError;

/// The migrations directory when none is given.
const DEFAULT_MIGRATIONS: &str = "migrations";

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: `check` found drift.
pub const EXIT_DRIFT: i32 = 1;
/// Exit code: the command line is wrong.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: the work failed.
pub const EXIT_FAILURE: i32 = 3;
/// Exit code: `check` found no migration to check.
pub const EXIT_NOTHING_TO_CHECK: i32 = 4;

/// Runs the command line `args` (without the program name) in `cwd` at
/// time `now`, writing to `out` and `err`; returns the exit code (see
/// [`EXIT_CODES`]).
pub fn run(
    args: &[String],
    cwd: &Path,
    now: UtcTime,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let argv = std::iter::once("attesto".to_owned()).chain(args.iter().cloned());
    let matches = match args::command().try_get_matches_from(argv) {
        Ok(matches) => matches,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let text = e.render().to_string();
            let _ = if e.use_stderr() {
                err.write_all(text.as_bytes())
            } else {
                out.write_all(text.as_bytes())
            };
            return code;
        }
    };
    let result = match matches.subcommand() {
        Some(("gen-migration", sub)) => generate(&Options::from_matches(sub), cwd, now, out),
        Some(("check", sub)) => check(&Options::from_matches(sub), cwd, out),
        Some(("schema", sub)) => schema(&Options::from_matches(sub), cwd, out),
        #[cfg(feature = "status")]
        Some(("status", sub)) => {
            let options = Options::from_matches(sub);
            match status_prefix(&options, cwd) {
                Ok(prefix) => {
                    return status::run(
                        options.database_url.as_deref().unwrap_or_default(),
                        &prefix,
                        options.version.map(Version::release),
                        options.status_format.unwrap_or_default(),
                        out,
                        err,
                    );
                }
                Err(e) => Err(e),
            }
        }
        #[cfg(not(feature = "status"))]
        Some(("status", _)) => {
            let _ = writeln!(
                err,
                "error: this build of attesto has no database drivers: install attesto-cli with its default feature `status` (`cargo install attesto-cli`)"
            );
            return EXIT_USAGE;
        }
        // clap requires a subcommand and knows no other.
        _ => Ok(EXIT_USAGE),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            e.exit_code()
        }
    }
}

/// Where the options say the prefix comes from: `--table-prefix`, a
/// config file, or the manifest's metadata (`./Cargo.toml` when present).
fn prefix_sources<'a>(options: &'a Options, cwd: &Path) -> PrefixSources<'a> {
    let manifest = match &options.manifest_path {
        Some(path) => Some(cwd.join(path)),
        None => Some(cwd.join("Cargo.toml")).filter(|p| p.is_file()),
    };
    PrefixSources {
        prefix: options.table_prefix.as_deref(),
        config: options
            .config
            .as_ref()
            .map(|p| (cwd.join(p), p.display().to_string())),
        config_key: options.config_key.as_deref(),
        manifest,
    }
}

/// The migration the options describe, its prefix resolved as the macro
/// resolves it.
fn migration(options: &Options, cwd: &Path) -> Result<Migration, CliError> {
    let resolved = resolve_prefix(&prefix_sources(options, cwd))?;
    Migration::new(
        options.dialect.unwrap_or_default(),
        &resolved.prefix,
        options.version.unwrap_or_else(Version::latest),
        options.from,
    )
    .map_err(|error| CliError::Migration {
        error,
        origin: resolved.origin,
    })
}

/// The prefix `status` compares with, resolved as the macro resolves it.
#[cfg(feature = "status")]
fn status_prefix(options: &Options, cwd: &Path) -> Result<String, CliError> {
    Ok(resolve_prefix(&prefix_sources(options, cwd))?.prefix)
}

/// The migrations directory: where it is, and how to show it.
fn migrations_dir(options: &Options, cwd: &Path) -> (PathBuf, PathBuf) {
    let shown = options
        .migrations_path
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_MIGRATIONS));
    (cwd.join(&shown), shown)
}

fn generate(
    options: &Options,
    cwd: &Path,
    now: UtcTime,
    out: &mut dyn Write,
) -> Result<i32, CliError> {
    let migration = migration(options, cwd)?;
    let (dir, shown) = migrations_dir(options, cwd);
    let shown_str = shown.display().to_string();
    if dir.exists() && !dir.is_dir() {
        return Err(CliError::NotADirectory { path: shown_str });
    }
    std::fs::create_dir_all(&dir).map_err(|error| CliError::Io {
        action: "create",
        path: shown_str.clone(),
        error,
    })?;
    let _lock = write::Lock::take(&dir, &shown)?;
    let name = migration.name();
    let existing = find_migrations(&dir, &name).map_err(|error| CliError::Io {
        action: "read",
        path: shown_str.clone(),
        error,
    })?;
    if !existing.is_empty() {
        return Err(CliError::Exists {
            name,
            dir: shown_str,
            found: existing
                .iter()
                .map(|f| user_path(&f.up, &dir, &shown))
                .collect(),
        });
    }
    let format = options.format.unwrap_or_default();
    let version = format.next_version(&dir, now).map_err(CliError::Version)?;
    let written = write::write_all(&dir, &shown, &migration.files(format, &version))?;
    for path in written {
        let _ = writeln!(out, "wrote {}", path.display());
    }
    Ok(EXIT_OK)
}

/// `attesto schema`: the schema the options describe, in the format asked.
fn schema(options: &Options, cwd: &Path, out: &mut dyn Write) -> Result<i32, CliError> {
    let migration = migration(options, cwd)?;
    let schema = migration.target();
    let written = match options.schema_format.unwrap_or_default() {
        SchemaFormat::Sql => write!(
            out,
            "-- {}: up\n{}\n-- down\n{}",
            migration.summary(),
            migration.up_sql(),
            migration.down_sql()
        ),
        SchemaFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &attesto_schema::Description::of(schema))
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
        }
        SchemaFormat::Mermaid => {
            out.write_all(attesto_schema::Description::of(schema).mermaid().as_bytes())
        }
    };
    match written {
        // The reader stopped reading (`attesto schema | head`): not a failure.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(error) => {
            return Err(CliError::Io {
                action: "write",
                path: "standard output".to_owned(),
                error,
            });
        }
        Ok(()) => {}
    }
    Ok(EXIT_OK)
}

fn check(options: &Options, cwd: &Path, out: &mut dyn Write) -> Result<i32, CliError> {
    let (found, migration, base, shown) = match &options.path {
        Some(path) => {
            let found = at_path(&cwd.join(path), path)?;
            let migration = if options.chooses_migration() {
                migration(options, cwd)?
            } else {
                let text = read(&found.up, &user_path(&found.up, cwd, Path::new("")))?;
                Migration::from_header(&text).map_err(|error| CliError::Header {
                    path: user_path(&found.up, cwd, Path::new("")),
                    error,
                })?
            };
            (found, migration, cwd.to_owned(), PathBuf::new())
        }
        None => {
            let (dir, shown) = migrations_dir(options, cwd);
            let shown_str = shown.display().to_string();
            if !dir.exists() {
                return Err(CliError::NoMigrations {
                    dir: shown_str,
                    directory: false,
                });
            }
            // Without options, the migration found decides: read its header.
            let candidates = if options.chooses_migration() {
                let migration = migration(options, cwd)?;
                let name = migration.name();
                let found = find_migrations(&dir, &name).map_err(|error| CliError::Io {
                    action: "read",
                    path: shown_str.clone(),
                    error,
                })?;
                (found, Some(migration), name)
            } else {
                let found = all_migrations(&dir).map_err(|error| CliError::Io {
                    action: "read",
                    path: shown_str.clone(),
                    error,
                })?;
                (found, None, "attesto".to_owned())
            };
            let (mut found, migration, name) = candidates;
            if found.is_empty() {
                return Err(CliError::NoMigrations {
                    dir: shown_str,
                    directory: true,
                });
            }
            if found.len() != 1 {
                return Err(CliError::Count {
                    name,
                    dir: shown_str,
                    found: found.len(),
                });
            }
            let found = found.remove(0);
            let migration = match migration {
                Some(migration) => migration,
                None => {
                    let path = user_path(&found.up, &dir, &shown);
                    let text = read(&found.up, &path)?;
                    Migration::from_header(&text)
                        .map_err(|error| CliError::Header { path, error })?
                }
            };
            (found, migration, dir, shown)
        }
    };
    let mut pairs = vec![(found.up.clone(), migration.up_file())];
    if let Some(down) = &found.down {
        pairs.push((down.clone(), migration.down_file()));
    }
    let mut drifted = false;
    for (path, expected) in &pairs {
        let name = user_path(path, &base, &shown);
        let text = read(path, &name)?;
        if let Some(drift) = compare(Path::new(&name), expected, &text) {
            drifted = true;
            let diff = similar::TextDiff::configure()
                .timeout(std::time::Duration::from_secs(2))
                .diff_lines(expected.as_str(), text.as_str());
            let _ = writeln!(out, "{drift}");
            let _ = write!(
                out,
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header("generated", &name)
            );
        }
    }
    if drifted {
        return Ok(EXIT_DRIFT);
    }
    let summary = migration.summary();
    for (path, _) in &pairs {
        let _ = writeln!(
            out,
            "ok: {} matches the generated migration ({summary})",
            user_path(path, &base, &shown)
        );
    }
    Ok(EXIT_OK)
}

/// Every attesto migration in `dir`: files and diesel directories whose
/// name follows a layout and ends in an attesto migration name.
fn all_migrations(dir: &Path) -> std::io::Result<Vec<FoundMigration>> {
    let mut names = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let stem = name
            .trim_end_matches(".sql")
            .trim_end_matches(".up")
            .trim_end_matches(".down");
        if let Some(at) = stem
            .find("create_attesto_tables")
            .or_else(|| stem.find("upgrade_attesto_tables_"))
        {
            names.insert(stem[at..].to_owned());
        }
    }
    let mut found = Vec::new();
    for name in names {
        found.extend(find_migrations(dir, &name)?);
    }
    Ok(found)
}

/// The migration at `path` (shown as `given`): a diesel directory, a sqlx
/// up file (with its down file beside it) or a single up-only file.
fn at_path(path: &Path, given: &Path) -> Result<FoundMigration, CliError> {
    if path.is_dir() {
        let down = path.join("down.sql");
        return Ok(FoundMigration {
            format: MigrationFormat::Diesel,
            up: path.join("up.sql"),
            down: down.is_file().then_some(down),
        });
    }
    let name =
        path.file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| CliError::NotAMigration {
                path: given.display().to_string(),
            })?;
    if let Some(stem) = name.strip_suffix(".up.sql") {
        let down = path.with_file_name(format!("{stem}.down.sql"));
        return Ok(FoundMigration {
            format: MigrationFormat::Sqlx,
            up: path.to_owned(),
            down: down.is_file().then_some(down),
        });
    }
    let format = if name.starts_with('V') {
        MigrationFormat::Refinery
    } else {
        MigrationFormat::Sqlx
    };
    Ok(FoundMigration {
        format,
        up: path.to_owned(),
        down: None,
    })
}

/// `path`, which lies in `dir`, as the user names it: under `shown`, the
/// directory as they wrote it.
fn user_path(path: &Path, dir: &Path, shown: &Path) -> String {
    path.strip_prefix(dir)
        .map_or_else(|_| path.to_owned(), |rest| shown.join(rest))
        .display()
        .to_string()
}

fn read(path: &Path, shown: &str) -> Result<String, CliError> {
    read_text(path).map_err(|error| CliError::Read {
        path: shown.to_owned(),
        error,
    })
}
