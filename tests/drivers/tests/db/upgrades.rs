//! Every pair of schema releases, on every dialect: install the older one,
//! write a row to every table, upgrade, and find every row with every value
//! and the catalog of a fresh install of the newer release (column order
//! aside, which an upgrade cannot change); then go down and find the older
//! catalog, rows kept. And the one change that is not an addition: a column
//! that lost its `NOT NULL` gets it back only where no row holds NULL.

use attesto_schema::{Backend, Dialect, Release, Schema, Upgrade};
use sqlx::Connection as _;

use crate::live::{assert_holds, mysql_lines, pg_lines, sqlite_lines};
use crate::{catalog, ecto, rows};

const PREFIX: &str = "up_";

fn schema(dialect: Dialect, release: Release) -> Schema {
    Schema::at_release(dialect, PREFIX, release).expect("valid prefix")
}

/// Every `(from, to)` with `from` before `to`.
fn pairs() -> Vec<(Release, Release)> {
    let all: Vec<Release> = Release::all().collect();
    let mut pairs = Vec::new();
    for (i, from) in all.iter().enumerate() {
        for to in &all[i + 1..] {
            pairs.push((*from, *to));
        }
    }
    pairs
}

/// The values of every row of the `from` schema's tables, as text.
fn pg_values(client: &mut impl postgres::GenericClient, from: &Schema) -> Vec<Vec<Option<String>>> {
    let mut values = Vec::new();
    for table in from.tables() {
        let sql = rows::select_text(from, table, &from.columns(table));
        for row in client.query(&sql, &[]).expect("select") {
            values.push((0..row.len()).map(|i| row.get(i)).collect());
        }
    }
    values
}

#[test]
fn postgres_upgrades_every_pair_keeping_every_row() {
    let (mut client, _) = attesto_test_support::fresh_postgres_client("pairs");
    for (from, to) in pairs() {
        let old = schema(Dialect::Postgres, from);
        let upgrade = Upgrade::new(Dialect::Postgres, PREFIX, from, to).expect("upgrade");
        // Each pair in a transaction of its own, rolled back after: the
        // upgrade runs in one transaction, as a migration runner runs it.
        let mut tx = client.transaction().expect("begin");
        tx.batch_execute(&old.up_sql()).expect("install");
        tx.batch_execute(&rows::insert_all(&old)).expect("rows");
        let before = pg_values(&mut tx, &old);
        assert_eq!(before.len(), old.tables().len());
        tx.batch_execute(&upgrade.up_sql())
            .unwrap_or_else(|e| panic!("{from} -> {to}: {e}"));
        assert_eq!(
            catalog::unordered(&catalog::postgres(&mut tx)),
            catalog::unordered(&ecto::postgres(to.version(), PREFIX)),
            "{from} -> {to}"
        );
        assert_holds(
            Dialect::Postgres,
            PREFIX,
            &pg_lines(&mut tx),
            to,
            &format!("{from} -> {to}"),
        );
        assert_eq!(
            pg_values(&mut tx, &old),
            before,
            "{from} -> {to}: rows changed"
        );
        tx.batch_execute(&upgrade.down_sql())
            .unwrap_or_else(|e| panic!("{to} -> {from}: {e}"));
        assert_eq!(
            catalog::postgres(&mut tx),
            ecto::postgres(from.version(), PREFIX),
            "{to} -> {from}"
        );
        assert_holds(
            Dialect::Postgres,
            PREFIX,
            &pg_lines(&mut tx),
            from,
            &format!("{to} -> {from}"),
        );
        assert_eq!(
            pg_values(&mut tx, &old),
            before,
            "{to} -> {from}: rows changed"
        );
        tx.rollback().expect("rollback");
    }
}

#[test]
fn postgres_upgrade_commits_as_one_transaction_and_the_generated_structs_read_it() {
    mod old {
        attesto_macros::attesto_migration!(version = "0.6.1", prefix = "tx_");
    }
    mod upgrade {
        attesto_macros::attesto_migration!(from = "0.6.1", prefix = "tx_", integrations(postgres));
    }
    let (mut client, _) = attesto_test_support::fresh_postgres_client("upgrade_tx");
    client.batch_execute(old::UP_SQL).expect("install 0.6.1");
    let old_schema = Schema::at_release(
        Dialect::Postgres,
        "tx_",
        Release::named("0.6.0").expect("release"),
    )
    .expect("schema");
    client
        .batch_execute(&rows::insert_all(&old_schema))
        .expect("rows");
    let mut tx = client.transaction().expect("begin");
    tx.batch_execute(upgrade::UP_SQL).expect("upgrade");
    tx.commit().expect("commit");
    assert_eq!(upgrade::FROM_VERSION, Some("0.6.1"));
    assert_eq!(upgrade::FROM_RELEASE, Some("0.6.0"));
    assert_eq!(upgrade::SCHEMA_RELEASE, "1.2.0");
    // The latest structs read the upgraded tables by name: the new columns
    // hold their defaults.
    let row = client
        .query_one(upgrade::AuthorizationCodeRow::SELECT_SQL, &[])
        .expect("select");
    let code = upgrade::AuthorizationCodeRow::try_from(&row).expect("map");
    assert_eq!(code.code_hash, "v-code_hash");
    assert!(code.resource.is_empty() && !code.consumed_success && code.family_id.is_none());
}

