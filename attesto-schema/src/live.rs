//! What the generated `verify` and `ensure` call at run time, whatever the
//! driver: the invocation's release, dialect and prefix ([`Target`]), the
//! verdict on the catalog lines the driver read, and the error that says
//! what differs and what fixes it ([`VerifyError`]).
//!
//! A driver the macro does not integrate uses it the same way: run
//! [`Dialect::catalog_sql`], collect its one text column, and call
//! [`Target::verify`].

use std::fmt;

use crate::catalog::{Catalog, CatalogError};
use crate::dialect::Dialect;
use crate::model::Release;
use crate::prefix::PrefixError;
use crate::resolution::SearchPathProblem;
use crate::schema::Schema;
use crate::text::shown;
use crate::verify::{Difference, DifferenceKind, Identified, Verdict, upgrade_command};

/// The schema one invocation of the macro was built for: a release, a
/// dialect and a prefix.
///
/// ```
/// use attesto_schema::{Dialect, Target};
///
/// const TARGET: Target = Target::new(Dialect::Sqlite, "oauth_", "2.13.0");
/// let error = TARGET.verify::<std::convert::Infallible>(&[] as &[&str]).unwrap_err();
/// assert!(error.to_string().contains("holds no attesto table"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    dialect: Dialect,
    prefix: &'static str,
    release: &'static str,
    /// Whether the role must be able to write the tables (not for a
    /// read-only use: [`Target::read_only`]).
    writes: bool,
}

/// What `ensure` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ensured {
    /// No table of the invocation existed: it applied `UP_SQL`, and the
    /// database now holds the release exactly.
    Installed,
    /// The tables existed and hold the release exactly; nothing changed.
    Verified,
    /// An install had been interrupted (MySQL and MariaDB commit each DDL
    /// statement on its own): some of the release's tables existed, as
    /// `UP_SQL` creates them and empty; it created the others.
    Completed,
}

/// What `ensure` does next, after reading the catalog under its lock.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnsureStep {
    /// Apply `UP_SQL`, then verify.
    Install,
    /// Nothing: the database holds the release.
    Verified,
    /// Complete an interrupted install: create these tables of the release
    /// (the others exist, as `UP_SQL` creates them), once the existing ones
    /// are found empty.
    Complete(Vec<String>),
}

/// Why `verify` or `ensure` refused: the database (`E`, the driver's
/// error), or a database that does not hold the release.
///
/// Its `Debug` is its `Display`, so that an error returned from `main`
/// prints as a sentence, not as nested structs; `{:#?}` gives the
/// structure.
#[non_exhaustive]
pub enum VerifyError<E> {
    /// The driver failed: connecting, reading the catalog, installing.
    Database(E),
    /// The catalog's rows did not read as the dialect's statement writes
    /// them.
    Catalog(CatalogError),
    /// The database does not hold the release.
    Mismatch(Box<Mismatch>),
    /// Another session held the install lock for the whole wait: 60
    /// seconds on PostgreSQL (`INSTALL_LOCK_TRIES` tries), MySQL and
    /// MariaDB (`GET_LOCK` timed out).
    Locked,
    /// The server is not one the invocation's dialect runs on: a
    /// `dialect = "mariadb"` invocation on MySQL 8.
    Server(ServerMismatch),
    /// The stores' statements would not reach the tables (PostgreSQL's
    /// search path): nothing is read or installed.
    SearchPath(SearchPathProblem),
    /// An interrupted install whose existing tables hold rows: `ensure`
    /// completes an interrupted install only when they are empty.
    Interrupted(Box<Interrupted>),
}

/// The tables an install of `schema` that stopped part-way left missing,
/// when `differences` are exactly that: an install where DDL commits each
/// statement on its own (MySQL and MariaDB; elsewhere an install is all or
/// nothing), whose tables come in `UP_SQL`'s order, so that the ones that
/// exist are the first and the missing ones the last. Anything else is
/// damage.
pub(crate) fn interrupted_install(
    schema: &Schema,
    differences: &[Difference],
) -> Option<Vec<String>> {
    if schema.dialect().transactional_ddl() || differences.is_empty() {
        return None;
    }
    if differences
        .iter()
        .any(|d| d.kind != DifferenceKind::MissingTable)
    {
        return None;
    }
    let order: Vec<String> = schema
        .tables()
        .into_iter()
        .map(|t| schema.table_name(t))
        .collect();
    let missing: Vec<String> = differences.iter().map(|d| d.table.clone()).collect();
    let suffix = &order[order.len().saturating_sub(missing.len())..];
    (suffix == missing.as_slice() && missing.len() < order.len()).then_some(missing)
}

