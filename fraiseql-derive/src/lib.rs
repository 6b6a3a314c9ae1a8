//! Derive macros of FraiseQL for Rust: `#[derive(FraiseType)]`, `#[derive(FraiseInput)]` and
//! `#[derive(FraiseEnum)]`.
//!
//! Use them through the `fraiseql` crate, which re-exports them and documents every attribute.
//! This crate is a thin shell: attributes are parsed into a small model (validated with the same
//! rules `fraiseql-sql` applies at run time, reported at the offending span), and the expansion is
//! data — a `'static` descriptor — plus one-line calls into `fraiseql`.

mod attr;
mod case;
mod enums;
mod expand;
mod input;
mod model;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `fraiseql::FraiseType`; see the `fraiseql` crate for the attributes.
#[proc_macro_derive(FraiseType, attributes(fraiseql))]
pub fn derive_fraise_type(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    model::parse(&input)
        .map(|model| expand::expand(&model))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `fraiseql::FraiseInput`; see the `fraiseql` crate for the attributes.
#[proc_macro_derive(FraiseInput, attributes(fraiseql))]
pub fn derive_fraise_input(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    input::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `fraiseql::FraiseEnum`; see the `fraiseql` crate for the attributes.
#[proc_macro_derive(FraiseEnum, attributes(fraiseql))]
pub fn derive_fraise_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    enums::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
