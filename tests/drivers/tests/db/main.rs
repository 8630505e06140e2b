//! Tests against real databases: PostgreSQL and MariaDB (the servers
//! `scripts/test.sh` starts) and embedded SQLite.

mod catalog;
mod ecto;
mod families;
mod fixes;
mod installs;
mod integrations;
mod live;
mod migrator;
mod operations;
mod races;
mod rows;
mod schema;
mod upgrades;
mod values;
