//! What holds the macro's compile-time cost where BENCHMARKS.md measured
//! it, checked on every test run: the crates every user builds to get the
//! macro, and the packages a user's lock file gets, which cargo reads on
//! every build. A change to either list is a change to every user's build;
//! measure it with `python3 bench/compile_time.py` before updating it.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// The workspace root.
fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("workspace")
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// The crates the macro's build compiles, as measured.
const TREE: &[&str] = &[
    "attesto-macros",
    "attesto-macros-core",
    "attesto-schema",
    "proc-macro2",
    "serde_spanned",
    "strsim",
    "syn",
    "toml",
    "toml_datetime",
    "toml_parser",
    "unicode-ident",
    "winnow",
];

/// The packages a host locks beside [`TREE`] and never compiles.
const LOCKED_ONLY: &[&str] = &["quote", "serde_core", "serde_derive"];

#[test]
fn the_macros_dependency_tree_is_the_measured_one() {
    let output = Command::new(env!("CARGO"))
        .current_dir(workspace())
        .args([
            "tree",
            "--offline",
            "-p",
            "attesto-macros",
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ])
        .output()
        .expect("run cargo tree");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let crates: BTreeSet<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    let measured = set(TREE);
    assert_eq!(crates, measured, "the macro's dependency tree changed");
}

/// cargo reads every package of a lock file on every build, compiled or
/// not (its manifest, its source's entry: a few tenths of a millisecond
/// each, which BENCHMARKS.md measures). Besides the tree above, a host
/// locks `serde_core` (named by a weak `serde_core?/alloc` feature of
/// `toml_datetime` and `serde_spanned`, which `toml` enables), whose
/// `cfg(any())` dependency brings `serde_derive`, and so `quote`. `toml`'s
/// `std` feature would lock four more (`indexmap`, `hashbrown`,
/// `equivalent`, `toml_writer`) through its own weak features: it stays
/// off.
#[test]
fn a_host_locks_only_the_measured_packages() {
    let host = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lock-host");
    let _ = std::fs::remove_dir_all(&host);
    std::fs::create_dir_all(host.join("src")).expect("host dir");
    std::fs::write(host.join("src/main.rs"), "fn main() {}\n").expect("main.rs");
    let macros = workspace().join("attesto-macros");
    std::fs::write(
        host.join("Cargo.toml"),
        format!(
            "[package]\nname = \"lock-host\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [dependencies]\nattesto-macros = {{ path = {macros:?} }}\n\n[workspace]\n"
        ),
    )
    .expect("Cargo.toml");
    // The workspace's lock pins versions that are already downloaded;
    // cargo trims it to what the host needs.
    std::fs::copy(workspace().join("Cargo.lock"), host.join("Cargo.lock")).expect("lock file");
    let output = Command::new(env!("CARGO"))
        .current_dir(&host)
        .args(["metadata", "--offline", "--format-version", "1"])
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lock = std::fs::read_to_string(host.join("Cargo.lock")).expect("read the lock file");
    let locked: BTreeSet<String> = lock
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .filter(|name| *name != "lock-host")
        .map(str::to_owned)
        .collect();
    let measured = set(&[TREE, LOCKED_ONLY].concat());
    assert_eq!(locked, measured, "the packages a host locks changed");
}
