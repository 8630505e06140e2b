//! Editing a file the macro read makes cargo expand it again: the config
//! file named by `config`, the crate's own `Cargo.toml` metadata, and the
//! migration the drift guard compares; with `attesto_schema::watch_migrations`
//! in a build script, so does a file added to the migrations directory. And
//! none of those files' bytes reach the build's output.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("workspace")
        .to_owned()
}

/// A host crate of its own, built by the real cargo.
struct Host {
    dir: PathBuf,
    target: PathBuf,
}

impl Host {
    fn new(name: &str) -> Host {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let dir = tmp.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).expect("host dir");
        // The workspace's lock file pins the same versions, so the build
        // needs nothing that is not already downloaded.
        std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
        Host {
            dir,
            target: tmp.join("host-target"),
        }
    }

    fn write(&self, path: &str, contents: &str) {
        std::fs::write(self.dir.join(path), contents).expect("write host file");
    }

    fn manifest(&self, metadata_prefix: &str) {
        self.manifest_with(metadata_prefix, "");
    }

    /// The host's manifest, with `extra` sections (a build script's).
    fn manifest_with(&self, metadata_prefix: &str, extra: &str) {
        let macros = workspace().join("attesto-macros");
        self.write(
            "Cargo.toml",
            &format!(
                "[package]\nname = \"rebuild-host\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
                 [dependencies]\nattesto-macros = {{ path = {macros:?} }}\n\n{extra}\n\
                 [package.metadata.attesto]\ntable_prefix = {metadata_prefix:?}\n\n\
                 [workspace]\n"
            ),
        );
    }

    /// `cargo run` of the host: its standard output, or its build errors.
    fn try_run(&self) -> Result<String, String> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(cargo)
            .args(["run", "--quiet", "--offline"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .output()
            .expect("run cargo");
        if output.status.success() {
            Ok(String::from_utf8(output.stdout).expect("utf-8 output"))
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }

    /// `cargo run` of the host, which must build; its standard output.
    fn run(&self) -> String {
        self.try_run()
            .unwrap_or_else(|stderr| panic!("host build failed:\n{stderr}"))
    }
}

#[test]
fn editing_a_read_file_re_expands_the_macro() {
    let host = Host::new("rebuild-host");
    host.manifest("m1_");
    host.write("attesto.toml", "[attesto]\ntable_prefix = \"one_\"\n");
    host.write(
        "src/main.rs",
        "mod cfg { attesto_macros::attesto_migration!(config = \"attesto.toml\"); }\n\
         mod meta { attesto_macros::attesto_migration!(); }\n\
         fn main() { print!(\"{} {}\", cfg::TABLES[0], meta::TABLE_PREFIX); }\n",
    );
    assert_eq!(host.run(), "one_attesto_authorization_codes m1_");

    host.write("attesto.toml", "[attesto]\ntable_prefix = \"two_\"\n");
    assert_eq!(host.run(), "two_attesto_authorization_codes m1_");

    host.manifest("m2_");
    assert_eq!(host.run(), "two_attesto_authorization_codes m2_");
}

#[test]
fn the_drift_guard_fails_the_build_when_the_migration_is_edited() {
    let host = Host::new("drift-host");
    host.manifest("");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args: Vec<String> = [
        "gen-migration",
        "--table-prefix",
        "g_",
        "--format",
        "diesel",
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .collect();
    let now = attesto_schema::UtcTime::from_unix(1_795_437_296);
    let code = attesto_cli::run(&args, &host.dir, now, &mut out, &mut err);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    host.write(
        "src/main.rs",
        "mod db { attesto_macros::attesto_migration!(prefix = \"g_\", migrations_path = \"migrations\"); }\n\
         fn main() { print!(\"{}\", db::TABLES.len()); }\n",
    );
    assert_eq!(host.run(), "10");

    // A hand edit of the down file, and no `.rs` file touched.
    let down = "migrations/2026-11-23-123456_create_attesto_tables/down.sql";
    let original = std::fs::read_to_string(host.dir.join(down)).expect("down file");
    host.write(
        down,
        &original.replace("DROP TABLE \"g_dpop_replays\";\n", ""),
    );
    let stderr = host
        .try_run()
        .expect_err("an edited migration fails the build");
    assert!(
        stderr.contains(&format!(
            "{down} differs from the generated migration at line 6"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("attesto gen-migration --table-prefix \"g_\""),
        "{stderr}"
    );

    host.write(down, &original);
    assert_eq!(host.run(), "10");

    std::fs::remove_dir_all(host.dir.join("migrations")).expect("remove migrations");
    let stderr = host
        .try_run()
        .expect_err("a missing migration fails the build");
    assert!(
        stderr.contains("cannot read the migrations directory \"migrations\""),
        "{stderr}"
    );
}

#[test]
fn a_file_added_to_the_migrations_directory_turns_the_build_red_with_the_build_script() {
    let host = Host::new("watch-host");
    let schema = workspace().join("attesto-schema");
    host.manifest_with(
        "",
        &format!("[build-dependencies]\nattesto-schema = {{ path = {schema:?} }}\n"),
    );
    host.write(
        "build.rs",
        "fn main() { attesto_schema::watch_migrations(\"migrations\"); }\n",
    );
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args: Vec<String> = ["gen-migration", "--table-prefix", "w_"]
        .iter()
        .map(|a| (*a).to_owned())
        .collect();
    let now = attesto_schema::UtcTime::from_unix(1_795_437_296);
    let code = attesto_cli::run(&args, &host.dir, now, &mut out, &mut err);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    host.write(
        "src/main.rs",
        "mod db { attesto_macros::attesto_migration!(prefix = \"w_\", migrations_path = \"migrations\"); }\n\
         fn main() { print!(\"{}\", db::MIGRATION_NAME); }\n",
    );
    assert_eq!(host.run(), "create_attesto_tables");

    // A second copy of the migration, no source file touched.
    let up = "migrations/20261123123456_create_attesto_tables.up.sql";
    let copy = std::fs::read_to_string(host.dir.join(up)).expect("up file");
    host.write(
        "migrations/20261124000000_create_attesto_tables.up.sql",
        &copy,
    );
    let stderr = host.try_run().expect_err("two migrations fail the build");
    assert!(
        stderr.contains("several `create_attesto_tables` migrations"),
        "{stderr}"
    );
    std::fs::remove_file(
        host.dir
            .join("migrations/20261124000000_create_attesto_tables.up.sql"),
    )
    .expect("remove");
    assert_eq!(host.run(), "create_attesto_tables");

    // An up-only migration, then a tampered down file beside it.
    let down = "migrations/20261123123456_create_attesto_tables.down.sql";
    let original = std::fs::read_to_string(host.dir.join(down)).expect("down file");
    std::fs::remove_file(host.dir.join(down)).expect("remove down");
    assert_eq!(host.run(), "create_attesto_tables");
    host.write(
        down,
        &original.replace("DROP TABLE \"w_dpop_replays\";\n", ""),
    );
    let stderr = host
        .try_run()
        .expect_err("a tampered down file fails the build");
    assert!(
        stderr.contains("down.sql differs from the generated migration"),
        "{stderr}"
    );
}

#[test]
fn a_config_files_other_tables_reach_no_artifact() {
    const MARKER: &str = "attesto-marker-6b1c0e5f";
    let host = Host {
        target: Path::new(env!("CARGO_TARGET_TMPDIR")).join("secret-host-target"),
        ..Host::new("secret-host")
    };
    let _ = std::fs::remove_dir_all(&host.target);
    host.manifest("");
    host.write(
        "attesto.toml",
        &format!("[attesto]\ntable_prefix = \"s_\"\n\n[database]\npassword = \"{MARKER}\"\n"),
    );
    host.write(
        "src/main.rs",
        "mod db { attesto_macros::attesto_migration!(config = \"attesto.toml\"); }\n\
         fn main() { print!(\"{}\", db::TABLE_PREFIX); }\n",
    );
    assert_eq!(host.run(), "s_");
    let mut found = Vec::new();
    let mut stack = vec![host.target.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read target").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .map(|bytes| bytes.windows(MARKER.len()).any(|w| w == MARKER.as_bytes()))
                .unwrap_or(false)
            {
                found.push(path);
            }
        }
    }
    assert!(found.is_empty(), "the config file's secret is in {found:?}");
    // And cargo still watches the file.
    host.write("attesto.toml", "[attesto]\ntable_prefix = \"t_\"\n");
    assert_eq!(host.run(), "t_");
}
