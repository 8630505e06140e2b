//! The published versions of attesto_phoenix and the schema release each
//! one installs: what `version = "2.5.0"` and `--version 2.5.0` resolve.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::data::{PUBLISHED, RELEASES};
use crate::model::Release;
use crate::text::shown;

impl Release {
    /// The latest schema release, the one the latest version installs.
    pub fn latest() -> Release {
        Version::latest().release()
    }

    /// Every schema release, oldest first.
    pub fn all() -> impl DoubleEndedIterator<Item = Release> + ExactSizeIterator {
        RELEASES.iter().copied()
    }

    /// The schema release named `name` (the first version that installs it,
    /// exactly as [`Release::version`] spells it).
    pub fn named(name: &str) -> Option<Release> {
        Release::all().find(|r| r.version() == name)
    }

    /// The published versions that install this release, oldest first.
    pub fn versions(self) -> &'static [&'static str] {
        let start = position(self.version());
        let end = RELEASES
            .get(self.ordinal() + 1)
            .map_or(PUBLISHED.len(), |next| position(next.version()));
        PUBLISHED.get(start..end).unwrap_or_default()
    }
}

/// The position of a release's version among the published versions (a
/// test holds that every release is named by a published version).
fn position(version: &str) -> usize {
    PUBLISHED
        .iter()
        .position(|v| *v == version)
        .unwrap_or(PUBLISHED.len())
}

/// A published version of attesto_phoenix, e.g. `2.5.0`, and the schema
/// release it installs.
///
/// ```
/// use attesto_schema::Version;
///
/// let version: Version = "2.5.0".parse()?;
/// assert_eq!(version.release().version(), "1.2.0");
/// assert_eq!(version.release(), Version::latest().release());
/// assert!("2.0.3".parse::<Version>().is_err());
/// # Ok::<(), attesto_schema::UnknownVersion>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Version {
    index: usize,
}

impl Version {
    /// The latest published version.
    pub fn latest() -> Version {
        Version {
            index: PUBLISHED.len() - 1,
        }
    }

    /// Every published version, oldest first.
    pub fn all() -> impl DoubleEndedIterator<Item = Version> + ExactSizeIterator {
        (0..PUBLISHED.len()).map(|index| Version { index })
    }

    /// The version as written, e.g. `"2.5.0"`.
    pub fn as_str(self) -> &'static str {
        PUBLISHED.get(self.index).copied().unwrap_or_default()
    }

    /// The schema release the version installs: the latest release named by
    /// this version or an earlier one.
    pub fn release(self) -> Release {
        Release::all()
            .rev()
            .find(|r| position(r.version()) <= self.index)
            .unwrap_or(RELEASES[0])
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.index.cmp(&other.index)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Version {
    type Err = UnknownVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match PUBLISHED.iter().position(|v| *v == s) {
            Some(index) => Ok(Version { index }),
            None => Err(UnknownVersion {
                given: s.to_owned(),
            }),
        }
    }
}

/// The error of naming a version that attesto_phoenix never published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVersion {
    given: String,
}

impl UnknownVersion {
    /// The version as given.
    pub fn given(&self) -> &str {
        &self.given
    }

    /// A published version the given text most likely means: `"v2.5.0"`
    /// and `"2.5"` mean `"2.5.0"`.
    pub fn suggestion(&self) -> Option<&'static str> {
        let trimmed = self.given.trim();
        let bare = trimmed.strip_prefix(['v', 'V']).unwrap_or(trimmed);
        let candidates = [bare.to_owned(), format!("{bare}.0")];
        candidates
            .iter()
            .find_map(|c| PUBLISHED.iter().find(|v| **v == c.as_str()).copied())
    }
}

impl fmt::Display for UnknownVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown attesto_phoenix version {}", shown(&self.given))?;
        if let Some(suggestion) = self.suggestion() {
            write!(f, "; did you mean \"{suggestion}\"?")?;
        }
        write!(
            f,
            "; attesto knows every published version from {} to {}, which install the schema releases {}",
            PUBLISHED[0],
            Version::latest(),
            releases_with_versions()
        )
    }
}

impl std::error::Error for UnknownVersion {}

/// "`0.6.0` (0.6.0 to 0.6.6), `0.8.0`, ...": the schema releases and the
/// versions each covers, for messages.
pub fn releases_with_versions() -> String {
    Release::all()
        .map(|release| match release.versions() {
            [first, .., last] => format!("{release} ({first} to {last})"),
            _ => release.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
