//! Table-name prefix validation: fail closed, never normalise.

use std::fmt;

use crate::dialect::Dialect;
use crate::text::shown;

/// What a valid prefix looks like, for messages.
pub const PREFIX_GRAMMAR: &str = "a table prefix is empty or matches ^[a-z_][a-z0-9_]*$ (lowercase ASCII letters, digits and underscores, not starting with a digit)";

/// Why a table-name prefix was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PrefixError {
    /// The prefix does not match the grammar `""` or `^[a-z_][a-z0-9_]*$`.
    Invalid {
        /// The refused prefix, as given.
        prefix: String,
        /// The offending character.
        found: char,
        /// Its byte offset in the prefix.
        at: usize,
    },
    /// The prefix makes a derived identifier longer than the dialect keeps.
    TooLong {
        /// The refused prefix, as given.
        prefix: String,
        /// The longest identifier it produces.
        identifier: String,
        /// The dialect whose limit is exceeded.
        dialect: Dialect,
        /// The dialect's limit in bytes.
        limit: usize,
        /// The longest prefix the dialect allows, in bytes.
        max_prefix_len: usize,
    },
}

impl fmt::Display for PrefixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrefixError::Invalid { prefix, found, at } => {
                write!(f, "invalid table prefix {}: ", shown(prefix))?;
                if *at == 0 && found.is_ascii_digit() {
                    write!(f, "it starts with the digit '{found}'")?;
                } else if found.is_ascii_uppercase() {
                    write!(f, "it contains the uppercase letter '{found}' at byte {at}")?;
                } else {
                    write!(f, "it contains {found:?} at byte {at}")?;
                }
                write!(f, "; {PREFIX_GRAMMAR}")
            }
            PrefixError::TooLong {
                prefix,
                identifier,
                dialect,
                limit,
                max_prefix_len,
            } => write!(
                f,
                "table prefix {} makes the identifier {} {} bytes long, \
                 over the {limit}-byte limit of {} ({}); \
                 use a prefix of at most {max_prefix_len} bytes",
                shown(prefix),
                shown(identifier),
                identifier.len(),
                dialect.product(),
                dialect.over_limit(),
            ),
        }
    }
}

impl std::error::Error for PrefixError {}

/// Checks `prefix` against the grammar `""` or `^[a-z_][a-z0-9_]*$`.
pub fn validate_prefix(prefix: &str) -> Result<(), PrefixError> {
    for (at, c) in prefix.char_indices() {
        let ok = c.is_ascii_lowercase() || c == '_' || (at > 0 && c.is_ascii_digit());
        if !ok {
            return Err(PrefixError::Invalid {
                prefix: prefix.to_owned(),
                found: c,
                at,
            });
        }
    }
    Ok(())
}

/// Checks that `prefix` keeps every identifier derived with it (`longest`
/// is the longest of them) within the dialect's length limit.
pub(crate) fn check_length(
    dialect: Dialect,
    prefix: &str,
    longest: Option<String>,
) -> Result<(), PrefixError> {
    let (Some(limit), Some(longest)) = (dialect.max_identifier_len(), longest) else {
        return Ok(());
    };
    if longest.len() <= limit {
        return Ok(());
    }
    Err(PrefixError::TooLong {
        prefix: prefix.to_owned(),
        max_prefix_len: limit.saturating_sub(longest.len() - prefix.len()),
        identifier: longest,
        dialect,
        limit,
    })
}
