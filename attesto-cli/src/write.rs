//! Writing a migration's files so that either all of them appear, complete,
//! or none does, and so that two runs at once write one migration.
//!
//! Each file is written under a temporary name in its final directory and
//! linked to its final name only once every file is complete; `link`
//! refuses to replace a file, so nothing is ever overwritten. The up file,
//! which every runner keys a migration on, is linked last. A lock file,
//! created exclusively, keeps a second run from writing between the first
//! one's check and its links.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::CliError;
use attesto_schema::MigrationFile;

/// The lock file's name in the migrations directory.
pub const LOCK: &str = ".attesto-gen-migration.lock";

/// Holds the directory's lock until dropped.
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes the lock of `dir`, shown to the user as `shown`. A lock left by
    /// a run that died (its process is gone) is taken over, with the
    /// temporary files it left.
    pub fn take(dir: &Path, shown: &Path) -> Result<Lock, CliError> {
        match Lock::create(dir, shown) {
            Err(CliError::Locked { .. }) if stale(&dir.join(LOCK)) => {
                let _ = std::fs::remove_file(dir.join(LOCK));
                remove_temporaries(dir);
                Lock::create(dir, shown)
            }
            other => other,
        }
    }

    fn create(dir: &Path, shown: &Path) -> Result<Lock, CliError> {
        let path = dir.join(LOCK);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                let _ = writeln!(file, "{}", std::process::id());
                Ok(Lock { path })
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(CliError::Locked {
                lock: shown.join(LOCK).display().to_string(),
            }),
            Err(error) => Err(CliError::Io {
                action: "create",
                path: shown.join(LOCK).display().to_string(),
                error,
            }),
        }
    }
}

/// Whether the lock at `path` was left by a process that no longer runs.
/// Only Linux's `/proc` tells; elsewhere a lock is never taken as stale.
fn stale(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let Ok(pid) = text.trim().parse::<u32>() else {
        return false;
    };
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

/// Removes the temporary files of earlier runs that died part-way.
fn remove_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            remove_temporaries(&path);
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".attesto-") && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(&path);
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Files written under temporary names, removed unless committed.
struct Staged {
    /// `(temporary path, final path, name to show)` per file.
    files: Vec<(PathBuf, PathBuf, PathBuf)>,
    /// Directories created for the migration (diesel's), removed on failure.
    created_dirs: Vec<PathBuf>,
    committed: Vec<PathBuf>,
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (temp, _, _) in &self.files {
            let _ = std::fs::remove_file(temp);
        }
        if self.committed.len() < self.files.len() {
            // Not all linked: take back what was.
            for path in &self.committed {
                let _ = std::fs::remove_file(path);
            }
            for dir in self.created_dirs.iter().rev() {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

/// Writes `files` into `dir` (shown to the user as `shown`), all or
/// nothing; returns the paths written, as the user would name them.
pub fn write_all(
    dir: &Path,
    shown: &Path,
    files: &[MigrationFile],
) -> Result<Vec<PathBuf>, CliError> {
    let mut staged = Staged {
        files: Vec::new(),
        created_dirs: Vec::new(),
        committed: Vec::new(),
    };
    for (i, file) in files.iter().enumerate() {
        let target = dir.join(&file.path);
        let shown_target = shown.join(&file.path);
        if let Some(parent) = target.parent()
            && !parent.is_dir()
        {
            std::fs::create_dir(parent).map_err(|error| CliError::Io {
                action: "create",
                path: shown_target
                    .parent()
                    .map_or_else(String::new, |p| p.display().to_string()),
                error,
            })?;
            staged.created_dirs.push(parent.to_owned());
        }
        let temp = target.with_file_name(format!(".attesto-{}-{i}.tmp", std::process::id()));
        let io_error = |error| CliError::Io {
            action: "write",
            path: shown_target.display().to_string(),
            error,
        };
        let mut handle = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(io_error)?;
        staged.files.push((temp, target, shown_target.clone()));
        handle
            .write_all(file.contents.as_bytes())
            .and_then(|()| handle.sync_all())
            .map_err(io_error)?;
    }
    // Every file is complete: link them into place, the up file (the
    // first) last.
    let order: Vec<usize> = (1..staged.files.len()).chain(std::iter::once(0)).collect();
    for i in order {
        let (temp, target, shown_target) = &staged.files[i];
        std::fs::hard_link(temp, target).map_err(|error| CliError::Io {
            action: "write",
            path: shown_target.display().to_string(),
            error,
        })?;
        staged.committed.push(target.clone());
    }
    Ok(staged
        .files
        .iter()
        .map(|(_, _, shown)| shown.clone())
        .collect())
}
