//! Every schema release installs, on every dialect, exactly the catalog
//! that release's template builds by Ecto's rules; down leaves nothing and
//! up runs again.

use attesto_schema::{Dialect, Release, Schema};
use sqlx::Connection as _;

use crate::{catalog, ecto};

fn schema(dialect: Dialect, release: &str, prefix: &str) -> Schema {
    let release = Release::named(release).expect("a schema release of the model");
    Schema::at_release(dialect, prefix, release).expect("valid prefix")
}

#[test]
fn the_model_knows_exactly_the_templates_releases() {
    let model: Vec<&str> = Release::all().map(Release::version).collect();
    assert_eq!(model, ecto::RELEASES);
}

#[test]
fn the_transcription_agrees_with_schema_md() {
    for prefix in ["", "oauth_"] {
        let schema_md = catalog::expected(catalog::POSTGRES_0_19_0, prefix);
        assert_eq!(ecto::postgres("0.18.0", prefix), schema_md, "0.19.0");
        assert_eq!(
            ecto::postgres("0.6.0", prefix),
            catalog::release_0_6_1(&schema_md),
            "0.6.1"
        );
        let schema_md = catalog::expected(catalog::SQLITE_0_19_0, prefix);
        assert_eq!(
            ecto::sqlite("0.18.0", prefix),
            schema_md,
            "0.19.0 on SQLite"
        );
    }
}

#[test]
fn postgres_installs_every_release_as_its_template_does() {
    for release in ecto::RELEASES {
        for prefix in ["", "oauth_"] {
            let (mut client, _) = attesto_test_support::fresh_postgres_client("release");
            let schema = schema(Dialect::Postgres, release, prefix);
            let mut tx = client.transaction().expect("begin");
            tx.batch_execute(&schema.up_sql()).expect("up");
            tx.commit().expect("commit");
            assert_eq!(
                catalog::postgres(&mut client),
                ecto::postgres(release, prefix),
                "{release}"
            );
            client.batch_execute(&schema.down_sql()).expect("down");
            assert_eq!(
                catalog::postgres(&mut client),
                "",
                "{release}: down leaves tables behind"
            );
            client.batch_execute(&schema.up_sql()).expect("up again");
            assert_eq!(
                catalog::postgres(&mut client),
                ecto::postgres(release, prefix),
                "{release}"
            );
        }
    }
}

#[test]
fn sqlite_installs_every_release_in_its_documented_shape() {
    for release in ecto::RELEASES {
        let conn = rusqlite::Connection::open_in_memory().expect("open");
        let schema = schema(Dialect::Sqlite, release, "lite_");
        conn.execute_batch(&schema.up_sql()).expect("up");
        assert_eq!(
            catalog::sqlite(&conn),
            ecto::sqlite(release, "lite_"),
            "{release}"
        );
        conn.execute_batch(&schema.down_sql()).expect("down");
        assert_eq!(catalog::sqlite(&conn), "", "{release}");
        conn.execute_batch(&schema.up_sql()).expect("up again");
        assert_eq!(
            catalog::sqlite(&conn),
            ecto::sqlite(release, "lite_"),
            "{release}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn mysql_installs_every_release_in_its_documented_shape() {
    for release in ecto::RELEASES {
        let url = attesto_test_support::fresh_mysql("release");
        let mut conn = sqlx::MySqlConnection::connect(&url).await.expect("connect");
        let schema = schema(Dialect::Mysql, release, "my_");
        sqlx::raw_sql(sqlx::AssertSqlSafe(schema.up_sql()))
            .execute(&mut conn)
            .await
            .expect("up");
        assert_eq!(
            catalog::mysql(&mut conn).await,
            catalog::by_name(&ecto::mysql(release, "my_")),
            "{release}"
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(schema.down_sql()))
            .execute(&mut conn)
            .await
            .expect("down");
        assert_eq!(catalog::mysql(&mut conn).await, "", "{release}");
        sqlx::raw_sql(sqlx::AssertSqlSafe(schema.up_sql()))
            .execute(&mut conn)
            .await
            .expect("up again");
        assert_eq!(
            catalog::mysql(&mut conn).await,
            catalog::by_name(&ecto::mysql(release, "my_")),
            "{release}"
        );
    }
}
