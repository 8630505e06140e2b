//! `ensure` and `verify` in the databases a service meets: a schema
//! earlier on PostgreSQL's search path, no usable schema, a role that may
//! not write, every isolation level a database can default to, an install
//! interrupted part-way (MySQL and MariaDB commit each DDL statement on its
//! own), and a replica frozen while it holds the install lock.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use attesto_driver_tests::{sqlx_lite, sqlx_my, sqlx_pg};
use attesto_schema::{Dialect, Ensured, Release, Schema, SearchPathProblem, VerifyError};
use sqlx::Connection as _;

/// A PostgreSQL role of its own, which may log in (the test server trusts
/// every local connection), and the database URL as that role.
fn role(admin: &mut postgres::Client, url: &str, name: &str) -> (String, String) {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let role = format!(
        "{name}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    admin
        .batch_execute(&format!("CREATE ROLE {role} LOGIN"))
        .expect("create role");
    (
        role.clone(),
        url.replacen("postgres@", &format!("{role}@"), 1),
    )
}

/// Runs `work` on a runtime of its own thread, as the blocking admin client
/// needs.
fn admin(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).expect("admin connection")
}

async fn pg(url: &str) -> sqlx::PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect(url)
        .await
        .expect("connect")
}

/// Tables of `schema` in `namespace`.
fn tables_in(admin: &mut postgres::Client, namespace: &str) -> i64 {
    admin
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = $1",
            &[&namespace],
        )
        .expect("count")
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_schema_earlier_on_the_search_path_is_refused_not_installed() {
    let url = attesto_test_support::fresh_postgres("search_path");
    let (svc, svc_url) = tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            let mut admin = admin(&url);
            let (svc, svc_url) = role(&mut admin, &url, "svc");
            admin
                .batch_execute(&format!("GRANT CREATE ON SCHEMA public TO {svc}"))
                .expect("grant");
            (svc, svc_url)
        }
    })
    .await
    .expect("admin");
    // Installed in `public`: the default search path is "$user", public,
    // and no schema of the role's name exists yet.
    let pool = pg(&svc_url).await;
    assert_eq!(
        sqlx_pg::ensure(&pool).await.expect("ensure"),
        Ensured::Installed
    );
    let now = sqlx_pg::Timestamp::now();
    let code = sqlx_pg::AuthorizationCodeRow::new(sqlx_pg::NewAuthorizationCode {
        code_hash: "issued".to_owned(),
        client_id: "client-1".to_owned(),
        subject: "alice".to_owned(),
        redirect_uri: "https://rp.example/cb".to_owned(),
        expires_at: now.checked_add_seconds(600).expect("in range"),
        inserted_at: now,
    });
    code.put(&pool).await.expect("put");
    pool.close().await;
    // The per-role schema starts to exist: names now resolve to it first.
    tokio::task::spawn_blocking({
        let (url, svc) = (url.clone(), svc.clone());
        move || {
            admin(&url)
                .batch_execute(&format!("CREATE SCHEMA {svc} AUTHORIZATION {svc}"))
                .expect("schema")
        }
    })
    .await
    .expect("admin");
    let pool = pg(&svc_url).await;
    for error in [
        sqlx_pg::ensure(&pool)
            .await
            .expect_err("a second set refused"),
        sqlx_pg::verify(&pool).await.expect_err("refused"),
    ] {
        match &error {
            VerifyError::SearchPath(SearchPathProblem::Elsewhere {
                current, tables_in, ..
            }) => {
                assert_eq!(
                    (current.as_str(), tables_in.as_slice()),
                    (svc.as_str(), &["public".to_owned()][..])
                );
            }
            other => panic!("{other:#?}"),
        }
        let message = error.to_string();
        assert!(
            message.contains(&format!("resolves to schema {svc:?} first")),
            "{message}"
        );
        assert!(message.contains("schema \"public\" does"), "{message}");
        assert!(
            message.contains(&format!("ALTER ROLE {svc} SET search_path = public")),
            "{message}"
        );
    }
    pool.close().await;
    let mut check = tokio::task::spawn_blocking({
        let url = url.clone();
        move || admin(&url)
    })
    .await
    .expect("admin");
    let svc_schema = svc.clone();
    let created = tokio::task::spawn_blocking(move || tables_in(&mut check, &svc_schema))
        .await
        .expect("count");
    assert_eq!(created, 0, "nothing was installed in {svc}");
    // `attesto status` says so too.
    let (code, json) = crate::live::status(&svc_url, &["--table-prefix", "t_"]);
    assert_eq!(
        (code, json["status"].as_str()),
        (1, Some("search_path")),
        "{json}"
    );
    // With the tables' schema first again, the code is where it was.
    tokio::task::spawn_blocking({
        let (url, svc) = (url.clone(), svc.clone());
        move || {
            admin(&url)
                .batch_execute(&format!("ALTER ROLE {svc} SET search_path = public"))
                .expect("alter role")
        }
    })
    .await
    .expect("admin");
    let pool = pg(&svc_url).await;
    assert_eq!(
        sqlx_pg::ensure(&pool).await.expect("ensure"),
        Ensured::Verified
    );
    assert!(
        sqlx_pg::AuthorizationCodeRow::get(&pool, "issued")
            .await
            .expect("get")
            .is_some()
    );
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_no_usable_schema_names_the_search_path_and_where_the_tables_are() {
    let url = attesto_test_support::fresh_postgres("no_schema");
    let pool = pg(&url).await;
    sqlx_pg::ensure(&pool).await.expect("installed in public");
    pool.close().await;
    let (nowhere, nowhere_url, no_usage, no_usage_url) = tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            let mut admin = admin(&url);
            let (nowhere, nowhere_url) = role(&mut admin, &url, "nowhere");
            admin
                .batch_execute(&format!(
                    "ALTER ROLE {nowhere} SET search_path = missing_schema"
                ))
                .expect("alter role");
            let (no_usage, no_usage_url) = role(&mut admin, &url, "nousage");
            admin
                .batch_execute("REVOKE USAGE, CREATE ON SCHEMA public FROM PUBLIC")
                .expect("revoke");
            (nowhere, nowhere_url, no_usage, no_usage_url)
        }
    })
    .await
    .expect("admin");
    for (role, url, setting) in [
        (&nowhere, &nowhere_url, "missing_schema"),
        (&no_usage, &no_usage_url, "\"$user\", public"),
    ] {
        let pool = pg(url).await;
        for error in [
            sqlx_pg::verify(&pool).await.expect_err("no schema"),
            sqlx_pg::ensure(&pool).await.expect_err("no schema"),
        ] {
            match &error {
                VerifyError::SearchPath(SearchPathProblem::NoSchema {
                    setting: s,
                    tables_in,
                    ..
                }) => {
                    assert_eq!(
                        (s.as_str(), tables_in.as_slice()),
                        (setting, &["public".to_owned()][..]),
                        "{role}"
                    );
                }
                other => panic!("{role}: {other:#?}"),
            }
            let message = error.to_string();
            assert!(
                message.contains(&format!("no schema of the search path ({setting})")),
                "{message}"
            );
            assert!(
                message.contains("they are in schema \"public\""),
                "{message}"
            );
        }
        pool.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_role_that_may_not_write_is_told_and_may_verify_read_only() {
    let url = attesto_test_support::fresh_postgres("privileges");
    let pool = pg(&url).await;
    sqlx_pg::ensure(&pool).await.expect("installed");
    pool.close().await;
    let (reader_url, stranger_url) = tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            let mut admin = admin(&url);
            let (reader, reader_url) = role(&mut admin, &url, "reader");
            admin
                .batch_execute(&format!(
                    "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}"
                ))
                .expect("grant");
            let (_, stranger_url) = role(&mut admin, &url, "stranger");
            (reader_url, stranger_url)
        }
    })
    .await
    .expect("admin");
    let reader = pg(&reader_url).await;
    let error = sqlx_pg::verify(&reader).await.expect_err("may not write");
    let VerifyError::Mismatch(mismatch) = &error else {
        panic!("{error:#?}");
    };
    let differences = mismatch.differences();
    assert_eq!(differences.len(), sqlx_pg::TABLES.len(), "{error}");
    assert!(
        differences
            .iter()
            .all(|d| d.kind.name() == "missing_write_privilege" && d.breaks_guarantee),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("may not INSERT, UPDATE, DELETE it"),
        "{error}"
    );
    // The tables are the release's: the message says so rather than
    // "does not hold release X; the nearest is X".
    assert!(
        error.to_string().contains(&format!(
            "holds release {}'s tables, with {} difference(s)",
            sqlx_pg::SCHEMA_RELEASE,
            sqlx_pg::TABLES.len()
        )),
        "{error}"
    );
    // A service that only reads verifies with the read-only target.
    let lines: Vec<String> = sqlx::query_scalar(sqlx_pg::CATALOG_SQL)
        .fetch_all(&reader)
        .await
        .expect("catalog");
    sqlx_pg::TARGET
        .read_only()
        .verify::<Infallible>(&lines)
        .expect("reading is allowed");
    // A role that may not even read is told that too.
    let stranger = pg(&stranger_url).await;
    let error = sqlx_pg::verify(&stranger).await.expect_err("may not read");
    assert!(
        error.to_string().contains("may not SELECT from it"),
        "{error}"
    );
    // Each fix is a statement to run as it stands: run as the owner, they
    // give both roles what the operations need.
    let mut grants: Vec<String> = Vec::new();
    for pool in [&reader, &stranger] {
        let VerifyError::Mismatch(mismatch) = sqlx_pg::verify(pool).await.expect_err("not yet")
        else {
            panic!("a mismatch");
        };
        grants.extend(mismatch.differences().iter().map(|d| d.fix.clone()));
    }
    assert!(
        grants.iter().all(|fix| fix.starts_with("GRANT ")),
        "{grants:#?}"
    );
    tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            let mut admin = admin(&url);
            for fix in &grants {
                admin
                    .batch_execute(fix)
                    .unwrap_or_else(|e| panic!("{fix}: {e}"));
            }
        }
    })
    .await
    .expect("admin");
    sqlx_pg::verify(&reader)
        .await
        .expect("the reader may write now");
    sqlx_pg::verify(&stranger)
        .await
        .expect("the stranger may read and write now");
    reader.close().await;
    stranger.close().await;
}

