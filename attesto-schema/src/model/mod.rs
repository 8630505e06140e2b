//! The vocabulary of the schema model: logical types, defaults, columns,
//! indexes, tables and releases.
//!
//! This layer knows nothing of the data (which tables exist, in which
//! release: `crate::data`), of SQL dialects or of files; every other layer
//! builds on it.

mod column;
mod index;
mod operation;
mod release;
mod table;
mod types;

pub use column::Column;
pub use index::{Index, Predicate};
pub use operation::{
    Alert, Cond, OpKind, Operation, Outcome, Param, ParamType, Seconds, Set, Time, Variant,
};
pub use release::Release;
pub use table::Table;
pub use types::{ColumnDefault, LogicalType};
