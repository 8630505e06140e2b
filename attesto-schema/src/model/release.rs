//! Schema releases: the schemas attesto_phoenix has installed, each named
//! by the first published version that installs it.

use std::cmp::Ordering;
use std::fmt;

/// A schema release: the schema that a run of attesto_phoenix versions
/// installs, named by the first of them (`"0.6.0"` covers 0.6.0 to 0.6.6).
///
/// Releases are ordered: a later release compares greater. Which versions
/// map to which release is data ([`crate::Version`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Release {
    ordinal: u8,
    version: &'static str,
}

impl Release {
    /// The `ordinal`th release (oldest first), first installed by `version`.
    pub(crate) const fn new(ordinal: u8, version: &'static str) -> Release {
        Release { ordinal, version }
    }

    /// The first attesto_phoenix version that installs this schema, which
    /// names the release, e.g. `"0.18.0"`.
    pub const fn version(self) -> &'static str {
        self.version
    }

    /// The position among the releases, oldest first, for lookups.
    pub(crate) const fn ordinal(self) -> usize {
        self.ordinal as usize
    }

    /// The version with dots as underscores, for file and migration names.
    pub fn slug(self) -> String {
        self.version.replace('.', "_")
    }
}

impl PartialOrd for Release {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Release {
    fn cmp(&self, other: &Self) -> Ordering {
        self.ordinal.cmp(&other.ordinal)
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.version)
    }
}