impl Schema {
    /// The tables an install of this schema that stopped part-way left
    /// missing, when `differences` (a comparison with this schema) are
    /// exactly that; `None` when they are anything else, or where an
    /// install is all or nothing (PostgreSQL, SQLite).
    pub fn interrupted_install(&self, differences: &[Difference]) -> Option<Vec<String>> {
        interrupted_install(self, differences)
    }
}

/// An interrupted install that `ensure` does not complete by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Interrupted {
    /// The release being installed.
    pub release: Release,
    /// The dialect.
    pub dialect: Dialect,
    /// The prefix.
    pub prefix: String,
    /// The release's tables that are missing.
    pub missing: Vec<String>,
    /// An existing table that holds rows.
    pub with_rows: String,
}

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "attesto: the {} database holds an interrupted install of release {}: {} of its tables \
             are missing ({}), the others are as UP_SQL creates them, and {} holds rows, so `ensure` \
             does not complete it by itself\n  fix: create the missing tables (each row struct's \
             CREATE_SQL, or their statements in the output of `attesto schema --dialect {} \
             --table-prefix '{}' --version {}`), then start again",
            self.dialect.product(),
            self.release,
            self.missing.len(),
            self.missing.join(", "),
            self.with_rows,
            self.dialect.name(),
            self.prefix,
            self.release
        )
    }
}

/// A server whose SQL the invocation's dialect does not speak.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerMismatch {
    /// The invocation's dialect.
    pub dialect: Dialect,
    /// The server's `VERSION()`.
    pub server: String,
    /// The dialect to build with for that server.
    pub use_dialect: Dialect,
}

impl fmt::Display for ServerMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "attesto: this service was built for {} (dialect = {:?}), and the server is {} ({}), \
             which does not run its statements\n  fix: build it with dialect = {:?}",
            self.dialect.product(),
            self.dialect.name(),
            self.use_dialect.product(),
            shown(&self.server),
            self.use_dialect.name()
        )
    }
}

/// A database that does not hold the release it was verified against.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Mismatch {
    /// The release expected.
    pub expected: Release,
    /// The dialect.
    pub dialect: Dialect,
    /// The prefix.
    pub prefix: String,
    /// The comparison with the expected release.
    pub verdict: Verdict,
    /// The release the database holds, or the nearest.
    pub found: Identified,
}

impl Mismatch {
    /// The differences from the expected release (empty when no table is
    /// there).
    pub fn differences(&self) -> &[Difference] {
        match &self.verdict {
            Verdict::Mismatch(d) => d,
            Verdict::Match | Verdict::Absent { .. } => &[],
        }
    }

    /// Whether the database holds no attesto table with the prefix.
    pub fn is_absent(&self) -> bool {
        matches!(self.verdict, Verdict::Absent { .. })
    }

