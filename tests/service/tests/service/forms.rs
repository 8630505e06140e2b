//! Every operation, `verify`, `ensure` and `sweep_all`, in each form a
//! service calls them: inside `tokio::spawn` and inside an axum handler,
//! on `&pool`, `&mut *conn` (a `PoolConnection`) and `&mut *tx` (a
//! `Transaction`), for every dialect and every async integration. That
//! these compile is the proof that their futures are `Send` and that the
//! handlers are axum `Handler`s; the spawned forms then run every scenario
//! of upstream's store tests, on a fresh database each.

use attesto_test_support::{rows, scenarios};
use axum::extract::State;

/// The spawned and handler forms of a sqlx expansion `$db` (a path),
/// whose pools are `$Pool`; a connection and a transaction are passed as
/// `&mut $($deref)? conn`: `&mut *tx` for sqlx's own (`&mut tx` works as
/// well), `&mut tx` for the `Transaction` of an invocation of several
/// dialects, which is an enum of sqlx's.
macro_rules! sqlx_forms {
    ($name:ident, $($db:ident)::+, $Pool:ty $(, $deref:tt)?) => {
        pub mod $name {
            use super::*;
            use $($db)::+ as db;
            rows!(db);

            /// `ensure` and `verify` on a pool, then every operation and
            /// `sweep_all`. The spawned test and the handler both call it:
            /// each form's scenarios are compiled once, and each use
            /// proves its future `Send`.
            pub async fn on_pool(pool: $Pool) {
                db::ensure(&pool).await.expect("ensure on the pool");
                db::verify(&pool).await.expect("verify on the pool");
                scenarios!(db, &pool, .await);
            }

            /// The same on a connection of the pool.
            pub async fn on_connection(pool: $Pool) {
                let mut conn = pool.acquire().await.expect("acquire");
                db::ensure(&mut $($deref)? conn).await.expect("ensure on a connection");
                db::verify(&mut $($deref)? conn).await.expect("verify on a connection");
                scenarios!(db, &mut $($deref)? conn, .await);
            }

            /// The same in a transaction, committed at the end.
            pub async fn in_transaction(pool: $Pool) {
                db::ensure(&pool).await.expect("ensure");
                let mut tx = pool.begin().await.expect("begin");
                db::verify(&mut $($deref)? tx).await.expect("verify in a transaction");
                scenarios!(in_transaction: db, &mut $($deref)? tx, .await);
                tx.commit().await.expect("commit");
            }

            /// On a pool, a connection and a transaction, each in a task
            /// of its own. Each pool is a fresh database.
            pub async fn spawned(on_pool: $Pool, on_connection: $Pool, on_transaction: $Pool) {
                let tasks = [
                    tokio::spawn(self::on_pool(on_pool)),
                    tokio::spawn(self::on_connection(on_connection)),
                    tokio::spawn(self::in_transaction(on_transaction)),
                ];
                for task in tasks {
                    task.await.expect("the task completes");
                }
            }

            /// `ensure` in a transaction compiles in a spawned task; what it
            /// does there is the dialect's (see the transactions tests).
            #[allow(dead_code)]
            fn ensure_spawned_in_a_transaction(pool: $Pool) {
                tokio::spawn(async move {
                    let mut tx = pool.begin().await.expect("begin");
                    let _ = db::ensure(&mut $($deref)? tx).await;
                    let _ = db::sweep_all(&mut $($deref)? tx, &db::Timestamp::now()).await;
                    tx.commit().await.expect("commit");
                });
            }

            async fn handle_pool(State(pool): State<$Pool>) -> &'static str {
                on_pool(pool).await;
                "ok"
            }

            async fn handle_connection(State(pool): State<$Pool>) -> &'static str {
                on_connection(pool).await;
                "ok"
            }

            async fn handle_transaction(State(pool): State<$Pool>) -> &'static str {
                in_transaction(pool).await;
                "ok"
            }

            /// Every form as an axum route: this compiles only if each
            /// handler is a `Handler`, its future `Send`.
            #[allow(dead_code)]
            pub fn router(pool: $Pool) -> axum::Router {
                axum::Router::new()
                    .route("/pool", axum::routing::post(handle_pool))
                    .route("/connection", axum::routing::post(handle_connection))
                    .route("/transaction", axum::routing::post(handle_transaction))
                    .with_state(pool)
            }
        }
    };
}

