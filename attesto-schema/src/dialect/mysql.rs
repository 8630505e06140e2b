//! MySQL 8 and MariaDB 10.11 (InnoDB, `utf8mb4`), two dialects of one
//! family: the same types, DDL and locking, and a flavor where their SQL
//! differs (how a statement runs under a strict `sql_mode`). Upstream does
//! not support them, so these forms are attesto's own.
//!
//! A server whose session is not in a strict `sql_mode` truncates an
//! over-long value, or stores a zero date, and reports success, so a key
//! written would not be found again. Two guards stand against it:
//!
//! - Every value is held to what its column keeps before it is bound
//!   ([`Forms::length_limit`] for text, the years 1 to 9999 for
//!   timestamps), whatever the session: nothing the server could cut
//!   reaches it.
//! - On MySQL 8, every statement that writes a value also runs in a
//!   strict `sql_mode` with the `SET_VAR` hint, which costs no round trip.
//!   MariaDB's equivalent, `SET STATEMENT sql_mode = ... FOR`, is not used.
//!   On a Galera cluster it made the old take order's double takes (below)
//!   more frequent: 3 of 8 runs, against 2 of 50 without it.
//!
//! What the family lacks, and what stands in for it:
//!
//! - No `UPDATE ... RETURNING` (MariaDB 10.11 neither) and no `DELETE ...
//!   RETURNING` (MySQL 8): a claim or a take reads its row first, without
//!   a lock, with what it is (`attesto_outcome`), and decodes it before
//!   anything is written; then one autocommit `UPDATE` or `DELETE` under
//!   the write's filter decides by its count. Two round trips, no
//!   transaction. A take of several rows deletes each by its primary key
//!   under the filter, so each count says who took that row. On Galera
//!   (MariaDB 10.11.19, galera 26.4.23) a certification abort that lands
//!   during a statement after a write in the same transaction can go
//!   unreported: an earlier order (`UPDATE`, read, `COMMIT`) let two nodes
//!   each take one code, in about 1 round in 150 of a race with fresh
//!   connections. An autocommit write is certified alone, so nothing
//!   follows it. After a write that found nothing, the read that tells the
//!   miss apart reads the row as it is now (`LOCK IN SHARE MODE`), not a
//!   caller's snapshot. MariaDB's `DELETE ... RETURNING` is not used
//!   ([`Forms::delete_returning`] says why).
//! - No `ON CONFLICT`: the duplicate-key error is the conflict, and an
//!   upsert is `ON DUPLICATE KEY UPDATE`.
//! - No advisory lock by name in a transaction: a family's insert comes
//!   before its check, which is a plain read, and takes no gap lock
//!   ([`Forms::family_check_after_insert`] says why a revocation cannot
//!   be missed and rotations cannot deadlock).
//! - A sweep walks the `expires_at` index in bounded batches
//!   ([`Forms::sweep_batch`]).
//! - The schema is attesto's own: `attesto_authorization_codes` has a
//!   primary key (`code_hash`) here, which a Galera cluster under
//!   `REQUIRED_PRIMARY_KEY` needs.
//! - No transactional DDL: every statement of an upgrade is guarded by the
//!   catalog (`information_schema`) or idempotent, so that an upgrade that
//!   failed part-way can be run again to completion; a table comes with its
//!   indexes in one `CREATE TABLE`, whole or not at all.
//! - No partial indexes: an index covers every row, NULLs included, which
//!   still serves `WHERE used_at IS NULL`.

use super::{Backend, Dialect, Exists, Forms, LengthLimit, LockingIndex, standard_default_sql};
use crate::model::{ColumnDefault, Index, LogicalType};

/// The forms of a dialect of the MySQL family.
pub(super) struct Mysql {
    flavor: Flavor,
}

/// Which server of the family.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    /// MySQL 8.
    Mysql8,
    /// MariaDB 10.11 and later.
    Mariadb,
}

/// MySQL 8's forms.
pub(super) const MYSQL: Mysql = Mysql {
    flavor: Flavor::Mysql8,
};

/// MariaDB's forms.
pub(super) const MARIADB: Mysql = Mysql {
    flavor: Flavor::Mariadb,
};

