//! The drift guard: `migrations_path = "..."` makes the build check that
//! the migration file on disk still holds exactly what this invocation
//! generates.

use std::path::{Path, PathBuf};

use attesto_schema::{Migration, MigrationFormat, find_migrations, first_difference};
use syn::LitStr;

use crate::config::manifest_dir;

/// Checks the migration in the directory `path` names, relative to the
/// invoking crate. Returns the files compared, which cargo must watch.
pub(crate) fn check(migration: &Migration, path: &LitStr) -> syn::Result<Vec<PathBuf>> {
    let span = path.span();
    let shown = path.value();
    let dir = manifest_dir(span)?.join(&shown);
    let name = migration.name();
    let error = |message: String| syn::Error::new(span, message);
    let found = find_migrations(&dir, &name).map_err(|e| {
        error(format!(
            "cannot read the migrations directory {shown:?}: {e}; create it with `{}`",
            command(migration, &shown, MigrationFormat::Sqlx)
        ))
    })?;
    let found = match found.as_slice() {
        [] => {
            return Err(error(format!(
                "no `{name}` migration in {shown:?}; generate it with `{}`",
                command(migration, &shown, MigrationFormat::Sqlx)
            )));
        }
        [one] => one,
        several => {
            let list = several
                .iter()
                .map(|f| format!("{:?}", relative(&f.up, &dir, &shown)))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(error(format!(
                "several `{name}` migrations in {shown:?} ({list}); keep one"
            )));
        }
    };
    let mut files = vec![(found.up.clone(), migration.up_file())];
    if let Some(down) = &found.down {
        files.push((down.clone(), migration.down_file()));
    }
    for (file, expected) in &files {
        let text = std::fs::read_to_string(file).map_err(|e| {
            error(format!(
                "cannot read {:?}: {e}",
                relative(file, &dir, &shown)
            ))
        })?;
        if let Some(drift) = first_difference(&relative(file, &dir, &shown), expected, &text) {
            return Err(error(format!(
                "{drift}; the migration no longer matches this invocation: regenerate it \
                 (remove it, then run `{}`), or change the invocation back",
                command(migration, &shown, found.format)
            )));
        }
    }
    Ok(files.into_iter().map(|(file, _)| file).collect())
}

/// `file` as the user would name it: under the directory as they wrote it.
fn relative(file: &Path, dir: &Path, shown: &str) -> PathBuf {
    file.strip_prefix(dir)
        .map_or_else(|_| file.to_owned(), |rest| Path::new(shown).join(rest))
}

/// The `attesto` command that writes this migration.
fn command(migration: &Migration, dir: &str, format: MigrationFormat) -> String {
    let schema = migration.target();
    let mut command = format!(
        "attesto gen-migration --table-prefix {:?} --dialect {} --version {}",
        schema.prefix(),
        schema.dialect(),
        schema.release()
    );
    if let Some(from) = migration.from() {
        command.push_str(&format!(" --from {from}"));
    }
    command.push_str(&format!(" --format {format} --migrations-path {dir:?}"));
    command
}
