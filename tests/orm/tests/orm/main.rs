//! attesto's diesel and sea-orm integrations against real databases, one
//! test binary over the expansions of the crate's library.

mod live;
mod migrations;
mod operations;
mod round_trips;
mod values;
