//! PostgreSQL: the dialect of upstream's own migration.

use super::{Backend, Dialect, Forms, standard_default_sql};
use crate::model::{ColumnDefault, LogicalType};

/// The namespace of upstream's refresh-family advisory lock
/// (`0x4154_5246`, "ATRF"): Rust and Elixir nodes must take the same lock.
pub const FAMILY_LOCK_NAMESPACE: i32 = 0x4154_5246;

/// The namespace of the advisory lock `ensure` takes while it looks and
/// installs (`0x4154_494E`, "ATIN"), keyed by the prefix's `hashtext`.
pub const INSTALL_LOCK_NAMESPACE: i32 = 0x4154_494E;

/// The catalog of the current schema: ordinary and partitioned tables,
/// their live columns with `format_type`'s type and `pg_get_expr`'s
/// default, and every index, the primary key's marked.
const CATALOG_SQL: &str = "SELECT 'table' || '\t' || c.relname AS line \
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
UNION ALL \
SELECT concat_ws('\t', 'column', c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), \
CASE WHEN a.attnotnull THEN '1' ELSE '0' END, '', CASE WHEN d.adbin IS NULL THEN '0' ELSE '1' END, \
COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid), '')) \
FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped \
UNION ALL \
SELECT concat_ws('\t', CASE WHEN x.indisprimary THEN 'primary' ELSE 'index' END, t.relname, i.relname, \
CASE WHEN x.indisunique THEN '1' ELSE '0' END, \
(SELECT string_agg(pg_catalog.pg_get_indexdef(x.indexrelid, k, true), ',' ORDER BY k) \
FROM generate_series(1, x.indnkeyatts) k), \
CASE WHEN x.indpred IS NULL THEN '0' ELSE '1' END, COALESCE(pg_catalog.pg_get_expr(x.indpred, x.indrelid), '')) \
FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid \
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace \
WHERE n.nspname = current_schema() \
UNION ALL \
SELECT concat_ws('\t', 'privileges', c.relname, \
CASE WHEN pg_catalog.has_table_privilege(c.oid, 'SELECT') THEN '1' ELSE '0' END, \
CASE WHEN pg_catalog.has_table_privilege(c.oid, 'INSERT') THEN '1' ELSE '0' END, \
CASE WHEN pg_catalog.has_table_privilege(c.oid, 'UPDATE') THEN '1' ELSE '0' END, \
CASE WHEN pg_catalog.has_table_privilege(c.oid, 'DELETE') THEN '1' ELSE '0' END) \
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
UNION ALL \
SELECT concat_ws('\t', 'schema', COALESCE(current_schema(), ''), current_user, \
array_to_string(current_schemas(false), ','), current_setting('search_path')) \
UNION ALL \
SELECT concat_ws('\t', 'elsewhere', n.nspname, c.relname, \
CASE WHEN n.nspname = ANY (current_schemas(false)) THEN '1' ELSE '0' END) \
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
WHERE c.relkind IN ('r', 'p') AND n.nspname IS DISTINCT FROM current_schema() \
AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' \
AND (c.relname LIKE '%attesto\\_%' OR c.relname LIKE '%dpop\\_%')";

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

    fn catalog_sql(&self) -> &'static str {
        CATALOG_SQL
    }

    fn catalog_type(&self, ty: LogicalType) -> &'static str {
        use LogicalType::*;
        // `format_type`'s spelling.
        match ty {
            Hash => "character varying(88)",
            Ident => "character varying(255)",
            Short => "character varying(16)",
            Text => "text",
            Strings => "character varying(255)[]",
            Json => "jsonb",
            Timestamp => "timestamp(0) without time zone",
            TimestampUsec => "timestamp without time zone",
            Uuid => "uuid",
            Int => "integer",
            BigInt => "bigint",
            Bool => "boolean",
        }
    }

    fn catalog_default(&self, default: ColumnDefault) -> String {
        // `pg_get_expr`'s spelling, casts included.
        match default {
            ColumnDefault::EmptyStrings => "ARRAY[]::character varying[]".to_owned(),
            ColumnDefault::EmptyObject => "'{}'::jsonb".to_owned(),
            ColumnDefault::Int(n) => n.to_string(),
            ColumnDefault::Bool(b) => b.to_string(),
            ColumnDefault::Text(s) => format!("'{s}'::character varying"),
        }
    }

    fn url_schemes(&self) -> &'static [&'static str] {
        &["postgres", "postgresql"]
    }

    fn install_lock_doc(&self) -> &'static str {
        "on PostgreSQL, a transaction-level advisory lock (`INSTALL_LOCK_SQL`), tried every \
         100 ms, each try a transaction of its own, for 60 seconds at most"
    }

    fn server_dialect(&self, _server: &str) -> Dialect {
        Dialect::Postgres
    }

    /// A transaction-level advisory lock, tried (`'1'` when taken): the
    /// transaction's end releases it, whatever happens to the caller, and
    /// `ensure` tries again after a pause ([`Forms::install_wait`]) rather
    /// than wait without bound on a replica frozen while it holds it.
    fn install_lock(&self, prefix: &str) -> Option<String> {
        Some(format!(
            "SELECT CASE WHEN pg_try_advisory_xact_lock({INSTALL_LOCK_NAMESPACE}, hashtext('{prefix}')) \
             THEN '1' ELSE '0' END AS line"
        ))
    }

    fn install_wait(&self) -> Option<&'static str> {
        Some("SELECT pg_sleep(0.1)")
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
