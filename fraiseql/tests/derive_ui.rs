//! Compile-time behaviour of `#[derive(FraiseType)]` and `#[derive(FraiseEnum)]`: what compiles,
//! and the exact errors (with spans) for what must not.

#[test]
fn derive_ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
