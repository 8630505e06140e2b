//! The drift guard: `migrations_path = "..."` makes the build check that
//! the migration file on disk still holds exactly what this invocation
//! generates, by the same comparison as `attesto check`.

use std::path::{Path, PathBuf};

use attesto_schema::{Migration, MigrationFormat, compare, find_migrations, read_text, shown};
use syn::LitStr;

use crate::config::Host;

/// Checks the migration in the directory `path` names, relative to the
/// invoking crate. Returns the files compared, which cargo must watch.
pub fn check(migration: &Migration, path: &LitStr, host: &Host) -> syn::Result<Vec<PathBuf>> {
    let span = path.span();
    let written = path.value();
    let dir = host.dir(span)?.join(&written);
    let name = migration.name();
    let error = |message: String| syn::Error::new(span, message);
    let shown_dir = shown(&written);
    let found = find_migrations(&dir, &name).map_err(|e| {
        error(format!(
            "cannot read the migrations directory {shown_dir}: {e}; create it with `{}`",
            command(migration, &written, MigrationFormat::Sqlx)
        ))
    })?;
    let found = match found.as_slice() {
        [] => {
            return Err(error(format!(
                "no `{name}` migration in {shown_dir}; generate it with `{}`",
                command(migration, &written, MigrationFormat::Sqlx)
            )));
        }
        [one] => one,
        several => {
            let list = several
                .iter()
                .map(|f| shown(&relative(&f.up, &dir, &written).display().to_string()))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(error(format!(
                "several `{name}` migrations in {shown_dir} ({list}); keep one"
            )));
        }
    };
    let mut files = vec![(found.up.clone(), migration.up_file())];
    if let Some(down) = &found.down {
        files.push((down.clone(), migration.down_file()));
    }
    for (file, expected) in &files {
        let shown_file = relative(file, &dir, &written);
        let text = read_text(file).map_err(|e| {
            error(format!(
                "cannot read {}: {e}",
                shown(&shown_file.display().to_string())
            ))
        })?;
        if let Some(drift) = compare(&shown_file, expected, &text) {
            return Err(error(format!(
                "{drift}; the migration no longer matches this invocation: regenerate it \
                 (remove it, then run `{}`), or change the invocation back",
                command(migration, &written, found.format)
            )));
        }
    }
    Ok(files.into_iter().map(|(file, _)| file).collect())
}

/// `file` as the user would name it: under the directory as they wrote it.
fn relative(file: &Path, dir: &Path, written: &str) -> PathBuf {
    file.strip_prefix(dir)
        .map_or_else(|_| file.to_owned(), |rest| Path::new(written).join(rest))
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
    command.push_str(&format!(
        " --format {format} --migrations-path {}",
        shown(dir)
    ));
    command
}
