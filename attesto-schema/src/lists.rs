//! The comma-separated lists SQL is made of (quoted names, placeholders),
//! as `Display` values that `format!` writes.
//!
//! Why `Display`: attesto-macros renders this SQL inside the compiler on
//! every build, and cargo compiles proc macros unoptimised in dev builds,
//! while std comes compiled optimised. An unoptimised `String::push_str`
//! costs a few hundred instructions a call, and a list pushed piece by
//! piece, or collected and joined, cost the expansion more than all of its
//! formatting. Written through a `Formatter`, the appending is std's own.

use std::fmt::{self, Write as _};

use crate::dialect::Dialect;
use crate::model::Column;

/// Something with an SQL name.
pub(crate) trait Named {
    /// The unquoted name.
    fn sql_name(&self) -> &str;
}

impl Named for &str {
    fn sql_name(&self) -> &str {
        self
    }
}

impl Named for Column {
    fn sql_name(&self) -> &str {
        self.name()
    }
}

/// `"a", "b"`: names quoted as identifiers of a dialect.
pub(crate) struct QuotedList<'a, N> {
    pub(crate) dialect: Dialect,
    pub(crate) names: &'a [N],
}

impl<N: Named> fmt::Display for QuotedList<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = self.dialect.quote_char();
        for (i, name) in self.names.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_char(q)?;
            f.write_str(name.sql_name())?;
            f.write_char(q)?;
        }
        Ok(())
    }
}

/// `$1, $2, $3`: the dialect's placeholders for `count` values.
pub(crate) struct Placeholders {
    pub(crate) dialect: Dialect,
    pub(crate) count: usize,
}

impl fmt::Display for Placeholders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for n in 1..=self.count {
            if n > 1 {
                f.write_str(", ")?;
            }
            f.write_str(&self.dialect.placeholder(n))?;
        }
        Ok(())
    }
}