sqlx_forms!(sqlx_pg, attesto_driver_tests::sqlx_pg, sqlx::PgPool, *);
sqlx_forms!(sqlx_lite, attesto_driver_tests::sqlx_lite, sqlx::SqlitePool, *);
sqlx_forms!(sqlx_my, attesto_driver_tests::sqlx_my, sqlx::MySqlPool, *);
sqlx_forms!(sqlx_mysql8, attesto_driver_tests::sqlx_mysql8, sqlx::MySqlPool, *);
sqlx_forms!(
    several,
    attesto_service_tests::multi,
    attesto_service_tests::multi::Pool
);

/// tokio-postgres: a client and a transaction of it (it has no pool of
/// its own), spawned and in a handler.
pub mod tokio_pg {
    use super::*;
    use attesto_driver_tests::tokio_pg as db;
    use std::sync::Arc;
    use tokio::sync::Mutex;
    rows!(db);

    /// `ensure` and `verify` on a client, then every operation. The
    /// spawned test and the handler both call it.
    pub async fn on_client(client: &mut tokio_postgres::Client) {
        db::ensure(&mut *client).await.expect("ensure");
        db::verify(&mut *client).await.expect("verify");
        scenarios!(db, &mut *client, .await);
    }

    /// The same in a transaction of the client, committed at the end.
    pub async fn in_transaction(client: &mut tokio_postgres::Client) {
        db::ensure(&mut *client).await.expect("ensure");
        let mut tx = client.transaction().await.expect("begin");
        db::verify(&mut tx).await.expect("verify");
        scenarios!(in_transaction: db, &mut tx, .await);
        tx.commit().await.expect("commit");
    }

    /// On a client and in a transaction of another, each in a task of its
    /// own; each client is connected to a fresh database.
    pub async fn spawned(
        mut on_client: tokio_postgres::Client,
        mut on_transaction: tokio_postgres::Client,
    ) {
        let client = tokio::spawn(async move { self::on_client(&mut on_client).await });
        let transaction =
            tokio::spawn(async move { self::in_transaction(&mut on_transaction).await });
        client.await.expect("the task completes");
        transaction.await.expect("the task completes");
    }

    async fn handle(State(client): State<Arc<Mutex<tokio_postgres::Client>>>) -> &'static str {
        let mut client = client.lock().await;
        on_client(&mut client).await;
        in_transaction(&mut client).await;
        "ok"
    }

    /// Both forms in an axum handler.
    #[allow(dead_code)]
    pub fn router(client: tokio_postgres::Client) -> axum::Router {
        axum::Router::new()
            .route("/", axum::routing::post(handle))
            .with_state(Arc::new(Mutex::new(client)))
    }
}

/// The sea-orm forms of an expansion `$db`: a `DatabaseConnection` (a
/// pool) and a `DatabaseTransaction`, spawned and in a handler.
macro_rules! sea_forms {
    ($name:ident, $($db:ident)::+) => {
        pub mod $name {
            use super::*;
            use $($db)::+ as db;
            use sea_orm::TransactionTrait as _;
            rows!(db);

            /// `ensure` and `verify` on a connection, then every operation.
            /// The spawned test and the handler both call it.
            pub async fn on_connection(conn: sea_orm::DatabaseConnection) {
                db::ensure(&conn).await.expect("ensure");
                db::verify(&conn).await.expect("verify");
                scenarios!(db, &conn, .await);
            }

            /// The same in a transaction, committed at the end.
            pub async fn in_transaction(conn: sea_orm::DatabaseConnection) {
                db::ensure(&conn).await.expect("ensure");
                let tx = conn.begin().await.expect("begin");
                db::verify(&tx).await.expect("verify");
                scenarios!(in_transaction: db, &tx, .await);
                tx.commit().await.expect("commit");
            }

            /// On a connection and in a transaction of another, each in a
            /// task of its own; each is a fresh database.
            pub async fn spawned(on_connection: sea_orm::DatabaseConnection, on_transaction: sea_orm::DatabaseConnection) {
                let connection = tokio::spawn(self::on_connection(on_connection));
                let transaction = tokio::spawn(self::in_transaction(on_transaction));
                connection.await.expect("the task completes");
                transaction.await.expect("the task completes");
            }

            async fn handle(State(conn): State<sea_orm::DatabaseConnection>) -> &'static str {
                on_connection(conn.clone()).await;
                in_transaction(conn).await;
                "ok"
            }

            /// Both forms in an axum handler.
            #[allow(dead_code)]
            pub fn router(conn: sea_orm::DatabaseConnection) -> axum::Router {
                axum::Router::new()
                    .route("/", axum::routing::post(handle))
                    .with_state(conn)
            }
        }
    };
}

