//! The main job of attesto: see `examples/quickstart.rs`.
