//! attesto_migration! in host crates: the tests are in `tests/`.