/// The catalog of the current database, one statement for MySQL 8 and
/// MariaDB alike: base tables, columns with their full type, `EXTRA` (MySQL
/// 8 marks an expression default there) and default, every index
/// (`PRIMARY` marked), the check constraints (MariaDB's `json` is a
/// `longtext` with a `json_valid` check; MySQL 8's `CHECK_CONSTRAINTS` has
/// no `TABLE_NAME`, so they are read through `TABLE_CONSTRAINTS`), and the
/// server's `VERSION()`, which tells MariaDB from MySQL.
const CATALOG_SQL: &str = "SELECT CAST(CONCAT('table', '\t', TABLE_NAME) AS CHAR) AS line \
FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' \
UNION ALL \
SELECT CAST(CONCAT_WS('\t', 'column', TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IF(IS_NULLABLE = 'NO', '1', '0'), \
EXTRA, IF(COLUMN_DEFAULT IS NULL, '0', '1'), COALESCE(COLUMN_DEFAULT, '')) AS CHAR) \
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
UNION ALL \
SELECT CAST(CONCAT_WS('\t', IF(INDEX_NAME = 'PRIMARY', 'primary', 'index'), TABLE_NAME, INDEX_NAME, \
IF(MIN(NON_UNIQUE) = 0, '1', '0'), GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ','), '0', '') AS CHAR) \
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() GROUP BY TABLE_NAME, INDEX_NAME \
UNION ALL \
SELECT CAST(CONCAT_WS('\t', 'check', t.TABLE_NAME, c.CHECK_CLAUSE) AS CHAR) \
FROM information_schema.TABLE_CONSTRAINTS t JOIN information_schema.CHECK_CONSTRAINTS c \
ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME \
WHERE t.TABLE_SCHEMA = DATABASE() AND t.CONSTRAINT_TYPE = 'CHECK' \
UNION ALL \
SELECT CAST(CONCAT('server', '\t', VERSION()) AS CHAR)";

/// Whether the `VERSION()` of a server, `server`, is MariaDB's
/// (`10.11.19-MariaDB-0+deb12u1`); MySQL's is a bare number (`8.4.3`).
pub(super) fn is_mariadb(server: &str) -> bool {
    server.to_ascii_lowercase().contains("mariadb")
}

/// How long `ensure` waits for another's install lock, in seconds.
const INSTALL_LOCK_WAIT: u32 = 60;

/// The name of the install lock of `prefix`'s tables in the current
/// database (`GET_LOCK` names are server-wide, at most 64 characters).
fn install_lock_name(prefix: &str) -> String {
    format!("LEFT(CONCAT('attesto install ', DATABASE(), ' {prefix}'), 64)")
}

/// The `sql_mode` of every statement that writes a value on MySQL 8: strict, so that
/// a value a column cannot hold is an error rather than truncated, and no
/// zero date is stored. The modes that change how SQL parses are not
/// needed: the statements do not depend on them.
const STRICT_MODE: &str = "STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";

