//! The stores' operations, with upstream's ExUnit store tests ported as
//! one set of scenarios (`attesto_test_support::scenarios!`), run through
//! every integration that runs them here: sqlx on PostgreSQL, SQLite,
//! MariaDB (and MySQL 8's forms, on MariaDB), postgres and tokio-postgres
//! on PostgreSQL, rusqlite on SQLite.
//! diesel's and sea-orm's run in `tests/orm`.

use attesto_driver_tests::{lite, pg_crate, sqlx_lite, sqlx_my, sqlx_mysql8, sqlx_pg, tokio_pg};
use attesto_test_support::scenarios;

mod on_sqlx_pg {
    use super::*;
    rows!(sqlx_pg);

    #[tokio::test(flavor = "current_thread")]
    async fn every_operation() {
        let url = attesto_test_support::fresh_postgres("ops_sqlx");
        let pool = sqlx::PgPool::connect(&url).await.expect("connect");
        sqlx::raw_sql(sqlx_pg::UP_SQL)
            .execute(&pool)
            .await
            .expect("up");
        scenarios!(sqlx_pg, &pool, .await);
        // In the caller's transaction, too: `begin` nests as a savepoint.
        let mut tx = pool.begin().await.expect("begin");
        let row = rows::token("in-tx", "fam-tx", sqlx_pg::Timestamp::now());
        assert_eq!(
            row.insert_in_family(&mut *tx).await.expect("insert"),
            sqlx_pg::RefreshInsert::Inserted
        );
        tx.rollback().await.expect("rollback");
        assert_eq!(
            sqlx_pg::RefreshTokenRow::get(&pool, "in-tx")
                .await
                .expect("get"),
            None
        );
    }
}

mod on_sqlx_sqlite {
    use super::*;
    rows!(sqlx_lite);

    #[tokio::test(flavor = "current_thread")]
    async fn every_operation() {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("open");
        sqlx::raw_sql(sqlx_lite::UP_SQL)
            .execute(&pool)
            .await
            .expect("up");
        scenarios!(sqlx_lite, &pool, .await);
    }
}

mod on_sqlx_mysql {
    use super::*;
    rows!(sqlx_my);

    #[tokio::test(flavor = "current_thread")]
    async fn every_operation() {
        let url = attesto_test_support::fresh_mysql("ops_sqlx");
        let pool = sqlx::MySqlPool::connect(&url).await.expect("connect");
        sqlx::raw_sql(sqlx_my::UP_SQL)
            .execute(&pool)
            .await
            .expect("up");
        scenarios!(sqlx_my, &pool, .await);
    }
}

/// MySQL 8's statements on MariaDB, which reads their `SET_VAR` hint as a
/// comment: every form but the hint runs on a real server.
mod on_sqlx_mysql8_forms {
    use super::*;
    rows!(sqlx_mysql8);

    #[tokio::test(flavor = "current_thread")]
    async fn every_operation() {
        let url = attesto_test_support::fresh_mysql("ops_mysql8");
        let pool = sqlx::MySqlPool::connect(&url).await.expect("connect");
        sqlx::raw_sql(sqlx_mysql8::UP_SQL)
            .execute(&pool)
            .await
            .expect("up");
        scenarios!(sqlx_mysql8, &pool, .await);
    }
}

mod on_postgres {
    use super::*;
    rows!(pg_crate);

    #[test]
    fn every_operation() {
        let (mut client, _) = attesto_test_support::fresh_postgres_client("ops_pg");
        client.batch_execute(pg_crate::UP_SQL).expect("up");
        scenarios!(pg_crate, &mut client,);
    }
}

mod on_tokio_postgres {
    use super::*;
    rows!(tokio_pg);

    #[tokio::test(flavor = "current_thread")]
    async fn every_operation() {
        let url = attesto_test_support::fresh_postgres("ops_tokio_pg");
        let (mut client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(connection);
        client.batch_execute(tokio_pg::UP_SQL).await.expect("up");
        scenarios!(tokio_pg, &mut client, .await);
    }
}

mod on_rusqlite {
    use super::*;
    rows!(lite);

    #[test]
    fn every_operation() {
        let conn = rusqlite::Connection::open_in_memory().expect("open");
        conn.execute_batch(lite::UP_SQL).expect("up");
        scenarios!(lite, &conn,);
        // Inside the caller's transaction, the operation is a savepoint.
        let tx = conn.unchecked_transaction().expect("begin");
        assert_eq!(
            rows::token("in-tx", "fam-tx", lite::Timestamp::now())
                .insert_in_family(&tx)
                .expect("insert"),
            lite::RefreshInsert::Inserted
        );
        tx.rollback().expect("rollback");
        assert_eq!(
            lite::RefreshTokenRow::get(&conn, "in-tx").expect("get"),
            None
        );
    }
}

pub(crate) use attesto_test_support::rows;
