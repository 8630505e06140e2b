//! A migration as a whole: a fresh install of a release, or an upgrade
//! between two, with the header line that names what produced its files.

use std::fmt;

use crate::dialect::Dialect;
use crate::model::Release;
use crate::schema::Schema;
use crate::text::shown;
use crate::upgrade::{Upgrade, UpgradeError};
use crate::versions::Version;

/// What a migration does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Migration {
    /// Installs a release into an empty database.
    Install(Schema),
    /// Moves a database from one release to a later one.
    Upgrade(Upgrade),
}

impl Migration {
    /// The install of the schema `version` installs, or, with `from`, the
    /// upgrade from the schema `from` installs to that one. `from` must be
    /// an earlier version; two versions with the same schema give an empty
    /// upgrade.
    pub fn new(
        dialect: Dialect,
        prefix: &str,
        version: Version,
        from: Option<Version>,
    ) -> Result<Migration, UpgradeError> {
        if let Some(from) = from {
            if from >= version {
                return Err(UpgradeError::NotForward {
                    from: from.to_string(),
                    to: version.to_string(),
                });
            }
        }
        Migration::for_releases(
            dialect,
            prefix,
            version.release(),
            from.map(Version::release),
        )
    }

    /// As [`Migration::new`], for schema releases.
    pub fn for_releases(
        dialect: Dialect,
        prefix: &str,
        release: Release,
        from: Option<Release>,
    ) -> Result<Migration, UpgradeError> {
        Ok(match from {
            None => Migration::Install(Schema::at_release(dialect, prefix, release)?),
            Some(from) => Migration::Upgrade(Upgrade::new(dialect, prefix, from, release)?),
        })
    }

    /// The migration's name in file names: `create_attesto_tables`, or
    /// `upgrade_attesto_tables_<from>_to_<to>`, named by the schema
    /// releases with dots as underscores.
    pub fn name(&self) -> String {
        match self {
            Migration::Install(_) => "create_attesto_tables".to_owned(),
            Migration::Upgrade(u) => format!(
                "upgrade_attesto_tables_{}_to_{}",
                u.from().slug(),
                u.target().release().slug()
            ),
        }
    }

    /// The schema the database has after the migration.
    pub fn target(&self) -> &Schema {
        match self {
            Migration::Install(schema) => schema,
            Migration::Upgrade(upgrade) => upgrade.target(),
        }
    }

    /// The release an upgrade starts from; `None` for an install.
    pub fn from(&self) -> Option<Release> {
        match self {
            Migration::Install(_) => None,
            Migration::Upgrade(upgrade) => Some(upgrade.from()),
        }
    }

    /// The up SQL.
    pub fn up_sql(&self) -> String {
        match self {
            Migration::Install(schema) => schema.up_sql(),
            Migration::Upgrade(upgrade) => upgrade.up_sql(),
        }
    }

    /// The down SQL.
    pub fn down_sql(&self) -> String {
        match self {
            Migration::Install(schema) => schema.down_sql(),
            Migration::Upgrade(upgrade) => upgrade.down_sql(),
        }
    }

    /// What the migration is, as the header says it:
    /// `schema release 1.2.0, dialect postgres, table prefix "oauth_"`.
    pub fn summary(&self) -> String {
        let schema = self.target();
        let what = match self.from() {
            None => format!("schema release {}", schema.release()),
            Some(from) => format!("upgrade from schema release {from} to {}", schema.release()),
        };
        format!(
            "{what}, dialect {}, table prefix {:?}",
            schema.dialect(),
            schema.prefix()
        )
    }

    /// The one-line comment every file of the migration starts with, naming
    /// what produced it; [`Migration::from_header`] reads it back.
    pub fn header(&self) -> String {
        format!(
            "{HEADER_START}{}); do not edit: a later schema release comes as an upgrade migration.\n",
            self.summary()
        )
    }

    /// The contents of the up file: the header, then the up SQL.
    pub fn up_file(&self) -> String {
        format!("{}\n{}", self.header(), self.up_sql())
    }

    /// The contents of the down file: the header, then the down SQL.
    pub fn down_file(&self) -> String {
        format!("{}\n{}", self.header(), self.down_sql())
    }

    /// The migration a file's first line describes, if it is an attesto
    /// header. A release may be named by any published version that
    /// installs it, as older headers did.
    pub fn from_header(text: &str) -> Result<Migration, HeaderError> {
        let line = text.lines().next().unwrap_or_default();
        let malformed = || HeaderError::Malformed(shown(line));
        let inner = line
            .strip_prefix(HEADER_START)
            .ok_or(HeaderError::NotAttesto)?
            .split_once(')')
            .map(|(inner, _)| inner)
            .ok_or_else(malformed)?;
        let mut parts = inner.split(", ");
        let (Some(what), Some(dialect), Some(prefix), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed());
        };
        let release = |name: &str| {
            Release::named(name)
                .or_else(|| name.parse::<Version>().ok().map(Version::release))
                .ok_or_else(|| HeaderError::UnknownRelease(shown(name)))
        };
        let (from, to) = if let Some(rest) = what.strip_prefix("upgrade from schema release ") {
            let (from, to) = rest.split_once(" to ").ok_or_else(malformed)?;
            (Some(release(from)?), release(to)?)
        } else {
            (
                None,
                release(what.strip_prefix("schema release ").ok_or_else(malformed)?)?,
            )
        };
        let dialect = dialect
            .strip_prefix("dialect ")
            .and_then(Dialect::from_name)
            .ok_or_else(malformed)?;
        let prefix = prefix
            .strip_prefix("table prefix \"")
            .and_then(|p| p.strip_suffix('"'))
            .ok_or_else(malformed)?;
        Migration::for_releases(dialect, prefix, to, from).map_err(HeaderError::Invalid)
    }
}

/// How every header line starts.
const HEADER_START: &str = "-- Generated by attesto gen-migration (";

/// Why a file's header does not name a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderError {
    /// The first line is not an attesto header.
    NotAttesto,
    /// It is one, but not one this version can read (the line, quoted).
    Malformed(String),
    /// It names a release this version does not know (quoted).
    UnknownRelease(String),
    /// It names a migration that cannot be built.
    Invalid(UpgradeError),
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderError::NotAttesto => f.write_str(
                "the first line is not an attesto header (\"-- Generated by attesto gen-migration (...)\")",
            ),
            HeaderError::Malformed(line) => write!(f, "cannot read the attesto header {line}"),
            HeaderError::UnknownRelease(name) => {
                write!(f, "the header names the unknown schema release {name}")
            }
            HeaderError::Invalid(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for HeaderError {}
