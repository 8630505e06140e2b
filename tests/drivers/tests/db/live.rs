//! The live database: every release, on PostgreSQL, SQLite and MariaDB,
//! reported as exactly that release by the library, by `verify` and by
//! `attesto status`; each class of damage reported as its own difference;
//! `ensure` twice, eight at once, and against an older release.

use std::convert::Infallible;

use attesto_schema::{Catalog, Dialect, Ensured, Release, Schema, Target, Verdict, VerifyError};
use sqlx::Connection as _;

const PREFIX: &str = "live_";

/// The rows of the dialect's catalog statement, on PostgreSQL.
pub fn pg_lines(client: &mut impl postgres::GenericClient) -> Vec<String> {
    client
        .query(Dialect::Postgres.catalog_sql(), &[])
        .expect("catalog")
        .iter()
        .map(|row| row.get(0))
        .collect()
}

/// The rows of the dialect's catalog statement, on SQLite.
pub fn sqlite_lines(conn: &rusqlite::Connection) -> Vec<String> {
    let mut statement = conn
        .prepare(Dialect::Sqlite.catalog_sql())
        .expect("catalog");
    statement
        .query_map([], |row| row.get(0))
        .expect("catalog")
        .map(|r| r.expect("line"))
        .collect()
}

/// The rows of MariaDB's catalog statement.
pub async fn mysql_lines(conn: &mut sqlx::MySqlConnection) -> Vec<String> {
    sqlx::query_scalar::<_, String>(Dialect::Mariadb.catalog_sql())
        .fetch_all(conn)
        .await
        .expect("catalog")
}

/// That `lines` hold `release` of `dialect` with `prefix` exactly: by the
/// library's identification, and by a target's `verify` (what every
/// generated `verify` calls).
pub fn assert_holds(
    dialect: Dialect,
    prefix: &'static str,
    lines: &[String],
    release: Release,
    context: &str,
) {
    let catalog = Catalog::from_lines(dialect, lines).expect("catalog lines");
    let identified = catalog.identify(dialect, prefix).expect("prefix");
    assert_eq!(
        (identified.release, &identified.verdict),
        (release, &Verdict::Match),
        "{context}: {dialect} identified as {identified:?}"
    );
    Target::new(dialect, prefix, release.version())
        .verify::<Infallible>(lines)
        .unwrap_or_else(|e| panic!("{context}: {e}"));
}

/// `attesto status` on `url` with `args`: the exit code and the JSON.
pub(crate) fn status(url: &str, args: &[&str]) -> (i32, serde_json::Value) {
    let mut argv: Vec<String> = vec![
        "status".into(),
        "--database-url".into(),
        url.into(),
        "--format".into(),
        "json".into(),
    ];
    argv.extend(args.iter().map(|a| (*a).to_owned()));
    // Its own runtime: not inside a test's.
    let (code, out, err) = std::thread::spawn(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let cwd = std::env::temp_dir();
        let code = attesto_cli::run(
            &argv,
            &cwd,
            attesto_schema::UtcTime::now(),
            &mut out,
            &mut err,
        );
        (code, out, err)
    })
    .join()
    .expect("status thread");
    let text = String::from_utf8_lossy(&out);
    let json = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "status printed no JSON ({e}): {text}{}",
            String::from_utf8_lossy(&err)
        )
    });
    (code, json)
}

/// That `attesto status` reports `release` exactly, with and without
/// `--version`.
fn assert_status_holds(url: &str, prefix: &str, release: Release) {
    for version in [None, Some(release.version())] {
        let mut args = vec!["--table-prefix", prefix];
        if let Some(v) = version {
            args.extend(["--version", v]);
        }
        let (code, json) = status(url, &args);
        assert_eq!(json["status"], "match", "{release} {args:?}: {json}");
        assert_eq!(json["release"], release.version(), "{release}: {json}");
        assert_eq!(
            json["versions"].as_array().map(Vec::len),
            Some(release.versions().len())
        );
        assert_eq!(code, 0, "{release}: {json}");
    }
}

