//! What holds the macro's compile-time cost where BENCHMARKS.md measured
//! it, checked on every test run: the crates every user builds to get the
//! macro. A change to this list is a change to every user's clean build;
//! measure it with `python3 bench/compile_time.py` before updating it.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

#[test]
fn the_macros_dependency_tree_is_the_measured_one() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("workspace");
    let output = Command::new(env!("CARGO"))
        .current_dir(workspace)
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
    let measured: BTreeSet<String> = [
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
    ]
    .map(str::to_owned)
    .into();
    assert_eq!(crates, measured, "the macro's dependency tree changed");
}
