//! One invocation for several dialects: the same storage code, written
//! once against `db::Pool`, runs on PostgreSQL, SQLite and MariaDB, chosen
//! by URL; each dialect's module holds its own SQL, the very SQL of a
//! single-dialect invocation.

use attesto::schema::{Dialect, Schema};
use attesto_service_tests::multi as db;
use db::{CodeTake, RefreshConsume, RefreshInsert};

use crate::SqliteFile;

/// A code exchange as a token endpoint runs it: in one transaction, the
/// code taken and marked redeemed, the first refresh token of its family
/// stored, the access token recorded; a code presented again revokes the
/// family and the access tokens issued from it. The one function every
/// dialect runs.
async fn exchange(
    pool: &db::Pool,
    code_hash: &str,
    refresh: &str,
    jti: &str,
    now: db::Timestamp,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    match db::AuthorizationCodeRow::take(&mut tx, code_hash, &now).await? {
        CodeTake::Taken(code) => {
            let family = code.family_id.clone().unwrap_or_default();
            db::AuthorizationCodeRow::mark_consumed(&mut tx, code_hash).await?;
            let token = db::RefreshTokenRow::new(db::NewRefreshToken {
                id: uuid::Uuid::new_v4(),
                token_hash: refresh.to_owned(),
                family_id: family.clone(),
                subject: code.subject.clone(),
                expires_at: now.checked_add_seconds(86_400).unwrap_or(now),
                inserted_at: now,
            });
            assert_eq!(
                token.insert_in_family(&mut tx).await?,
                RefreshInsert::Inserted
            );
            let expires = now.checked_add_seconds(3_600).unwrap_or(now);
            db::AuthorizationCodeRow::record_access_token(&mut tx, &family, jti, &expires).await?;
            tx.commit().await?;
            Ok(true)
        }
        CodeTake::Consumed(code) => {
            let family = code.family_id.unwrap_or_default();
            db::RefreshTokenRow::revoke_family(&mut tx, &family).await?;
            db::AuthorizationCodeRow::revoke_family_access_tokens(&mut tx, &family, &now).await?;
            tx.commit().await?;
            Ok(false)
        }
        CodeTake::Expired(_) | CodeTake::Missing => {
            tx.commit().await?;
            Ok(false)
        }
    }
}

async fn run(url: &str, dialect: &str) {
    let pool = db::Pool::connect(url).await.expect("connect");
    assert_eq!(pool.dialect(), dialect);
    assert_eq!(
        db::ensure(&pool).await.expect("ensure"),
        attesto::schema::Ensured::Installed
    );
    assert_eq!(
        db::ensure(&pool).await.expect("ensure"),
        attesto::schema::Ensured::Verified
    );
    let now = db::Timestamp::now();
    db::AuthorizationCodeRow {
        family_id: Some("fam-1".to_owned()),
        ..db::AuthorizationCodeRow::new(db::NewAuthorizationCode {
            code_hash: "code-1".to_owned(),
            client_id: "client-1".to_owned(),
            subject: "alice".to_owned(),
            redirect_uri: "https://rp.example/cb".to_owned(),
            expires_at: now.checked_add_seconds(600).expect("in range"),
            inserted_at: now,
        })
    }
    .put(&pool)
    .await
    .expect("put");
    assert!(
        exchange(&pool, "code-1", "refresh-1", "jti-1", now)
            .await
            .expect("exchange")
    );
    assert!(
        !db::AuthorizationCodeRow::access_token_revoked(&pool, "jti-1", &now)
            .await
            .expect("revoked?")
    );
    // The code again: refused, and what it issued is revoked.
    assert!(
        !exchange(&pool, "code-1", "refresh-2", "jti-2", now)
            .await
            .expect("exchange")
    );
    assert!(
        db::AuthorizationCodeRow::access_token_revoked(&pool, "jti-1", &now)
            .await
            .expect("revoked?")
    );
    assert_eq!(
        db::RefreshTokenRow::consume(&pool, "refresh-1", &now)
            .await
            .expect("consume"),
        RefreshConsume::FamilyRevoked
    );
    db::verify(&pool).await.expect("verify");
    pool.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_function_runs_on_postgres() {
    run(&attesto_test_support::fresh_postgres("several"), "postgres").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_function_runs_on_sqlite() {
    let file = SqliteFile::new("several");
    run(&file.url(), "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_function_runs_on_mariadb() {
    run(&attesto_test_support::fresh_mysql("several"), "mariadb").await;
}

#[test]
fn each_dialect_module_holds_that_dialects_sql() {
    assert_eq!(db::DIALECTS, ["postgres", "sqlite", "mariadb"]);
    for (dialect, up, down) in [
        (
            Dialect::Postgres,
            db::postgres::UP_SQL,
            db::postgres::DOWN_SQL,
        ),
        (Dialect::Sqlite, db::sqlite::UP_SQL, db::sqlite::DOWN_SQL),
        (Dialect::Mariadb, db::mariadb::UP_SQL, db::mariadb::DOWN_SQL),
    ] {
        let schema = Schema::new(dialect, "s_").expect("prefix");
        assert_eq!(up, schema.up_sql(), "{dialect:?}");
        assert_eq!(down, schema.down_sql(), "{dialect:?}");
    }
    assert_eq!(db::postgres::DIALECT, "postgres");
    assert_eq!(db::mariadb::TARGET.dialect(), Dialect::Mariadb);
    assert!(db::sqlite::authorization_codes::TAKE_SQL.contains("RETURNING"));
    assert!(db::mariadb::authorization_codes::INSERT_SQL.contains('`'));
    assert_eq!(
        db::AuthorizationCodeRow::TABLE,
        "s_attesto_authorization_codes"
    );
}

#[tokio::test]
async fn a_url_of_another_dialect_is_refused_by_name() {
    let error = db::Pool::connect("oracle://db.example/x")
        .await
        .expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("\"oracle\""), "{message}");
    assert!(message.contains("postgres"), "{message}");
}
