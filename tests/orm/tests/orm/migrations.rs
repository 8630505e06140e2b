//! `attesto gen-migration --format diesel` run and reverted by diesel's own
//! migration harness, the code behind `diesel migration run` and `diesel
//! migration revert`: an install of 0.19.0, then the upgrade to the latest
//! release, on PostgreSQL and on SQLite. Between the two, a row of every
//! table goes in and out through the diesel integration, whose `table!`s
//! must match what the migrations built.

use std::path::{Path, PathBuf};

use attesto_cli as cli;
use attesto_orm_tests::{diesel_lite as lite, diesel_pg as pg};
use attesto_schema::UtcTime;
use attesto_test_support::{for_each_table, sample_row};
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{FileBasedMigrations, MigrationHarness};

/// Writes, with the CLI, a diesel migrations directory holding the install
/// of 0.19.0 and the upgrade from it to the latest release.
fn generate(name: &str, dialect: &str) -> PathBuf {
    let project = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("diesel-migrations")
        .join(name);
    let _ = std::fs::remove_dir_all(&project);
    std::fs::create_dir_all(&project).expect("project dir");
    let common = [
        "--format",
        "diesel",
        "--dialect",
        dialect,
        "--table-prefix",
        "orm_",
    ];
    for (step, now) in [("--version", 1_767_225_600), ("--from", 1_767_225_601)] {
        let mut argv = vec![
            "gen-migration".to_owned(),
            step.to_owned(),
            "0.19.0".to_owned(),
        ];
        argv.extend(common.iter().map(|a| (*a).to_owned()));
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = cli::run(&argv, &project, UtcTime::from_unix(now), &mut out, &mut err);
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    }
    project.join("migrations")
}

/// Inserts a sample row through diesel and deletes it again.
macro_rules! in_and_out {
    ($conn:expr, $db:ident, $Row:ident $module:ident [$($key:ident),*] { $($field:ident),* }) => {{
        let row = sample_row!($db, $Row { $($field),* });
        let table = $db::$Row::TABLE;
        diesel::insert_into($db::$module::table)
            .values(&row)
            .execute($conn)
            .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
        let gone = diesel::delete($db::$module::table)
            .execute($conn)
            .unwrap_or_else(|e| panic!("delete from {table}: {e}"));
        assert_eq!(gone, 1, "{table}");
    }};
}

/// The number of tables whose name starts with `orm_`, by `query`.
#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Runs every migration in `$dir` on `$conn`, puts a row of every table of
/// the expansion `$db` in and out, reverts every migration, and counts the
/// tables left with `$tables_left`.
macro_rules! run_and_revert {
    ($conn:expr, $dir:expr, $db:ident, $tables_left:expr) => {{
        let conn = $conn;
        let migrations = FileBasedMigrations::from_path($dir).expect("read migrations");
        let ran = conn
            .run_pending_migrations(migrations.clone())
            .expect("run");
        assert_eq!(ran.len(), 2, "the install and the upgrade");
        for_each_table!($db, in_and_out, &mut *conn);
        let reverted = conn.revert_all_migrations(migrations).expect("revert");
        assert_eq!(reverted.len(), 2);
        let left: Vec<Count> = diesel::sql_query($tables_left).load(conn).expect("count");
        assert_eq!(
            left.first().map(|c| c.n),
            Some(0),
            "revert leaves tables behind"
        );
    }};
}

#[test]
fn diesel_runs_and_reverts_the_migrations_on_postgres() {
    let dir = generate("pg", "postgres");
    let url = attesto_test_support::fresh_postgres("diesel_migrations");
    let mut conn = diesel::PgConnection::establish(&url).expect("connect");
    run_and_revert!(
        &mut conn,
        &dir,
        pg,
        "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'orm_%'"
    );
}

#[test]
fn diesel_runs_and_reverts_the_migrations_on_sqlite() {
    let dir = generate("sqlite", "sqlite");
    let mut conn = diesel::SqliteConnection::establish(":memory:").expect("open");
    run_and_revert!(
        &mut conn,
        &dir,
        lite,
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name LIKE 'orm_%'"
    );
}
