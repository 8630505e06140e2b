//! Every table, written and read back through diesel and through sea-orm,
//! equal, with nothing but the expansion: no `table!`, entity, binding or
//! SQL written here. Each row once with a value in every field, once as
//! its constructor starts it. diesel and sea-orm on
//! PostgreSQL, SQLite and MariaDB.

use attesto_orm_tests::{diesel_lite, diesel_my, diesel_pg, sea_lite, sea_my, sea_pg};
use attesto_test_support::{for_each_new, for_each_table, sample_row};

/// A key as diesel binds it on PostgreSQL: the value itself.
fn pg_key<T>(value: &T) -> &T {
    value
}

/// A key as diesel binds it in the expansion `$db`, through `$bind`: a
/// UUID (stored as a `BLOB` on SQLite, `binary(16)` on MySQL, of the
/// expansion's own SQL type) through the expansion's `AttestoBind`, text
/// as itself.
macro_rules! key_binding {
    ($Key:ident, $bind:ident, $db:ident) => {
        trait $Key<'a> {
            type Bound;
            fn bound(&'a self) -> Self::Bound;
        }

        impl<'a> $Key<'a> for String {
            type Bound = &'a String;
            fn bound(&'a self) -> &'a String {
                self
            }
        }

        impl<'a> $Key<'a> for uuid::Uuid {
            type Bound = $db::AttestoBind<&'a uuid::Uuid>;
            fn bound(&'a self) -> Self::Bound {
                $db::AttestoBind(self)
            }
        }

        fn $bind<'a, K: $Key<'a>>(value: &'a K) -> K::Bound {
            value.bound()
        }
    };
}

key_binding!(SqliteKey, sqlite_key, diesel_lite);
key_binding!(MysqlKey, mysql_key, diesel_my);

/// Insert, read back whole and by key, delete by key, through diesel;
/// `$bind` makes a key value bindable.
macro_rules! diesel_round_trip {
    ($conn:expr, $bind:expr, $db:ident, $Row:ident $module:ident [$($key:ident),*] { $($field:ident),* } $(new $New:ident)?) => {{
        use diesel::prelude::*;
        let row = sample_row!($db, $Row { $($field),* } $(new $New)?);
        let table = $db::$Row::TABLE;
        diesel::insert_into($db::$module::table)
            .values(&row)
            .execute($conn)
            .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
        let back: $db::$Row = $db::$module::table
            .select($db::$Row::as_select())
            .first($conn)
            .unwrap_or_else(|e| panic!("read {table}: {e}"));
        assert_eq!(back, row, "{table}");
        let by_key: $db::$Row = $db::$module::table
            $(.filter($db::$module::$key.eq($bind(&row.$key))))*
            .select($db::$Row::as_select())
            .get_result($conn)
            .unwrap_or_else(|e| panic!("read {table} by key: {e}"));
        assert_eq!(by_key, row, "{table}");
        let gone = diesel::delete($db::$module::table $(.filter($db::$module::$key.eq($bind(&row.$key))))*)
            .execute($conn)
            .unwrap_or_else(|e| panic!("delete from {table}: {e}"));
        assert_eq!(gone, 1, "{table}");
    }};
}

#[test]
fn diesel_on_postgres() {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    let url = attesto_test_support::fresh_postgres("diesel");
    let mut conn = diesel::PgConnection::establish(&url).expect("connect");
    conn.batch_execute(diesel_pg::UP_SQL).expect("up");
    for_each_table!(diesel_pg, diesel_round_trip, &mut conn, pg_key);
    for_each_new!(diesel_pg, diesel_round_trip, &mut conn, pg_key);
    conn.batch_execute(diesel_pg::DOWN_SQL).expect("down");
}

#[test]
fn diesel_on_sqlite() {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    let mut conn = diesel::SqliteConnection::establish(":memory:").expect("open");
    conn.batch_execute(diesel_lite::UP_SQL).expect("up");
    for_each_table!(diesel_lite, diesel_round_trip, &mut conn, sqlite_key);
    for_each_new!(diesel_lite, diesel_round_trip, &mut conn, sqlite_key);
    conn.batch_execute(diesel_lite::DOWN_SQL).expect("down");
}

#[test]
fn diesel_on_mariadb() {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    let url = attesto_test_support::fresh_mysql("diesel");
    let mut conn = diesel::MysqlConnection::establish(&url).expect("connect");
    conn.batch_execute(diesel_my::UP_SQL).expect("up");
    for_each_table!(diesel_my, diesel_round_trip, &mut conn, mysql_key);
    for_each_new!(diesel_my, diesel_round_trip, &mut conn, mysql_key);
    conn.batch_execute(diesel_my::DOWN_SQL).expect("down");
}

/// Insert through the `ActiveModel` made from the row, read back by key,
/// convert back to the row, delete by key, through sea-orm.
macro_rules! sea_orm_round_trip {
    ($conn:expr, $db:ident, $Row:ident $module:ident [$($key:ident),*] { $($field:ident),* } $(new $New:ident)?) => {{
        use sea_orm::EntityTrait;
        let row = sample_row!($db, $Row { $($field),* } $(new $New)?);
        let table = $db::$Row::TABLE;
        $db::$module::Entity::insert($db::$module::ActiveModel::from(row.clone()))
            .exec($conn)
            .await
            .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
        let back = $db::$module::Entity::find_by_id(($(row.$key.clone()),*))
            .one($conn)
            .await
            .unwrap_or_else(|e| panic!("read {table}: {e}"))
            .unwrap_or_else(|| panic!("{table}: the row is not there"));
        assert_eq!($db::$Row::from(back.clone()), row, "{table}");
        assert_eq!($db::$module::Model::from(row.clone()), back, "{table}");
        let gone = $db::$module::Entity::delete_by_id(($(row.$key.clone()),*))
            .exec($conn)
            .await
            .unwrap_or_else(|e| panic!("delete from {table}: {e}"));
        assert_eq!(gone.rows_affected, 1, "{table}");
    }};
}

async fn sea_orm_connect(url: &str, up: &str) -> sea_orm::DatabaseConnection {
    use sea_orm::ConnectionTrait;
    let conn = sea_orm::Database::connect(url).await.expect("connect");
    conn.execute_unprepared(up).await.expect("up");
    conn
}

#[tokio::test]
async fn sea_orm_on_postgres() {
    let url = attesto_test_support::fresh_postgres("sea_orm");
    let conn = sea_orm_connect(&url, sea_pg::UP_SQL).await;
    for_each_table!(sea_pg, sea_orm_round_trip, &conn);
    for_each_new!(sea_pg, sea_orm_round_trip, &conn);
}

#[tokio::test]
async fn sea_orm_on_sqlite() {
    let conn = sea_orm_connect("sqlite::memory:", sea_lite::UP_SQL).await;
    for_each_table!(sea_lite, sea_orm_round_trip, &conn);
    for_each_new!(sea_lite, sea_orm_round_trip, &conn);
}

#[tokio::test]
async fn sea_orm_on_mariadb() {
    let url = attesto_test_support::fresh_mysql("sea_orm");
    let conn = sea_orm_connect(&url, sea_my::UP_SQL).await;
    for_each_table!(sea_my, sea_orm_round_trip, &conn);
    for_each_new!(sea_my, sea_orm_round_trip, &conn);
}

/// A row written through diesel reads back through sea-orm unchanged: the
/// two integrations store every column alike (and as sqlx, rusqlite and
/// Ecto do), so that services on either share one database. The rows of
/// two expansions are different types; their `Debug` texts compare them
/// field by field. The sea-orm expansion is the module in scope as
/// `sea_side`.
macro_rules! diesel_then_sea_orm {
    ($diesel:expr, $sea:expr, $dsl:ident, $Row:ident $module:ident [$($key:ident),*] { $($field:ident),* }) => {{
        use diesel::RunQueryDsl;
        use sea_orm::EntityTrait;
        let row = sample_row!($dsl, $Row { $($field),* });
        let table = $dsl::$Row::TABLE;
        diesel::insert_into($dsl::$module::table)
            .values(&row)
            .execute($diesel)
            .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
        let back = sea_side::$module::Entity::find_by_id(($(row.$key.clone()),*))
            .one($sea)
            .await
            .unwrap_or_else(|e| panic!("read {table}: {e}"))
            .unwrap_or_else(|| panic!("{table}: the row is not there"));
        assert_eq!(format!("{:?}", sea_side::$Row::from(back)), format!("{row:?}"), "{table}");
    }};
}

#[tokio::test]
async fn what_diesel_writes_sea_orm_reads_on_postgres() {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    let url = attesto_test_support::fresh_postgres("diesel_sea_orm");
    let mut diesel = diesel::PgConnection::establish(&url).expect("connect");
    // Both expansions use one prefix: one set of tables.
    diesel.batch_execute(diesel_pg::UP_SQL).expect("up");
    let sea = sea_orm::Database::connect(&url).await.expect("connect");
    use sea_pg as sea_side;
    for_each_table!(diesel_pg, diesel_then_sea_orm, &mut diesel, &sea);
}

#[tokio::test]
async fn what_diesel_writes_sea_orm_reads_on_sqlite() {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    let dir = std::env::temp_dir().join(format!("attesto-orm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("shared.db");
    let _ = std::fs::remove_file(&file);
    let path = file.to_str().expect("utf-8 path");
    let mut diesel = diesel::SqliteConnection::establish(path).expect("open");
    diesel.batch_execute(diesel_lite::UP_SQL).expect("up");
    let sea = sea_orm::Database::connect(format!("sqlite://{path}"))
        .await
        .expect("open");
    use sea_lite as sea_side;
    for_each_table!(diesel_lite, diesel_then_sea_orm, &mut diesel, &sea);
    drop(sea);
    drop(diesel);
    std::fs::remove_dir_all(&dir).expect("clean up");
}

/// A JSON column typed by the host (`types(columns(params = ...))`), a
/// foreign type diesel has no `Queryable` impl for, through diesel on
/// PostgreSQL and SQLite and through sea-orm on SQLite.
mod host_types {
    use std::collections::BTreeMap;

    use chrono::{NaiveDate, NaiveDateTime};

    use attesto_orm_tests::host_types::{diesel_lite, diesel_pg, sea_lite};

    fn at(second: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 24)
            .and_then(|d| d.and_hms_opt(10, 0, second))
            .expect("valid")
    }

    fn params() -> BTreeMap<String, String> {
        [("client_id", "rp-1"), ("scope", "openid profile")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    macro_rules! diesel_par {
        ($conn:expr, $db:ident) => {{
            use diesel::prelude::*;
            let row = $db::PushedAuthorizationRequestRow {
                request_uri: "urn:ietf:params:oauth:request_uri:host".to_owned(),
                params: params(),
                expires_at: at(30),
                inserted_at: at(0),
            };
            diesel::insert_into($db::pushed_authorization_requests::table)
                .values(&row)
                .execute($conn)
                .expect("insert");
            let back: $db::PushedAuthorizationRequestRow =
                $db::pushed_authorization_requests::table
                    .select($db::PushedAuthorizationRequestRow::as_select())
                    .first($conn)
                    .expect("read");
            assert_eq!(back, row);
        }};
    }

    #[test]
    fn through_diesel_on_postgres() {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        let url = attesto_test_support::fresh_postgres("host_types");
        let mut conn = diesel::PgConnection::establish(&url).expect("connect");
        conn.batch_execute(diesel_pg::UP_SQL).expect("up");
        diesel_par!(&mut conn, diesel_pg);
    }

    #[test]
    fn through_diesel_on_sqlite() {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        let mut conn = diesel::SqliteConnection::establish(":memory:").expect("open");
        conn.batch_execute(diesel_lite::UP_SQL).expect("up");
        diesel_par!(&mut conn, diesel_lite);
    }

    #[tokio::test]
    async fn through_sea_orm_on_sqlite() {
        use sea_orm::{ConnectionTrait, EntityTrait};
        let conn = sea_orm::Database::connect("sqlite::memory:")
            .await
            .expect("open");
        conn.execute_unprepared(sea_lite::UP_SQL).await.expect("up");
        let row = sea_lite::PushedAuthorizationRequestRow {
            request_uri: "urn:ietf:params:oauth:request_uri:host".to_owned(),
            params: params(),
            expires_at: at(30),
            inserted_at: at(0),
        };
        sea_lite::pushed_authorization_requests::Entity::insert(
            sea_lite::pushed_authorization_requests::ActiveModel::from(row.clone()),
        )
        .exec(&conn)
        .await
        .expect("insert");
        let back =
            sea_lite::pushed_authorization_requests::Entity::find_by_id(row.request_uri.clone())
                .one(&conn)
                .await
                .expect("read")
                .expect("the row");
        assert_eq!(sea_lite::PushedAuthorizationRequestRow::from(back), row);
    }
}
