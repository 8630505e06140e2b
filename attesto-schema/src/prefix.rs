//! Table-name prefix validation: fail closed, never normalise.

use std::fmt;

use crate::dialect::Dialect;
use crate::schema::Schema;

/// What a valid prefix looks like, for messages.
pub const PREFIX_GRAMMAR: &str = "a table prefix is empty or matches ^[a-z_][a-z0-9_]*$ (lowercase ASCII letters, digits and underscores, not starting with a digit)";

/// Why a table-name prefix was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrefixError {
    /// The prefix does not match the grammar `""` or `^[a-z_][a-z0-9_]*$`.
    Invalid {
        /// The refused prefix, as given.
        prefix: String,
        /// What in it is wrong.
        reason: String,
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
            PrefixError::Invalid { prefix, reason } => {
                write!(
                    f,
                    "invalid table prefix {prefix:?}: {reason}; {PREFIX_GRAMMAR}"
                )
            }
            PrefixError::TooLong {
                prefix,
                identifier,
                dialect,
                limit,
                max_prefix_len,
            } => write!(
                f,
                "table prefix {prefix:?} makes the identifier {identifier:?} {} bytes long, \
                 over the {limit}-byte limit of {} (which would silently truncate it); \
                 use a prefix of at most {max_prefix_len} bytes",
                identifier.len(),
                dialect.product(),
            ),
        }
    }
}

impl std::error::Error for PrefixError {}

/// Checks `prefix` against the grammar `""` or `^[a-z_][a-z0-9_]*$`.
pub fn validate_prefix(prefix: &str) -> Result<(), PrefixError> {
    let invalid = |reason: String| PrefixError::Invalid {
        prefix: prefix.to_owned(),
        reason,
    };
    for (at, c) in prefix.char_indices() {
        let ok = c.is_ascii_lowercase() || c == '_' || (at > 0 && c.is_ascii_digit());
        if ok {
            continue;
        }
        let reason = if at == 0 && c.is_ascii_digit() {
            format!("it starts with the digit '{c}'")
        } else if c.is_ascii_uppercase() {
            format!("it contains the uppercase letter '{c}' at byte {at}")
        } else {
            format!("it contains {c:?} at byte {at}")
        };
        return Err(invalid(reason));
    }
    Ok(())
}

/// Checks that the schema's prefix keeps every identifier it derives within
/// the dialect's length limit. Assumes the grammar was checked.
pub(crate) fn check_length(schema: &Schema) -> Result<(), PrefixError> {
    let dialect = schema.dialect();
    let Some(limit) = dialect.max_identifier_len() else {
        return Ok(());
    };
    let Some(longest) = schema
        .tables()
        .into_iter()
        .flat_map(|table| schema.identifiers(table))
        .max_by_key(String::len)
    else {
        return Ok(());
    };
    if longest.len() <= limit {
        return Ok(());
    }
    let prefix = schema.prefix();
    Err(PrefixError::TooLong {
        prefix: prefix.to_owned(),
        max_prefix_len: limit.saturating_sub(longest.len() - prefix.len()),
        identifier: longest,
        dialect,
        limit,
    })
}
