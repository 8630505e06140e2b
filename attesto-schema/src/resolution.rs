//! Where a session's unqualified names resolve, against where the tables
//! are (PostgreSQL's search path): the stores' statements name their
//! tables without a schema, so they read and write whichever schema comes
//! first on the session's search path, and `CREATE TABLE` goes to the first
//! that exists (`current_schema()`). When the tables are in another schema
//! of the path than that one, an install would put a second, empty set in
//! front of them; when no schema of the path is usable, nothing can be
//! read or created. Both are refused, naming the schemas and the fix.

use std::fmt;

use crate::catalog::{Catalog, SearchPath};
use crate::schema::Schema;

/// Why the stores' statements would not reach the tables of the release.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SearchPathProblem {
    /// No schema of the search path exists, or the role may use none.
    NoSchema {
        /// The search path, as set.
        setting: String,
        /// The session's role.
        role: String,
        /// The schemas where the release's tables are, if anywhere.
        tables_in: Vec<String>,
    },
    /// The release's tables are in another schema than the one names
    /// resolve to first.
    Elsewhere {
        /// The schema names resolve to first, where an install would go.
        current: String,
        /// The search path, as set.
        setting: String,
        /// The session's role.
        role: String,
        /// The schemas where the release's tables are.
        tables_in: Vec<String>,
    },
}

impl fmt::Display for SearchPathProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchPathProblem::NoSchema {
                setting,
                role,
                tables_in,
            } => {
                write!(
                    f,
                    "attesto: no schema of the search path ({setting}) exists or may be used by role {role:?}, \
                     so the stores' tables can be neither read nor created"
                )?;
                if !tables_in.is_empty() {
                    write!(f, "; they are in schema {}", quoted_list(tables_in))?;
                }
                write!(
                    f,
                    "\n  fix: set the search path to the tables' schema (ALTER ROLE {role} SET search_path = {}), \
                     or create the first schema of the path, or GRANT USAGE ON SCHEMA to {role}",
                    tables_in.first().map_or("public", String::as_str)
                )
            }
            SearchPathProblem::Elsewhere {
                current,
                setting,
                role,
                tables_in,
            } => {
                let first = tables_in.first().map_or("public", String::as_str);
                write!(
                    f,
                    "attesto: the search path ({setting}) resolves to schema {current:?} first, which does \
                     not hold the stores' tables; schema {} does. The statements would miss them, and an \
                     install would put a second, empty set in {current:?}, so nothing is read or installed\
                     \n  fix: put {first:?} first on the search path (ALTER ROLE {role} SET search_path = {first}, \
                     or the connection's options), or move the tables into {current:?} \
                     (ALTER TABLE {first}.<table> SET SCHEMA {current}, for each table)",
                    quoted_list(tables_in)
                )
            }
        }
    }
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("{i:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Catalog {
    /// Whether the stores' statements, naming their tables without a
    /// schema, reach `schema`'s tables: `Ok` where the catalog says nothing
    /// of a search path (SQLite, MySQL), or names resolve to the schema
    /// that holds them, or no schema of the path holds any of them.
    pub fn resolution(&self, schema: &Schema) -> Result<(), SearchPathProblem> {
        let Some(path) = self.search_path() else {
            return Ok(());
        };
        let names: Vec<String> = schema
            .tables()
            .into_iter()
            .map(|t| schema.table_name(t))
            .collect();
        let mut tables_in: Vec<String> = Vec::new();
        for found in self.elsewhere() {
            if names.contains(&found.table) && !tables_in.contains(&found.schema) {
                tables_in.push(found.schema.clone());
            }
        }
        let SearchPath {
            current,
            role,
            setting,
            ..
        } = path;
        let Some(current) = current else {
            return Err(SearchPathProblem::NoSchema {
                setting: setting.clone(),
                role: role.clone(),
                tables_in,
            });
        };
        // A table of the release missing here and present elsewhere: the
        // statements (and an install) would not reach the one that is.
        let split = self
            .elsewhere()
            .iter()
            .any(|found| names.contains(&found.table) && self.table(&found.table).is_none());
        if split {
            return Err(SearchPathProblem::Elsewhere {
                current: current.clone(),
                setting: setting.clone(),
                role: role.clone(),
                tables_in,
            });
        }
        Ok(())
    }
}