sea_forms!(sea_pg, attesto_orm_tests::sea_pg);
sea_forms!(sea_lite, attesto_orm_tests::sea_lite);
sea_forms!(sea_my, attesto_orm_tests::sea_my);

mod run {
    //! The spawned forms, run.
    use crate::SqliteFile;

    async fn pg() -> sqlx::PgPool {
        sqlx::PgPool::connect(&attesto_test_support::fresh_postgres("forms"))
            .await
            .expect("connect")
    }

    async fn my() -> sqlx::MySqlPool {
        sqlx::MySqlPool::connect(&attesto_test_support::fresh_mysql("forms"))
            .await
            .expect("connect")
    }

    async fn lite(file: &SqliteFile) -> sqlx::SqlitePool {
        sqlx::SqlitePool::connect(&file.url())
            .await
            .expect("connect")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlx_on_postgres() {
        super::sqlx_pg::spawned(pg().await, pg().await, pg().await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlx_on_sqlite() {
        let files = [
            SqliteFile::new("a"),
            SqliteFile::new("b"),
            SqliteFile::new("c"),
        ];
        super::sqlx_lite::spawned(
            lite(&files[0]).await,
            lite(&files[1]).await,
            lite(&files[2]).await,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlx_on_mariadb() {
        super::sqlx_my::spawned(my().await, my().await, my().await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlx_mysql8_forms_on_mariadb() {
        super::sqlx_mysql8::spawned(my().await, my().await, my().await).await;
    }

    /// The invocation of several dialects, by URL, on each server.
    async fn several(url: &str) -> attesto_service_tests::multi::Pool {
        attesto_service_tests::multi::Pool::connect(url)
            .await
            .expect("connect")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn several_dialects_on_postgres() {
        let url = || attesto_test_support::fresh_postgres("forms_several");
        super::several::spawned(
            several(&url()).await,
            several(&url()).await,
            several(&url()).await,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn several_dialects_on_sqlite() {
        let files = [
            SqliteFile::new("sa"),
            SqliteFile::new("sb"),
            SqliteFile::new("sc"),
        ];
        super::several::spawned(
            several(&files[0].url()).await,
            several(&files[1].url()).await,
            several(&files[2].url()).await,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn several_dialects_on_mariadb() {
        let url = || attesto_test_support::fresh_mysql("forms_several");
        super::several::spawned(
            several(&url()).await,
            several(&url()).await,
            several(&url()).await,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn tokio_postgres() {
        async fn client() -> tokio_postgres::Client {
            let url = attesto_test_support::fresh_postgres("forms_tokio");
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .expect("connect");
            tokio::spawn(connection);
            client
        }
        super::tokio_pg::spawned(client().await, client().await).await;
    }

    async fn sea(url: &str) -> sea_orm::DatabaseConnection {
        sea_orm::Database::connect(url).await.expect("connect")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sea_orm_on_postgres() {
        let a = attesto_test_support::fresh_postgres("forms_sea");
        let b = attesto_test_support::fresh_postgres("forms_sea");
        super::sea_pg::spawned(sea(&a).await, sea(&b).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sea_orm_on_sqlite() {
        let (a, b) = (SqliteFile::new("sea-a"), SqliteFile::new("sea-b"));
        super::sea_lite::spawned(sea(&a.url()).await, sea(&b.url()).await).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sea_orm_on_mariadb() {
        let a = attesto_test_support::fresh_mysql("forms_sea");
        let b = attesto_test_support::fresh_mysql("forms_sea");
        super::sea_my::spawned(sea(&a).await, sea(&b).await).await;
    }
}
