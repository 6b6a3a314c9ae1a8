//! Code generation for `#[derive(FraiseType)]`: data and thin calls into `fraiseql`, no logic.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{FieldModel, OrderBy, OrderKey, Source, TypeModel};

/// `Some("text")` or `None`.
pub fn opt_str(text: &Option<String>) -> TokenStream {
    match text {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    }
}

/// `Some(Deprecation { reason })` or `None`.
pub fn deprecation(deprecation: &Option<Option<String>>) -> TokenStream {
    match deprecation {
        Some(reason) => {
            let reason = opt_str(reason);
            quote!(::core::option::Option::Some(::fraiseql::Deprecation { reason: #reason }))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// `fn descriptor() -> &'static #ty`, returning a `static` initialised with `init`.
pub fn descriptor_fn(ty: TokenStream, init: TokenStream) -> TokenStream {
    quote! {
        fn descriptor() -> &'static #ty {
            static DESCRIPTOR: #ty = #init;
            &DESCRIPTOR
        }
    }
}

pub fn expand(model: &TypeModel) -> TokenStream {
    let TypeModel { ident, vis, .. } = model;
    let fields_ident = format_ident!("{}Fields", ident);
    let served: Vec<(&FieldModel, &crate::model::ServedField)> = model
        .fields
        .iter()
        .filter_map(|f| f.served.as_ref().map(|s| (f, s)))
        .collect();

    let handle_methods = served.iter().map(|(field, served)| {
        let method = &field.ident;
        let ty = &field.ty;
        let key = served.source.key();
        let base = match served.source {
            Source::Json(_) => quote!(self.base.child(#key)),
            Source::Column(_) => quote!(self.base.column(#key)),
        };
        let doc = format!("The `{}` field.", served.name);
        let handle = quote_spanned!(ty.span()=> <#ty as ::fraiseql::FraiseField>::Handle);
        quote! {
            #[doc = #doc]
            #vis fn #method(&self) -> #handle {
                ::fraiseql::typed::Handle::at(#base)
            }
        }
    });

    let field_descriptors = served.iter().map(|(field, served)| {
        let name = &served.name;
        let rust_name = field.ident.to_string();
        let ty = &field.ty;
        let source = match &served.source {
            Source::Json(key) => quote!(::fraiseql::FieldSource::Json(#key)),
            Source::Column(column) => quote!(::fraiseql::FieldSource::Column(#column)),
        };
        let description = opt_str(&served.description);
        let deprecation = deprecation(&served.deprecation);
        let requires = served.requires.iter().flat_map(|r| &r.roles);
        let field_type = quote_spanned!(ty.span()=> <#ty as ::fraiseql::FraiseField>::TYPE);
        quote! {
            ::fraiseql::FieldDescriptor {
                name: #name,
                rust_name: #rust_name,
                source: #source,
                ty: #field_type,
                description: #description,
                deprecation: #deprecation,
                requires: &[#(#requires),*],
            }
        }
    });

    let TypeModel {
        name,
        view,
        data,
        key,
        ..
    } = model;
    let description = opt_str(&model.description);
    let requires = &model.requires;
    let identifier = opt_str(&model.identifier);
    let fields_doc = format!("Typed filter and order handles on the fields of [`{ident}`].");
    let deserialize = expand_deserialize(ident, &model.fields);
    let (order_keys, order_checks) = default_order(ident, &model.default_order);
    let descriptor_fn = descriptor_fn(
        quote!(::fraiseql::TypeDescriptor),
        quote!(::fraiseql::TypeDescriptor {
            name: #name,
            description: #description,
            view: #view,
            data: #data,
            key: #key,
            identifier: #identifier,
            fields: &[#(#field_descriptors),*],
            default_order: &[#(#order_keys),*],
            requires: &[#(#requires),*],
        }),
    );

    quote! {
        #[doc = #fields_doc]
        #[derive(Debug, Clone)]
        #vis struct #fields_ident {
            base: ::fraiseql::typed::Base,
        }

        impl ::fraiseql::typed::Handle for #fields_ident {
            fn at(base: ::fraiseql::typed::Base) -> Self {
                Self { base }
            }
        }

        impl #fields_ident {
            #(#handle_methods)*
        }

        impl #ident {
            /// Typed handles on the fields, to build filters: `Self::filter().field().eq(…)`.
            #vis fn filter() -> #fields_ident {
                ::fraiseql::typed::Handle::at(::fraiseql::typed::Base::row())
            }

            /// Typed handles on the fields, to build orderings: `Self::order().field().asc()`.
            #vis fn order() -> #fields_ident {
                ::fraiseql::typed::Handle::at(::fraiseql::typed::Base::row())
            }

            /// Typed handles on the fields, to build aggregates: `Self::aggregate().field().sum()`
            /// (see `Repository::aggregate`).
            #vis fn aggregate() -> #fields_ident {
                ::fraiseql::typed::Handle::at(::fraiseql::typed::Base::row())
            }
        }

        impl ::fraiseql::FraiseType for #ident {
            type Fields = #fields_ident;

            #descriptor_fn
        }

        impl ::fraiseql::FraiseField for #ident {
            const TYPE: ::fraiseql::FieldType =
                ::fraiseql::FieldType::Object(<#ident as ::fraiseql::FraiseType>::descriptor);
            type Handle = #fields_ident;
            type ListHandle = ::fraiseql::typed::ObjectListHandle<#fields_ident>;
        }

        #deserialize

        #(#order_checks)*
    }
}

/// The descriptor's `default_order` keys, and for each field key a compile-time check that the
/// field's type sorts (reported at the `default_order` literal).
fn default_order(ident: &syn::Ident, keys: &[OrderKey]) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut checks = Vec::new();
    let descriptors = keys
        .iter()
        .map(|key| {
            let by = match &key.by {
                OrderBy::Field(name, ty) => {
                    let message = format!(
                        "default_order of `{ident}`: `{name}` is not sortable (only scalars other than JSON, and enums)"
                    );
                    checks.push(quote_spanned! {key.span=>
                        const _: () = ::core::assert!(
                            <#ty as ::fraiseql::FraiseField>::TYPE.is_sortable(),
                            #message
                        );
                    });
                    quote!(::fraiseql::OrderSource::Field(#name))
                }
                OrderBy::Column(column, kind) => {
                    let kind = format_ident!("{}", kind);
                    quote!(::fraiseql::OrderSource::Column(#column, ::fraiseql::sql::ScalarKind::#kind))
                }
            };
            let direction = if key.descending {
                quote!(::fraiseql::sql::Direction::Desc)
            } else {
                quote!(::fraiseql::sql::Direction::Asc)
            };
            let nulls = match key.nulls_first {
                None => quote!(::core::option::Option::None),
                Some(true) => quote!(::core::option::Option::Some(::fraiseql::sql::Nulls::First)),
                Some(false) => quote!(::core::option::Option::Some(::fraiseql::sql::Nulls::Last)),
            };
            quote!(::fraiseql::OrderKeyDescriptor { by: #by, direction: #direction, nulls: #nulls })
        })
        .collect();
    (descriptors, checks)
}

/// Deserialization from the document (or an input's JSON): a private mirror struct with serde's
/// own derive and the JSON keys, moved into the user's struct (skipped fields take their
/// `Default`).
pub fn expand_deserialize(ident: &syn::Ident, fields: &[FieldModel]) -> TokenStream {
    let mirror_fields = fields.iter().filter_map(|field| {
        let served = field.served.as_ref()?;
        let (name, ty, key) = (&field.ident, &field.ty, served.source.key());
        Some(quote!(#[serde(rename = #key)] #name: #ty,))
    });
    let moves = fields.iter().map(|field| {
        let name = &field.ident;
        match field.served {
            Some(_) => quote!(#name: document.#name,),
            None => quote!(#name: ::core::default::Default::default(),),
        }
    });
    quote! {
        const _: () = {
            use ::fraiseql::__private::serde;

            #[derive(serde::Deserialize)]
            #[serde(crate = "::fraiseql::__private::serde")]
            struct Document {
                #(#mirror_fields)*
            }

            impl<'de> serde::Deserialize<'de> for #ident {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    let document = <Document as serde::Deserialize>::deserialize(deserializer)?;
                    ::core::result::Result::Ok(#ident { #(#moves)* })
                }
            }
        };
    }
}
