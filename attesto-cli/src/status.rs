//! `attesto status`: connects to a live database, reads its catalog with
//! the dialect's statement, and says which release it holds, or what
//! differs from the one asked for.
//!
//! The drivers are sqlx's (PostgreSQL, MySQL/MariaDB, SQLite), on a
//! current-thread tokio runtime: the command makes one connection and one
//! query, so nothing more is needed. They are dependencies of the `status`
//! feature only, never of the library's defaults nor of the macro.

use std::io::Write;
use std::str::FromStr;

use sqlx::Connection as _;

use attesto_schema::Release;
use attesto_schema::Schema;
use attesto_schema::SearchPathProblem;
use attesto_schema::{Backend, Dialect};
use attesto_schema::{Catalog, CatalogError};
use attesto_schema::{Difference, Identified, Verdict};

use crate::args::StatusFormat;
use crate::{EXIT_DRIFT, EXIT_OK, EXIT_USAGE};

/// Exit code: the database could not be reached or read.
pub const EXIT_UNREACHABLE: i32 = 3;

/// The dialect a database URL's scheme names, or why none.
pub fn dialect_of(url: &str) -> Result<Dialect, String> {
    Dialect::of_url(url).ok_or_else(|| {
        let schemes: Vec<String> = Dialect::ALL
            .into_iter()
            .flat_map(Dialect::url_schemes)
            .map(|scheme| format!("{scheme}:"))
            .collect();
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        format!(
            "--database-url must start with one of {} (found {})",
            schemes.join(", "),
            attesto_schema::shown(scheme)
        )
    })
}

/// The rows of the dialect's catalog statement, read from `url`.
fn read_catalog(dialect: Dialect, url: &str) -> Result<Vec<String>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let sql = dialect.catalog_sql();
        // Each driver's connection is a type of its own: the one read, and
        // the close after it, written once for the three.
        macro_rules! read_with {
            ($connect:expr, $verb:literal) => {{
                let mut conn = $connect
                    .await
                    .map_err(|e| format!(concat!("cannot ", $verb, ": {}"), e))?;
                let lines = sqlx::query_scalar::<_, String>(sql)
                    .fetch_all(&mut conn)
                    .await;
                let _ = conn.close().await;
                lines
            }};
        }
        let options_error = |e: sqlx::Error| format!("cannot read the URL: {e}");
        // The driver is the family's: sqlx reads MySQL and MariaDB alike.
        let lines = match dialect.backend() {
            Backend::Postgres => read_with!(sqlx::PgConnection::connect(url), "connect"),
            Backend::Mysql => {
                let options =
                    sqlx::mysql::MySqlConnectOptions::from_str(url).map_err(options_error)?;
                read_with!(sqlx::MySqlConnection::connect_with(&options), "connect")
            }
            Backend::Sqlite => {
                // Never creates a file: a missing database is an error.
                let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                    .map_err(options_error)?
                    .read_only(true);
                read_with!(sqlx::SqliteConnection::connect_with(&options), "open")
            }
        };
        lines.map_err(|e| format!("cannot read the catalog: {e}"))
    })
}

/// What `status` found.
struct Report {
    dialect: Dialect,
    prefix: String,
    /// The release asked for (`--version`), if any.
    asked: Option<Release>,
    /// The release matched or nearest; `None` when no table is there.
    release: Option<Release>,
    verdict: Verdict,
    /// Why the statements would not reach the tables (PostgreSQL's search
    /// path), when they would not.
    search_path: Option<SearchPathProblem>,
    /// The release's missing tables, when an install of it stopped
    /// part-way and nothing else differs.
    interrupted: Option<Vec<String>>,
}

impl Report {
    fn status(&self) -> &'static str {
        if self.search_path.is_some() {
            return "search_path";
        }
        if self.interrupted.is_some() {
            return "interrupted";
        }
        match self.verdict {
            Verdict::Match => "match",
            Verdict::Absent { .. } => "absent",
            // `Mismatch`, and whatever a later attesto-schema adds (the
            // verdict is `non_exhaustive`): not a match.
            _ => "mismatch",
        }
    }

    fn differences(&self) -> &[Difference] {
        match &self.verdict {
            Verdict::Mismatch(d) => d,
            _ => &[],
        }
    }
}

/// Runs `attesto status` on `url` for `prefix` and, if given, `asked`.
pub fn run(
    url: &str,
    prefix: &str,
    asked: Option<Release>,
    format: StatusFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let dialect = match dialect_of(url) {
        Ok(dialect) => dialect,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return EXIT_USAGE;
        }
    };
    let lines = match read_catalog(dialect, url) {
        Ok(lines) => lines,
        Err(message) => {
            let _ = writeln!(
                err,
                "error: {} database at {url}: {message}",
                dialect.product()
            );
            return EXIT_UNREACHABLE;
        }
    };
    let report = match report(dialect, prefix, asked, &lines) {
        Ok(report) => report,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return EXIT_UNREACHABLE;
        }
    };
    let written = match format {
        StatusFormat::Text => write_text(&report, out),
        StatusFormat::Json => write_json(&report, out),
    };
    if written.is_err() {
        return EXIT_UNREACHABLE;
    }
    if report.verdict == Verdict::Match {
        EXIT_OK
    } else {
        EXIT_DRIFT
    }
}

