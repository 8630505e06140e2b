//! SQLite 3: one storage class per kind of value, numbered placeholders,
//! and a table rebuilt where `ALTER TABLE` cannot change a column.

use super::{Backend, Forms};
use crate::model::LogicalType;

/// SQLite's forms.
pub(super) struct Sqlite;

impl Forms for Sqlite {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn product(&self) -> &'static str {
        "SQLite"
    }

    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    /// No length limits, arrays, JSON, UUID or timestamp types: text,
    /// lists, JSON and ISO 8601 timestamps are `TEXT`, UUIDs 16-byte
    /// `BLOB`s, booleans 0 or 1.
    fn sql_type(&self, ty: LogicalType) -> &'static str {
        use LogicalType::*;
        match ty {
            Hash | Ident | Short | Text | Strings | Json | Timestamp | TimestampUsec => "TEXT",
            Uuid => "BLOB",
            Int | BigInt => "INTEGER",
            Bool => "BOOLEAN",
        }
    }

    fn placeholder(&self, n: usize) -> String {
        format!("?{n}")
    }

    /// SQLite's documented procedure instead: create the new table, copy
    /// the rows, drop the old one, rename, recreate the indexes.
    fn alters_nullability(&self) -> bool {
        false
    }

    /// SQLite has no procedural code: a named CHECK constraint on a
    /// scratch table carries the message into the error.
    fn guard_not_null(&self, sql: &mut String, table: &str, column: &str, message: &str) {
        let guard = self.quote("attesto_not_null_guard");
        sql.push_str(&format!(
            "DROP TABLE IF EXISTS temp.{guard};\n\
             CREATE TEMP TABLE {guard} (\"nulls\" INTEGER CONSTRAINT {} CHECK (\"nulls\" = 0));\n\
             INSERT INTO {guard} SELECT COUNT(*) FROM {table} WHERE {column} IS NULL;\n\
             DROP TABLE temp.{guard};\n",
            self.quote(&message.replace('"', "'"))
        ));
    }

    fn minus_seconds(&self, at: &str, seconds: &str) -> String {
        format!("datetime({at}, '-' || {seconds} || ' seconds')")
    }
}
