//! The READMEs crates.io shows, one per published package, link nothing
//! it cannot resolve: with no `repository` set, crates.io has no base for a
//! relative link, so every link is absolute (docs.rs, a standard) or an
//! anchor of the README itself.

use std::path::Path;

/// Each package's `readme`, as its manifest names it, from the workspace.
fn packaged_readmes() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut readmes = Vec::new();
    for package in [
        "attesto",
        "attesto-macros",
        "attesto-macros-core",
        "attesto-schema",
        "attesto-cli",
    ] {
        let dir = root.join(package);
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("manifest");
        let readme = manifest
            .lines()
            .find_map(|l| l.strip_prefix("readme = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{package} names its readme"));
        readmes.push(dir.join(readme));
    }
    readmes
}

#[test]
fn packaged_readmes_link_nothing_relative() {
    for readme in packaged_readmes() {
        let text = std::fs::read_to_string(&readme).expect("readme");
        for (n, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("](") {
                let target = &rest[at + 2..];
                let end = target.find(')').unwrap_or(target.len());
                let link = &target[..end];
                assert!(
                    link.starts_with("https://") || link.starts_with('#'),
                    "{}:{}: a relative link, which crates.io cannot resolve: {link}",
                    readme.display(),
                    n + 1
                );
                rest = &target[end..];
            }
        }
    }
}
