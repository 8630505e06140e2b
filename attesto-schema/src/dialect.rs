//! SQL dialects and how each renders identifiers, logical types, defaults
//! and placeholders.

use std::fmt;
use std::str::FromStr;

use crate::model::{ColumnDefault, LogicalType};
use crate::text::shown;

/// A SQL dialect the schema can be rendered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dialect {
    /// PostgreSQL (the dialect of the Elixir generator).
    #[default]
    Postgres,
    /// SQLite 3.
    Sqlite,
    /// MySQL 8 and MariaDB 10.11 (InnoDB, `utf8mb4`).
    Mysql,
}

impl Dialect {
    /// Every dialect, in the order they are documented.
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::Sqlite, Dialect::Mysql];

    /// The name used in arguments and flags: `postgres`, `sqlite` or
    /// `mysql`.
    pub const fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Sqlite => "sqlite",
            Dialect::Mysql => "mysql",
        }
    }

    /// The product name, for messages.
    pub const fn product(self) -> &'static str {
        match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::Sqlite => "SQLite",
            Dialect::Mysql => "MySQL",
        }
    }

    /// The dialect named `name` (exactly as [`Dialect::name`] spells it).
    pub fn from_name(name: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The longest identifier, in bytes, the dialect accepts intact; `None`
    /// when it sets no practical limit. PostgreSQL silently truncates
    /// longer names, which would break the index names the stores match;
    /// MySQL and MariaDB refuse them.
    pub const fn max_identifier_len(self) -> Option<usize> {
        match self {
            Dialect::Postgres => Some(63),
            Dialect::Sqlite => None,
            Dialect::Mysql => Some(64),
        }
    }

    /// What the dialect does with an identifier over its limit, for
    /// messages.
    pub const fn over_limit(self) -> &'static str {
        match self {
            Dialect::Postgres => "which would silently truncate it",
            Dialect::Sqlite | Dialect::Mysql => "which would refuse it",
        }
    }

    /// `name` as a quoted identifier: `"name"`, or `` `name` `` in MySQL.
    /// Names are table, column and index names of the model and validated
    /// prefixes, which never hold a quote.
    pub fn quote(self, name: &str) -> String {
        let q = self.quote_char();
        let mut quoted = String::with_capacity(name.len() + 2);
        quoted.push(q);
        quoted.push_str(name);
        quoted.push(q);
        quoted
    }

    /// The identifier quote character.
    pub const fn quote_char(self) -> char {
        match self {
            Dialect::Postgres | Dialect::Sqlite => '"',
            Dialect::Mysql => '`',
        }
    }

    /// The SQL type a logical type is stored as.
    ///
    /// SQLite has no length limits, arrays, JSON, UUID or timestamp types:
    /// strings, lists and JSON are `TEXT` (lists and objects as JSON text),
    /// timestamps are ISO 8601 `TEXT`, UUIDs are 16-byte `BLOB`s and
    /// booleans are `BOOLEAN` holding 0 or 1, which is what sqlx and
    /// rusqlite read and write for those Rust types. MySQL has no arrays:
    /// lists are `json`, as are objects; timestamps are `datetime` and
    /// `datetime(6)`; UUIDs are `binary(16)`, as Ecto's MySQL adapter, sqlx
    /// and sea-orm store them.
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
            Dialect::Mysql => match ty {
                Hash => "varchar(88)",
                Ident => "varchar(255)",
                Short => "varchar(16)",
                Text => "text",
                Strings | Json => "json",
                Timestamp => "datetime",
                TimestampUsec => "datetime(6)",
                Uuid => "binary(16)",
                Int => "int",
                BigInt => "bigint",
                Bool => "boolean",
            },
        }
    }

    /// The SQL expression of a default value.
    ///
    /// MySQL 8 takes a default on a `json` column only as an expression in
    /// parentheses, which MariaDB accepts too.
    pub fn default_sql(self, default: ColumnDefault) -> String {
        match (self, default) {
            (Dialect::Postgres, ColumnDefault::EmptyStrings) => "ARRAY[]::varchar[]".to_owned(),
            (Dialect::Sqlite, ColumnDefault::EmptyStrings) => "'[]'".to_owned(),
            (Dialect::Mysql, ColumnDefault::EmptyStrings) => "('[]')".to_owned(),
            (Dialect::Mysql, ColumnDefault::EmptyObject) => "('{}')".to_owned(),
            (_, ColumnDefault::EmptyObject) => "'{}'".to_owned(),
            (_, ColumnDefault::Int(n)) => n.to_string(),
            (Dialect::Postgres, ColumnDefault::Bool(b)) => b.to_string(),
            (Dialect::Sqlite | Dialect::Mysql, ColumnDefault::Bool(b)) => {
                if b { "TRUE" } else { "FALSE" }.to_owned()
            }
            (_, ColumnDefault::Text(s)) => format!("'{s}'"),
        }
    }

    /// The bind-parameter placeholder for the 1-based position `n`: `$n`
    /// for PostgreSQL, `?n` for SQLite, `?` for MySQL (whose placeholders
    /// are bound in the order they appear).
    pub fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Postgres => format!("${n}"),
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Mysql => "?".to_owned(),
        }
    }

    /// Whether placeholders are numbered, so that one parameter can be
    /// used twice; MySQL's `?` are bound in order of appearance.
    pub const fn numbered_placeholders(self) -> bool {
        !matches!(self, Dialect::Mysql)
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing a dialect name that is not one of [`Dialect::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDialect {
    given: String,
}

impl UnknownDialect {
    /// The name as given.
    pub fn given(&self) -> &str {
        &self.given
    }
}

impl fmt::Display for UnknownDialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown dialect {}; expected one of ",
            shown(&self.given)
        )?;
        for (i, d) in Dialect::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "\"{}\"", d.name())?;
        }
        if matches!(
            self.given.as_str(),
            "mariadb" | "postgresql" | "pg" | "sqlite3"
        ) {
            let meant = match self.given.as_str() {
                "mariadb" => "mysql",
                "sqlite3" => "sqlite",
                _ => "postgres",
            };
            write!(f, " (did you mean \"{meant}\"?)")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownDialect {}

impl FromStr for Dialect {
    type Err = UnknownDialect;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dialect::from_name(s).ok_or_else(|| UnknownDialect {
            given: s.to_owned(),
        })
    }
}
