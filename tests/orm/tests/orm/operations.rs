//! The stores' operations through diesel and sea-orm: the scenarios every integration
//! runs (upstream's ExUnit store tests, ported; `attesto_test_support::
//! scenarios!`), on PostgreSQL, SQLite and MariaDB.

use attesto_orm_tests::{diesel_lite, diesel_my, diesel_pg, sea_lite, sea_my, sea_pg};
use attesto_test_support::{rows, scenarios};
use diesel::Connection;
use diesel::connection::SimpleConnection;

mod on_diesel_pg {
    use super::*;
    rows!(diesel_pg);

    #[test]
    fn every_operation() {
        let url = attesto_test_support::fresh_postgres("ops_diesel");
        let mut conn = diesel::PgConnection::establish(&url).expect("connect");
        conn.batch_execute(diesel_pg::UP_SQL).expect("up");
        scenarios!(diesel_pg, &mut conn,);
    }
}

mod on_diesel_sqlite {
    use super::*;
    rows!(diesel_lite);

    #[test]
    fn every_operation() {
        let mut conn = diesel::SqliteConnection::establish(":memory:").expect("open");
        conn.batch_execute(diesel_lite::UP_SQL).expect("up");
        scenarios!(diesel_lite, &mut conn,);
    }
}

mod on_diesel_mariadb {
    use super::*;
    rows!(diesel_my);

    #[test]
    fn every_operation() {
        let url = attesto_test_support::fresh_mysql("ops_diesel");
        let mut conn = diesel::MysqlConnection::establish(&url).expect("connect");
        conn.batch_execute(diesel_my::UP_SQL).expect("up");
        scenarios!(diesel_my, &mut conn,);
    }
}

/// A sea-orm connection to `url` with the expansion's tables.
async fn sea_orm(url: &str, up: &str) -> sea_orm::DatabaseConnection {
    use sea_orm::ConnectionTrait;
    let conn = sea_orm::Database::connect(url).await.expect("connect");
    conn.execute_unprepared(up).await.expect("up");
    conn
}

mod on_sea_orm_pg {
    use super::*;
    rows!(sea_pg);

    #[tokio::test(flavor = "current_thread")]
    async fn every_operation() {
        let url = attesto_test_support::fresh_postgres("ops_sea_orm");
        let conn = sea_orm(&url, sea_pg::UP_SQL).await;
        scenarios!(sea_pg, &conn, .await);
    }
}

mod on_sea_orm_sqlite {
    use super::*;
    rows!(sea_lite);

    #[tokio::test(flavor = "current_thread")]
    async fn every_operation() {
        let conn = sea_orm("sqlite::memory:", sea_lite::UP_SQL).await;
        scenarios!(sea_lite, &conn, .await);
    }
}

mod on_sea_orm_mariadb {
    use super::*;
    rows!(sea_my);

    #[tokio::test(flavor = "current_thread")]
    async fn every_operation() {
        let url = attesto_test_support::fresh_mysql("ops_sea_orm");
        let conn = sea_orm(&url, sea_my::UP_SQL).await;
        scenarios!(sea_my, &conn, .await);
    }
}
