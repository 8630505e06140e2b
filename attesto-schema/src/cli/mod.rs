//! The `attesto` command: `gen-migration` writes a migration into a
//! migrations directory, `check` compares one on disk with what attesto
//! generates. Prefix resolution, validation and SQL are the macro's own.

mod diff;
mod options;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::{PrefixSources, resolve_prefix};
use crate::migration::{FoundMigration, Migration, MigrationFormat, UtcTime, find_migrations};
use crate::release::Release;
use crate::upgrade::UpgradeError;

pub use options::USAGE;
use options::{Command, Options, Parsed};

/// The migrations directory when none is given.
const DEFAULT_MIGRATIONS: &str = "migrations";

/// Runs the command line `args` (without the program name) in `cwd` at
/// time `now`, writing to `out` and `err`; returns the exit code: 0 on
/// success, 1 when the work was refused or a check found drift, 2 on a
/// usage error.
pub fn run(
    args: &[String],
    cwd: &Path,
    now: UtcTime,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let result = match options::parse(args) {
        Ok(Parsed::Help) => {
            let _ = out.write_all(USAGE.as_bytes());
            return 0;
        }
        Err(message) => {
            let _ = writeln!(err, "error: {message}\n\n{USAGE}");
            return 2;
        }
        Ok(Parsed::Run(Command::Generate, options)) => generate(&options, cwd, now, out),
        Ok(Parsed::Run(Command::Check, options)) => check(&options, cwd, out),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            1
        }
    }
}

/// The migration the options describe, its prefix resolved as the macro
/// resolves it.
fn migration(options: &Options, cwd: &Path) -> Result<Migration, String> {
    let manifest = match &options.manifest_path {
        Some(path) => Some(cwd.join(path)),
        None => Some(cwd.join("Cargo.toml")).filter(|p| p.is_file()),
    };
    let sources = PrefixSources {
        prefix: options.table_prefix.as_deref(),
        config: options
            .config
            .as_ref()
            .map(|p| (cwd.join(p), p.display().to_string())),
        config_key: options.config_key.as_deref(),
        manifest,
    };
    let resolved = resolve_prefix(&sources).map_err(|e| e.to_string())?;
    Migration::new(
        options.dialect.unwrap_or_default(),
        &resolved.prefix,
        options.version.unwrap_or_else(Release::latest),
        options.from,
    )
    .map_err(|e| match (e, &resolved.origin) {
        (UpgradeError::Prefix(e), Some(origin)) => {
            format!("{e} (the prefix comes from {origin})")
        }
        (e, _) => e.to_string(),
    })
}

fn generate(
    options: &Options,
    cwd: &Path,
    now: UtcTime,
    out: &mut dyn Write,
) -> Result<i32, String> {
    let migration = migration(options, cwd)?;
    let shown = options
        .migrations_path
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_MIGRATIONS));
    let dir = cwd.join(&shown);
    let name = migration.name();
    if dir.is_dir() {
        let existing = find_migrations(&dir, &name)
            .map_err(|e| format!("cannot read {}: {e}", shown.display()))?;
        if !existing.is_empty() {
            let list = existing
                .iter()
                .map(|f| relative(&f.up, cwd).display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(format!(
                "a `{name}` migration already exists in {} ({list}); migration files are \
                 frozen once written, so remove it first if you really mean to write it again",
                shown.display()
            ));
        }
    }
    let format = options.format.unwrap_or_default();
    let version = format
        .next_version(&dir, now)
        .map_err(|e| format!("cannot read {}: {e}", shown.display()))?;
    let files = migration.files(format, &version);
    for file in &files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        // `create_new`: never overwrite a file, even one that appeared
        // since the check above.
        let mut handle = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        handle
            .write_all(file.contents.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let _ = writeln!(out, "wrote {}", shown.join(&file.path).display());
    }
    Ok(0)
}

fn check(options: &Options, cwd: &Path, out: &mut dyn Write) -> Result<i32, String> {
    let (found, migration) = match &options.path {
        Some(path) => {
            let found = at_path(&cwd.join(path))?;
            let migration = if options.chooses_migration() {
                migration(options, cwd)?
            } else {
                let text = read(&found.up)?;
                Migration::from_header(&text).map_err(|e| {
                    format!(
                        "{}: {e}; give the options it was generated with instead",
                        relative(&found.up, cwd).display()
                    )
                })?
            };
            (found, migration)
        }
        None => {
            let migration = migration(options, cwd)?;
            let shown = options
                .migrations_path
                .clone()
                .unwrap_or_else(|| PathBuf::from(DEFAULT_MIGRATIONS));
            let name = migration.name();
            let mut found = find_migrations(&cwd.join(&shown), &name)
                .map_err(|e| format!("cannot read {}: {e}", shown.display()))?;
            if found.len() != 1 {
                return Err(format!(
                    "expected one `{name}` migration in {}, found {}",
                    shown.display(),
                    found.len()
                ));
            }
            (found.remove(0), migration)
        }
    };
    let mut pairs = vec![(found.up.clone(), migration.up_file())];
    if let Some(down) = &found.down {
        pairs.push((down.clone(), migration.down_file()));
    }
    let mut drifted = false;
    for (path, expected) in &pairs {
        let text = read(path)?;
        let diff = diff::unified(
            expected,
            &text,
            "generated",
            &relative(path, cwd).display().to_string(),
        );
        if !diff.is_empty() {
            drifted = true;
            let _ = writeln!(
                out,
                "{} differs from the migration attesto generates:\n{diff}",
                relative(path, cwd).display()
            );
        }
    }
    if drifted {
        return Ok(1);
    }
    let header = migration.header();
    let summary = header
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map_or("", |(inside, _)| inside);
    for (path, _) in &pairs {
        let _ = writeln!(
            out,
            "ok: {} matches the generated migration ({summary})",
            relative(path, cwd).display()
        );
    }
    Ok(0)
}

/// The migration at `path`: a diesel directory, a sqlx up file (with its
/// down file beside it) or a single up-only file.
fn at_path(path: &Path) -> Result<FoundMigration, String> {
    if path.is_dir() {
        let down = path.join("down.sql");
        return Ok(FoundMigration {
            format: MigrationFormat::Diesel,
            up: path.join("up.sql"),
            down: down.is_file().then_some(down),
        });
    }
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{} is not a migration file", path.display()))?;
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

/// `path` relative to `cwd` where it lies below it, for messages.
fn relative<'a>(path: &'a Path, cwd: &Path) -> &'a Path {
    path.strip_prefix(cwd).unwrap_or(path)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
