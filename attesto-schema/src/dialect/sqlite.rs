//! SQLite 3: one storage class per kind of value, numbered placeholders,
//! and a table rebuilt where `ALTER TABLE` cannot change a column.

use super::{Backend, Dialect, Forms};
use crate::model::LogicalType;

/// The catalog of the file's main schema: its tables (not SQLite's own),
/// `pragma_table_info`'s columns and primary key, and `pragma_index_list`'s
/// indexes (not the primary key's own) with the condition of a partial one
/// cut from its `CREATE INDEX`.
const CATALOG_SQL: &str = "SELECT 'table' || '\t' || m.name AS line FROM sqlite_master m \
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
UNION ALL \
SELECT 'column' || '\t' || m.name || '\t' || c.name || '\t' || c.type || '\t' || c.\"notnull\" || '\t' || '' \
|| '\t' || (c.dflt_value IS NOT NULL) || '\t' || COALESCE(c.dflt_value, '') \
FROM sqlite_master m JOIN pragma_table_info(m.name) c \
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
UNION ALL \
SELECT 'primary' || '\t' || m.name || '\t' || '' || '\t' || '1' || '\t' \
|| (SELECT group_concat(p.name, ',') FROM (SELECT c.name AS name FROM pragma_table_info(m.name) c \
WHERE c.pk > 0 ORDER BY c.pk) p) || '\t' || '0' || '\t' \
FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.pk > 0) \
UNION ALL \
SELECT 'index' || '\t' || m.name || '\t' || l.name || '\t' || l.\"unique\" || '\t' \
|| COALESCE((SELECT group_concat(x.name, ',') FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno) x), '') \
|| '\t' || l.partial || '\t' \
|| CASE WHEN l.partial THEN substr(i.sql, instr(upper(i.sql), ' WHERE ') + 7) ELSE '' END \
FROM sqlite_master m JOIN pragma_index_list(m.name) l \
LEFT JOIN sqlite_master i ON i.type = 'index' AND i.name = l.name \
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND l.origin <> 'pk'";

/// SQLite's forms.
pub(super) struct Sqlite;

impl Forms for Sqlite {
    /// SQLite has one writer at a time: a batch keeps the write lock for
    /// its own rows only, and other writers run between batches. By
    /// `rowid`, which every attesto table has.
    fn sweep_batch(&self, name: &str, condition: &str, _expires: &str, limit: &str) -> String {
        format!(
            "DELETE FROM {name} WHERE rowid IN (SELECT rowid FROM {name} WHERE {condition} LIMIT {limit})"
        )
    }

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

    fn catalog_sql(&self) -> &'static str {
        CATALOG_SQL
    }

    fn url_schemes(&self) -> &'static [&'static str] {
        &["sqlite"]
    }

    fn install_lock_doc(&self) -> &'static str {
        "on SQLite, `BEGIN IMMEDIATE`: the file's write lock, for the whole transaction, \
         waited for as long as the connection's busy timeout"
    }

    fn add_primary_key(&self, _table: &str, _columns: &str) -> Option<String> {
        None
    }

    fn adds_required_columns(&self) -> bool {
        false
    }

    fn server_dialect(&self, _server: &str) -> Dialect {
        Dialect::Sqlite
    }

    fn minus_seconds(&self, at: &str, seconds: &str) -> String {
        format!("datetime({at}, '-' || {seconds} || ' seconds')")
    }
}
