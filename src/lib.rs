//! Examples, benchmarks and cross-crate integration tests of FraiseQL for Rust.
//!
//! This package is not published; it exists so that `cargo test`, `cargo bench` and
//! `cargo run --example <name>` work from the repository root.
