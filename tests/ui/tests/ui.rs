//! Every refused input is a compile error under the offending token; the
//! drift guard passes on matching migrations of every layout.

use std::path::{Path, PathBuf};

use attesto_schema::{Dialect, Migration, MigrationFormat, UtcTime, Version};

#[test]
fn refused_inputs() {
    // trybuild compiles the cases in a crate of its own under the target
    // directory, and the macro resolves files against that crate's manifest
    // directory: put the fixtures there.
    let fixtures = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("tests/trybuild/attesto-ui-tests/fixtures");
    let _ = std::fs::remove_dir_all(&fixtures);
    std::fs::create_dir_all(&fixtures).expect("fixture dir");
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for entry in std::fs::read_dir(&sources).expect("fixtures") {
        let path = entry.expect("fixture").path();
        let name = path.file_name().expect("file name");
        std::fs::copy(&path, fixtures.join(name)).expect("copy fixture");
    }
    migrations(
        &fixtures,
        "migrations-sqlx",
        Dialect::Postgres,
        MigrationFormat::Sqlx,
        None,
    );
    migrations(
        &fixtures,
        "migrations-diesel",
        Dialect::Sqlite,
        MigrationFormat::Diesel,
        None,
    );
    migrations(
        &fixtures,
        "migrations-refinery",
        Dialect::Postgres,
        MigrationFormat::Refinery,
        Some("0.19.0"),
    );
    // A migration with CRLF line endings, and one without its final newline.
    let crlf = migrations(
        &fixtures,
        "migrations-crlf",
        Dialect::Postgres,
        MigrationFormat::Sqlx,
        None,
    );
    for entry in std::fs::read_dir(&crlf).expect("dir") {
        let path = entry.expect("file").path();
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::write(&path, text.replace('\n', "\r\n")).expect("write");
    }
    let unterminated = migrations(
        &fixtures,
        "migrations-no-final-newline",
        Dialect::Postgres,
        MigrationFormat::Sqlx,
        None,
    );
    for entry in std::fs::read_dir(&unterminated).expect("dir") {
        let path = entry.expect("file").path();
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::write(&path, text.trim_end_matches('\n')).expect("write");
    }
    // A migration beside another copy of itself.
    let twice = migrations(
        &fixtures,
        "migrations-twice",
        Dialect::Postgres,
        MigrationFormat::Sqlx,
        None,
    );
    for entry in std::fs::read_dir(&twice).expect("dir") {
        let path = entry.expect("file").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .replace("20261123", "20261124");
        std::fs::copy(&path, twice.join(name)).expect("copy");
    }
    // A name that only looks like a migration's does not count.
    let imposter = fixtures.join("migrations-imposter");
    std::fs::create_dir_all(&imposter).expect("dir");
    std::fs::write(imposter.join("-_create_attesto_tables.up.sql"), "").expect("write");
    let edited = migrations(
        &fixtures,
        "migrations-edited",
        Dialect::Postgres,
        MigrationFormat::Sqlx,
        None,
    );
    let up = edited.join("20261123123456_create_attesto_tables.up.sql");
    let text = std::fs::read_to_string(&up).expect("up file");
    std::fs::write(&up, text.replacen("varchar(88)", "varchar(64)", 1)).expect("edit");
    std::fs::create_dir_all(fixtures.join("migrations-empty")).expect("empty dir");
    #[cfg(unix)]
    {
        // A FIFO as config file would block the compiler forever if opened.
        let fifo = fixtures.join("fifo.toml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success(), "mkfifo");
    }

    let cases = trybuild::TestCases::new();
    cases.compile_fail("cases/*.rs");
    cases.pass("pass/*.rs");
}

/// Writes a migrations directory `name` under `fixtures`, as `attesto
/// gen-migration` writes it, at a fixed time so that file names are stable:
/// the tables prefixed `ui_`, in `format`, of the latest version or the
/// upgrade `from` one, for `dialect`. Through attesto-schema's own API, not
/// the command's, so that trybuild, which builds every case against this
/// crate's dev-dependencies, builds no command-line parser.
fn migrations(
    fixtures: &Path,
    name: &str,
    dialect: Dialect,
    format: MigrationFormat,
    from: Option<&str>,
) -> PathBuf {
    let dir = fixtures.join(name);
    std::fs::create_dir_all(&dir).expect("migrations dir");
    let from = from.map(|v| v.parse::<Version>().expect("a published version"));
    let migration = Migration::new(dialect, "ui_", Version::latest(), from).expect("migration");
    let version = format
        .next_version(&dir, UtcTime::from_unix(1_795_437_296))
        .expect("version");
    for file in migration.files(format, &version) {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("dir");
        std::fs::write(&path, file.contents).expect("write");
    }
    dir
}
