//! Examples, benchmarks and cross-crate integration tests of FraiseQL for Rust.
//!
//! This package is not published; it exists so that `cargo test`, `cargo bench` and
//! `cargo run --example <name>` work from the repository root. Its documentation is the
//! repository's README, whose Rust snippets are compiled and run as doc tests.
#![doc = include_str!("../README.md")]
