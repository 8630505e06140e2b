//! The names the macro accepts, as enums: adding a key is a compile-guided
//! edit, since every `match` on them is exhaustive.

use attesto_schema::LogicalType;

/// An argument of `attesto_migration!`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Argument {
    /// `prefix = "oauth_"`.
    Prefix,
    /// `dialect = "sqlite"`.
    Dialect,
    /// `dialects("postgres", "sqlite")`.
    Dialects,
    /// `version = "2.13.0"`.
    Version,
    /// `from = "0.19.0"`.
    From,
    /// `config = "attesto.toml"`.
    Config,
    /// `config_key = "attesto"`.
    ConfigKey,
    /// `migrations_path = "migrations"`.
    MigrationsPath,
    /// `derive(Path, ...)`.
    Derive,
    /// `types(key = Type, ...)`.
    Types,
    /// `attrs(#[...] ...)`.
    Attrs,
    /// `field_attrs(key = #[...], ...)`.
    FieldAttrs,
    /// `integrations(sqlx, ...)`.
    Integrations,
    /// `tracing`: a span per operation, events for what a monitor wants.
    Tracing,
}

/// How an argument's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `key = "string"`.
    String,
    /// `key(...)`.
    List,
    /// `key`, alone.
    Flag,
}

impl Argument {
    /// Every argument, in the order the documentation lists them.
    pub const ALL: [Argument; 14] = [
        Argument::Prefix,
        Argument::Dialect,
        Argument::Dialects,
        Argument::Version,
        Argument::From,
        Argument::Config,
        Argument::ConfigKey,
        Argument::MigrationsPath,
        Argument::Derive,
        Argument::Types,
        Argument::Attrs,
        Argument::FieldAttrs,
        Argument::Integrations,
        Argument::Tracing,
    ];

    /// The argument's name.
    pub const fn name(self) -> &'static str {
        match self {
            Argument::Prefix => "prefix",
            Argument::Dialect => "dialect",
            Argument::Dialects => "dialects",
            Argument::Version => "version",
            Argument::From => "from",
            Argument::Config => "config",
            Argument::ConfigKey => "config_key",
            Argument::MigrationsPath => "migrations_path",
            Argument::Derive => "derive",
            Argument::Types => "types",
            Argument::Attrs => "attrs",
            Argument::FieldAttrs => "field_attrs",
            Argument::Integrations => "integrations",
            Argument::Tracing => "tracing",
        }
    }

    /// How the value is written.
    pub const fn shape(self) -> Shape {
        match self {
            Argument::Prefix
            | Argument::Dialect
            | Argument::Version
            | Argument::From
            | Argument::Config
            | Argument::ConfigKey
            | Argument::MigrationsPath => Shape::String,
            Argument::Dialects
            | Argument::Derive
            | Argument::Types
            | Argument::Attrs
            | Argument::FieldAttrs
            | Argument::Integrations => Shape::List,
            Argument::Tracing => Shape::Flag,
        }
    }

    /// An example of the whole argument, for messages.
    pub const fn example(self) -> &'static str {
        match self {
            Argument::Prefix => "prefix = \"oauth_\"",
            Argument::Dialect => "dialect = \"sqlite\"",
            Argument::Dialects => "dialects(\"postgres\", \"sqlite\")",
            Argument::Version => "version = \"2.13.0\"",
            Argument::From => "from = \"0.19.0\"",
            Argument::Config => "config = \"attesto.toml\"",
            Argument::ConfigKey => "config_key = \"attesto\"",
            Argument::MigrationsPath => "migrations_path = \"migrations\"",
            Argument::Derive => "derive(Debug, serde::Serialize)",
            Argument::Types => "types(timestamp = chrono::NaiveDateTime)",
            Argument::Attrs => "attrs(#[serde(deny_unknown_fields)])",
            Argument::FieldAttrs => "field_attrs(json = #[serde(default)])",
            Argument::Integrations => "integrations(sqlx)",
            Argument::Tracing => "tracing",
        }
    }

    /// The argument named `name`.
    pub fn from_name(name: &str) -> Option<Argument> {
        Argument::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A key of `types(...)` and `field_attrs(...)`: a group of columns by
/// logical type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKey {
    /// `timestamp(0)` columns, and `timestamp` ones unless `timestamp_usec`
    /// is given.
    Timestamp,
    /// `timestamp` (microsecond) columns.
    TimestampUsec,
    /// `jsonb` columns.
    Json,
    /// `uuid` columns.
    Uuid,
    /// `varchar(255)[]` columns.
    Strings,
}