#[test]
fn sqlite_upgrades_every_pair_keeping_every_row() {
    fn values(conn: &rusqlite::Connection, from: &Schema) -> Vec<Vec<Option<String>>> {
        let mut values = Vec::new();
        for table in from.tables() {
            let columns = from.columns(table);
            let sql = rows::select_text(from, table, &columns);
            let mut stmt = conn.prepare(&sql).expect("prepare");
            let found = stmt
                .query_map([], |r| (0..columns.len()).map(|i| r.get(i)).collect())
                .expect("select");
            values.extend(found.map(|r| r.expect("row")));
        }
        values
    }
    for (from, to) in pairs() {
        let old = schema(Dialect::Sqlite, from);
        let upgrade = Upgrade::new(Dialect::Sqlite, PREFIX, from, to).expect("upgrade");
        let mut conn = rusqlite::Connection::open_in_memory().expect("open");
        conn.execute_batch(&old.up_sql()).expect("install");
        conn.execute_batch(&rows::insert_all(&old)).expect("rows");
        let before = values(&conn, &old);
        let tx = conn.transaction().expect("begin");
        tx.execute_batch(&upgrade.up_sql())
            .unwrap_or_else(|e| panic!("{from} -> {to}: {e}"));
        tx.commit().expect("commit");
        assert_eq!(
            catalog::unordered(&catalog::sqlite(&conn)),
            catalog::unordered(&ecto::sqlite(to.version(), PREFIX)),
            "{from} -> {to}"
        );
        assert_holds(
            Dialect::Sqlite,
            PREFIX,
            &sqlite_lines(&conn),
            to,
            &format!("{from} -> {to}"),
        );
        assert_eq!(values(&conn, &old), before, "{from} -> {to}: rows changed");
        let tx = conn.transaction().expect("begin");
        tx.execute_batch(&upgrade.down_sql())
            .unwrap_or_else(|e| panic!("{to} -> {from}: {e}"));
        tx.commit().expect("commit");
        assert_eq!(
            catalog::tables_sorted(&catalog::sqlite(&conn)),
            catalog::tables_sorted(&ecto::sqlite(from.version(), PREFIX)),
            "{to} -> {from}"
        );
        assert_holds(
            Dialect::Sqlite,
            PREFIX,
            &sqlite_lines(&conn),
            from,
            &format!("{to} -> {from}"),
        );
        assert_eq!(values(&conn, &old), before, "{to} -> {from}: rows changed");
    }
}

async fn mysql_values(conn: &mut sqlx::MySqlConnection, from: &Schema) -> Vec<Vec<Option<String>>> {
    use sqlx::Row as _;
    let mut values = Vec::new();
    for table in from.tables() {
        let columns = from.columns(table);
        let sql = rows::select_text(from, table, &columns);
        for row in sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await
            .expect("select")
        {
            values.push((0..columns.len()).map(|i| row.get(i)).collect());
        }
    }
    values
}

