//! The UI tests of `attesto_migration!`: see `tests/ui.rs` and `cases/`.
