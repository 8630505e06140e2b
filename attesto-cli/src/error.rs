//! What can go wrong in a command, as values: each says what happened and
//! what to do, naming files as the user named them.

use std::fmt;
use std::io;

use attesto_schema::HeaderError;
use attesto_schema::ReadError;
use attesto_schema::UpgradeError;
use attesto_schema::VersionError;
use attesto_schema::config::ConfigError;

/// A command that could not do its work (exit code 3, or as
/// [`CliError::exit_code`] says).
#[derive(Debug)]
#[non_exhaustive]
pub enum CliError {
    /// The prefix could not be resolved from the configuration.
    Config(ConfigError),
    /// The migration asked for cannot be built.
    Migration {
        /// Why not.
        error: UpgradeError,
        /// Where the prefix came from, if from a file.
        origin: Option<String>,
    },
    /// A file could not be read.
    Read {
        /// The file, as the user would name it.
        path: String,
        /// Why not.
        error: ReadError,
    },
    /// A directory or file could not be listed, created or written.
    Io {
        /// What was being done: "read", "create", "write".
        action: &'static str,
        /// The path, as the user would name it.
        path: String,
        /// Why not.
        error: io::Error,
    },
    /// `--migrations-path` names something that is not a directory.
    NotADirectory {
        /// The path as given.
        path: String,
    },
    /// The migration is already in the directory.
    Exists {
        /// The migration's name.
        name: String,
        /// The directory, as given.
        dir: String,
        /// The files found.
        found: Vec<String>,
    },
    /// Another run is writing into the directory.
    Locked {
        /// The lock file, as the user would name it.
        lock: String,
    },
    /// No version could be chosen for the new migration.
    Version(VersionError),
    /// `check` found no migration, or several, in the directory.
    Count {
        /// The migration's name.
        name: String,
        /// The directory, as given.
        dir: String,
        /// How many were found.
        found: usize,
    },
    /// A file's header names no migration this version can build.
    Header {
        /// The file, as the user would name it.
        path: String,
        /// Why not.
        error: HeaderError,
    },
    /// The path given to `check` is not a migration.
    NotAMigration {
        /// The path as given.
        path: String,
    },
    /// `check` found nothing to check (exit code 4).
    NoMigrations {
        /// The migrations directory, as given.
        dir: String,
        /// Whether the directory exists (and holds no attesto migration).
        directory: bool,
    },
}

impl CliError {
    /// The command's exit code for this error: 2 for a prefix given on
    /// the command line that cannot be used (as clap's usage errors), 4
    /// when `check` finds nothing to check, 3 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Migration {
                error: UpgradeError::Prefix(_),
                origin: None,
            } => crate::EXIT_USAGE,
            CliError::NoMigrations { .. } => crate::EXIT_NOTHING_TO_CHECK,
            _ => crate::EXIT_FAILURE,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Config(e) => e.fmt(f),
            CliError::Migration {
                error: UpgradeError::Prefix(e),
                origin: Some(origin),
            } => write!(f, "{e} (the prefix comes from {origin})"),
            CliError::Migration { error, .. } => error.fmt(f),
            CliError::Read { path, error } => write!(f, "cannot read {path}: {error}"),
            CliError::Io {
                action,
                path,
                error,
            } => write!(f, "cannot {action} {path}: {error}"),
            CliError::NotADirectory { path } => write!(
                f,
                "--migrations-path {path} is not a directory; give the directory the \
                 migrations go in"
            ),
            CliError::Exists { name, dir, found } => write!(
                f,
                "a `{name}` migration already exists in {dir} ({}); migration files are frozen \
                 once written, so remove it first if you really mean to write it again",
                found.join(", ")
            ),
            CliError::Locked { lock } => write!(
                f,
                "another attesto gen-migration is writing into this directory (it holds {lock}); \
                 if none is running, remove {lock} and run again"
            ),
            CliError::Version(e) => write!(f, "cannot number the new migration: {e}"),
            CliError::Count { name, dir, found } => {
                write!(f, "expected one `{name}` migration in {dir}, found {found}")
            }
            CliError::Header { path, error } => write!(
                f,
                "{path}: {error}; give the options it was generated with instead"
            ),
            CliError::NotAMigration { path } => write!(f, "{path} is not a migration file"),
            CliError::NoMigrations {
                dir,
                directory: false,
            } => write!(
                f,
                "there is no migrations directory {dir}: write the migration first (attesto \
                 gen-migration), or name the directory that holds it (--migrations-path DIR), \
                 or the file (attesto check PATH)"
            ),
            CliError::NoMigrations {
                dir,
                directory: true,
            } => write!(
                f,
                "{dir} holds no attesto migration: write it first (attesto gen-migration), or \
                 name the directory that holds it (--migrations-path DIR)"
            ),
        }
    }
}

impl std::error::Error for CliError {}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        CliError::Config(e)
    }
}
