//! `ensure` and `verify` as diesel and sea-orm generate them, on every
//! dialect: an install, a second start that only verifies, a damaged
//! table refused.

use attesto_schema::{Ensured, VerifyError};
use diesel::Connection as _;
use diesel::connection::SimpleConnection as _;

/// The damage every case makes: the unique key of single use gone.
const DAMAGE: &str = "DROP INDEX orm_attesto_authorization_codes_code_hash_index";

fn assert_refused<E: std::fmt::Display>(result: Result<(), VerifyError<E>>) {
    let error = result.expect_err("a damaged table is refused");
    let message = error.to_string();
    assert!(matches!(error, VerifyError::Mismatch(_)), "{message}");
    assert!(
        message.contains("missing_index") && message.contains("breaks a guarantee"),
        "{message}"
    );
}

#[test]
fn diesel_ensures_and_verifies_on_every_dialect() {
    use attesto_orm_tests::{diesel_lite, diesel_my, diesel_pg};
    let mut pg = diesel::PgConnection::establish(&attesto_test_support::fresh_postgres("orm_live"))
        .expect("connect");
    assert_eq!(
        diesel_pg::ensure(&mut pg).expect("ensure"),
        Ensured::Installed
    );
    assert_eq!(
        diesel_pg::ensure(&mut pg).expect("ensure"),
        Ensured::Verified
    );
    diesel_pg::verify(&mut pg).expect("verify");
    pg.batch_execute(DAMAGE).expect("damage");
    assert_refused(diesel_pg::verify(&mut pg));

    let mut lite = diesel::SqliteConnection::establish(":memory:").expect("open");
    assert_eq!(
        diesel_lite::ensure(&mut lite).expect("ensure"),
        Ensured::Installed
    );
    assert_eq!(
        diesel_lite::ensure(&mut lite).expect("ensure"),
        Ensured::Verified
    );
    diesel_lite::verify(&mut lite).expect("verify");
    lite.batch_execute(DAMAGE).expect("damage");
    assert_refused(diesel_lite::verify(&mut lite));

    let mut my = diesel::MysqlConnection::establish(&attesto_test_support::fresh_mysql("orm_live"))
        .expect("connect");
    assert_eq!(
        diesel_my::ensure(&mut my).expect("ensure"),
        Ensured::Installed
    );
    assert_eq!(
        diesel_my::ensure(&mut my).expect("ensure"),
        Ensured::Verified
    );
    diesel_my::verify(&mut my).expect("verify");
    my.batch_execute(&format!("{DAMAGE} ON orm_attesto_authorization_codes"))
        .expect("damage");
    assert_refused(diesel_my::verify(&mut my));
}

#[tokio::test(flavor = "current_thread")]
async fn sea_orm_ensures_and_verifies_on_every_dialect() {
    use attesto_orm_tests::{sea_lite, sea_my, sea_pg};
    use sea_orm::ConnectionTrait as _;
    let pg = sea_orm::Database::connect(attesto_test_support::fresh_postgres("orm_live"))
        .await
        .expect("connect");
    assert_eq!(
        sea_pg::ensure(&pg).await.expect("ensure"),
        Ensured::Installed
    );
    assert_eq!(
        sea_pg::ensure(&pg).await.expect("ensure"),
        Ensured::Verified
    );
    sea_pg::verify(&pg).await.expect("verify");
    pg.execute_unprepared(DAMAGE).await.expect("damage");
    assert_refused(sea_pg::verify(&pg).await);

    let path = std::env::temp_dir().join(format!("attesto-orm-live-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let lite = sea_orm::Database::connect(format!("sqlite:{}?mode=rwc", path.display()))
        .await
        .expect("open");
    assert_eq!(
        sea_lite::ensure(&lite).await.expect("ensure"),
        Ensured::Installed
    );
    assert_eq!(
        sea_lite::ensure(&lite).await.expect("ensure"),
        Ensured::Verified
    );
    sea_lite::verify(&lite).await.expect("verify");
    lite.execute_unprepared(DAMAGE).await.expect("damage");
    assert_refused(sea_lite::verify(&lite).await);
    let _ = std::fs::remove_file(&path);

    let my = sea_orm::Database::connect(attesto_test_support::fresh_mysql("orm_live"))
        .await
        .expect("connect");
    assert_eq!(
        sea_my::ensure(&my).await.expect("ensure"),
        Ensured::Installed
    );
    assert_eq!(
        sea_my::ensure(&my).await.expect("ensure"),
        Ensured::Verified
    );
    sea_my::verify(&my).await.expect("verify");
    my.execute_unprepared(&format!("{DAMAGE} ON orm_attesto_authorization_codes"))
        .await
        .expect("damage");
    assert_refused(sea_my::verify(&my).await);
}
