//! The files migration runners read, in the layouts of sqlx, diesel and
//! refinery: their names, how they are found in a directory, and the
//! version a new one gets.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::migration::Migration;

/// The layout of a migrations directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MigrationFormat {
    /// `<YYYYMMDDHHMMSS>_<name>.up.sql` and `.down.sql` (sqlx-cli's
    /// reversible migrations).
    #[default]
    Sqlx,
    /// `<YYYY-MM-DD-HHMMSS>_<name>/up.sql` and `down.sql`.
    Diesel,
    /// `V<n>__<name>.sql`, up only.
    Refinery,
}

/// The largest version refinery takes: its versions are `i32` unless the
/// host turns on its `int8-versions` feature.
pub const REFINERY_MAX_VERSION: u64 = i32::MAX as u64;

impl MigrationFormat {
    /// Every format.
    pub const ALL: [MigrationFormat; 3] = [
        MigrationFormat::Sqlx,
        MigrationFormat::Diesel,
        MigrationFormat::Refinery,
    ];

    /// The name used in flags: `sqlx`, `diesel` or `refinery`.
    pub const fn name(self) -> &'static str {
        match self {
            MigrationFormat::Sqlx => "sqlx",
            MigrationFormat::Diesel => "diesel",
            MigrationFormat::Refinery => "refinery",
        }
    }

    /// The format named `name`.
    pub fn from_name(name: &str) -> Option<MigrationFormat> {
        MigrationFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The version of a migration written at `now` into `dir`: the UTC time
    /// for sqlx and diesel, one more than the highest `V` version in `dir`
    /// for refinery (whose versions are 32-bit, too small for a timestamp).
    pub fn next_version(self, dir: &Path, now: UtcTime) -> Result<String, VersionError> {
        Ok(match self {
            MigrationFormat::Sqlx => now.compact(),
            MigrationFormat::Diesel => now.dashed(),
            MigrationFormat::Refinery => {
                let mut highest = 0u64;
                if dir.is_dir() {
                    for entry in std::fs::read_dir(dir).map_err(VersionError::Io)? {
                        let name = entry.map_err(VersionError::Io)?.file_name();
                        let name = name.to_string_lossy();
                        let Some((digits, _)) = refinery_name(&name) else {
                            continue;
                        };
                        let version =
                            digits.parse::<u64>().map_err(|_| VersionError::TooLarge {
                                file: name.to_string(),
                            })?;
                        highest = highest.max(version);
                    }
                }
                let next = highest
                    .checked_add(1)
                    .filter(|next| *next <= REFINERY_MAX_VERSION)
                    .ok_or(VersionError::Exhausted { highest })?;
                next.to_string()
            }
        })
    }
}

impl fmt::Display for MigrationFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why no version could be chosen for a new migration.
#[derive(Debug)]
#[non_exhaustive]
pub enum VersionError {
    /// The directory could not be read.
    Io(io::Error),
    /// A refinery file's version does not fit 64 bits.
    TooLarge {
        /// The file's name.
        file: String,
    },
    /// The next refinery version would pass refinery's 32-bit limit.
    Exhausted {
        /// The highest version in the directory.
        highest: u64,
    },
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionError::Io(e) => e.fmt(f),
            VersionError::TooLarge { file } => write!(
                f,
                "the refinery migration {file:?} has a version too large for any runner; \
                 refinery's versions are at most {REFINERY_MAX_VERSION}"
            ),
            VersionError::Exhausted { highest } => write!(
                f,
                "the highest refinery version in the directory is {highest}: the next one \
                 would pass {REFINERY_MAX_VERSION}, the largest refinery takes"
            ),
        }
    }
}

impl std::error::Error for VersionError {}

/// One file of a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationFile {
    /// The path relative to the migrations directory.
    pub path: PathBuf,
    /// The contents, LF line endings.
    pub contents: String,
}

impl Migration {
    /// The files of the migration in `format`, versioned `version`, as
    /// paths relative to the migrations directory.
    pub fn files(&self, format: MigrationFormat, version: &str) -> Vec<MigrationFile> {
        let name = self.name();
        let file = |path: String, contents: String| MigrationFile {
            path: PathBuf::from(path),
            contents,
        };
        match format {
            MigrationFormat::Sqlx => vec![
                file(format!("{version}_{name}.up.sql"), self.up_file()),
                file(format!("{version}_{name}.down.sql"), self.down_file()),
            ],
            MigrationFormat::Diesel => vec![
                file(format!("{version}_{name}/up.sql"), self.up_file()),
                file(format!("{version}_{name}/down.sql"), self.down_file()),
            ],
            MigrationFormat::Refinery => {
                vec![file(format!("V{version}__{name}.sql"), self.up_file())]
            }
        }
    }
}

/// A migration found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundMigration {
    /// Its layout.
    pub format: MigrationFormat,
    /// The up file.
    pub up: PathBuf,
    /// The down file, where the layout has one and it is there.
    pub down: Option<PathBuf>,
}

