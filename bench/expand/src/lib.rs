//! The in-process benchmark (`benches/expand.rs`) and the `expand` example
//! of `attesto_migration!`; see BENCHMARKS.md. Nothing to link: the crate
//! exists so that attesto-macros-core's package holds neither.
