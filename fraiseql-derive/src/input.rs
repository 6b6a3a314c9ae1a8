//! `#[derive(FraiseInput)]`: a struct passed to mutation functions as a GraphQL input object and
//! serialized into the `jsonb` the function receives.
//!
//! Fields are parsed by the same code as `FraiseType`'s (see `model`); only the type-level
//! attributes differ, since an input has no relation, key or identifier.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident};

use crate::attr;
use crate::expand::{descriptor_fn, expand_deserialize, opt_str};
use crate::model::{self, Derive, FieldModel};

const INPUT_ATTRS: &str = "name, description, rename_all, json_case";
const NOT_READ_FROM_A_RELATION: &str = "an input is passed to a function, not read from a relation";

/// A `FraiseInput` struct, parsed and validated, defaults applied.
pub struct InputModel {
    pub ident: Ident,
    pub name: String,
    pub description: Option<String>,
    pub fields: Vec<FieldModel>,
}

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    parse(input).map(|model| expand(&model))
}

fn parse(input: &DeriveInput) -> syn::Result<InputModel> {
    let fields = model::named_fields(input, Derive::Input)?;
    let naming = attr::Naming::read(&input.attrs, |meta| match attr::name(meta).as_str() {
        item @ ("view" | "data" | "key" | "identifier") => Err(meta.error(format!(
            "`{item}` does not apply to FraiseInput: {NOT_READ_FROM_A_RELATION}"
        ))),
        _ => Err(attr::unknown(meta, INPUT_ATTRS)),
    })?;
    let fields = model::parse_fields(
        fields,
        Derive::Input,
        model::key_case(&naming.json_case)?,
        model::name_case(&naming.rename_all)?,
    )?;
    if fields.iter().all(|field| field.served.is_none()) {
        return Err(syn::Error::new(
            input.ident.span(),
            "a FraiseInput needs at least one field that is not skipped: GraphQL input objects cannot be empty",
        ));
    }
    Ok(InputModel {
        name: model::type_name(&naming.name, &input.ident)?,
        description: model::description_or_doc(&naming.description, &input.attrs),
        ident: input.ident.clone(),
        fields,
    })
}

fn expand(model: &InputModel) -> TokenStream {
    let InputModel { ident, name, .. } = model;
    let description = opt_str(&model.description);
    let fields = model.fields.iter().filter_map(|field| {
        let served = field.served.as_ref()?;
        let (name, key, ty) = (&served.name, served.source.key(), &field.ty);
        let rust_name = field.ident.to_string();
        let description = opt_str(&served.description);
        let field_type = quote_spanned!(ty.span()=> <#ty as ::fraiseql::FraiseInputField>::TYPE);
        Some(quote! {
            ::fraiseql::InputFieldDescriptor {
                name: #name,
                rust_name: #rust_name,
                key: #key,
                ty: #field_type,
                description: #description,
            }
        })
    });
    let serialize = expand_serialize(model);
    let deserialize = expand_deserialize(ident, &model.fields);
    let descriptor_fn = descriptor_fn(
        quote!(::fraiseql::InputDescriptor),
        quote!(::fraiseql::InputDescriptor {
            name: #name,
            description: #description,
            fields: &[#(#fields),*],
        }),
    );
    quote! {
        impl ::fraiseql::FraiseInput for #ident {
            #descriptor_fn
        }

        impl ::fraiseql::FraiseInputField for #ident {
            const TYPE: ::fraiseql::FieldType =
                ::fraiseql::FieldType::Input(<#ident as ::fraiseql::FraiseInput>::descriptor);
        }

        #serialize
        #deserialize
    }
}

/// Serialization into the function's JSON: a private mirror of references with serde's own
/// derive, the JSON keys, and omitted values (`None`) left out.
fn expand_serialize(model: &InputModel) -> TokenStream {
    let ident = &model.ident;
    let served: Vec<_> = model
        .fields
        .iter()
        .filter_map(|f| f.served.as_ref().map(|s| (f, s)))
        .collect();
    let mirror_fields = served.iter().map(|(field, served)| {
        let (name, ty, key) = (&field.ident, &field.ty, served.source.key());
        quote! {
            #[serde(rename = #key, skip_serializing_if = "::fraiseql::__private::omitted")]
            #name: &'a #ty,
        }
    });
    let borrows = served.iter().map(|(field, _)| {
        let name = &field.ident;
        quote!(#name: &self.#name,)
    });
    quote! {
        const _: () = {
            use ::fraiseql::__private::serde;

            #[derive(serde::Serialize)]
            #[serde(crate = "::fraiseql::__private::serde")]
            struct Json<'a> {
                #(#mirror_fields)*
            }

            impl serde::Serialize for #ident {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    serde::Serialize::serialize(&Json { #(#borrows)* }, serializer)
                }
            }
        };
    }
}
