//! On MySQL, a statement that locks rows by a key goes through that key's
//! index: InnoDB locks every index entry a statement scans, and MariaDB,
//! left to choose, picked the `expires_at` index for `sid = ? AND
//! expires_at > ?`, so that every take locked every live row and
//! concurrent takes deadlocked (`tests/drivers/tests/db/races.rs` races
//! them on a real server).

use attesto_schema::{Dialect, Release, Schema, Statement, Table};

/// The column of the first `WHERE` condition, when it is an equality.
fn leading_equality(sql: &str) -> Option<&str> {
    let (_, filter) = sql.split_once(" WHERE ")?;
    let (column, rest) = filter.strip_prefix('`')?.split_once('`')?;
    rest.starts_with(" = ").then_some(column)
}

/// Whether the statement takes row locks.
fn locks(statement: &Statement) -> bool {
    statement.sql.starts_with("UPDATE ")
        || statement.sql.starts_with("DELETE ")
        || statement.sql.ends_with(" FOR UPDATE")
}

/// The index a lock on `column` of `table` goes through, as MySQL names it.
fn key_index(schema: &Schema, table: &Table, column: &str) -> Option<String> {
    if schema.primary_key(table).first() == Some(&column) {
        return Some("PRIMARY".to_owned());
    }
    let name = schema.table_name(table);
    let leading: Vec<_> = schema
        .indexes(table)
        .into_iter()
        .filter(|index| index.columns().first() == Some(&column))
        .collect();
    leading
        .iter()
        .find(|index| index.is_unique())
        .or(leading.first())
        .map(|index| format!("`{}`", index.name(&name)))
}

#[test]
fn mysql_locks_rows_through_the_index_of_their_key() {
    let mut checked = 0;
    for release in Release::all() {
        let schema = Schema::at_release(Dialect::Mysql, "oauth_", release).expect("valid");
        for table in schema.tables() {
            for (op, statements) in schema.operations_sql(table) {
                for statement in statements.iter().filter(|s| locks(s)) {
                    let Some(column) = leading_equality(&statement.sql) else {
                        assert!(
                            !statement.sql.contains("FORCE INDEX"),
                            "{}: {}",
                            op.name(),
                            statement.sql
                        );
                        continue;
                    };
                    // By the whole primary key and nothing else: no plan but
                    // the primary key's, no hint needed (a take's delete of
                    // each row it read).
                    let by_primary_key_alone = statement
                        .sql
                        .split_once(" WHERE ")
                        .is_some_and(|(_, filter)| !filter.contains(" AND "))
                        && schema.primary_key(table) == [column];
                    if by_primary_key_alone {
                        continue;
                    }
                    let Some(index) = key_index(&schema, table, column) else {
                        continue;
                    };
                    let hint = format!("FORCE INDEX ({index})");
                    assert!(
                        statement.sql.contains(&hint),
                        "release {release}, `{}` of {}: {} lacks {hint}",
                        op.name(),
                        table.name(),
                        statement.sql
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100, "{checked} statements checked");
}

#[test]
fn the_logout_take_reads_its_sessions_then_deletes_each_by_its_key() {
    let schema = Schema::new(Dialect::Mysql, "").expect("valid");
    let sessions = schema.table("attesto_logout_sessions").expect("sessions");
    let (_, statements) = schema
        .operations_sql(sessions)
        .into_iter()
        .find(|(op, _)| op.name() == "take_targets_by_sid")
        .expect("take_targets_by_sid");
    let sql: Vec<&str> = statements.iter().map(|s| s.sql.as_str()).collect();
    assert!(sql[0].ends_with(
        " FROM `attesto_logout_sessions` FORCE INDEX (`attesto_logout_sessions_sid_client_id_index`) \
         WHERE `sid` = ? AND `expires_at` > ?"
    ));
    assert_eq!(
        sql[1],
        "DELETE FROM `attesto_logout_sessions` WHERE `id` = ?"
    );
}

#[test]
fn mysql_and_mariadb_take_a_request_by_a_read_then_one_delete() {
    // MariaDB's `DELETE ... RETURNING` would spend a row that does not
    // decode, and diesel's MySQL connection cannot read its rows: both
    // servers read, then delete by the key under the filter, in autocommit.
    for dialect in [Dialect::Mysql, Dialect::Mariadb] {
        let schema = Schema::new(dialect, "").expect("valid");
        let par = schema
            .table("attesto_pushed_authorization_requests")
            .expect("par");
        let (_, statements) = schema
            .operations_sql(par)
            .into_iter()
            .find(|(op, _)| op.name() == "take")
            .expect("take");
        assert!(
            statements[0].sql.starts_with("SELECT ") && !statements[0].sql.contains("FOR UPDATE"),
            "{}",
            statements[0].sql
        );
        assert!(
            statements[1]
                .sql
                .starts_with("DELETE `attesto_pushed_authorization_requests` FROM "),
            "{}",
            statements[1].sql
        );
    }
}

#[test]
fn other_dialects_take_no_index_hints() {
    for dialect in [Dialect::Postgres, Dialect::Sqlite] {
        let schema = Schema::new(dialect, "").expect("valid");
        for table in schema.tables() {
            for (_, statements) in schema.operations_sql(table) {
                for statement in statements {
                    assert!(!statement.sql.contains("FORCE INDEX"), "{}", statement.sql);
                }
            }
        }
    }
}
