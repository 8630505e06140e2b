//! `attesto gen-migration`'s sqlx layout, applied and reverted by sqlx's own
//! migrator on PostgreSQL, SQLite and MariaDB, install and upgrade alike.

use std::path::{Path, PathBuf};

use attesto_cli as cli;
use attesto_schema::UtcTime;

use sqlx::Connection as _;

use crate::{catalog, ecto};

/// The latest schema release.
const LATEST: &str = "1.2.0";

/// Writes a sqlx migrations directory with the CLI; returns its path.
fn generate(name: &str, args: &[&str]) -> PathBuf {
    let project = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("sqlx-migrate")
        .join(name);
    let _ = std::fs::remove_dir_all(&project);
    std::fs::create_dir_all(&project).expect("project dir");
    let mut argv = vec!["gen-migration".to_owned(), "--format".into(), "sqlx".into()];
    argv.extend(args.iter().map(|a| (*a).to_owned()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = cli::run(&argv, &project, UtcTime::now(), &mut out, &mut err);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    project.join("migrations")
}

#[tokio::test(flavor = "current_thread")]
async fn sqlx_migrator_runs_and_reverts_on_postgres() {
    let dir = generate("pg", &["--table-prefix", "mig_"]);
    let url = attesto_test_support::fresh_postgres("sqlx_migrate");
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    let migrator = sqlx::migrate::Migrator::new(dir.as_path())
        .await
        .expect("read migrations");
    assert_eq!(migrator.iter().count(), 2, "an up and a down migration");
    migrator.run(&pool).await.expect("run");

    let url_for_catalog = url.clone();
    let dump = tokio::task::spawn_blocking(move || {
        let mut client =
            postgres::Client::connect(&url_for_catalog, postgres::NoTls).expect("connect");
        catalog::postgres(&mut client)
    })
    .await
    .expect("catalog");
    assert_eq!(
        catalog::without(&dump, &["_sqlx_migrations"]),
        ecto::postgres(LATEST, "mig_")
    );

    migrator.undo(&pool, 0).await.expect("revert");
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'mig_%'",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(left, 0, "revert leaves tables behind");
}

#[tokio::test(flavor = "current_thread")]
async fn sqlx_migrator_runs_and_reverts_on_sqlite() {
    let dir = generate("sqlite", &["--dialect", "sqlite"]);
    let file = dir.parent().expect("project").join("db.sqlite");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&file)
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.expect("open");
    let migrator = sqlx::migrate::Migrator::new(dir.as_path())
        .await
        .expect("read migrations");
    migrator.run(&pool).await.expect("run");
    pool.close().await;

    let conn = rusqlite::Connection::open(&file).expect("open");
    assert_eq!(
        catalog::without(&catalog::sqlite(&conn), &["_sqlx_migrations"]),
        ecto::sqlite(LATEST, "")
    );
    drop(conn);

    let pool =
        sqlx::SqlitePool::connect_with(sqlx::sqlite::SqliteConnectOptions::new().filename(&file))
            .await
            .expect("reopen");
    migrator.undo(&pool, 0).await.expect("revert");
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'attesto_%'",
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(left, 0, "revert leaves tables behind");
}

#[tokio::test(flavor = "current_thread")]
async fn sqlx_migrator_installs_then_upgrades_on_mysql() {
    // An install of 0.19.0, then the upgrade to the latest: two migrations
    // in one directory, as a deployment that moves along would have them.
    let dir = generate("mysql", &["--dialect", "mysql", "--version", "0.19.0"]);
    let project = dir.parent().expect("project").to_owned();
    let mut argv: Vec<String> = ["gen-migration", "--dialect", "mysql", "--from", "0.19.0"]
        .map(str::to_owned)
        .to_vec();
    argv.extend(["--migrations-path".to_owned(), dir.display().to_string()]);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let later = UtcTime::from_unix(4_102_444_800);
    let code = cli::run(&argv, &project, later, &mut out, &mut err);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    let url = attesto_test_support::fresh_mysql("sqlx_migrate");
    let pool = sqlx::MySqlPool::connect(&url).await.expect("connect");
    let migrator = sqlx::migrate::Migrator::new(dir.as_path())
        .await
        .expect("read migrations");
    assert_eq!(
        migrator
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .count(),
        2
    );
    migrator.run(&pool).await.expect("run");
    let mut conn = sqlx::MySqlConnection::connect(&url).await.expect("connect");
    assert_eq!(
        catalog::unordered(&catalog::without(
            &catalog::mysql(&mut conn).await,
            &["_sqlx_migrations"]
        )),
        catalog::unordered(&ecto::mysql(LATEST, ""))
    );
    migrator.undo(&pool, 0).await.expect("revert");
    assert_eq!(
        catalog::without(&catalog::mysql(&mut conn).await, &["_sqlx_migrations"]),
        ""
    );
}
