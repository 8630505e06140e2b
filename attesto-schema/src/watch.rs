//! For build scripts: make cargo rebuild a crate when a migrations
//! directory changes, so that the drift guard (`migrations_path`) sees a
//! migration file that was added or removed, not only one that was edited.
//!
//! The macro makes cargo watch the files it compared, but on stable Rust
//! only a build script can make cargo watch a directory.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::path::Path;

/// The environment variable the build script sets, whose change makes cargo
/// recompile the crate (and so expand the macro again).
pub const DIGEST_VAR: &str = "ATTESTO_MIGRATIONS_DIGEST";

/// Tells cargo, from a build script, to rebuild the crate whenever anything
/// in the directory `path` (relative to the crate's `Cargo.toml`) changes.
///
/// In `build.rs`, with attesto-schema in `[build-dependencies]`:
///
/// ```no_run
/// attesto_schema::watch_migrations("migrations");
/// ```
pub fn watch_migrations(path: impl AsRef<Path>) {
    let path = path.as_ref();
    let mut out = std::io::stdout().lock();
    // A build script's output goes to cargo; there is no one to tell if
    // writing it fails.
    let _ = writeln!(out, "cargo::rerun-if-changed={}", path.display());
    let _ = writeln!(out, "cargo::rustc-env={DIGEST_VAR}={:016x}", digest(path));
}

/// A digest of the directory's listing: every entry's relative path, size
/// and modification time. Adding, removing or changing a file changes it.
pub fn digest(path: &Path) -> u64 {
    let mut hasher = DefaultHasher::new();
    let mut entries = Vec::new();
    collect(path, path, &mut entries, 0);
    entries.sort();
    entries.hash(&mut hasher);
    hasher.finish()
}

/// How deep the listing goes: diesel's layout is one level of directories.
const MAX_DEPTH: usize = 4;

fn collect(root: &Path, dir: &Path, entries: &mut Vec<(String, u64, u128)>, depth: usize) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        let Ok(metadata) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let relative = path
            .strip_prefix(root)
            .map_or_else(|_| path.display().to_string(), |p| p.display().to_string());
        let modified = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        entries.push((relative, metadata.len(), modified));
        if metadata.is_dir() && depth < MAX_DEPTH {
            collect(root, &path, entries, depth + 1);
        }
    }
}
