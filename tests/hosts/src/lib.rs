//! attesto_migration! in host crates: the tests are in `tests/`. The
//! README's examples run here as doctests (its recipes are whole crates,
//! which `tests/readme` builds); `migrations/` holds what `attesto
//! gen-migration --table-prefix oauth_` wrote, for its drift-guard example.

#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct Readme;
