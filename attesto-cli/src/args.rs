//! The command line: its commands, options and help, parsed by clap.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use attesto_schema::Dialect;
use attesto_schema::MigrationFormat;
use attesto_schema::Version;
use attesto_schema::validate_prefix;

/// What the exit codes mean, for every command's help.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success (for check: the migration matches; for status: the database
     holds the release asked for, or without --version a release exactly)
  1  check found drift: the migration differs from what attesto generates;
     status found a mismatch, or no attesto table
  2  usage error: an unknown option, a missing or invalid value (an
     invalid or over-long --table-prefix included)
  3  failure: a file could not be read or written, the configuration is
     invalid, or the migration already exists; status could not connect
     to the database or read its catalog
  4  check found nothing to check: no migrations directory, or no
     attesto migration in it";

/// Where the prefix comes from when `--table-prefix` is not given: a
/// manifest's metadata or a config file, as the macro reads them.
fn prefix_sources(command: Command) -> Command {
    command        .arg(
            Arg::new("manifest-path")
                .long("manifest-path")
                .value_name("PATH")
                .value_parser(value_parser!(PathBuf))
                .help("Cargo.toml whose [package.metadata.<key>] holds table_prefix [default: ./Cargo.toml when present]"),
        )
        .arg(
            Arg::new("config")
                .long("config")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("TOML file whose [<key>] table holds table_prefix"),
        )
        .arg(
            Arg::new("config-key")
                .long("config-key")
                .value_name("KEY")
                .help("The config table's key [default: attesto]"),
        )
}

/// The options every command shares: which schema, in which dialect,
/// with which prefix.
fn schema_options(command: Command) -> Command {
    let command = command
        .arg(
            Arg::new("table-prefix")
                .long("table-prefix")
                .value_name("P")
                .allow_hyphen_values(false)
                .value_parser(|s: &str| validate_prefix(s).map(|()| s.to_owned()))
                .help("Table-name prefix (wins over any configuration; \"\" for none)"),
        )
        .arg(
            Arg::new("dialect")
                .long("dialect")
                .value_name("D")
                .value_parser(
                    PossibleValuesParser::new(Dialect::ALL.map(Dialect::name))
                        .try_map(|s| s.parse::<Dialect>()),
                )
                .help("SQL dialect [default: postgres]"),
        )
        .arg(
            Arg::new("version")
                .long("version")
                .value_name("V")
                .value_parser(|s: &str| s.parse::<Version>())
                .help("attesto_phoenix version whose schema to install or upgrade to [default: the latest]"),
        );
    prefix_sources(command)
}

/// The options of the commands that handle a migration: the schema's, and
/// where an upgrade starts.
fn migration_options(command: Command) -> Command {
    schema_options(command).arg(
        Arg::new("from")
            .long("from")
            .value_name("V")
            .value_parser(|s: &str| s.parse::<Version>())
            .help("Write the upgrade from the schema of attesto_phoenix version V"),
    )
}

/// What `attesto schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SchemaFormat {
    /// The up and down SQL.
    #[default]
    Sql,
    /// The model as JSON.
    Json,
    /// A Mermaid `erDiagram`.
    Mermaid,
}

impl SchemaFormat {
    /// Every format, in the order of the help.
    pub const ALL: [SchemaFormat; 3] =
        [SchemaFormat::Sql, SchemaFormat::Json, SchemaFormat::Mermaid];

    /// The name in `--format`.
    pub const fn name(self) -> &'static str {
        match self {
            SchemaFormat::Sql => "sql",
            SchemaFormat::Json => "json",
            SchemaFormat::Mermaid => "mermaid",
        }
    }
}

