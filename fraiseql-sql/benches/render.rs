//! Rendering benchmarks (being written).
fn main() {}
