//! The token stores: attesto's schema and operations for the three
//! dialects a deployment may run on, from one invocation. Nothing else in
//! this crate names a table, a column or a statement.

attesto::attesto_migration!(
    dialects("sqlite", "postgres", "mariadb"),
    integrations(sqlx),
    tracing
);