impl TypeKey {
    /// Every key, in the order the documentation lists them.
    pub const ALL: [TypeKey; 5] = [
        TypeKey::Timestamp,
        TypeKey::TimestampUsec,
        TypeKey::Json,
        TypeKey::Uuid,
        TypeKey::Strings,
    ];

    /// The key's name.
    pub const fn name(self) -> &'static str {
        match self {
            TypeKey::Timestamp => "timestamp",
            TypeKey::TimestampUsec => "timestamp_usec",
            TypeKey::Json => "json",
            TypeKey::Uuid => "uuid",
            TypeKey::Strings => "strings",
        }
    }

    /// The columns the key covers, for messages.
    pub const fn description(self) -> &'static str {
        match self {
            TypeKey::Timestamp => {
                "timestamp(0) columns, and timestamp ones unless `timestamp_usec` is given"
            }
            TypeKey::TimestampUsec => "timestamp (microsecond) columns",
            TypeKey::Json => "jsonb columns",
            TypeKey::Uuid => "uuid columns",
            TypeKey::Strings => "varchar(255)[] columns",
        }
    }

    /// The key named `name`.
    pub fn from_name(name: &str) -> Option<TypeKey> {
        TypeKey::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The key whose type a column of logical type `ty` gets, if any; the
    /// other columns have fixed primitive types.
    pub const fn of(ty: LogicalType) -> Option<TypeKey> {
        match ty {
            LogicalType::Timestamp => Some(TypeKey::Timestamp),
            LogicalType::TimestampUsec => Some(TypeKey::TimestampUsec),
            LogicalType::Json => Some(TypeKey::Json),
            LogicalType::Uuid => Some(TypeKey::Uuid),
            LogicalType::Strings => Some(TypeKey::Strings),
            _ => None,
        }
    }
}

/// A database library whose glue the expansion writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Integration {
    /// sqlx 0.9: `FromRow`, and queries that bind themselves.
    Sqlx,
    /// postgres 0.19: `TryFrom<&Row>` and `params()`.
    Postgres,
    /// tokio-postgres 0.7: as `postgres`.
    TokioPostgres,
    /// rusqlite 0.39: `TryFrom<&Row>` and `params()`.
    Rusqlite,
    /// diesel 2.3: `table!` and the derives.
    Diesel,
    /// sea-orm 2: an entity per table.
    SeaOrm,
}

impl Integration {
    /// Every integration, in the order the documentation lists them.
    pub const ALL: [Integration; 6] = [
        Integration::Sqlx,
        Integration::Postgres,
        Integration::TokioPostgres,
        Integration::Rusqlite,
        Integration::Diesel,
        Integration::SeaOrm,
    ];

    /// The name in `integrations(...)`, which is also the crate's name.
    pub const fn name(self) -> &'static str {
        match self {
            Integration::Sqlx => "sqlx",
            Integration::Postgres => "postgres",
            Integration::TokioPostgres => "tokio_postgres",
            Integration::Rusqlite => "rusqlite",
            Integration::Diesel => "diesel",
            Integration::SeaOrm => "sea_orm",
        }
    }

    /// The integration named `name`.
    pub fn from_name(name: &str) -> Option<Integration> {
        Integration::ALL.into_iter().find(|i| i.name() == name)
    }
}
