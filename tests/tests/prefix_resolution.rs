//! Where the prefix comes from: the argument, a config file, the crate's
//! `[package.metadata.attesto]` (this crate sets `table_prefix = "meta_"`),
//! and that the macro's output equals attesto-schema's runtime rendering.

use attesto_schema::{Dialect, Schema};

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

mod from_metadata_missing_key {
    attesto_macros::attesto_migration!(config_key = "nothing_here", dialect = "sqlite",);
}

#[test]
fn resolution_follows_the_elixir_task() {
    assert_eq!(explicit::TABLE_PREFIX, "oauth_");
    assert_eq!(explicit_empty_wins::TABLE_PREFIX, "");
    assert_eq!(from_config::TABLE_PREFIX, "cfg_");
    assert_eq!(from_config_key::TABLE_PREFIX, "tenant_");
    assert_eq!(from_config_without_prefix::TABLE_PREFIX, "");
    assert_eq!(from_metadata::TABLE_PREFIX, "meta_");
    assert_eq!(from_metadata_missing_key::TABLE_PREFIX, "");
    assert_eq!(from_config::TABLES[0], "cfg_attesto_authorization_codes");
    assert_eq!(
        from_metadata::AuthorizationCodeRow::TABLE,
        "meta_attesto_authorization_codes"
    );
}

/// Every generated constant, compared with attesto-schema's rendering for
/// the same dialect and prefix.
macro_rules! assert_same_output {
    ($db:ident, $dialect:expr) => {{
        let schema = Schema::new($dialect, $db::TABLE_PREFIX).expect("valid prefix");
        assert_eq!($db::DIALECT, $dialect.name());
        assert_eq!(
            $db::SCHEMA_RELEASE,
            attesto_schema::Release::latest().version()
        );
        assert_eq!($db::UP_SQL, schema.up_sql());
        assert_eq!($db::DOWN_SQL, schema.down_sql());
        let names: Vec<String> = schema
            .tables()
            .iter()
            .map(|t| schema.table_name(t))
            .collect();
        assert_eq!($db::TABLES, names);
        let rows = [
            (
                $db::AuthorizationCodeRow::TABLE,
                $db::AuthorizationCodeRow::COLUMNS,
                $db::AuthorizationCodeRow::PRIMARY_KEY,
                $db::AuthorizationCodeRow::CREATE_SQL,
                $db::AuthorizationCodeRow::DROP_SQL,
                $db::AuthorizationCodeRow::INSERT_SQL,
                $db::AuthorizationCodeRow::SELECT_SQL,
            ),
            (
                $db::RefreshTokenRow::TABLE,
                $db::RefreshTokenRow::COLUMNS,
                $db::RefreshTokenRow::PRIMARY_KEY,
                $db::RefreshTokenRow::CREATE_SQL,
                $db::RefreshTokenRow::DROP_SQL,
                $db::RefreshTokenRow::INSERT_SQL,
                $db::RefreshTokenRow::SELECT_SQL,
            ),
            (
                $db::DeviceCodeRow::TABLE,
                $db::DeviceCodeRow::COLUMNS,
                $db::DeviceCodeRow::PRIMARY_KEY,
                $db::DeviceCodeRow::CREATE_SQL,
                $db::DeviceCodeRow::DROP_SQL,
                $db::DeviceCodeRow::INSERT_SQL,
                $db::DeviceCodeRow::SELECT_SQL,
            ),
            (
                $db::LogoutSessionRow::TABLE,
                $db::LogoutSessionRow::COLUMNS,
                $db::LogoutSessionRow::PRIMARY_KEY,
                $db::LogoutSessionRow::CREATE_SQL,
                $db::LogoutSessionRow::DROP_SQL,
                $db::LogoutSessionRow::INSERT_SQL,
                $db::LogoutSessionRow::SELECT_SQL,
            ),
            (
                $db::DpopNonceRow::TABLE,
                $db::DpopNonceRow::COLUMNS,
                $db::DpopNonceRow::PRIMARY_KEY,
                $db::DpopNonceRow::CREATE_SQL,
                $db::DpopNonceRow::DROP_SQL,
                $db::DpopNonceRow::INSERT_SQL,
                $db::DpopNonceRow::SELECT_SQL,
            ),
            (
                $db::DpopReplayRow::TABLE,
                $db::DpopReplayRow::COLUMNS,
                $db::DpopReplayRow::PRIMARY_KEY,
                $db::DpopReplayRow::CREATE_SQL,
                $db::DpopReplayRow::DROP_SQL,
                $db::DpopReplayRow::INSERT_SQL,
                $db::DpopReplayRow::SELECT_SQL,
            ),
            (
                $db::PushedAuthorizationRequestRow::TABLE,
                $db::PushedAuthorizationRequestRow::COLUMNS,
                $db::PushedAuthorizationRequestRow::PRIMARY_KEY,
                $db::PushedAuthorizationRequestRow::CREATE_SQL,
                $db::PushedAuthorizationRequestRow::DROP_SQL,
                $db::PushedAuthorizationRequestRow::INSERT_SQL,
                $db::PushedAuthorizationRequestRow::SELECT_SQL,
            ),
            (
                $db::ClientIdMetadataRow::TABLE,
                $db::ClientIdMetadataRow::COLUMNS,
                $db::ClientIdMetadataRow::PRIMARY_KEY,
                $db::ClientIdMetadataRow::CREATE_SQL,
                $db::ClientIdMetadataRow::DROP_SQL,
                $db::ClientIdMetadataRow::INSERT_SQL,
                $db::ClientIdMetadataRow::SELECT_SQL,
            ),
            (
                $db::ConsentGrantRow::TABLE,
                $db::ConsentGrantRow::COLUMNS,
                $db::ConsentGrantRow::PRIMARY_KEY,
                $db::ConsentGrantRow::CREATE_SQL,
                $db::ConsentGrantRow::DROP_SQL,
                $db::ConsentGrantRow::INSERT_SQL,
                $db::ConsentGrantRow::SELECT_SQL,
            ),
        ];
        for (table, (name, columns, pkey, create, drop, insert, select)) in
            schema.tables().iter().zip(rows)
        {
            assert_eq!(name, schema.table_name(table));
            let model_columns: Vec<&str> = table.columns().iter().map(|c| c.name()).collect();
            assert_eq!(columns, model_columns);
            assert_eq!(pkey, table.primary_key());
            assert_eq!(create, schema.create_sql(table));
            assert_eq!(drop, schema.drop_sql(table));
            assert_eq!(insert, schema.insert_sql(table));
            assert_eq!(select, schema.select_sql(table));
        }
    }};
}

#[test]
fn macro_output_equals_the_runtime_rendering() {
    assert_same_output!(explicit, Dialect::Postgres);
    assert_same_output!(explicit_empty_wins, Dialect::Postgres);
    assert_same_output!(from_config, Dialect::Postgres);
    assert_same_output!(from_metadata, Dialect::Postgres);
    assert_same_output!(from_metadata_missing_key, Dialect::Sqlite);
}

#[test]
fn up_sql_is_usable_in_const_context() {
    const { assert!(explicit::UP_SQL.len() > 1000) };
    const { assert!(explicit::DpopReplayRow::COLUMNS.len() == 3) };
}
