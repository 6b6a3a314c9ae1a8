//! `#[derive(FraiseEnum)]`: a fieldless enum served as a GraphQL enum and stored as text.

use fraiseql_sql::Name;
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::attr;
use crate::case::Case;
use crate::expand::{deprecation, descriptor_fn, opt_str};
use crate::model::{description_or_doc, type_name};

const ENUM_ATTRS: &str = "name, description, rename_all, json_case";
const VARIANT_ATTRS: &str = "rename, json, description, deprecated";

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "FraiseEnum is derived on fieldless enums",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "FraiseEnum cannot be derived for generic enums",
        ));
    }
    let naming = attr::Naming::read(&input.attrs, |meta| Err(attr::unknown(meta, ENUM_ATTRS)))?;
    let case = |lit: &Option<LitStr>, default| match lit {
        None => Ok(default),
        Some(lit) => Case::parse(&lit.value()).ok_or_else(|| {
            syn::Error::new(
                lit.span(),
                format!("unknown case; expected {}", Case::NAMES),
            )
        }),
    };
    let rename_all = case(&naming.rename_all, Case::ScreamingSnake)?;
    let json_case = case(&naming.json_case, Case::Snake)?;
    let ident = &input.ident;
    let name = type_name(&naming.name, ident)?;
    let description = opt_str(&description_or_doc(&naming.description, &input.attrs));

    let mut values = Vec::new();
    let mut arms = Vec::new();
    let mut from_stored = Vec::new();
    let mut stored_values = Vec::new();
    let mut names = std::collections::HashSet::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            return Err(syn::Error::new(
                variant.fields.span(),
                "FraiseEnum variants cannot carry data: a GraphQL enum value is a name",
            ));
        }
        let (mut rename, mut json, mut value_description, mut value_deprecation) =
            (None, None, None, None);
        attr::for_each(&variant.attrs, |meta| match attr::name(meta).as_str() {
            "rename" => attr::string(meta, &mut rename),
            "json" => attr::string(meta, &mut json),
            "description" => attr::string(meta, &mut value_description),
            "deprecated" => attr::deprecation(meta, &mut value_deprecation),
            _ => Err(attr::unknown(meta, VARIANT_ATTRS)),
        })?;
        let variant_ident = &variant.ident;
        let rust_name = variant_ident.to_string();
        let value_name = match &rename {
            Some(lit) => {
                Name::defined(&lit.value()).map_err(|e| {
                    syn::Error::new(lit.span(), format!("invalid GraphQL enum value: {e}"))
                })?;
                lit.value()
            }
            None => {
                let value_name = rename_all.apply(&rust_name);
                Name::defined(&value_name)
                    .map_err(|e| syn::Error::new(variant_ident.span(), e.to_string()))?;
                value_name
            }
        };
        if matches!(value_name.as_str(), "true" | "false" | "null") {
            return Err(syn::Error::new(
                variant_ident.span(),
                "GraphQL enum values cannot be true, false or null",
            ));
        }
        let stored = json
            .as_ref()
            .map_or_else(|| json_case.apply(&rust_name), LitStr::value);
        // Two equal names would make an invalid GraphQL enum; two equal stored forms could not
        // be read back to one variant.
        if !names.insert(value_name.clone()) {
            return Err(syn::Error::new(
                variant_ident.span(),
                format!(
                    "two values are named `{value_name}` in GraphQL; rename one with #[fraiseql(rename = \"...\")]"
                ),
            ));
        }
        if stored_values.contains(&stored) {
            return Err(syn::Error::new(
                variant_ident.span(),
                format!(
                    "two values are stored as `{stored}`; set another with #[fraiseql(json = \"...\")]"
                ),
            ));
        }
        let value_description = opt_str(
            &value_description
                .as_ref()
                .map(LitStr::value)
                .or_else(|| attr::doc_comment(&variant.attrs)),
        );
        let value_deprecation = deprecation(&value_deprecation);
        values.push(quote! {
            ::fraiseql::EnumValueDescriptor {
                name: #value_name,
                stored: #stored,
                rust_name: #rust_name,
                description: #value_description,
                deprecation: #value_deprecation,
            }
        });
        arms.push(quote!(#ident::#variant_ident => #stored,));
        stored_values.push(stored.clone());
        from_stored.push(quote!(#stored => ::core::result::Result::Ok(#ident::#variant_ident),));
    }

    let descriptor_fn = descriptor_fn(
        quote!(::fraiseql::EnumDescriptor),
        quote!(::fraiseql::EnumDescriptor {
            name: #name,
            description: #description,
            values: &[#(#values),*],
        }),
    );
    Ok(quote! {
        impl ::fraiseql::FraiseEnum for #ident {
            #descriptor_fn

            fn stored(&self) -> &'static str {
                match self {
                    #(#arms)*
                }
            }
        }

        impl ::fraiseql::FraiseField for #ident {
            const TYPE: ::fraiseql::FieldType =
                ::fraiseql::FieldType::Enum(<#ident as ::fraiseql::FraiseEnum>::descriptor);
            type Handle = ::fraiseql::typed::EnumHandle<#ident>;
            type ListHandle = ::fraiseql::typed::EnumArrayHandle<#ident>;
        }

        impl ::fraiseql::FraiseInputField for #ident {
            const TYPE: ::fraiseql::FieldType =
                ::fraiseql::FieldType::Enum(<#ident as ::fraiseql::FraiseEnum>::descriptor);
        }

        impl ::fraiseql::__private::serde::Serialize for #ident {
            fn serialize<S: ::fraiseql::__private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(<#ident as ::fraiseql::FraiseEnum>::stored(self))
            }
        }

        impl<'de> ::fraiseql::__private::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::fraiseql::__private::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as ::fraiseql::__private::serde::Deserialize>::deserialize(deserializer)?;
                match &*text {
                    #(#from_stored)*
                    other => ::core::result::Result::Err(<D::Error as ::fraiseql::__private::serde::de::Error>::unknown_variant(
                        other,
                        &[#(#stored_values),*],
                    )),
                }
            }
        }
    })
}
