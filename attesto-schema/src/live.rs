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
use crate::schema::Schema;
use crate::text::shown;
use crate::verify::{Difference, Identified, Verdict, upgrade_command};

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
}

/// What `ensure` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ensured {
    /// No table of the invocation existed: it applied `UP_SQL`, and the
    /// database now holds the release exactly.
    Installed,
    /// The tables existed and hold the release exactly; nothing changed.
    Verified,
}

/// What `ensure` does next, after reading the catalog under its lock.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnsureStep {
    /// Apply `UP_SQL`, then verify.
    Install,
    /// Nothing: the database holds the release.
    Verified,
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
    /// Another session held the install lock for the whole wait (MySQL,
    /// MariaDB: `GET_LOCK` timed out).
    Locked,
    /// The server is not one the invocation's dialect runs on: a
    /// `dialect = "mariadb"` invocation on MySQL 8.
    Server(ServerMismatch),
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
            Verdict::Mismatch(differences) => {
                let found = self.found.release;
                let exact = self.found.verdict == Verdict::Match;
                write!(
                    f,
                    "attesto: the {product} database (prefix {prefix:?}) does not hold release {}: ",
                    self.expected
                )?;
                if exact {
                    write!(f, "it holds release {found} exactly")?;
                } else {
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
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for VerifyError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            VerifyError::Database(e) => Some(e),
            VerifyError::Catalog(e) => Some(e),
            VerifyError::Mismatch(_) | VerifyError::Locked | VerifyError::Server(_) => None,
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
        let verdict = catalog.compare(&schema);
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
    /// release is there, refuse otherwise.
    #[doc(hidden)]
    pub fn ensure_step<E>(&self, lines: &[impl AsRef<str>]) -> Result<EnsureStep, VerifyError<E>> {
        match self.mismatch(lines)? {
            None => Ok(EnsureStep::Verified),
            Some(m) if m.is_absent() => Ok(EnsureStep::Install),
            Some(m) => Err(VerifyError::Mismatch(Box::new(m))),
        }
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
