//! The data of the model: which schema releases attesto_phoenix published,
//! which of its versions install which release, and the tables, columns and
//! indexes of every release.
//!
//! This is the single source of truth: the SQL of every dialect and
//! release, the upgrades between releases and the row structs of the macro
//! all derive from it. It reads upstream's migration template
//! (`lib/mix/tasks/attesto_phoenix.gen.migration.ex`) as released at each
//! version; a new release is one edit here.

mod operations;
mod releases;
mod tables;

pub(crate) use releases::{PUBLISHED, RELEASES};
pub(crate) use tables::TABLES;
