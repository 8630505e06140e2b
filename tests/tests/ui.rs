//! Every refused input is a compile error under the offending token; the
//! drift guard passes on matching migrations of every layout.

use std::path::{Path, PathBuf};

use attesto_schema::{UtcTime, cli};

#[test]
fn refused_inputs() {
    // trybuild compiles the cases in a crate of its own under the target
    // directory, and the macro resolves files against that crate's manifest
    // directory: put the fixtures there.
    let fixtures = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("tests/trybuild/attesto-tests/fixtures");
    let _ = std::fs::remove_dir_all(&fixtures);
    std::fs::create_dir_all(&fixtures).expect("fixture dir");
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/fixtures");
    for entry in std::fs::read_dir(&sources).expect("fixtures") {
        let path = entry.expect("fixture").path();
        let name = path.file_name().expect("file name");
        std::fs::copy(&path, fixtures.join(name)).expect("copy fixture");
    }
    migrations(&fixtures, "migrations-sqlx", &["--table-prefix", "ui_"]);
    migrations(
        &fixtures,
        "migrations-diesel",
        &[
            "--table-prefix",
            "ui_",
            "--dialect",
            "sqlite",
            "--format",
            "diesel",
        ],
    );
    migrations(
        &fixtures,
        "migrations-refinery",
        &[
            "--table-prefix",
            "ui_",
            "--from",
            "0.6.1",
            "--format",
            "refinery",
        ],
    );
    let edited = migrations(&fixtures, "migrations-edited", &["--table-prefix", "ui_"]);
    let up = edited.join("20261123123456_create_attesto_tables.up.sql");
    let text = std::fs::read_to_string(&up).expect("up file");
    std::fs::write(&up, text.replacen("varchar(88)", "varchar(64)", 1)).expect("edit");
    std::fs::create_dir_all(fixtures.join("migrations-empty")).expect("empty dir");

    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
    cases.pass("ui/pass/*.rs");
}

/// Generates a migrations directory `name` under `fixtures` with `attesto
/// gen-migration`, at a fixed time so that file names are stable.
fn migrations(fixtures: &Path, name: &str, args: &[&str]) -> PathBuf {
    let mut argv = vec![
        "gen-migration".to_owned(),
        "--migrations-path".to_owned(),
        name.to_owned(),
    ];
    argv.extend(args.iter().map(|a| (*a).to_owned()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let now = UtcTime::from_unix(1_795_437_296);
    let code = cli::run(&argv, fixtures, now, &mut out, &mut err);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    fixtures.join(name)
}
