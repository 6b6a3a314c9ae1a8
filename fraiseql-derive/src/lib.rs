//! Procedural macros of FraiseQL for Rust.
//!
//! `#[derive(FraiseType)]` is being built; this crate currently exports nothing.