impl Forms for Mysql {
    fn name(&self) -> &'static str {
        match self.flavor {
            Flavor::Mysql8 => "mysql",
            Flavor::Mariadb => "mariadb",
        }
    }

    fn product(&self) -> &'static str {
        match self.flavor {
            Flavor::Mysql8 => "MySQL",
            Flavor::Mariadb => "MariaDB",
        }
    }

    fn backend(&self) -> Backend {
        Backend::Mysql
    }

    fn max_identifier_len(&self) -> Option<usize> {
        Some(64)
    }

    fn quote_char(&self) -> char {
        '`'
    }

    /// No arrays: lists are `json`, as objects are; timestamps `datetime`
    /// and `datetime(6)`; UUIDs `binary(16)`, as Ecto's MySQL adapter, sqlx
    /// and sea-orm store them.
    fn sql_type(&self, ty: LogicalType) -> &'static str {
        use LogicalType::*;
        match ty {
            Hash => "varchar(88)",
            Ident => "varchar(255)",
            Short => "varchar(16)",
            Text => "text",
            Strings | Json => "json",
            Timestamp => "datetime",
            TimestampUsec => "datetime(6)",
            Uuid => "binary(16)",
            Int => "int",
            BigInt => "bigint",
            Bool => "boolean",
        }
    }

    /// MySQL 8 takes a default on a `json` column only as an expression in
    /// parentheses, which MariaDB accepts too.
    fn default_sql(&self, default: ColumnDefault) -> String {
        match default {
            ColumnDefault::EmptyStrings => "('[]')".to_owned(),
            ColumnDefault::EmptyObject => "('{}')".to_owned(),
            ColumnDefault::Int(_) | ColumnDefault::Bool(_) | ColumnDefault::Text(_) => {
                standard_default_sql(default)
            }
        }
    }

    /// `?`, bound in the order of appearance.
    fn placeholder(&self, _n: usize) -> String {
        "?".to_owned()
    }

    fn numbered_placeholders(&self) -> bool {
        false
    }

    /// MySQL names every primary key `PRIMARY`, whatever it is told.
    fn primary_key_clause(&self, _name: Option<&str>, columns: &str) -> String {
        format!("PRIMARY KEY ({columns})")
    }

    /// The indexes inside `CREATE TABLE`: one statement, which MySQL
    /// (whose DDL does not roll back) does whole or not at all.
    fn inline_index(&self, index: &Index, table: &str) -> Option<String> {
        let unique = if index.is_unique() { "UNIQUE " } else { "" };
        let columns: Vec<String> = index.columns().iter().map(|c| self.quote(c)).collect();
        Some(format!(
            "{unique}KEY {} ({})",
            self.quote(&index.name(table)),
            columns.join(", ")
        ))
    }

    /// Byte-wise comparison, as PostgreSQL's equality: two jti or nonce
    /// values that differ in case are different keys.
    fn table_options(&self) -> &'static str {
        " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
    }

    fn partial_indexes(&self) -> bool {
        false
    }

    fn transactional_ddl(&self) -> bool {
        false
    }

    /// Idempotent: modifying a column to what it is already changes
    /// nothing.
    fn relax_not_null(&self, table: &str, _column: &str, def: &str) -> String {
        format!("ALTER TABLE {table} MODIFY COLUMN {def};\n")
    }

    fn restore_not_null(&self, table: &str, _column: &str, def: &str) -> String {
        format!("ALTER TABLE {table} MODIFY COLUMN {def};\n")
    }

    /// Run only when the catalog says so: re-running the migration skips
    /// what an earlier, interrupted run already did.
    fn guarded(&self, sql: &mut String, exists: Exists<'_>, when_exists: bool, ddl: &str) {
        let condition = match exists {
            Exists::Column { table, column } => format!(
                "EXISTS (SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
                 AND TABLE_NAME = '{table}' AND COLUMN_NAME = '{column}')"
            ),
            Exists::Index { table, index } => format!(
                "EXISTS (SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
                 AND TABLE_NAME = '{table}' AND INDEX_NAME = '{index}')"
            ),
        };
        let (then, otherwise) = if when_exists {
            (ddl, "DO 0")
        } else {
            ("DO 0", ddl)
        };
        conditional(sql, &condition, then, otherwise);
    }

    fn drop_index(&self, index: &str, table: &str) -> String {
        format!("DROP INDEX {index} ON {table}")
    }

    /// `IF NOT EXISTS` lets a re-run pass it.
    fn create_new(&self, create: String) -> String {
        create.replacen("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1)
    }

    fn drop_new(&self, table: &str) -> String {
        format!("DROP TABLE IF EXISTS {table};\n")
    }

    /// No anonymous blocks in MySQL 8, and SIGNAL cannot be prepared: when
    /// a row holds NULL, the guard runs a statement that fails with a CHECK
    /// constraint whose name says what is wrong, and adds nothing.
    fn guard_not_null(&self, sql: &mut String, table: &str, column: &str, message: &str) {
        let constraint = "attesto_rows_hold_null_cannot_restore_not_null";
        let failing = format!(
            "ALTER TABLE {table} ADD CONSTRAINT `{constraint}` CHECK ({column} IS NOT NULL)"
        );
        sql.push_str("-- ");
        sql.push_str(message);
        sql.push('\n');
        let condition = format!("EXISTS (SELECT 1 FROM {table} WHERE {column} IS NULL)");
        conditional(sql, &condition, &failing, "DO 0");
    }

    fn writing(&self, verb: &str) -> String {
        match self.flavor {
            Flavor::Mysql8 => format!("{verb} /*+ SET_VAR(sql_mode = '{STRICT_MODE}') */"),
            // See the module's documentation: not on Galera's servers.
            Flavor::Mariadb => verb.to_owned(),
        }
    }

    /// `varchar(n)` keeps `n` characters, `text` 65,535 bytes: a longer
    /// value is cut, without an error, in a session that is not strict.
    fn length_limit(&self, ty: LogicalType) -> Option<LengthLimit> {
        match ty {
            LogicalType::Hash => Some(LengthLimit::Chars(88)),
            LogicalType::Ident => Some(LengthLimit::Chars(255)),
            LogicalType::Short => Some(LengthLimit::Chars(16)),
            LogicalType::Text => Some(LengthLimit::Bytes(65_535)),
            _ => None,
        }
    }

    /// The duplicate-key error is the conflict.
    fn insert_ignoring_conflict(&self, _key: &str) -> Option<String> {
        None
    }

    fn upsert(&self, _conflict: &str, replace: &[&str]) -> String {
        let sets: Vec<String> = replace
            .iter()
            .map(|c| format!("{q} = VALUES({q})", q = self.quote(c)))
            .collect();
        format!(" ON DUPLICATE KEY UPDATE {}", sets.join(", "))
    }

    /// No lock by name in a transaction, and a locking read of the
    /// family (what this dialect did before) takes next-key locks on the
    /// gaps of the `family_id` index at either end of the family, which
    /// the insert of a neighbouring family needs: two rotations of
    /// families adjacent in that index deadlocked (InnoDB error 1213, 6 of
    /// 8 connections' rotations in one measured run). So the insert comes
    /// first, which takes only the new row's lock, then a plain read of
    /// the family's revoked rows, whose snapshot starts there; a revoked
    /// family deletes the row again before the commit.
    ///
    /// Why a revocation cannot be missed: `revoke_family` is one `UPDATE`
    /// under `REPEATABLE READ`, which locks every entry of the family in
    /// the index and the gaps between them. If it committed before the
    /// check's read began, the read sees it. If it is running, either it
    /// reaches the new row and waits for the insert's commit, then revokes
    /// it too, or it has passed that place, and its gap lock made the
    /// insert wait for its commit, after which the read sees it.
    fn family_check_after_insert(&self) -> bool {
        true
    }

    fn update_returning(&self) -> bool {
        false
    }

    /// InnoDB's plain read in a `REPEATABLE READ` transaction reads its
    /// snapshot: after a write that found nothing, the row another caller
    /// changed is read as it is now, with a shared lock (`LOCK IN SHARE
    /// MODE`, which MySQL 8 and MariaDB both take).
    fn current_read(&self) -> &'static str {
        " LOCK IN SHARE MODE"
    }

    /// MySQL 8 has no `DELETE ... RETURNING`. MariaDB has it (10.5 and
    /// later), but not usably here: only in the single-table `DELETE`,
    /// which takes no index hint (without one MariaDB may pick the
    /// `expires_at` index and lock live rows; see
    /// [`Forms::locking_table`]), and diesel's MySQL connection cannot read
    /// its rows (a prepared `DELETE ... RETURNING` reports no result
    /// metadata: diesel fails with "No metadata exists", measured with
    /// PAR's `take` by its primary key); and it would spend a row that
    /// does not decode. So a read, then the hinted `DELETE` in autocommit,
    /// on both servers.
    fn delete_returning(&self) -> bool {
        false
    }

    /// The index of the filter's leading equality, forced (`FORCE INDEX`).
    ///
    /// InnoDB locks every index entry a statement scans, and left to
    /// itself MariaDB picks, on a small table, the `expires_at` index for
    /// `sid = ? AND expires_at > ?`: every take then locks every live row
    /// of the table, in `expires_at` order, and concurrent takes of
    /// different sessions deadlock each other (twice in 100 rounds of 24
    /// concurrent takes; none with the hint). Through the key's index a
    /// statement locks the rows it names, in one order for every caller.
    fn locking_table(&self, name: &str, index: &dyn Fn() -> Option<LockingIndex>) -> String {
        match index() {
            Some(LockingIndex::Primary) => format!("{name} FORCE INDEX (PRIMARY)"),
            Some(LockingIndex::Named(index)) => {
                format!("{name} FORCE INDEX ({})", self.quote(&index))
            }
            None => name.to_owned(),
        }
    }

    /// `ORDER BY expires_at LIMIT n`: InnoDB walks the `expires_at`
    /// index from its oldest entry and stops after `n` rows, so a batch
    /// locks the expired rows it deletes and, in the last batch only, the
    /// index entry where the expired ones end (a next-key lock on the
    /// `expires_at` index, which no take, consume or accept writes: they
    /// change no indexed `expires_at`). Without the order, MariaDB scanned
    /// the whole table and, under `REPEATABLE READ`, kept a lock on every
    /// row it read, live ones included, until the sweep's end. (MySQL has
    /// no `LIMIT` in an `IN` subquery, and no index hint in a `DELETE`
    /// with `ORDER BY`.)
    fn sweep_batch(&self, name: &str, condition: &str, expires: &str, limit: &str) -> String {
        format!("DELETE FROM {name} WHERE {condition} ORDER BY {expires} LIMIT {limit}")
    }

    /// An index hint needs the multiple-table form of `DELETE`.
    fn delete_from(&self, name: &str, locking: &str) -> String {
        if locking == name {
            format!("DELETE FROM {name}")
        } else {
            format!("DELETE {name} FROM {locking}")
        }
    }

    fn catalog_sql(&self) -> &'static str {
        CATALOG_SQL
    }

    fn catalog_column(
        &self,
        ty: &str,
        extra: &str,
        default: Option<String>,
    ) -> (String, Option<String>) {
        let ty = ty.to_ascii_lowercase();
        // MariaDB and MySQL before 8.0.19 print integer display widths.
        let sql_type = match ty.split_once('(') {
            Some((base @ ("int" | "bigint" | "smallint"), _)) => base.to_owned(),
            _ => ty,
        };
        let default = match default.as_deref() {
            // MariaDB prints NULL for a nullable column without one.
            None | Some("NULL") => None,
            Some(text) if extra.contains("DEFAULT_GENERATED") => {
                // MySQL 8 prints an expression default with its charset
                // introducer and escaped quotes.
                Some(text.trim_start_matches("_utf8mb4").replace("\\'", "'"))
            }
            Some(text)
                if self.flavor == Flavor::Mysql8
                    && (sql_type.contains("char") || sql_type.contains("text"))
                    && !text.starts_with('\'') =>
            {
                // MySQL 8 prints a literal string default unquoted.
                Some(format!("'{text}'"))
            }
            Some(text) => Some(text.to_owned()),
        };
        (sql_type, default)
    }

    fn catalog_type(&self, ty: LogicalType) -> &'static str {
        match ty {
            // `boolean` is a synonym the catalog prints as what it is.
            LogicalType::Bool => "tinyint(1)",
            other => self.sql_type(other),
        }
    }

    fn catalog_default(&self, default: ColumnDefault) -> String {
        match default {
            ColumnDefault::EmptyStrings => "'[]'".to_owned(),
            ColumnDefault::EmptyObject => "'{}'".to_owned(),
            ColumnDefault::Int(n) => n.to_string(),
            ColumnDefault::Bool(b) => u8::from(b).to_string(),
            ColumnDefault::Text(s) => format!("'{s}'"),
        }
    }

    fn install_lock_doc(&self) -> &'static str {
        "on MySQL and MariaDB, `GET_LOCK` (`INSTALL_LOCK_SQL`, released after, as DDL \
         commits any transaction); a Galera cluster does not share named locks between \
         nodes: start one node first there"
    }

    fn keys_every_table(&self) -> bool {
        true
    }

    fn url_schemes(&self) -> &'static [&'static str] {
        match self.flavor {
            Flavor::Mysql8 => &["mysql"],
            Flavor::Mariadb => &["mariadb"],
        }
    }

    /// MySQL 8's statements run on MariaDB too (its `SET_VAR` hint is a
    /// comment there, and the binding refuses what a loose session would
    /// cut); MariaDB's use SQL MySQL lacks (`DELETE ... RETURNING`).
    fn runs_on(&self, server: &str) -> Result<(), Dialect> {
        match self.flavor {
            Flavor::Mariadb if !is_mariadb(server) => Err(Dialect::Mysql),
            _ => Ok(()),
        }
    }

    fn server_dialect(&self, server: &str) -> Dialect {
        if is_mariadb(server) {
            Dialect::Mariadb
        } else {
            Dialect::Mysql
        }
    }

    /// A named lock of the session (DDL commits any transaction, so no
    /// transaction can hold it); it answers `1` when taken, `0` when
    /// another session held it for the whole wait. A Galera cluster does
    /// not share named locks between nodes.
    fn install_lock(&self, prefix: &str) -> Option<String> {
        Some(format!(
            "SELECT CAST(GET_LOCK({}, {INSTALL_LOCK_WAIT}) AS CHAR) AS line",
            install_lock_name(prefix)
        ))
    }

    fn install_unlock(&self, prefix: &str) -> Option<String> {
        Some(format!("DO RELEASE_LOCK({})", install_lock_name(prefix)))
    }

    fn minus_seconds(&self, at: &str, seconds: &str) -> String {
        format!("DATE_SUB({at}, INTERVAL {seconds} SECOND)")
    }
}

/// Runs `then` when `condition` holds, else `otherwise`, as a prepared
/// statement (MySQL has no conditional DDL outside stored programs).
fn conditional(sql: &mut String, condition: &str, then: &str, otherwise: &str) {
    let quote = |s: &str| s.replace('\'', "''");
    sql.push_str(&format!(
        "SET @attesto_ddl = IF({condition}, '{}', '{}');\n",
        quote(then),
        quote(otherwise)
    ));
    sql.push_str("PREPARE attesto_ddl FROM @attesto_ddl;\n");
    sql.push_str("EXECUTE attesto_ddl;\n");
    sql.push_str("DEALLOCATE PREPARE attesto_ddl;\n");
}
