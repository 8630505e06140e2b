//! Where the prefix comes from: the argument, a config file, the crate's
//! `[package.metadata.attesto]` (this crate sets `table_prefix = "meta_"`),
//! and that the macro's output equals attesto-schema's runtime rendering.

use attesto_schema::{Dialect, Schema, Version};

mod explicit {
    attesto_macros::attesto_migration!(prefix = "oauth_");
}

mod explicit_empty_wins {
    attesto_macros::attesto_migration!(prefix = "", config = "config/attesto.toml");
}

mod from_config {
    attesto_macros::attesto_migration!(config = "config/attesto.toml");
}

mod from_config_key {
    attesto_macros::attesto_migration!(config = "config/attesto.toml", config_key = "tenant");
}

mod from_config_without_prefix {
    attesto_macros::attesto_migration!(config = "config/attesto.toml", config_key = "unset");
}

mod from_metadata {
    attesto_macros::attesto_migration!();
}

mod on_sqlite {
    attesto_macros::attesto_migration!(dialect = "sqlite");
}

mod on_mysql {
    attesto_macros::attesto_migration!(dialect = "mysql", prefix = "my_");
}

mod at_0_19_0 {
    attesto_macros::attesto_migration!(version = "0.19.0", prefix = "old_");
}

mod at_2_5_0 {
    attesto_macros::attesto_migration!(version = "2.5.0", prefix = "oauth_");
}

#[test]
fn resolution_follows_the_elixir_task() {
    assert_eq!(explicit::TABLE_PREFIX, "oauth_");
    assert_eq!(explicit_empty_wins::TABLE_PREFIX, "");
    assert_eq!(from_config::TABLE_PREFIX, "cfg_");
    assert_eq!(from_config_key::TABLE_PREFIX, "tenant_");
    assert_eq!(from_config_without_prefix::TABLE_PREFIX, "");
    assert_eq!(from_metadata::TABLE_PREFIX, "meta_");
    assert_eq!(from_config::TABLES[0], "cfg_attesto_authorization_codes");
    assert_eq!(
        from_metadata::AuthorizationCodeRow::TABLE,
        "meta_attesto_authorization_codes"
    );
}

/// Every generated constant, compared with attesto-schema's rendering for
/// the same version, dialect and prefix.
macro_rules! assert_same_output {
    ($db:ident, $dialect:expr, [$($Row:ident),*]) => {{
        let version: Version = $db::ATTESTO_PHOENIX_VERSION.parse().expect("version");
        let schema = Schema::at_release($dialect, $db::TABLE_PREFIX, version.release()).expect("valid prefix");
        assert_eq!($db::DIALECT, $dialect.name());
        assert_eq!($db::SCHEMA_RELEASE, version.release().version());
        assert_eq!($db::UP_SQL, schema.up_sql());
        assert_eq!($db::DOWN_SQL, schema.down_sql());
        let names: Vec<String> = schema.tables().iter().map(|t| schema.table_name(t)).collect();
        assert_eq!($db::TABLES, names);
        let rows = [$((
            $db::$Row::TABLE,
            $db::$Row::COLUMNS,
            $db::$Row::PRIMARY_KEY,
            $db::$Row::CREATE_SQL,
            $db::$Row::DROP_SQL,
            $db::$Row::INSERT_SQL,
            $db::$Row::SELECT_SQL,
        )),*];
        assert_eq!(rows.len(), schema.tables().len());
        for (table, (name, columns, pkey, create, drop, insert, select)) in
            schema.tables().iter().zip(rows)
        {
            assert_eq!(name, schema.table_name(table));
            let model_columns: Vec<&str> = schema.columns(table).iter().map(|c| c.name()).collect();
            assert_eq!(columns, model_columns);
            assert_eq!(pkey, schema.primary_key(table));
            assert_eq!(create, schema.create_sql(table));
            assert_eq!(drop, schema.drop_sql(table));
            assert_eq!(insert, schema.insert_sql(table));
            assert_eq!(select, schema.select_sql(table));
        }
    }};
}

macro_rules! latest_rows {
    ($db:ident, $dialect:expr) => {
        assert_same_output!(
            $db,
            $dialect,
            [
                AuthorizationCodeRow,
                RefreshTokenRow,
                DeviceCodeRow,
                CibaRequestRow,
                LogoutSessionRow,
                DpopNonceRow,
                DpopReplayRow,
                PushedAuthorizationRequestRow,
                ClientIdMetadataRow,
                ConsentGrantRow
            ]
        )
    };
}

#[test]
fn macro_output_equals_the_runtime_rendering() {
    latest_rows!(explicit, Dialect::Postgres);
    latest_rows!(explicit_empty_wins, Dialect::Postgres);
    latest_rows!(from_config, Dialect::Postgres);
    latest_rows!(from_metadata, Dialect::Postgres);
    latest_rows!(on_sqlite, Dialect::Sqlite);
    latest_rows!(on_mysql, Dialect::Mysql);
    latest_rows!(at_2_5_0, Dialect::Postgres);
    assert_same_output!(
        at_0_19_0,
        Dialect::Postgres,
        [
            AuthorizationCodeRow,
            RefreshTokenRow,
            DeviceCodeRow,
            LogoutSessionRow,
            DpopNonceRow,
            DpopReplayRow,
            PushedAuthorizationRequestRow,
            ClientIdMetadataRow,
            ConsentGrantRow
        ]
    );
}

#[test]
fn versions_resolve_to_their_schema_release() {
    assert_eq!(at_0_19_0::ATTESTO_PHOENIX_VERSION, "0.19.0");
    assert_eq!(at_0_19_0::SCHEMA_RELEASE, "0.18.0");
    assert_eq!(at_0_19_0::TABLES.len(), 9);
    assert_eq!(at_2_5_0::SCHEMA_RELEASE, explicit::SCHEMA_RELEASE);
    assert_eq!(
        at_2_5_0::UP_SQL,
        explicit::UP_SQL,
        "2.5.0 installs what 2.13.0 does"
    );
    assert_eq!(explicit::ATTESTO_PHOENIX_VERSION, "2.13.0");
    assert_eq!(explicit::TABLES.len(), 10);
}

#[test]
fn up_sql_is_usable_in_const_context() {
    const { assert!(explicit::UP_SQL.len() > 1000) };
    const { assert!(explicit::DpopReplayRow::COLUMNS.len() == 3) };
}
