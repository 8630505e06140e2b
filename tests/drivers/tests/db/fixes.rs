//! Every fix that `verify` (and `attesto status`, which prints the same
//! differences) gives as SQL runs on its dialect and repairs what it names:
//! a database is installed, damaged the ways a hand or an old tool damages
//! one, and each printed fix is executed before the release verifies again.

use std::convert::Infallible;

use attesto_schema::{Backend, Dialect, Difference, Release, Schema, Target, VerifyError};
use sqlx::{AssertSqlSafe, Connection as _};

/// The damage done to the first table (the authorization codes, which has
/// a nullable column, plain and unique indexes, and a primary key on
/// MySQL and MariaDB), and the differences it must give.
fn damage(schema: &Schema) -> (Vec<String>, usize) {
    let dialect = schema.dialect();
    let table = schema.tables()[0];
    let name = schema.table_name(table);
    let quoted = schema.quote(&name);
    let mut sql = Vec::new();
    // A nullable column that no index covers.
    let indexed: Vec<&str> = schema
        .indexes(table)
        .iter()
        .flat_map(|i| i.columns().iter().copied())
        .chain(schema.primary_key(table).iter().copied())
        .collect();
    let column = schema
        .columns(table)
        .into_iter()
        .find(|c| c.is_nullable() && !indexed.contains(&c.name()))
        .expect("a nullable column");
    sql.push(format!(
        "ALTER TABLE {quoted} DROP COLUMN {}",
        schema.quote(column.name())
    ));
    // Every index of the release: plain, unique and partial alike.
    for index in schema.indexes(table) {
        sql.push(dialect.drop_index_sql(&index.name(&name), &name));
    }
    let mut expected = 1 + schema.indexes(table).len();
    // The primary key, where the table has one.
    if !schema.primary_key(table).is_empty() && dialect.backend() == Backend::Mysql {
        sql.push(format!("ALTER TABLE {quoted} DROP PRIMARY KEY"));
        expected += 1;
    }
    // A unique index that is not attesto's.
    sql.push(format!(
        "CREATE UNIQUE INDEX {} ON {quoted} ({}, {})",
        schema.quote("not_attestos"),
        schema.quote("client_id"),
        schema.quote("subject")
    ));
    (sql, expected + 1)
}

/// The differences `lines` (the catalog's rows) give against the release.
fn differences(schema: &Schema, prefix: &'static str, lines: &[String]) -> Vec<Difference> {
    let target = Target::new(schema.dialect(), prefix, Release::latest().versions()[0]);
    match target.verify::<Infallible>(lines) {
        Ok(()) => Vec::new(),
        Err(VerifyError::Mismatch(mismatch)) => mismatch.differences().to_vec(),
        Err(other) => panic!("{other}"),
    }
}

/// Installs, damages, verifies, runs every fix and verifies again, on the
/// connection `$conn`.
macro_rules! repaired {
    ($conn:expr, $dialect:expr) => {{
        let conn = $conn;
        let schema = Schema::new($dialect, "fix_").expect("schema");
        sqlx::raw_sql(AssertSqlSafe(schema.up_sql()))
            .execute(&mut *conn)
            .await
            .expect("install");
        let (damage, expected) = damage(&schema);
        for sql in &damage {
            sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                .execute(&mut *conn)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        let lines: Vec<String> = sqlx::query_scalar($dialect.catalog_sql())
            .fetch_all(&mut *conn)
            .await
            .expect("catalog");
        let found = differences(&schema, "fix_", &lines);
        assert_eq!(found.len(), expected, "{}: {found:#?}", $dialect);
        for difference in &found {
            let fix = &difference.fix;
            assert!(
                ["ALTER TABLE ", "CREATE ", "DROP INDEX "]
                    .iter()
                    .any(|verb| fix.starts_with(verb)),
                "{}: not SQL: {difference}",
                $dialect
            );
            sqlx::raw_sql(AssertSqlSafe(fix.clone()))
                .execute(&mut *conn)
                .await
                .unwrap_or_else(|e| panic!("{}: {fix}: {e}", $dialect));
        }
        let lines: Vec<String> = sqlx::query_scalar($dialect.catalog_sql())
            .fetch_all(&mut *conn)
            .await
            .expect("catalog");
        let left = differences(&schema, "fix_", &lines);
        assert!(left.is_empty(), "{}: after the fixes: {left:#?}", $dialect);
    }};
}

#[tokio::test]
async fn every_printed_fix_runs_and_repairs_on_postgres() {
    let url = attesto_test_support::fresh_postgres("fixes");
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
    repaired!(&mut conn, Dialect::Postgres);
}

#[tokio::test]
async fn every_printed_fix_runs_and_repairs_on_mariadb() {
    let url = attesto_test_support::fresh_mysql("fixes");
    let mut conn = sqlx::MySqlConnection::connect(&url).await.expect("connect");
    repaired!(&mut conn, Dialect::Mariadb);
}

#[tokio::test]
async fn every_printed_fix_runs_and_repairs_on_sqlite() {
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
        .await
        .expect("open");
    repaired!(&mut conn, Dialect::Sqlite);
}

/// Where a fix cannot be one statement, it says what to do instead:
/// SQLite cannot add a NOT NULL column without a default to a table.
#[tokio::test]
async fn what_sqlite_cannot_alter_is_said_in_words() {
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
        .await
        .expect("open");
    let schema = Schema::new(Dialect::Sqlite, "").expect("schema");
    sqlx::raw_sql(AssertSqlSafe(schema.up_sql()))
        .execute(&mut conn)
        .await
        .expect("install");
    let table = schema.tables()[0];
    let name = schema.table_name(table);
    for index in schema.indexes(table) {
        if index.columns().contains(&"code_hash") {
            sqlx::raw_sql(AssertSqlSafe(
                Dialect::Sqlite.drop_index_sql(&index.name(&name), &name),
            ))
            .execute(&mut conn)
            .await
            .expect("drop index");
        }
    }
    sqlx::raw_sql(AssertSqlSafe(format!(
        "ALTER TABLE {} DROP COLUMN code_hash",
        schema.quote(&name)
    )))
    .execute(&mut conn)
    .await
    .expect("drop column");
    let lines: Vec<String> = sqlx::query_scalar(Dialect::Sqlite.catalog_sql())
        .fetch_all(&mut conn)
        .await
        .expect("catalog");
    let found = differences(&schema, "", &lines);
    let missing = found
        .iter()
        .find(|d| d.kind.name() == "missing_column")
        .expect("code_hash missing");
    assert!(
        missing
            .fix
            .contains("SQLite cannot add a NOT NULL column without a default: rebuild"),
        "{missing}"
    );
}
