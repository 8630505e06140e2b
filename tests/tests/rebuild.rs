//! Editing a file the macro read makes cargo expand it again: the config
//! file named by `config`, and the crate's own `Cargo.toml` metadata.

use std::path::{Path, PathBuf};
use std::process::Command;

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
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("workspace");
        std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
        Host {
            dir,
            target: tmp.join("host-target"),
        }
    }

    fn write(&self, path: &str, contents: &str) {
        std::fs::write(self.dir.join(path), contents).expect("write host file");
    }

    fn manifest(&self, metadata_prefix: &str) {
        let macros = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("workspace")
            .join("attesto-macros");
        self.write(
            "Cargo.toml",
            &format!(
                "[package]\nname = \"rebuild-host\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
                 [dependencies]\nattesto-macros = {{ path = {macros:?} }}\n\n\
                 [package.metadata.attesto]\ntable_prefix = {metadata_prefix:?}\n\n\
                 [workspace]\n"
            ),
        );
    }

    /// `cargo run` of the host; its standard output.
    fn run(&self) -> String {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(cargo)
            .args(["run", "--quiet", "--offline"])
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .output()
            .expect("run cargo");
        assert!(
            output.status.success(),
            "host build failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("utf-8 output")
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