    /// The tables of the release that are missing, when nothing else
    /// differs: an install that stopped part-way (MySQL and MariaDB commit
    /// each DDL statement on its own), which `ensure` completes.
    pub fn interrupted(&self) -> Option<Vec<String>> {
        // Not a database exactly at another release, which the upgrade
        // command fixes.
        if self.found.verdict == Verdict::Match {
            return None;
        }
        let schema = Schema::at_release(self.dialect, &self.prefix, self.expected).ok()?;
        interrupted_install(&schema, self.differences())
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let product = self.dialect.product();
        let prefix = &self.prefix;
        match &self.verdict {
            Verdict::Match => write!(
                f,
                "attesto: the {product} database holds release {} exactly",
                self.expected
            ),
            Verdict::Absent { other_prefixes } => {
                write!(
                    f,
                    "attesto: the {product} database holds no attesto table with prefix {prefix:?}"
                )?;
                if !other_prefixes.is_empty() {
                    let shown: Vec<String> =
                        other_prefixes.iter().map(|p| format!("{p:?}")).collect();
                    write!(
                        f,
                        "; it has attesto tables with prefix {}: is the prefix right?",
                        shown.join(", ")
                    )?;
                }
                write!(
                    f,
                    "\n  fix: run `ensure`, or apply UP_SQL (release {})",
                    self.expected
                )
            }
            Verdict::Mismatch(_) if self.interrupted().is_some() => {
                let missing = self.interrupted().unwrap_or_default();
                write!(
                    f,
                    "attesto: the {product} database (prefix {prefix:?}) holds an interrupted install of \
                     release {}: {} of its tables are missing ({}), and the others are as UP_SQL creates \
                     them\n  fix: run `ensure`, which completes it when those are empty",
                    self.expected,
                    missing.len(),
                    missing.join(", ")
                )
            }
            Verdict::Mismatch(differences) => {
                let found = self.found.release;
                let exact = self.found.verdict == Verdict::Match;
                if found == self.expected && !exact {
                    // Everything of the release is there but something
                    // else differs (a privilege, an extra index): saying
                    // "does not hold release X, the nearest is X" would
                    // read as a contradiction.
                    write!(
                        f,
                        "attesto: the {product} database (prefix {prefix:?}) holds release {}'s tables, \
                         with {} difference(s)",
                        self.expected,
                        differences.len()
                    )?;
                } else {
                    write!(
                        f,
                        "attesto: the {product} database (prefix {prefix:?}) does not hold release {}: ",
                        self.expected
                    )?;
                }
                if exact {
                    write!(f, "it holds release {found} exactly")?;
                } else if found != self.expected {
                    write!(
                        f,
                        "{} difference(s); the nearest release is {found}",
                        differences.len()
                    )?;
                }
                for difference in differences {
                    write!(f, "\n  - {difference}")?;
                }
                if exact && found < self.expected {
                    match Schema::at_release(self.dialect, prefix, self.expected) {
                        Ok(schema) => write!(
                            f,
                            "\n  fix: upgrade it with the migration `{}` writes",
                            upgrade_command(&schema, found)
                        ),
                        Err(_) => Ok(()),
                    }
                } else if exact {
                    write!(
                        f,
                        "\n  fix: build this service for release {found} (version = \"{found}\"), or move the database back"
                    )
                } else {
                    Ok(())
                }
            }
        }
    }
}

impl<E: fmt::Display> fmt::Display for VerifyError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Database(e) => write!(f, "attesto: the database failed: {e}"),
            VerifyError::Catalog(e) => e.fmt(f),
            VerifyError::Mismatch(m) => m.fmt(f),
            VerifyError::Locked => f.write_str(
                "attesto: another session held the install lock for the whole wait; is another `ensure` stuck?",
            ),
            VerifyError::Server(m) => m.fmt(f),
            VerifyError::SearchPath(p) => p.fmt(f),
            VerifyError::Interrupted(i) => i.fmt(f),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> fmt::Debug for VerifyError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return fmt::Display::fmt(self, f);
        }
        match self {
            VerifyError::Database(e) => f.debug_tuple("Database").field(e).finish(),
            VerifyError::Catalog(e) => f.debug_tuple("Catalog").field(e).finish(),
            VerifyError::Mismatch(m) => f.debug_tuple("Mismatch").field(m).finish(),
            VerifyError::Locked => f.write_str("Locked"),
            VerifyError::Server(m) => f.debug_tuple("Server").field(m).finish(),
            VerifyError::SearchPath(p) => f.debug_tuple("SearchPath").field(p).finish(),
            VerifyError::Interrupted(i) => f.debug_tuple("Interrupted").field(i).finish(),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for VerifyError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            VerifyError::Database(e) => Some(e),
            VerifyError::Catalog(e) => Some(e),
            VerifyError::Mismatch(_)
            | VerifyError::Locked
            | VerifyError::Server(_)
            | VerifyError::SearchPath(_)
            | VerifyError::Interrupted(_) => None,
        }
    }
}

impl Target {
    /// The schema of the release first installed by attesto_phoenix
    /// `release` (as [`Release::version`] spells it), in `dialect`, with
    /// `prefix`.
    pub const fn new(dialect: Dialect, prefix: &'static str, release: &'static str) -> Target {
        Target {
            dialect,
            prefix,
            release,
            writes: true,
        }
    }

    /// The target of a use that only reads: the session's role needs no
    /// `INSERT`, `UPDATE` or `DELETE` on the tables. Verify a read-only
    /// service with it, on the rows of the dialect's catalog statement:
    /// `db::TARGET.read_only().verify(&lines)`.
    pub const fn read_only(self) -> Target {
        Target {
            writes: false,
            ..self
        }
    }