/// `V<digits>__<rest>` split into the digits and the rest.
fn refinery_name(name: &str) -> Option<(&str, &str)> {
    let (digits, rest) = name.strip_prefix('V')?.split_once("__")?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some((digits, rest))
}

/// `<version>_<rest>` split, where the version is digits, or groups of
/// digits joined by single dashes (diesel's `YYYY-MM-DD-HHMMSS`).
fn versioned_name(name: &str) -> Option<&str> {
    let (version, rest) = name.split_once('_')?;
    let valid = !version.is_empty()
        && version
            .split('-')
            .all(|group| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit()));
    valid.then_some(rest)
}

/// The migrations named `name` in `dir`, in any of the three layouts
/// (sqlx's up-only `<version>_<name>.sql` included), sorted by path. Only
/// names that follow a layout count: a version is digits (with dashes
/// between groups for diesel), refinery's starts with `V`.
pub fn find_migrations(dir: &Path, name: &str) -> io::Result<Vec<FoundMigration>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            if versioned_name(file_name) == Some(name) {
                let down = path.join("down.sql");
                found.push(FoundMigration {
                    format: MigrationFormat::Diesel,
                    up: path.join("up.sql"),
                    down: down.exists().then_some(down),
                });
            }
            continue;
        }
        if let Some((_, rest)) = refinery_name(file_name) {
            if rest.strip_suffix(".sql") == Some(name) {
                found.push(FoundMigration {
                    format: MigrationFormat::Refinery,
                    up: path,
                    down: None,
                });
            }
            continue;
        }
        let Some(rest) = versioned_name(file_name) else {
            continue;
        };
        if rest.strip_suffix(".up.sql") == Some(name) {
            let down = path.with_file_name(file_name.replace(".up.sql", ".down.sql"));
            found.push(FoundMigration {
                format: MigrationFormat::Sqlx,
                up: path,
                down: down.exists().then_some(down),
            });
        } else if rest.strip_suffix(".sql") == Some(name) {
            found.push(FoundMigration {
                format: MigrationFormat::Sqlx,
                up: path,
                down: None,
            });
        }
    }
    found.sort_by(|a, b| a.up.cmp(&b.up));
    Ok(found)
}

/// A UTC calendar time, to the second, for migration versions.
/// Semver-exempt: for the `attesto` command and its tests.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcTime {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl UtcTime {
    /// The current time.
    pub fn now() -> UtcTime {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        UtcTime::from_unix(secs)
    }

    /// The time `secs` seconds after the Unix epoch.
    pub fn from_unix(secs: u64) -> UtcTime {
        let days = (secs / 86_400) as i64;
        let rem = secs % 86_400;
        // Howard Hinnant's days-to-civil algorithm.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        UtcTime {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
        }
    }

    /// `YYYYMMDDHHMMSS`, sqlx's version format.
    pub fn compact(&self) -> String {
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `YYYY-MM-DD-HHMMSS`, diesel's version format.
    pub fn dashed(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}-{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_that_follow_a_layout_count() {
        assert_eq!(versioned_name("20261124_x.up.sql"), Some("x.up.sql"));
        assert_eq!(versioned_name("2026-11-24-120000_x"), Some("x"));
        assert_eq!(versioned_name("-_x.up.sql"), None);
        assert_eq!(versioned_name("2026--11_x"), None);
        assert_eq!(versioned_name("_x.up.sql"), None);
        assert_eq!(versioned_name("12a_x.up.sql"), None);
        assert_eq!(refinery_name("V12__x.sql"), Some(("12", "x.sql")));
        assert_eq!(refinery_name("V__x.sql"), None);
        assert_eq!(refinery_name("Vx1__x.sql"), None);
    }

    #[test]
    fn refinery_versions_stop_at_refinerys_limit() {
        let dir = std::env::temp_dir().join(format!("attesto-refinery-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let now = UtcTime::from_unix(0);
        let next = |dir: &Path| MigrationFormat::Refinery.next_version(dir, now);
        assert_eq!(next(&dir).expect("empty"), "1");
        std::fs::write(dir.join("V7__a.sql"), "").expect("write");
        assert_eq!(next(&dir).expect("seven"), "8");
        std::fs::write(dir.join("V2147483646__b.sql"), "").expect("write");
        assert_eq!(next(&dir).expect("last"), "2147483647");
        std::fs::write(dir.join("V2147483647__c.sql"), "").expect("write");
        assert!(matches!(
            next(&dir),
            Err(VersionError::Exhausted {
                highest: 2147483647
            })
        ));
        std::fs::write(dir.join("V18446744073709551615__d.sql"), "").expect("write");
        assert!(matches!(next(&dir), Err(VersionError::Exhausted { .. })));
        std::fs::write(dir.join("V99999999999999999999999__e.sql"), "").expect("write");
        assert!(matches!(next(&dir), Err(VersionError::TooLarge { .. })));
    }
}