fn layout_options(command: Command) -> Command {
    command
        .arg(
            Arg::new("migrations-path")
                .long("migrations-path")
                .value_name("DIR")
                .value_parser(value_parser!(PathBuf))
                .help("Migrations directory [default: migrations]"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("F")
                .value_parser(
                    PossibleValuesParser::new(MigrationFormat::ALL.map(MigrationFormat::name))
                        .try_map(|s| MigrationFormat::from_name(&s).ok_or("unknown format")),
                )
                .help("Layout of the files [default: sqlx]"),
        )
}

/// What `attesto status` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFormat {
    /// Sentences, one difference a line.
    #[default]
    Text,
    /// One JSON object, for CI pipelines.
    Json,
}

/// `attesto status`'s options: the database, the prefix (resolved as the
/// other commands resolve it) and the release asked for.
#[cfg(feature = "status")]
fn status_command() -> Command {
    let command = Command::new("status")
        .about("Say which schema release a live database holds, or what differs from the one asked for")
        .long_about(
            "Connect to a live database (postgres://, mysql://, mariadb:// or sqlite: URL), read its \
             catalog, and say which attesto schema release its tables (with the prefix) hold exactly, \
             or the nearest release and each difference: its kind, table, detail, whether it breaks a \
             guarantee of the stores' operations, and what fixes it. With --version, compare with \
             that version's release only.",
        )
        .arg(
            Arg::new("database-url")
                .long("database-url")
                .value_name("URL")
                .required(true)
                .help("The database: postgres://..., mysql://..., mariadb://... or sqlite:PATH"),
        )
        .arg(
            Arg::new("table-prefix")
                .long("table-prefix")
                .value_name("P")
                .value_parser(|s: &str| validate_prefix(s).map(|()| s.to_owned()))
                .help("Table-name prefix (wins over any configuration; \"\" for none)"),
        )
        .arg(
            Arg::new("version")
                .long("version")
                .value_name("V")
                .value_parser(|s: &str| s.parse::<Version>())
                .help("attesto_phoenix version whose schema the database must hold [default: any]"),
        )
        .arg(
            Arg::new("status-format")
                .long("format")
                .value_name("F")
                .value_parser(["text", "json"])
                .help("What to print [default: text]"),
        );
    prefix_sources(command).after_help(EXIT_CODES)
}

/// Without the `status` feature there are no drivers: `status` says what it
/// needs instead.
#[cfg(not(feature = "status"))]
fn status_command() -> Command {
    Command::new("status")
        .hide(true)
        .about("Needs attesto-cli's default feature `status`, which brings its database drivers")
}

/// The whole command line.
pub fn command() -> Command {
    Command::new("attesto")
        .about("Writes and checks migration files of the attesto schema (the tables of attesto_phoenix's stores), and prints the schema")
        .version(version_text())
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Print the version and the schema releases it knows"),
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .after_help(EXIT_CODES)
        .subcommand(
            layout_options(migration_options(Command::new("gen-migration")))
                .about("Write the migration that installs the schema (or, with --from, upgrades it) into a migrations directory")
                .long_about(
                    "Write the migration that installs the attesto schema (or, with --from, upgrades \
                     it) into a migrations directory, as frozen files that start with a header naming \
                     what produced them. It writes nothing when the migration already exists there.",
                )
                .after_help(EXIT_CODES),
        )
        .subcommand(
            schema_options(Command::new("schema"))
                .about("Print the schema: its SQL, its model as JSON, or a Mermaid diagram")
                .long_about(
                    "Print the schema of one release, in one dialect, with one prefix: the up and \
                     down SQL (sql), the model as JSON with every table, column, SQL type in each \
                     dialect, key and index (json), or a Mermaid erDiagram of the tables and the \
                     values they share (mermaid).",
                )
                .arg(
                    Arg::new("schema-format")
                        .long("format")
                        .value_name("F")
                        .value_parser(
                            PossibleValuesParser::new(SchemaFormat::ALL.map(SchemaFormat::name))
                                .try_map(|s| {
                                    SchemaFormat::ALL
                                        .into_iter()
                                        .find(|f| f.name() == s)
                                        .ok_or("unknown format")
                                }),
                        )
                        .help("What to print [default: sql]"),
                )
                .after_help(EXIT_CODES),
        )
        .subcommand(
            status_command()
        )
        .subcommand(
            layout_options(migration_options(Command::new("check")))
                .about("Compare a migration on disk with what attesto generates")
                .long_about(
                    "Compare a migration on disk with what attesto generates, and print a diff when \
                     they differ. PATH is the migration's up file or diesel directory (default: the \
                     migration found in --migrations-path). Without options that choose the migration, \
                     it is regenerated from the file's header.",
                )
                .arg(
                    Arg::new("path")
                        .value_name("PATH")
                        .value_parser(value_parser!(PathBuf))
                        .help("The migration's up file or diesel directory"),
                )
                .after_help(EXIT_CODES),
        )
}

