//! Tests against real databases: PostgreSQL (the server started by
//! `scripts/test.sh`) and embedded SQLite.

mod catalog;
mod drivers;
mod postgres_schema;
mod sqlite_schema;
mod sqlx_migrate;
mod upgrade;
