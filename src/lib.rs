//! Examples, benchmarks and cross-crate integration tests of FraiseQL for Rust.
//!
//! This package is not published; it exists so that `cargo test`, `cargo bench` and
//! `cargo run --example <name>` work from the repository root. Its documentation is the
//! repository's README, whose Rust snippets are compiled and run as doc tests, and so are those
//! of the pages under `docs/` (the hidden modules below include them).
#![doc = include_str!("../README.md")]

/// The pages of `docs/`, included so that their Rust blocks run as doc tests.
#[doc(hidden)]
pub mod docs {
    /// `docs/README.md`
    #[doc = include_str!("../docs/README.md")]
    pub mod index {}
    /// `docs/philosophy/why-fraiseql.md`
    #[doc = include_str!("../docs/philosophy/why-fraiseql.md")]
    pub mod why_fraiseql {}
    /// `docs/philosophy/cqrs-first.md`
    #[doc = include_str!("../docs/philosophy/cqrs-first.md")]
    pub mod cqrs_first {}
    /// `docs/philosophy/mutations-as-functions.md`
    #[doc = include_str!("../docs/philosophy/mutations-as-functions.md")]
    pub mod mutations_as_functions {}
    /// `docs/philosophy/where-the-speed-comes-from.md`
    #[doc = include_str!("../docs/philosophy/where-the-speed-comes-from.md")]
    pub mod where_the_speed_comes_from {}
    /// `docs/architecture/overview.md`
    #[doc = include_str!("../docs/architecture/overview.md")]
    pub mod overview {}
    /// `docs/architecture/naming.md`
    #[doc = include_str!("../docs/architecture/naming.md")]
    pub mod naming {}
    /// `docs/architecture/command-query-separation.md`
    #[doc = include_str!("../docs/architecture/command-query-separation.md")]
    pub mod command_query_separation {}
    /// `docs/architecture/sync-at-scale.md`
    #[doc = include_str!("../docs/architecture/sync-at-scale.md")]
    pub mod sync_at_scale {}
    /// `docs/architecture/security.md`
    #[doc = include_str!("../docs/architecture/security.md")]
    pub mod security {}
    /// `docs/deployment.md`
    #[doc = include_str!("../docs/deployment.md")]
    pub mod deployment {}
    /// `docs/api-guide.md`
    #[doc = include_str!("../docs/api-guide.md")]
    pub mod api_guide {}
}