/// `from` to `to` on MySQL; with `without_primary_key`, from a database
/// whose authorization codes have no primary key, as attesto before
/// 2026-12-03 created them there.
async fn mysql_pair(from: Release, to: Release, without_primary_key: bool) {
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    let url = attesto_test_support::fresh_mysql("pair");
    let mut conn = sqlx::MySqlConnection::connect(&url).await.expect("connect");
    let old = schema(Dialect::Mysql, from);
    let upgrade = Upgrade::new(Dialect::Mysql, PREFIX, from, to).expect("upgrade");
    run(old.up_sql()).execute(&mut conn).await.expect("install");
    if without_primary_key {
        run(format!(
            "ALTER TABLE {PREFIX}attesto_authorization_codes DROP PRIMARY KEY"
        ))
        .execute(&mut conn)
        .await
        .expect("drop the primary key");
    }
    run(rows::insert_all(&old))
        .execute(&mut conn)
        .await
        .expect("rows");
    let before = mysql_values(&mut conn, &old).await;
    run(upgrade.up_sql())
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{from} -> {to}: {e}"));
    let fresh = catalog::unordered(&ecto::mysql(to.version(), PREFIX));
    assert_eq!(
        catalog::unordered(&catalog::mysql(&mut conn).await),
        fresh,
        "{from} -> {to}"
    );
    // MySQL's DDL commits as it goes: an upgrade runs again to completion.
    run(upgrade.up_sql())
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{from} -> {to} again: {e}"));
    assert_eq!(
        catalog::unordered(&catalog::mysql(&mut conn).await),
        fresh,
        "{from} -> {to} again"
    );
    let lines = mysql_lines(&mut conn).await;
    assert_holds(
        Dialect::Mariadb,
        PREFIX,
        &lines,
        to,
        &format!("{from} -> {to}"),
    );
    assert_eq!(
        mysql_values(&mut conn, &old).await,
        before,
        "{from} -> {to}: rows changed"
    );
    for pass in ["down", "down again"] {
        run(upgrade.down_sql())
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{to} -> {from} ({pass}): {e}"));
        assert_eq!(
            catalog::mysql(&mut conn).await,
            catalog::by_name(&ecto::mysql(from.version(), PREFIX)),
            "{to} -> {from} ({pass})"
        );
    }
    let lines = mysql_lines(&mut conn).await;
    assert_holds(
        Dialect::Mariadb,
        PREFIX,
        &lines,
        from,
        &format!("{to} -> {from}"),
    );
    assert_eq!(
        mysql_values(&mut conn, &old).await,
        before,
        "{to} -> {from}: rows changed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mysql_upgrades_every_pair_keeping_every_row_and_runs_again() {
    let mut tasks = tokio::task::JoinSet::new();
    for (from, to) in pairs() {
        tasks.spawn(mysql_pair(from, to, false));
        // A few at a time: DDL is the server's slowest work.
        while tasks.len() >= 4 {
            if let Some(Err(e)) = tasks.join_next().await {
                std::panic::resume_unwind(e.into_panic());
            }
        }
    }
    while let Some(done) = tasks.join_next().await {
        if let Err(e) = done {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}

/// A database an earlier attesto made on MySQL, whose authorization codes
/// have no primary key: the upgrade to a later release adds it (a guarded
/// `ADD PRIMARY KEY (code_hash)`), keeping every row, and runs again; the
/// down migration keeps it, since every release has it now.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mysql_upgrade_gives_earlier_codes_their_primary_key() {
    let all: Vec<Release> = Release::all().collect();
    let latest = *all.last().expect("releases");
    for from in [all[0], all[all.len() / 2]] {
        mysql_pair(from, latest, true).await;
    }
}

/// The releases before and after `backchannel_logout_uri` lost `NOT NULL`.
fn logout_change() -> (Release, Release) {
    (
        Release::named("0.18.0").expect("release"),
        Release::named("1.1.0").expect("release"),
    )
}

/// A logout session that only front-channel logout can hold.
fn front_channel_only(schema: &Schema) -> String {
    let id = match schema.dialect().backend() {
        Backend::Postgres => "'00000000-0000-4000-8000-000000000001'",
        Backend::Sqlite => "X'00000000000040008000000000000001'",
        Backend::Mysql => "UNHEX('00000000000040008000000000000001')",
    };
    let q = |n: &str| schema.quote(n);
    format!(
        "INSERT INTO {} ({}, {}, {}, {}, {}, {}, {}) VALUES ({id}, 'sid-f', 'alice', 'client-f', \
         'https://rp.example/front', '2026-11-24 12:00:00', '2026-11-24 11:00:00')",
        schema.quote(&format!("{PREFIX}attesto_logout_sessions")),
        q("id"),
        q("sid"),
        q("subject"),
        q("client_id"),
        q("frontchannel_logout_uri"),
        q("expires_at"),
        q("inserted_at")
    )
}

fn delete_front_channel_only(schema: &Schema) -> String {
    format!(
        "DELETE FROM {} WHERE {} IS NULL",
        schema.quote(&format!("{PREFIX}attesto_logout_sessions")),
        schema.quote("backchannel_logout_uri")
    )
}

const REFUSAL: &str =
    "cannot restore NOT NULL on up_attesto_logout_sessions.backchannel_logout_uri";

#[test]
fn postgres_restores_not_null_only_when_no_row_holds_null() {
    let (from, to) = logout_change();
    let (mut client, _) = attesto_test_support::fresh_postgres_client("not_null");
    let old = schema(Dialect::Postgres, from);
    let new = schema(Dialect::Postgres, to);
    let upgrade = Upgrade::new(Dialect::Postgres, PREFIX, from, to).expect("upgrade");
    client.batch_execute(&old.up_sql()).expect("install");
    client.batch_execute(&rows::insert_all(&old)).expect("rows");
    client.batch_execute(&upgrade.up_sql()).expect("upgrade");
    client
        .batch_execute(&front_channel_only(&new))
        .expect("a NULL the new release allows");

    let error = client
        .batch_execute(&upgrade.down_sql())
        .expect_err("refused");
    let message = error
        .as_db_error()
        .map(|e| e.message().to_owned())
        .unwrap_or_default();
    assert!(message.contains(REFUSAL), "{message}");
    // Nothing changed: still the newer release, both rows there.
    assert_eq!(
        catalog::unordered(&catalog::postgres(&mut client)),
        catalog::unordered(&ecto::postgres(to.version(), PREFIX))
    );
    let count: i64 = client
        .query_one("SELECT count(*) FROM up_attesto_logout_sessions", &[])
        .expect("count")
        .get(0);
    assert_eq!(count, 2);

    client
        .batch_execute(&delete_front_channel_only(&new))
        .expect("delete");
    client.batch_execute(&upgrade.down_sql()).expect("down");
    assert_eq!(
        catalog::postgres(&mut client),
        ecto::postgres(from.version(), PREFIX)
    );
}

#[test]
fn sqlite_restores_not_null_only_when_no_row_holds_null() {
    let (from, to) = logout_change();
    let conn = rusqlite::Connection::open_in_memory().expect("open");
    let old = schema(Dialect::Sqlite, from);
    let new = schema(Dialect::Sqlite, to);
    let upgrade = Upgrade::new(Dialect::Sqlite, PREFIX, from, to).expect("upgrade");
    conn.execute_batch(&old.up_sql()).expect("install");
    conn.execute_batch(&rows::insert_all(&old)).expect("rows");
    conn.execute_batch(&upgrade.up_sql()).expect("upgrade");
    conn.execute_batch(&front_channel_only(&new))
        .expect("a NULL the new release allows");

    let error = conn
        .execute_batch(&upgrade.down_sql())
        .expect_err("refused");
    assert!(error.to_string().contains(REFUSAL), "{error}");
    assert_eq!(
        catalog::tables_sorted(&catalog::sqlite(&conn)),
        catalog::tables_sorted(&ecto::sqlite(to.version(), PREFIX))
    );
    conn.execute_batch(&delete_front_channel_only(&new))
        .expect("delete");
    conn.execute_batch(&upgrade.down_sql()).expect("down");
    assert_eq!(
        catalog::tables_sorted(&catalog::sqlite(&conn)),
        catalog::tables_sorted(&ecto::sqlite(from.version(), PREFIX))
    );
    let count: i64 = conn
        .query_row("SELECT count(*) FROM up_attesto_logout_sessions", [], |r| {
            r.get(0)
        })
        .expect("count");
    assert_eq!(count, 1);
}

#[tokio::test(flavor = "current_thread")]
async fn mysql_restores_not_null_only_when_no_row_holds_null() {
    let (from, to) = logout_change();
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    let url = attesto_test_support::fresh_mysql("not_null");
    let mut conn = sqlx::MySqlConnection::connect(&url).await.expect("connect");
    let old = schema(Dialect::Mysql, from);
    let new = schema(Dialect::Mysql, to);
    let upgrade = Upgrade::new(Dialect::Mysql, PREFIX, from, to).expect("upgrade");
    run(old.up_sql()).execute(&mut conn).await.expect("install");
    run(rows::insert_all(&old))
        .execute(&mut conn)
        .await
        .expect("rows");
    run(upgrade.up_sql())
        .execute(&mut conn)
        .await
        .expect("upgrade");
    run(front_channel_only(&new))
        .execute(&mut conn)
        .await
        .expect("a NULL");

    let error = run(upgrade.down_sql())
        .execute(&mut conn)
        .await
        .expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("attesto_rows_hold_null_cannot_restore_not_null"),
        "{error}"
    );
    assert_eq!(
        catalog::unordered(&catalog::mysql(&mut conn).await),
        catalog::unordered(&ecto::mysql(to.version(), PREFIX))
    );
    run(delete_front_channel_only(&new))
        .execute(&mut conn)
        .await
        .expect("delete");
    run(upgrade.down_sql())
        .execute(&mut conn)
        .await
        .expect("down");
    assert_eq!(
        catalog::mysql(&mut conn).await,
        catalog::by_name(&ecto::mysql(from.version(), PREFIX))
    );
}