/// The difference of `kind` on `table` in a status JSON, with its
/// `breaks_guarantee`.
fn difference<'a>(json: &'a serde_json::Value, kind: &str, table: &str) -> &'a serde_json::Value {
    json["differences"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["kind"] == kind && d["table"] == table))
        .unwrap_or_else(|| panic!("no {kind} on {table} in {json}"))
}

#[test]
fn postgres_every_release_is_reported_exactly() {
    let (mut client, url) = attesto_test_support::fresh_postgres_client("live_releases");
    // Ecto's own table is not attesto's.
    client
        .batch_execute(
            "CREATE TABLE schema_migrations (version bigint PRIMARY KEY, inserted_at timestamp(0))",
        )
        .expect("schema_migrations");
    for release in Release::all() {
        let schema = Schema::at_release(Dialect::Postgres, PREFIX, release).expect("schema");
        client.batch_execute(&schema.up_sql()).expect("install");
        assert_holds(
            Dialect::Postgres,
            PREFIX,
            &pg_lines(&mut client),
            release,
            "UP_SQL",
        );
        assert_status_holds(&url, PREFIX, release);
        client.batch_execute(&schema.down_sql()).expect("down");
    }
    let (code, json) = status(&url, &["--table-prefix", PREFIX]);
    assert_eq!(
        (code, &json["status"]),
        (1, &serde_json::json!("absent")),
        "{json}"
    );
}