fn report(
    dialect: Dialect,
    prefix: &str,
    asked: Option<Release>,
    lines: &[String],
) -> Result<Report, String> {
    let catalog = Catalog::from_lines(dialect, lines).map_err(|e: CatalogError| e.to_string())?;
    // A `mysql://` URL names MariaDB as well as MySQL: the server says
    // which it is, and its catalog is compared as that server's.
    let dialect = catalog
        .server()
        .map_or(dialect, |server| dialect.server_dialect(server));
    let latest = Schema::at_release(dialect, prefix, asked.unwrap_or_else(Release::latest))
        .map_err(|e| e.to_string())?;
    if let Err(problem) = catalog.resolution(&latest) {
        return Ok(Report {
            dialect,
            prefix: prefix.to_owned(),
            asked,
            release: None,
            verdict: Verdict::Absent {
                other_prefixes: Vec::new(),
            },
            search_path: Some(problem),
            interrupted: None,
        });
    }
    // An install of the release (asked, or the latest) that stopped
    // part-way (MySQL, MariaDB), and no release held exactly: its tables
    // missing, the others as UP_SQL creates them.
    if let Verdict::Mismatch(differences) = catalog.compare(&latest) {
        let exact = catalog
            .identify(dialect, prefix)
            .is_ok_and(|found| found.verdict == Verdict::Match);
        if let (false, Some(missing)) = (exact, latest.interrupted_install(&differences)) {
            return Ok(Report {
                dialect,
                prefix: prefix.to_owned(),
                asked,
                release: Some(latest.release()),
                verdict: Verdict::Mismatch(differences),
                search_path: None,
                interrupted: Some(missing),
            });
        }
    }
    let identified: Identified = catalog
        .identify(dialect, prefix)
        .map_err(|e| e.to_string())?;
    let (release, verdict) = match asked {
        Some(release) => {
            let schema = Schema::at_release(dialect, prefix, release).map_err(|e| e.to_string())?;
            let verdict = catalog.compare(&schema);
            let release = match verdict {
                Verdict::Absent { .. } => None,
                _ => Some(release),
            };
            (release, verdict)
        }
        None => {
            let release = match identified.verdict {
                Verdict::Absent { .. } => None,
                _ => Some(identified.release),
            };
            (release, identified.verdict.clone())
        }
    };
    Ok(Report {
        dialect,
        prefix: prefix.to_owned(),
        asked,
        release,
        verdict,
        search_path: None,
        interrupted: None,
    })
}

fn write_text(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let product = report.dialect.product();
    let prefix = &report.prefix;
    if let Some(problem) = &report.search_path {
        return writeln!(out, "{product} database, prefix {prefix:?}: {problem}");
    }
    if let (Some(missing), Some(release)) = (&report.interrupted, report.release) {
        return writeln!(
            out,
            "{product} database, prefix {prefix:?}: an interrupted install of release {release}: \
             {} of its tables are missing ({}), the others are as UP_SQL creates them; \
             the service's `ensure` completes it (when those are empty)",
            missing.len(),
            missing.join(", ")
        );
    }
    match (&report.verdict, report.release) {
        (Verdict::Match, Some(release)) => writeln!(
            out,
            "{product} database, prefix {prefix:?}: holds schema release {release} exactly (attesto_phoenix {})",
            release.versions().join(", ")
        ),
        (Verdict::Absent { other_prefixes }, _) => {
            writeln!(
                out,
                "{product} database, prefix {prefix:?}: no attesto table"
            )?;
            if !other_prefixes.is_empty() {
                let shown: Vec<String> = other_prefixes.iter().map(|p| format!("{p:?}")).collect();
                writeln!(
                    out,
                    "attesto tables with prefix {} exist: pass --table-prefix",
                    shown.join(", ")
                )?;
            }
            Ok(())
        }
        (_, release) => {
            let asked = report
                .asked
                .map_or_else(|| "any release".to_owned(), |r| format!("release {r}"));
            let nearest = release.map_or_else(String::new, |r| format!("; the nearest is {r}"));
            writeln!(
                out,
                "{product} database, prefix {prefix:?}: does not hold {asked}{nearest}"
            )?;
            for difference in report.differences() {
                writeln!(out, "  - {difference}")?;
            }
            Ok(())
        }
    }
}

fn write_json(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let other_prefixes = match &report.verdict {
        Verdict::Absent { other_prefixes } => other_prefixes.clone(),
        _ => Vec::new(),
    };
    let value = serde_json::json!({
        "status": report.status(),
        "message": report.search_path.as_ref().map(ToString::to_string),
        "missing_tables": report.interrupted,
        "release": report.release.map(Release::version),
        "versions": report.release.map_or(&[][..], Release::versions),
        "dialect": report.dialect.name(),
        "prefix": report.prefix,
        "expected": report.asked.map(Release::version),
        "other_prefixes": other_prefixes,
        "differences": report.differences(),
    });
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}
