//! attesto against real databases: the tests are in `tests/db`.