/// `--version`: the tool's version and what it knows.
fn version_text() -> String {
    format!(
        "{} (schema releases {} to {}, attesto_phoenix {} to {})",
        env!("CARGO_PKG_VERSION"),
        attesto_schema::Release::all()
            .next()
            .map(|r| r.version())
            .unwrap_or_default(),
        attesto_schema::Release::latest(),
        Version::all()
            .next()
            .map(Version::as_str)
            .unwrap_or_default(),
        Version::latest()
    )
}

/// Everything the command line says about one migration.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub table_prefix: Option<String>,
    pub dialect: Option<Dialect>,
    pub version: Option<Version>,
    pub from: Option<Version>,
    pub migrations_path: Option<PathBuf>,
    pub format: Option<MigrationFormat>,
    pub manifest_path: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub config_key: Option<String>,
    pub path: Option<PathBuf>,
    pub schema_format: Option<SchemaFormat>,
    #[cfg_attr(not(feature = "status"), allow(dead_code))]
    pub database_url: Option<String>,
    #[cfg_attr(not(feature = "status"), allow(dead_code))]
    pub status_format: Option<StatusFormat>,
}

impl Options {
    /// The options of a subcommand's matches.
    pub fn from_matches(matches: &ArgMatches) -> Options {
        // Each command has its own options: an option it lacks is absent.
        let path = |id: &str| matches.try_get_one::<PathBuf>(id).ok().flatten().cloned();
        Options {
            table_prefix: matches
                .try_get_one::<String>("table-prefix")
                .ok()
                .flatten()
                .cloned(),
            dialect: matches
                .try_get_one::<Dialect>("dialect")
                .ok()
                .flatten()
                .copied(),
            version: matches
                .try_get_one::<Version>("version")
                .ok()
                .flatten()
                .copied(),
            from: matches
                .try_get_one::<Version>("from")
                .ok()
                .flatten()
                .copied(),
            migrations_path: path("migrations-path"),
            format: matches
                .try_get_one::<MigrationFormat>("format")
                .ok()
                .flatten()
                .copied(),
            manifest_path: path("manifest-path"),
            config: path("config"),
            config_key: matches
                .try_get_one::<String>("config-key")
                .ok()
                .flatten()
                .cloned(),
            path: path("path"),
            schema_format: matches
                .try_get_one::<SchemaFormat>("schema-format")
                .ok()
                .flatten()
                .copied(),
            database_url: matches
                .try_get_one::<String>("database-url")
                .ok()
                .flatten()
                .cloned(),
            status_format: matches
                .try_get_one::<String>("status-format")
                .ok()
                .flatten()
                .map(|f| {
                    if f == "json" {
                        StatusFormat::Json
                    } else {
                        StatusFormat::Text
                    }
                }),
        }
    }

    /// Whether any option that chooses the migration was given.
    pub fn chooses_migration(&self) -> bool {
        self.table_prefix.is_some()
            || self.dialect.is_some()
            || self.version.is_some()
            || self.from.is_some()
            || self.manifest_path.is_some()
            || self.config.is_some()
            || self.config_key.is_some()
    }
}