#[test]
fn sqlite_every_release_is_reported_exactly() {
    let dir = std::env::temp_dir().join(format!("attesto-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    for release in Release::all() {
        let path = dir.join(format!("{}.db", release.slug()));
        let _ = std::fs::remove_file(&path);
        let conn = rusqlite::Connection::open(&path).expect("open");
        let schema = Schema::at_release(Dialect::Sqlite, PREFIX, release).expect("schema");
        conn.execute_batch(&schema.up_sql()).expect("install");
        assert_holds(
            Dialect::Sqlite,
            PREFIX,
            &sqlite_lines(&conn),
            release,
            "UP_SQL",
        );
        drop(conn);
        assert_status_holds(&format!("sqlite:{}", path.display()), PREFIX, release);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "current_thread")]
async fn mariadb_every_release_is_reported_exactly() {
    let url = attesto_test_support::fresh_mysql("live_releases");
    let mut conn = sqlx::MySqlConnection::connect(&url).await.expect("connect");
    for release in Release::all() {
        let schema = Schema::at_release(Dialect::Mariadb, PREFIX, release).expect("schema");
        sqlx::raw_sql(sqlx::AssertSqlSafe(schema.up_sql()))
            .execute(&mut conn)
            .await
            .expect("install");
        // By either dialect's name: MySQL 8's statements run on MariaDB,
        // and its catalog is read as MariaDB's (the server says which).
        for dialect in [Dialect::Mariadb, Dialect::Mysql] {
            assert_holds(
                dialect,
                PREFIX,
                &mysql_lines(&mut conn).await,
                release,
                "UP_SQL",
            );
        }
        // Both schemes name a MariaDB server (sqlx's own is `mysql://`):
        // `mariadb://` for every release, `mysql://` for the first and the
        // latest (each status is a connection of its own).
        let schemes: &[&str] = if release == Release::latest()
            || release == Release::all().next().expect("a release")
        {
            &["mysql://", "mariadb://"]
        } else {
            &["mariadb://"]
        };
        for scheme in schemes {
            let url = url.replacen("mysql://", scheme, 1);
            tokio::task::spawn_blocking(move || {
                assert_status_holds(&url, PREFIX, release);
                let (_, json) = status(&url, &["--table-prefix", PREFIX]);
                assert_eq!(json["dialect"], "mariadb", "{json}");
            })
            .await
            .expect("status");
        }
        sqlx::raw_sql(sqlx::AssertSqlSafe(schema.down_sql()))
            .execute(&mut conn)
            .await
            .expect("down");
    }
}

/// Each class of damage on a fresh install of the latest release: the SQL
/// that does it on each dialect, the difference expected and whether it
/// breaks a guarantee.
struct Damage {
    name: &'static str,
    postgres: &'static str,
    mariadb: &'static str,
    /// SQLite cannot alter most of these: the table is recreated from its
    /// `CREATE TABLE` with this replacement made in it, or this SQL run.
    sqlite: SqliteDamage,
    kind: &'static str,
    table: &'static str,
    breaks_guarantee: bool,
}

enum SqliteDamage {
    Sql(&'static str),
    Recreate {
        table: &'static str,
        from: &'static str,
        to: &'static str,
    },
}

const DAMAGES: &[Damage] = &[
    Damage {
        name: "a dropped unique index on code_hash",
        postgres: "DROP INDEX live_attesto_authorization_codes_code_hash_index",
        mariadb: "DROP INDEX live_attesto_authorization_codes_code_hash_index ON live_attesto_authorization_codes",
        sqlite: SqliteDamage::Sql("DROP INDEX live_attesto_authorization_codes_code_hash_index"),
        kind: "missing_index",
        table: "live_attesto_authorization_codes",
        breaks_guarantee: true,
    },
    Damage {
        name: "a dropped primary key of dpop_replays",
        postgres: "ALTER TABLE live_dpop_replays DROP CONSTRAINT live_dpop_replays_pkey",
        mariadb: "ALTER TABLE live_dpop_replays DROP PRIMARY KEY",
        sqlite: SqliteDamage::Recreate {
            table: "dpop_replays",
            from: "PRIMARY KEY",
            to: "UNIQUE",
        },
        kind: "missing_primary_key",
        table: "live_dpop_replays",
        breaks_guarantee: true,
    },
    Damage {
        name: "a changed column type",
        postgres: "ALTER TABLE live_attesto_consent_grants ALTER COLUMN subject TYPE text",
        mariadb: "ALTER TABLE live_attesto_consent_grants MODIFY subject text NOT NULL",
        sqlite: SqliteDamage::Recreate {
            table: "attesto_consent_grants",
            from: "\"subject\" TEXT",
            to: "\"subject\" BLOB",
        },
        kind: "column_type",
        table: "live_attesto_consent_grants",
        breaks_guarantee: false,
    },
    Damage {
        name: "a dropped NOT NULL",
        postgres: "ALTER TABLE live_attesto_consent_grants ALTER COLUMN subject DROP NOT NULL",
        mariadb: "ALTER TABLE live_attesto_consent_grants MODIFY subject varchar(255) NULL",
        sqlite: SqliteDamage::Recreate {
            table: "attesto_consent_grants",
            from: "\"subject\" TEXT NOT NULL",
            to: "\"subject\" TEXT",
        },
        kind: "column_nullability",
        table: "live_attesto_consent_grants",
        breaks_guarantee: false,
    },
    Damage {
        name: "a dropped column",
        postgres: "ALTER TABLE live_attesto_authorization_codes DROP COLUMN nonce",
        mariadb: "ALTER TABLE live_attesto_authorization_codes DROP COLUMN nonce",
        sqlite: SqliteDamage::Sql("ALTER TABLE live_attesto_authorization_codes DROP COLUMN nonce"),
        kind: "missing_column",
        table: "live_attesto_authorization_codes",
        breaks_guarantee: false,
    },
    Damage {
        // A table in the middle of UP_SQL's order: on MySQL and MariaDB,
        // the last ones missing are an interrupted install.
        name: "a dropped table",
        postgres: "DROP TABLE live_attesto_logout_sessions",
        mariadb: "DROP TABLE live_attesto_logout_sessions",
        sqlite: SqliteDamage::Sql("DROP TABLE live_attesto_logout_sessions"),
        kind: "missing_table",
        table: "live_attesto_logout_sessions",
        breaks_guarantee: false,
    },
];

/// That `json`, the status of a database with `damage`, reports it.
fn assert_reports(json: &serde_json::Value, code: i32, damage: &Damage, dialect: Dialect) {
    assert_eq!(
        (code, &json["status"]),
        (1, &serde_json::json!("mismatch")),
        "{dialect}, {}: {json}",
        damage.name
    );
    let found = difference(json, damage.kind, damage.table);
    assert_eq!(
        found["breaks_guarantee"], damage.breaks_guarantee,
        "{dialect}, {}: {found}",
        damage.name
    );
    assert!(found["detail"].as_str().is_some_and(|d| !d.is_empty()) && found["fix"].is_string());
    // The nearest release is still the latest: one difference from it.
    assert_eq!(
        json["release"],
        Release::latest().version(),
        "{dialect}, {}",
        damage.name
    );
}

/// The status of tables with another prefix than the one asked.
fn assert_other_prefix(url: &str, dialect: Dialect) {
    let (code, json) = status(url, &["--table-prefix", "other_"]);
    assert_eq!(
        (code, &json["status"]),
        (1, &serde_json::json!("absent")),
        "{dialect}: {json}"
    );
    assert_eq!(
        json["other_prefixes"],
        serde_json::json!([PREFIX]),
        "{dialect}: {json}"
    );
}

#[test]
fn postgres_each_damage_is_its_own_difference() {
    let (mut client, url) = attesto_test_support::fresh_postgres_client("live_damage");
    let schema = Schema::new(Dialect::Postgres, PREFIX).expect("schema");
    for damage in DAMAGES {
        client.batch_execute(&schema.up_sql()).expect("install");
        client.batch_execute(damage.postgres).expect(damage.name);
        let (code, json) = status(&url, &["--table-prefix", PREFIX]);
        assert_reports(&json, code, damage, Dialect::Postgres);
        client
            .batch_execute(&schema.uninstall_sql())
            .expect("clean");
    }
    client.batch_execute(&schema.up_sql()).expect("install");
    assert_other_prefix(&url, Dialect::Postgres);
}

#[test]
fn sqlite_each_damage_is_its_own_difference() {
    let path = std::env::temp_dir().join(format!("attesto-live-damage-{}.db", std::process::id()));
    let url = format!("sqlite:{}", path.display());
    let schema = Schema::new(Dialect::Sqlite, PREFIX).expect("schema");
    for damage in DAMAGES {
        let _ = std::fs::remove_file(&path);
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch(&schema.up_sql()).expect("install");
        match &damage.sqlite {
            SqliteDamage::Sql(sql) => conn.execute_batch(sql).expect(damage.name),
            SqliteDamage::Recreate { table, from, to } => {
                let table = schema.table(table).expect("table");
                let create = schema.create_sql(table);
                assert!(create.contains(from), "{create}");
                conn.execute_batch(&format!(
                    "{}{}",
                    schema.drop_sql(table),
                    create.replacen(from, to, 1)
                ))
                .expect(damage.name);
            }
        }
        drop(conn);
        let (code, json) = status(&url, &["--table-prefix", PREFIX]);
        assert_reports(&json, code, damage, Dialect::Sqlite);
    }
    assert_other_prefix(&url, Dialect::Sqlite);
    let _ = std::fs::remove_file(&path);
}

#[tokio::test(flavor = "current_thread")]
async fn mariadb_each_damage_is_its_own_difference() {
    let url = attesto_test_support::fresh_mysql("live_damage");
    let mut conn = sqlx::MySqlConnection::connect(&url).await.expect("connect");
    let status_url = url.replacen("mysql://", "mariadb://", 1);
    let schema = Schema::new(Dialect::Mariadb, PREFIX).expect("schema");
    let run = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    for damage in DAMAGES {
        run(schema.up_sql())
            .execute(&mut conn)
            .await
            .expect("install");
        run(damage.mariadb.to_owned())
            .execute(&mut conn)
            .await
            .expect(damage.name);
        // The nearest release is the true one under both schemes.
        for scheme in ["mysql://", "mariadb://"] {
            let url = url.replacen("mysql://", scheme, 1);
            let (code, json) =
                tokio::task::spawn_blocking(move || status(&url, &["--table-prefix", PREFIX]))
                    .await
                    .expect("status");
            assert_reports(&json, code, damage, Dialect::Mariadb);
            assert_eq!(json["dialect"], "mariadb", "{scheme}: {json}");
        }
        run(schema.uninstall_sql())
            .execute(&mut conn)
            .await
            .expect("clean");
    }
    run(schema.up_sql())
        .execute(&mut conn)
        .await
        .expect("install");
    tokio::task::spawn_blocking(move || assert_other_prefix(&status_url, Dialect::Mariadb))
        .await
        .expect("status");
}

/// `ensure` with sqlx on a pool: twice, then eight at once on a fresh
/// database, then against a database at the oldest release.
macro_rules! ensure_with_sqlx {
    ($db:ident, $pool:ty, $url:expr, $old:expr) => {{
        use attesto_driver_tests::$db as db;
        let pool = <$pool>::connect(&$url).await.expect("pool");
        assert_eq!(
            db::ensure(&pool).await.expect("first ensure"),
            Ensured::Installed
        );
        assert_eq!(
            db::ensure(&pool).await.expect("second ensure"),
            Ensured::Verified
        );
        db::verify(&pool).await.expect("verify");
        sqlx::raw_sql(db::DOWN_SQL)
            .execute(&pool)
            .await
            .expect("down");
        let mut handles = Vec::new();
        for _ in 0..8 {
            let pool = pool.clone();
            handles.push(tokio::spawn(async move {
                db::ensure(&pool).await.map_err(|e| e.to_string())
            }));
        }
        let mut installed = 0;
        for handle in handles {
            match handle
                .await
                .expect("task")
                .unwrap_or_else(|e| panic!("a concurrent ensure failed: {e}"))
            {
                Ensured::Installed => installed += 1,
                Ensured::Verified => {}
                Ensured::Completed => panic!("nothing was interrupted"),
            }
        }
        assert_eq!(installed, 1, "exactly one of eight installs");
        db::verify(&pool).await.expect("verify after the race");
        sqlx::raw_sql(db::DOWN_SQL)
            .execute(&pool)
            .await
            .expect("down");
        // An older release: refused with the upgrade's command, nothing changed.
        sqlx::raw_sql(sqlx::AssertSqlSafe($old))
            .execute(&pool)
            .await
            .expect("old install");
        let mut before: Vec<String> = sqlx::query_scalar(db::CATALOG_SQL)
            .fetch_all(&pool)
            .await
            .expect("catalog");
        before.sort();
        let error = db::ensure(&pool)
            .await
            .expect_err("an older release is refused");
        let message = error.to_string();
        assert!(matches!(error, VerifyError::Mismatch(_)), "{message}");
        assert!(
            message.contains("holds release 0.6.0 exactly")
                && message.contains("attesto gen-migration")
                && message.contains("--from 0.6.0"),
            "{message}"
        );
        let mut after: Vec<String> = sqlx::query_scalar(db::CATALOG_SQL)
            .fetch_all(&pool)
            .await
            .expect("catalog");
        after.sort();
        assert_eq!(after, before, "ensure changed a database it refused");
        assert!(db::verify(&pool).await.is_err());
        pool.close().await;
    }};
}

fn oldest(dialect: Dialect) -> String {
    Schema::at_release(dialect, "t_", Release::all().next().expect("a release"))
        .expect("schema")
        .up_sql()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlx_ensure_installs_once_and_refuses_an_older_release_on_postgres() {
    let url = attesto_test_support::fresh_postgres("live_ensure");
    ensure_with_sqlx!(sqlx_pg, sqlx::PgPool, url, oldest(Dialect::Postgres));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlx_ensure_installs_once_and_refuses_an_older_release_on_sqlite() {
    let path = std::env::temp_dir().join(format!("attesto-live-ensure-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite:{}?mode=rwc", path.display());
    ensure_with_sqlx!(sqlx_lite, sqlx::SqlitePool, url, oldest(Dialect::Sqlite));
    let _ = std::fs::remove_file(&path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlx_ensure_installs_once_and_refuses_an_older_release_on_mariadb() {
    let url = attesto_test_support::fresh_mysql("live_ensure");
    ensure_with_sqlx!(sqlx_my, sqlx::MySqlPool, url, oldest(Dialect::Mariadb));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlx_ensure_of_the_mysql_dialect_holds_on_mariadb() {
    // `dialect = "mysql"` on a MariaDB server: its catalog is read as
    // MariaDB's (the server says which), so a correct schema verifies.
    let url = attesto_test_support::fresh_mysql("live_ensure_mysql8");
    ensure_with_sqlx!(sqlx_mysql8, sqlx::MySqlPool, url, oldest(Dialect::Mysql));
}

#[test]
fn a_dialect_that_cannot_hold_on_the_server_names_the_one_to_use() {
    let lines = ["server\t8.4.3"];
    let error = Target::new(Dialect::Mariadb, PREFIX, "2.13.0")
        .verify::<Infallible>(&lines)
        .expect_err("MariaDB's statements on MySQL 8");
    assert!(matches!(error, VerifyError::Server(_)), "{error:#?}");
    let message = error.to_string();
    assert!(
        message.contains("the server is MySQL (\"8.4.3\")"),
        "{message}"
    );
    assert!(
        message.contains("fix: build it with dialect = \"mysql\""),
        "{message}"
    );
    // `Debug` is the sentence, for an error returned from `main`.
    assert_eq!(format!("{error:?}"), message);
    // MySQL 8's statements hold on MariaDB and MySQL alike.
    for server in ["8.4.3", "10.11.19-MariaDB-0+deb12u1"] {
        let lines = [format!("server\t{server}")];
        let error = Target::new(Dialect::Mysql, PREFIX, "2.13.0")
            .verify::<Infallible>(&lines)
            .expect_err("no table");
        assert!(
            matches!(error, VerifyError::Mismatch(_)),
            "{server}: {error:#?}"
        );
    }
}

#[test]
fn postgres_and_rusqlite_ensure_then_verify() {
    use attesto_driver_tests::{lite, pg_crate};
    let (mut client, _) = attesto_test_support::fresh_postgres_client("live_pg_crate");
    assert_eq!(
        pg_crate::ensure(&mut client).expect("ensure"),
        Ensured::Installed
    );
    assert_eq!(
        pg_crate::ensure(&mut client).expect("ensure"),
        Ensured::Verified
    );
    pg_crate::verify(&mut client).expect("verify");
    client
        .batch_execute("DROP INDEX t_attesto_authorization_codes_code_hash_index")
        .expect("damage");
    let message = pg_crate::verify(&mut client)
        .expect_err("damaged")
        .to_string();
    assert!(
        message.contains("missing_index") && message.contains("breaks a guarantee"),
        "{message}"
    );
    assert!(
        pg_crate::ensure(&mut client).is_err(),
        "ensure never alters an existing table"
    );

    let conn = rusqlite::Connection::open_in_memory().expect("open");
    assert_eq!(lite::ensure(&conn).expect("ensure"), Ensured::Installed);
    assert_eq!(lite::ensure(&conn).expect("ensure"), Ensured::Verified);
    lite::verify(&conn).expect("verify");
}

#[tokio::test(flavor = "current_thread")]
async fn tokio_postgres_ensure_then_verify() {
    use attesto_driver_tests::tokio_pg;
    let url = attesto_test_support::fresh_postgres("live_tokio_pg");
    let (mut client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    assert_eq!(
        tokio_pg::ensure(&mut client).await.expect("ensure"),
        Ensured::Installed
    );
    assert_eq!(
        tokio_pg::ensure(&mut client).await.expect("ensure"),
        Ensured::Verified
    );
    tokio_pg::verify(&mut client).await.expect("verify");
}