/// Eight `ensure` calls at once on a fresh database, each on its own
/// connection: one installs, seven verify.
async fn eight_at_once<F, Fut>(ensure: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Ensured, String>> + Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        tasks.spawn(ensure());
    }
    let mut installed = 0;
    while let Some(done) = tasks.join_next().await {
        match done
            .expect("task")
            .unwrap_or_else(|e| panic!("a concurrent ensure failed: {e}"))
        {
            Ensured::Installed => installed += 1,
            Ensured::Verified => {}
            Ensured::Completed => panic!("nothing was interrupted"),
        }
    }
    assert_eq!(installed, 1, "exactly one of eight installs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_ensure_installs_once_under_every_isolation_level() {
    for isolation in ["read committed", "repeatable read", "serializable"] {
        let url = attesto_test_support::fresh_postgres("isolation");
        let database = url.rsplit('/').next().expect("a database").to_owned();
        tokio::task::spawn_blocking({
            let url = url.clone();
            move || {
                admin(&url)
                    .batch_execute(&format!(
                        "ALTER DATABASE \"{database}\" SET default_transaction_isolation = '{isolation}'"
                    ))
                    .expect("isolation")
            }
        })
        .await
        .expect("admin");
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(8)
            .connect(&url)
            .await
            .expect("connect");
        let level: String = sqlx::query_scalar("SHOW default_transaction_isolation")
            .fetch_one(&pool)
            .await
            .expect("level");
        assert_eq!(level, isolation);
        eight_at_once(|| {
            let pool = pool.clone();
            async move {
                sqlx_pg::ensure(&pool)
                    .await
                    .map_err(|e| format!("{isolation}: {e}"))
            }
        })
        .await;
        pool.close().await;
    }
    for isolation in ["READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"] {
        let url = attesto_test_support::fresh_mysql("isolation");
        let pool = sqlx::mysql::MySqlPoolOptions::new()
            .max_connections(8)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "SET SESSION TRANSACTION ISOLATION LEVEL {isolation}"
                    )))
                    .execute(&mut *conn)
                    .await?;
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .expect("connect");
        eight_at_once(|| {
            let pool = pool.clone();
            async move {
                sqlx_my::ensure(&pool)
                    .await
                    .map_err(|e| format!("{isolation}: {e}"))
            }
        })
        .await;
        pool.close().await;
    }
    // SQLite has one writer at a time, whatever the connection asks.
    let file = std::env::temp_dir().join(format!("attesto-isolation-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(8)
        .connect(&format!("sqlite://{}?mode=rwc", file.display()))
        .await
        .expect("connect");
    eight_at_once(|| {
        let pool = pool.clone();
        async move { sqlx_lite::ensure(&pool).await.map_err(|e| e.to_string()) }
    })
    .await;
    pool.close().await;
    let _ = std::fs::remove_file(&file);
}

/// The first `count` tables of `UP_SQL` on MariaDB, as an install killed
/// after them leaves them.
async fn first_tables(conn: &mut sqlx::MySqlConnection, count: usize) {
    let schema = Schema::new(Dialect::Mariadb, "t_").expect("schema");
    for table in schema.tables().into_iter().take(count) {
        sqlx::raw_sql(sqlx::AssertSqlSafe(schema.create_sql(table)))
            .execute(&mut *conn)
            .await
            .expect("create");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_an_interrupted_install_is_completed_or_named() {
    let total = sqlx_my::TABLES.len();
    for count in 1..total {
        let url = attesto_test_support::fresh_mysql("interrupted");
        let mut conn = sqlx::MySqlConnection::connect(&url).await.expect("connect");
        first_tables(&mut conn, count).await;
        // `verify` names the state, and what completes it.
        let error = sqlx_my::verify(&mut conn).await.expect_err("interrupted");
        let message = error.to_string();
        assert!(
            message.contains("holds an interrupted install of release 1.2.0"),
            "{message}"
        );
        assert!(message.contains("fix: run `ensure`"), "{message}");
        // So does `attesto status`, not a nearest release.
        let status_url = url.clone();
        let (code, json) = tokio::task::spawn_blocking(move || {
            crate::live::status(&status_url, &["--table-prefix", "t_"])
        })
        .await
        .expect("status");
        assert_eq!(
            (code, json["status"].as_str()),
            (1, Some("interrupted")),
            "{json}"
        );
        assert_eq!(json["release"], Release::latest().version(), "{json}");
        assert_eq!(
            json["missing_tables"].as_array().map(Vec::len),
            Some(total - count)
        );
        // `ensure` completes it.
        assert_eq!(
            sqlx_my::ensure(&mut conn).await.expect("completed"),
            Ensured::Completed
        );
        sqlx_my::verify(&mut conn)
            .await
            .expect("the release, whole");
        assert_eq!(
            sqlx_my::ensure(&mut conn).await.expect("then verified"),
            Ensured::Verified
        );
    }
    // An interrupted install whose tables hold rows is named, not completed.
    let url = attesto_test_support::fresh_mysql("interrupted_rows");
    let mut conn = sqlx::MySqlConnection::connect(&url).await.expect("connect");
    first_tables(&mut conn, 2).await;
    sqlx::raw_sql(
        "INSERT INTO t_attesto_authorization_codes (code_hash, client_id, subject, redirect_uri, expires_at, inserted_at) \
         VALUES ('h', 'c', 's', 'https://rp.example/cb', NOW(), NOW())",
    )
    .execute(&mut conn)
    .await
    .expect("a row");
    let error = sqlx_my::ensure(&mut conn).await.expect_err("rows");
    assert!(matches!(error, VerifyError::Interrupted(_)), "{error:#?}");
    let message = error.to_string();
    assert!(
        message.contains("t_attesto_authorization_codes holds rows"),
        "{message}"
    );
    assert!(message.contains("CREATE_SQL"), "{message}");
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
    )
    .fetch_one(&mut conn)
    .await
    .expect("count");
    assert_eq!(tables, 2, "nothing created");
    // A table in the middle missing is damage, not an interrupted install.
    let url = attesto_test_support::fresh_mysql("interrupted_damage");
    let mut conn = sqlx::MySqlConnection::connect(&url).await.expect("connect");
    sqlx::raw_sql(sqlx_my::UP_SQL)
        .execute(&mut conn)
        .await
        .expect("up");
    sqlx::raw_sql("DROP TABLE t_attesto_device_codes")
        .execute(&mut conn)
        .await
        .expect("drop");
    let error = sqlx_my::ensure(&mut conn).await.expect_err("damage");
    assert!(matches!(error, VerifyError::Mismatch(_)), "{error:#?}");
    assert!(!error.to_string().contains("interrupted"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_frozen_replica_holding_the_install_lock_ends_in_locked() {
    let url = attesto_test_support::fresh_postgres("frozen");
    // The frozen replica: a transaction that took the install lock and
    // does nothing more.
    let mut frozen = sqlx::PgConnection::connect(&url).await.expect("connect");
    let mut held = frozen.begin().await.expect("begin");
    let taken: String = sqlx::query_scalar(sqlx_pg::INSTALL_LOCK_SQL)
        .fetch_one(&mut *held)
        .await
        .expect("lock");
    assert_eq!(taken, "1");
    let pool = pg(&url).await;
    let started = Instant::now();
    let error = sqlx_pg::ensure(&pool).await.expect_err("the lock is held");
    let waited = started.elapsed();
    assert!(matches!(error, VerifyError::Locked), "{error:#?}");
    let bound = Duration::from_millis(
        u64::from(attesto_schema::INSTALL_LOCK_TRIES)
            * u64::from(attesto_schema::INSTALL_LOCK_PAUSE_MS),
    );
    assert!(
        waited >= bound && waited < bound + Duration::from_secs(20),
        "waited {waited:?}"
    );
    assert!(
        error
            .to_string()
            .contains("held the install lock for the whole wait")
    );
    held.rollback().await.expect("thawed");
    assert_eq!(
        sqlx_pg::ensure(&pool).await.expect("now"),
        Ensured::Installed
    );
}
