//! The published releases of the schema, oldest first.

use std::fmt;
use std::str::FromStr;

use crate::tables::RELEASES;

/// A published release of the schema, named by attesto_phoenix's version.
///
/// Releases are ordered: a later release compares greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Release(usize);

impl Release {
    /// The `n`th release, oldest first (for the model's data).
    pub(crate) const fn nth(n: usize) -> Release {
        Release(n)
    }

    /// The oldest release.
    pub const FIRST: Release = Release(0);

    /// The latest release, the default everywhere.
    pub fn latest() -> Release {
        Release(RELEASES.len() - 1)
    }

    /// Every release, oldest first.
    pub fn all() -> impl DoubleEndedIterator<Item = Release> + ExactSizeIterator {
        (0..RELEASES.len()).map(Release)
    }

    /// The version string, e.g. `"0.19.0"`.
    pub fn version(self) -> &'static str {
        RELEASES[self.0]
    }

    /// The version with dots as underscores, for file and migration names.
    pub fn slug(self) -> String {
        self.version().replace('.', "_")
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.version())
    }
}

impl FromStr for Release {
    type Err = UnknownRelease;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Release::all()
            .find(|r| r.version() == s)
            .ok_or_else(|| UnknownRelease(s.to_owned()))
    }
}

/// "`"0.6.1"`, `"0.19.0"`": the known releases, for messages.
pub fn known_releases() -> String {
    Release::all()
        .map(|r| format!("\"{r}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error of naming a release the model does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRelease(pub String);

impl fmt::Display for UnknownRelease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown schema release {:?}; known releases are {}",
            self.0,
            known_releases()
        )
    }
}

impl std::error::Error for UnknownRelease {}
