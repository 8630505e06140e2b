//! PostgreSQL: the dialect of upstream's own migration.

use super::{Backend, Forms, standard_default_sql};
use crate::model::{ColumnDefault, LogicalType};

/// The namespace of upstream's refresh-family advisory lock
/// (`0x4154_5246`, "ATRF"): Rust and Elixir nodes must take the same lock.
pub const FAMILY_LOCK_NAMESPACE: i32 = 0x4154_5246;

/// PostgreSQL's forms.
pub(super) struct Postgres;

impl Forms for Postgres {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn product(&self) -> &'static str {
        "PostgreSQL"
    }

    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn max_identifier_len(&self) -> Option<usize> {
        Some(63)
    }

    fn over_limit(&self) -> &'static str {
        "which would silently truncate it"
    }

    fn sql_type(&self, ty: LogicalType) -> &'static str {
        use LogicalType::*;
        match ty {
            Hash => "varchar(88)",
            Ident => "varchar(255)",
            Short => "varchar(16)",
            Text => "text",
            Strings => "varchar(255)[]",
            Json => "jsonb",
            Timestamp => "timestamp(0)",
            TimestampUsec => "timestamp",
            Uuid => "uuid",
            Int => "integer",
            BigInt => "bigint",
            Bool => "boolean",
        }
    }

    fn has_arrays(&self) -> bool {
        true
    }

    /// Arrays have a literal of their own; booleans are written as
    /// PostgreSQL prints them, as Ecto's migration does.
    fn default_sql(&self, default: ColumnDefault) -> String {
        match default {
            ColumnDefault::EmptyStrings => "ARRAY[]::varchar[]".to_owned(),
            ColumnDefault::Bool(b) => b.to_string(),
            ColumnDefault::EmptyObject | ColumnDefault::Int(_) | ColumnDefault::Text(_) => {
                standard_default_sql(default)
            }
        }
    }

    fn placeholder(&self, n: usize) -> String {
        format!("${n}")
    }

    fn guard_not_null(&self, sql: &mut String, table: &str, column: &str, message: &str) {
        sql.push_str(&format!(
            "DO $attesto$ BEGIN IF EXISTS (SELECT 1 FROM {table} WHERE {column} IS NULL) \
             THEN RAISE EXCEPTION '{}'; END IF; END $attesto$;\n",
            message.replace('\'', "''")
        ));
    }

    /// upstream's own lock, so that Rust and Elixir nodes exclude each
    /// other.
    fn family_lock(&self, family: &str) -> Option<String> {
        Some(format!(
            "SELECT pg_advisory_xact_lock({FAMILY_LOCK_NAMESPACE}, hashtext({family}))"
        ))
    }

    /// The casts give the parameters their types: `timestamp - interval`
    /// is ambiguous on an untyped parameter.
    fn minus_seconds(&self, at: &str, seconds: &str) -> String {
        let seconds = if seconds.starts_with('$') {
            format!("CAST({seconds} AS bigint)")
        } else {
            seconds.to_owned()
        };
        format!("(CAST({at} AS timestamp) - {seconds} * interval '1 second')")
    }
}
