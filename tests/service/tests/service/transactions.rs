//! Operations inside the caller's transaction: an operation of several
//! statements takes a savepoint and never commits or rolls back the
//! caller's work, so a take rolled back leaves the code takeable, and a
//! rotation (`consume` + `insert_in_family`) in one transaction is all or
//! nothing. On PostgreSQL, SQLite and MariaDB, through the invocation of
//! several dialects.

use attesto_service_tests::multi as db;
use db::{CodeTake, RefreshConsume, RefreshInsert};

use crate::SqliteFile;

/// A code valid for ten minutes.
fn code(hash: &str, now: db::Timestamp) -> db::AuthorizationCodeRow {
    db::AuthorizationCodeRow {
        family_id: Some(format!("fam-{hash}")),
        ..db::AuthorizationCodeRow::new(db::NewAuthorizationCode {
            code_hash: hash.to_owned(),
            client_id: "client-1".to_owned(),
            subject: "alice".to_owned(),
            redirect_uri: "https://rp.example/cb".to_owned(),
            expires_at: now.checked_add_seconds(600).expect("in range"),
            inserted_at: now,
        })
    }
}

/// A refresh token of `family`, valid for a day.
fn token(hash: &str, family: &str, now: db::Timestamp) -> db::RefreshTokenRow {
    db::RefreshTokenRow::new(db::NewRefreshToken {
        id: uuid::Uuid::new_v4(),
        token_hash: hash.to_owned(),
        family_id: family.to_owned(),
        subject: "alice".to_owned(),
        expires_at: now.checked_add_seconds(86_400).expect("in range"),
        inserted_at: now,
    })
}

async fn run(pool: db::Pool) {
    db::ensure(&pool).await.expect("ensure");
    let now = db::Timestamp::now();

    // A take rolled back leaves the code takeable.
    code("c1", now).put(&pool).await.expect("put");
    let mut tx = pool.begin().await.expect("begin");
    assert!(matches!(
        db::AuthorizationCodeRow::take(&mut tx, "c1", &now)
            .await
            .expect("take"),
        CodeTake::Taken(_)
    ));
    assert_eq!(
        db::AuthorizationCodeRow::mark_consumed(&mut tx, "c1")
            .await
            .expect("mark"),
        1
    );
    tx.rollback().await.expect("rollback");
    assert!(
        matches!(
            db::AuthorizationCodeRow::take(&pool, "c1", &now)
                .await
                .expect("take"),
            CodeTake::Taken(_)
        ),
        "the rolled-back take left the code takeable"
    );

    // A take committed is spent.
    code("c2", now).put(&pool).await.expect("put");
    let mut tx = pool.begin().await.expect("begin");
    assert!(matches!(
        db::AuthorizationCodeRow::take(&mut tx, "c2", &now)
            .await
            .expect("take"),
        CodeTake::Taken(_)
    ));
    db::AuthorizationCodeRow::mark_consumed(&mut tx, "c2")
        .await
        .expect("mark");
    tx.commit().await.expect("commit");
    assert!(matches!(
        db::AuthorizationCodeRow::take(&pool, "c2", &now)
            .await
            .expect("take"),
        CodeTake::Consumed(_)
    ));

    // A rotation rolled back: the old token is still live, the new one
    // was never stored.
    token("r1", "fam-r", now)
        .insert_in_family(&pool)
        .await
        .expect("insert");
    let mut tx = pool.begin().await.expect("begin");
    assert!(matches!(
        db::RefreshTokenRow::consume(&mut tx, "r1", &now)
            .await
            .expect("consume"),
        RefreshConsume::Consumed(_)
    ));
    assert_eq!(
        token("r2", "fam-r", now)
            .insert_in_family(&mut tx)
            .await
            .expect("insert"),
        RefreshInsert::Inserted
    );
    tx.rollback().await.expect("rollback");
    assert_eq!(
        db::RefreshTokenRow::get(&pool, "r2").await.expect("get"),
        None
    );
    assert!(
        !db::RefreshTokenRow::get(&pool, "r1")
            .await
            .expect("get")
            .expect("r1")
            .consumed,
        "the rolled-back rotation left the old token unconsumed"
    );

    // The same rotation committed: both writes, or neither.
    let mut tx = pool.begin().await.expect("begin");
    assert!(matches!(
        db::RefreshTokenRow::consume(&mut tx, "r1", &now)
            .await
            .expect("consume"),
        RefreshConsume::Consumed(_)
    ));
    token("r2", "fam-r", now)
        .insert_in_family(&mut tx)
        .await
        .expect("insert");
    tx.commit().await.expect("commit");
    assert!(
        db::RefreshTokenRow::get(&pool, "r2")
            .await
            .expect("get")
            .is_some()
    );
    assert!(matches!(
        db::RefreshTokenRow::consume(&pool, "r1", &now)
            .await
            .expect("consume"),
        RefreshConsume::Reused(_)
    ));

    // On a connection of the pool, outside a transaction: each operation
    // commits on its own.
    let mut conn = pool.acquire().await.expect("acquire");
    code("c3", now).put(&mut conn).await.expect("put");
    assert!(matches!(
        db::AuthorizationCodeRow::take(&mut conn, "c3", &now)
            .await
            .expect("take"),
        CodeTake::Taken(_)
    ));
    drop(conn);
    assert_eq!(
        db::AuthorizationCodeRow::take(&pool, "c3", &now)
            .await
            .expect("take"),
        CodeTake::Missing
    );
    // A transaction begun on a connection.
    let mut conn = pool.acquire().await.expect("acquire");
    code("c4", now).put(&mut conn).await.expect("put");
    let mut tx = conn.begin().await.expect("begin");
    db::AuthorizationCodeRow::take(&mut tx, "c4", &now)
        .await
        .expect("take");
    tx.rollback().await.expect("rollback");
    assert!(matches!(
        db::AuthorizationCodeRow::take(&mut conn, "c4", &now)
            .await
            .expect("take"),
        CodeTake::Taken(_)
    ));
    // `close` waits for every connection to come back.
    drop(conn);
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres() {
    let url = attesto_test_support::fresh_postgres("service_tx");
    run(db::Pool::connect(&url).await.expect("connect")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite() {
    let file = SqliteFile::new("tx");
    run(db::Pool::connect(&file.url()).await.expect("connect")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_mariadb() {
    let url = attesto_test_support::fresh_mysql("service_tx");
    run(db::Pool::connect(&url).await.expect("connect")).await;
}
