//! SQL dialects and how each renders the logical types and defaults.

use std::fmt;
use std::str::FromStr;

use crate::model::{ColumnDefault, LogicalType};

/// A SQL dialect the schema can be rendered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dialect {
    /// PostgreSQL (the dialect of the Elixir generator).
    #[default]
    Postgres,
    /// SQLite 3.
    Sqlite,
}

impl Dialect {
    /// Every dialect, in the order they are documented.
    pub const ALL: [Dialect; 2] = [Dialect::Postgres, Dialect::Sqlite];

    /// The name used in arguments and flags: `postgres` or `sqlite`.
    pub const fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// The product name, for messages.
    pub const fn product(self) -> &'static str {
        match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::Sqlite => "SQLite",
        }
    }

    /// The dialect named `name` (exactly as [`Dialect::name`] spells it).
    pub fn from_name(name: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The longest identifier, in bytes, the dialect keeps intact; `None`
    /// when it sets no practical limit. PostgreSQL silently truncates
    /// longer names, which would break the index names the stores match.
    pub const fn max_identifier_len(self) -> Option<usize> {
        match self {
            Dialect::Postgres => Some(63),
            Dialect::Sqlite => None,
        }
    }

    /// The SQL type a logical type is stored as.
    ///
    /// SQLite has no length limits, arrays, JSON, UUID or timestamp types:
    /// strings, lists and JSON are `TEXT` (lists and objects as JSON text),
    /// timestamps are ISO 8601 `TEXT`, UUIDs are 16-byte `BLOB`s and
    /// booleans are `BOOLEAN` holding 0 or 1, which is what sqlx and
    /// rusqlite read and write for those Rust types.
    pub const fn sql_type(self, ty: LogicalType) -> &'static str {
        use LogicalType::*;
        match self {
            Dialect::Postgres => match ty {
                Hash => "varchar(88)",
                Ident => "varchar(255)",
                Short => "varchar(16)",
                Text => "text",
                Strings => "varchar(255)[]",
                Json => "jsonb",
                Timestamp => "timestamp(0)",
                TimestampUsec => "timestamp",
                Uuid => "uuid",
                Int => "integer",
                BigInt => "bigint",
                Bool => "boolean",
            },
            Dialect::Sqlite => match ty {
                Hash | Ident | Short | Text | Strings | Json | Timestamp | TimestampUsec => "TEXT",
                Uuid => "BLOB",
                Int | BigInt => "INTEGER",
                Bool => "BOOLEAN",
            },
        }
    }

    /// The SQL expression of a default value.
    pub fn default_sql(self, default: ColumnDefault) -> String {
        match (self, default) {
            (Dialect::Postgres, ColumnDefault::EmptyStrings) => "ARRAY[]::varchar[]".to_owned(),
            (Dialect::Sqlite, ColumnDefault::EmptyStrings) => "'[]'".to_owned(),
            (_, ColumnDefault::EmptyObject) => "'{}'".to_owned(),
            (_, ColumnDefault::Int(n)) => n.to_string(),
            (Dialect::Postgres, ColumnDefault::Bool(b)) => b.to_string(),
            (Dialect::Sqlite, ColumnDefault::Bool(b)) => {
                if b { "TRUE" } else { "FALSE" }.to_owned()
            }
            (_, ColumnDefault::Text(s)) => format!("'{s}'"),
        }
    }

    /// The bind-parameter placeholder for the 1-based position `n`:
    /// `$n` for PostgreSQL, `?n` for SQLite.
    pub fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Postgres => format!("${n}"),
            Dialect::Sqlite => format!("?{n}"),
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing a dialect name that is not one of [`Dialect::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDialect(pub String);

impl fmt::Display for UnknownDialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown dialect {:?}; expected one of ", self.0)?;
        for (i, d) in Dialect::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "\"{}\"", d.name())?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownDialect {}

impl FromStr for Dialect {
    type Err = UnknownDialect;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dialect::from_name(s).ok_or_else(|| UnknownDialect(s.to_owned()))
    }
}