    /// The dialect.
    pub const fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The schema, bound. Fails only for a target that no macro writes (an
    /// unknown release, an invalid prefix).
    pub fn schema(&self) -> Result<Schema, PrefixError> {
        let release = Release::named(self.release).unwrap_or_else(Release::latest);
        Schema::at_release(self.dialect, self.prefix, release)
    }

    /// The verdict on `lines` (the rows of [`Dialect::catalog_sql`]).
    fn mismatch<E>(&self, lines: &[impl AsRef<str>]) -> Result<Option<Mismatch>, VerifyError<E>> {
        let catalog = Catalog::from_lines(self.dialect, lines).map_err(VerifyError::Catalog)?;
        if let Some(server) = catalog.server() {
            if let Err(use_dialect) = self.dialect.runs_on(server) {
                return Err(VerifyError::Server(ServerMismatch {
                    dialect: self.dialect,
                    server: server.to_owned(),
                    use_dialect,
                }));
            }
        }
        let schema = self
            .schema()
            .map_err(|e| VerifyError::Catalog(CatalogError::target(e.to_string())))?;
        catalog
            .resolution(&schema)
            .map_err(VerifyError::SearchPath)?;
        let verdict = match catalog.compare(&schema) {
            Verdict::Mismatch(differences) if !self.writes => {
                let kept: Vec<Difference> = differences
                    .into_iter()
                    .filter(|d| d.kind != DifferenceKind::MissingWritePrivilege)
                    .collect();
                if kept.is_empty() {
                    Verdict::Match
                } else {
                    Verdict::Mismatch(kept)
                }
            }
            verdict => verdict,
        };
        if verdict == Verdict::Match {
            return Ok(None);
        }
        let found = catalog
            .identify(self.dialect, self.prefix)
            .map_err(|e| VerifyError::Catalog(CatalogError::target(e.to_string())))?;
        Ok(Some(Mismatch {
            expected: schema.release(),
            dialect: self.dialect,
            prefix: self.prefix.to_owned(),
            verdict,
            found,
        }))
    }

    /// `Ok` when `lines`, the rows of [`Dialect::catalog_sql`], describe a
    /// database that holds the release exactly; else the differences.
    pub fn verify<E>(&self, lines: &[impl AsRef<str>]) -> Result<(), VerifyError<E>> {
        match self.mismatch(lines)? {
            None => Ok(()),
            Some(m) => Err(VerifyError::Mismatch(Box::new(m))),
        }
    }

    /// What `ensure` does with a database whose catalog is `lines`: install
    /// when no attesto table with the prefix exists, nothing when the
    /// release is there, complete an install that stopped part-way (the
    /// release's tables missing, nothing else differing), refuse otherwise.
    #[doc(hidden)]
    pub fn ensure_step<E>(&self, lines: &[impl AsRef<str>]) -> Result<EnsureStep, VerifyError<E>> {
        match self.mismatch(lines)? {
            None => Ok(EnsureStep::Verified),
            Some(m) if m.is_absent() => Ok(EnsureStep::Install),
            Some(m) => match m.interrupted() {
                Some(missing) => Ok(EnsureStep::Complete(missing)),
                None => Err(VerifyError::Mismatch(Box::new(m))),
            },
        }
    }

    /// The refusal of an interrupted install that `ensure` found `table`
    /// holding rows in; `missing` are the release's tables it lacks.
    #[doc(hidden)]
    pub fn interrupted_with_rows<E>(&self, table: &str, missing: &[String]) -> VerifyError<E> {
        VerifyError::Interrupted(Box::new(Interrupted {
            release: Release::named(self.release).unwrap_or_else(Release::latest),
            dialect: self.dialect,
            prefix: self.prefix.to_owned(),
            missing: missing.to_vec(),
            with_rows: table.to_owned(),
        }))
    }

    /// Whether `lines`, the answer of a try of the install lock, say it was
    /// taken (`1`).
    #[doc(hidden)]
    pub fn lock_taken(&self, lines: &[impl AsRef<str>]) -> bool {
        lines.first().map(AsRef::as_ref) == Some("1")
    }

    /// `Ok` when `lines`, the answer of the install lock's statement, say
    /// the lock was taken (MySQL's `GET_LOCK` answers `1`).
    #[doc(hidden)]
    pub fn locked<E>(&self, lines: &[impl AsRef<str>]) -> Result<(), VerifyError<E>> {
        match lines.first().map(AsRef::as_ref) {
            Some("1") => Ok(()),
            _ => Err(VerifyError::Locked),
        }
    }
}
