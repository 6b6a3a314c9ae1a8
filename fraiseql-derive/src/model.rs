//! The model of a `#[derive(FraiseType)]` struct: parsed, validated, with every default applied.

use std::collections::HashSet;

use fraiseql_sql::{Ident as SqlIdent, JsonKey, Name, QualifiedName};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::token::Comma;
use syn::{
    Data, DeriveInput, Fields, GenericArgument, Ident, LitStr, PathArguments, Type, Visibility,
};

use crate::attr;
use crate::case::Case;

const TYPE_ATTRS: &str = "view, data, key, identifier, default_order, requires, json_case, rename_all, description, name";
const FIELD_ATTRS: &str = "rename, json, column, skip, description, deprecated, requires";
const INPUT_FIELD_ATTRS: &str = "rename, json, skip, description";

pub struct TypeModel {
    pub ident: Ident,
    pub vis: Visibility,
    pub name: String,
    pub description: Option<String>,
    pub view: String,
    pub data: String,
    /// Column of the public key.
    pub key: String,
    /// Column or document key of the human key.
    pub identifier: Option<String>,
    pub fields: Vec<FieldModel>,
    /// `default_order`: the keys lists and connections sort by when asked for no order.
    pub default_order: Vec<OrderKey>,
    /// `requires`: the roles that may read objects of this type (empty: every request).
    pub requires: Vec<String>,
}

/// One key of `default_order`.
pub struct OrderKey {
    pub by: OrderBy,
    pub descending: bool,
    /// `Some(true)`: nulls first; `None`: PostgreSQL's default.
    pub nulls_first: Option<bool>,
    /// The `default_order` literal, where errors (also the compile-time sortability check) point.
    pub span: proc_macro2::Span,
}

pub enum OrderBy {
    /// A served field: its Rust name and type.
    Field(String, Box<Type>),
    /// A real column that is no field, and its `ScalarKind` variant.
    Column(String, &'static str),
}

pub struct FieldModel {
    pub ident: Ident,
    pub ty: Type,
    /// `None` for `#[fraiseql(skip)]`.
    pub served: Option<ServedField>,
}

pub struct ServedField {
    pub name: String,
    pub source: Source,
    pub description: Option<String>,
    pub deprecation: Option<Option<String>>,
    /// `requires`: the roles that may read, filter and sort by the field.
    pub requires: Option<attr::Requires>,
}

pub enum Source {
    Json(String),
    Column(String),
}

impl Source {
    pub fn key(&self) -> &str {
        match self {
            Source::Json(key) | Source::Column(key) => key,
        }
    }
}

/// Validates `lit` with a `fraiseql-sql` rule, reporting at the literal.
fn checked<T>(
    lit: &LitStr,
    what: &str,
    check: impl FnOnce(&str) -> fraiseql_sql::Result<T>,
) -> syn::Result<String> {
    let value = lit.value();
    check(&value).map_err(|e| syn::Error::new(lit.span(), format!("invalid {what}: {e}")))?;
    Ok(value)
}

fn case(lit: &Option<LitStr>, default: Case) -> syn::Result<Case> {
    match lit {
        None => Ok(default),
        Some(lit) => Case::parse(&lit.value()).ok_or_else(|| {
            syn::Error::new(
                lit.span(),
                format!("unknown case; expected {}", Case::NAMES),
            )
        }),
    }
}

/// Which derive a struct is parsed for: the two share field types and most attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derive {
    Type,
    Input,
}

impl Derive {
    fn name(self) -> &'static str {
        match self {
            Derive::Type => "FraiseType",
            Derive::Input => "FraiseInput",
        }
    }
}

/// The named fields of a non-generic struct, or the error at the part that disqualifies it.
pub fn named_fields(
    input: &DeriveInput,
    derive: Derive,
) -> syn::Result<&Punctuated<syn::Field, Comma>> {
    let name = derive.name();
    if !input.generics.params.is_empty() {
        let why = match derive {
            Derive::Type => "a type maps to one read relation",
            Derive::Input => "an input is one GraphQL input object",
        };
        return Err(syn::Error::new(
            input.generics.span(),
            format!("{name} cannot be derived for generic structs: {why}"),
        ));
    }
    match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => Ok(&named.named),
            other => {
                let why = match derive {
                    Derive::Type => "each field maps to a key of the document",
                    Derive::Input => "each field is a key of the JSON object the function receives",
                };
                Err(syn::Error::new(
                    other.span(),
                    format!("{name} needs a struct with named fields: {why}"),
                ))
            }
        },
        Data::Enum(e) => Err(syn::Error::new(
            e.enum_token.span,
            format!("{name} is derived on structs; for an enum stored as text, derive FraiseEnum"),
        )),
        Data::Union(u) => Err(syn::Error::new(
            u.union_token.span,
            format!("{name} is derived on structs"),
        )),
    }
}

/// `json_case`: how field names become JSON keys (snake_case unless said otherwise).
pub fn key_case(lit: &Option<LitStr>) -> syn::Result<Case> {
    match lit {
        None => Ok(Case::Snake),
        Some(lit) => match Case::parse(&lit.value()) {
            Some(case @ (Case::Snake | Case::Camel)) => Ok(case),
            _ => Err(syn::Error::new(
                lit.span(),
                "json_case must be \"snake_case\" or \"camelCase\"",
            )),
        },
    }
}

/// `rename_all`: how field names become GraphQL names (camelCase unless said otherwise).
pub fn name_case(lit: &Option<LitStr>) -> syn::Result<Case> {
    case(lit, Case::Camel)
}

/// `name`: the GraphQL type name, the struct's own by default.
pub fn type_name(lit: &Option<LitStr>, ident: &Ident) -> syn::Result<String> {
    match lit {
        Some(lit) => checked(lit, "GraphQL type name", Name::defined),
        None => {
            let name = ident.to_string();
            Name::defined(&name).map_err(|e| syn::Error::new(ident.span(), e.to_string()))?;
            Ok(name)
        }
    }
}

/// `description`, or the doc comment.
pub fn description_or_doc(lit: &Option<LitStr>, attrs: &[syn::Attribute]) -> Option<String> {
    lit.as_ref()
        .map(LitStr::value)
        .or_else(|| attr::doc_comment(attrs))
}

/// The fields, parsed, with GraphQL names checked unique.
pub fn parse_fields<'f>(
    fields: impl IntoIterator<Item = &'f syn::Field>,
    derive: Derive,
    json_case: Case,
    rename_all: Case,
) -> syn::Result<Vec<FieldModel>> {
    let fields = fields
        .into_iter()
        .map(|field| parse_field(field, derive, json_case, rename_all))
        .collect::<syn::Result<Vec<_>>>()?;
    check_unique_names(&fields, derive)?;
    Ok(fields)
}

pub fn parse(input: &DeriveInput) -> syn::Result<TypeModel> {
    let fields = named_fields(input, Derive::Type)?;

    let (mut view, mut data, mut key, mut identifier) = (None, None, None, None);
    let (mut default_order, mut requires) = (None, None);
    let naming = attr::Naming::read(&input.attrs, |meta| {
        let slot = match attr::name(meta).as_str() {
            "requires" => return attr::requires(meta, &mut requires),
            "view" => &mut view,
            "data" => &mut data,
            "key" => &mut key,
            "identifier" => &mut identifier,
            "default_order" => &mut default_order,
            _ => return Err(attr::unknown(meta, TYPE_ATTRS)),
        };
        attr::string(meta, slot)
    })?;
    let attr::Naming {
        name,
        description,
        rename_all,
        json_case,
    } = naming;
    let json_case = key_case(&json_case)?;
    let rename_all = name_case(&rename_all)?;
    let ident = input.ident.clone();
    let name = type_name(&name, &ident)?;
    let view = match &view {
        Some(lit) => checked(lit, "view", QualifiedName::parse)?,
        None => format!("tv_{}", Case::Snake.apply(&ident.to_string())),
    };
    QualifiedName::parse(&view)
        .map_err(|e| syn::Error::new(ident.span(), format!("invalid default view name: {e}")))?;
    let data = match &data {
        Some(lit) => checked(lit, "data column", SqlIdent::new)?,
        None => "data".to_owned(),
    };

    let fields = parse_fields(fields, Derive::Type, json_case, rename_all)?;

    let key_name = key.as_ref().map_or_else(|| "id".to_owned(), LitStr::value);
    let key_span = key.as_ref().map_or_else(|| ident.span(), LitStr::span);
    let key = match find_served(&fields, &key_name) {
        Some(ServedField {
            requires: Some(requires),
            ..
        }) => {
            return Err(syn::Error::new(
                requires.span,
                format!(
                    "`{key_name}` is the key of `{ident}`: every request reads it (lookups, the order each list ends with, cursors), so it cannot require a role; restrict the type instead"
                ),
            ));
        }
        Some(served) => served.source.key().to_owned(),
        None => {
            let hint = if key.is_some() {
                format!("`{ident}` has no served field `{key_name}` to be its key")
            } else {
                format!(
                    "`{ident}` has no `id` field: FraiseQL types need their public UUID key; add `id: Uuid`, or name the key field with #[fraiseql(key = \"...\")]"
                )
            };
            return Err(syn::Error::new(key_span, hint));
        }
    };
    SqlIdent::new(&key)
        .map_err(|e| syn::Error::new(key_span, format!("invalid key column: {e}")))?;
    let identifier = match &identifier {
        Some(lit) => match find_served(&fields, &lit.value()) {
            Some(served) => Some(served.source.key().to_owned()),
            None => {
                return Err(syn::Error::new(
                    lit.span(),
                    format!("`{ident}` has no served field `{}`", lit.value()),
                ));
            }
        },
        None => find_served(&fields, "identifier").map(|s| s.source.key().to_owned()),
    };

    let default_order = match &default_order {
        Some(lit) => parse_default_order(lit, &ident, &fields)?,
        None => Vec::new(),
    };

    Ok(TypeModel {
        default_order,
        requires: requires.map(|r| r.roles).unwrap_or_default(),
        description: description_or_doc(&description, &input.attrs),
        vis: input.vis.clone(),
        ident,
        name,
        view,
        data,
        key,
        identifier,
        fields,
    })
}

/// Column types a `default_order` key that is no field may name, and their `ScalarKind`s.
const COLUMN_TYPES: &[(&str, &str)] = &[
    ("boolean", "Bool"),
    ("bool", "Bool"),
    ("integer", "Int"),
    ("int", "Int"),
    ("int4", "Int"),
    ("bigint", "BigInt"),
    ("int8", "BigInt"),
    ("float8", "Float"),
    ("numeric", "Numeric"),
    ("text", "Text"),
    ("uuid", "Uuid"),
    ("date", "Date"),
    ("timestamptz", "Timestamp"),
];

/// `default_order = "created_at desc, name"`: comma-separated keys, each a served field's Rust
/// name, or a real column that is no field with its SQL type (`pk_post: bigint`), then
/// optionally `asc`/`desc` and `nulls first`/`nulls last`.
fn parse_default_order(
    lit: &LitStr,
    ident: &Ident,
    fields: &[FieldModel],
) -> syn::Result<Vec<OrderKey>> {
    let error = |message: String| syn::Error::new(lit.span(), message);
    let text = lit.value();
    let mut keys = Vec::new();
    for item in text.split(',') {
        let spaced = item.replace(':', " : ");
        let words: Vec<&str> = spaced.split_whitespace().collect();
        let Some((&name, mut rest)) = words.split_first() else {
            return Err(error(format!(
                "default_order needs comma-separated keys such as \"created_at desc, name\"; got {text:?}"
            )));
        };
        let by = if let [":", ty, tail @ ..] = rest {
            rest = tail;
            let kind = COLUMN_TYPES
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(ty))
                .map(|(_, kind)| *kind)
                .ok_or_else(|| {
                    let names: Vec<&str> = COLUMN_TYPES.iter().map(|(name, _)| *name).collect();
                    error(format!(
                        "unknown column type `{ty}` in default_order; expected one of: {}",
                        names.join(", ")
                    ))
                })?;
            if fields.iter().any(|f| f.ident == name) {
                return Err(error(format!(
                    "`{name}` is a field of `{ident}`: order by it without a type"
                )));
            }
            SqlIdent::new(name)
                .map_err(|e| error(format!("invalid column in default_order: {e}")))?;
            OrderBy::Column(name.to_owned(), kind)
        } else {
            let field = fields
                .iter()
                .find(|f| f.ident == name && f.served.is_some())
                .ok_or_else(|| {
                    error(format!(
                        "`{ident}` has no served field `{name}` to order by; a real column that is no field is written with its SQL type, as in \"pk_post: bigint desc\""
                    ))
                })?;
            if field.served.as_ref().is_some_and(|s| s.requires.is_some()) {
                return Err(error(format!(
                    "`{name}` requires a role: a default order by it would show its order to every request, and connection cursors its values"
                )));
            }
            OrderBy::Field(name.to_owned(), Box::new(field.ty.clone()))
        };
        let lower: Vec<String> = rest.iter().map(|w| w.to_ascii_lowercase()).collect();
        let mut lower: Vec<&str> = lower.iter().map(String::as_str).collect();
        let descending = match lower.first() {
            Some(&"desc") => {
                lower.remove(0);
                true
            }
            Some(&"asc") => {
                lower.remove(0);
                false
            }
            _ => false,
        };
        let nulls_first = match lower.as_slice() {
            [] => None,
            ["nulls", "first"] => Some(true),
            ["nulls", "last"] => Some(false),
            _ => {
                return Err(error(format!(
                    "cannot read `{}` in default_order: a key is a field, then optionally asc or desc, then optionally nulls first or nulls last",
                    item.trim()
                )));
            }
        };
        keys.push(OrderKey {
            by,
            descending,
            nulls_first,
            span: lit.span(),
        });
    }
    Ok(keys)
}

fn find_served<'a>(fields: &'a [FieldModel], rust_name: &str) -> Option<&'a ServedField> {
    fields
        .iter()
        .find(|f| f.ident == rust_name)
        .and_then(|f| f.served.as_ref())
}

fn parse_field(
    field: &syn::Field,
    derive: Derive,
    json_case: Case,
    rename_all: Case,
) -> syn::Result<FieldModel> {
    let ident = field.ident.clone().expect("named fields have identifiers");
    let (mut rename, mut json, mut column, mut description) = (None, None, None, None);
    let (mut skip, mut deprecation, mut requires) = (None, None, None);
    attr::for_each(&field.attrs, |meta| match attr::name(meta).as_str() {
        "rename" => attr::string(meta, &mut rename),
        "json" => attr::string(meta, &mut json),
        "description" => attr::string(meta, &mut description),
        "column" | "deprecated" | "requires" if derive == Derive::Input => {
            Err(not_on_input_field(meta))
        }
        "requires" => attr::requires(meta, &mut requires),
        "column" => {
            let name = if meta.input.peek(syn::Token![=]) {
                Some(meta.value()?.parse::<LitStr>()?)
            } else {
                None
            };
            attr::set(meta, &mut column, name)
        }
        "skip" => attr::set(meta, &mut skip, meta.path.span()),
        "deprecated" => attr::deprecation(meta, &mut deprecation),
        _ => Err(attr::unknown(
            meta,
            match derive {
                Derive::Type => FIELD_ATTRS,
                Derive::Input => INPUT_FIELD_ATTRS,
            },
        )),
    })?;
    let ty = field.ty.clone();
    if let (Some(_), Some(requires)) = (skip, &requires) {
        return Err(syn::Error::new(
            requires.span,
            "a skipped field is not served: `requires` does not apply",
        ));
    }
    if skip.is_some() {
        return Ok(FieldModel {
            ident,
            ty,
            served: None,
        });
    }
    check_type(&ty, derive)?;
    let rust_name = ident.to_string();
    let name = match &rename {
        Some(lit) => checked(lit, "GraphQL field name", Name::defined)?,
        None => rename_all.apply(&rust_name),
    };
    let source = match (&json, &column) {
        (Some(lit), Some(_)) => {
            return Err(syn::Error::new(
                lit.span(),
                "a field is either in the document (`json`) or a real column (`column`), not both",
            ));
        }
        (Some(lit), None) => Source::Json(checked(lit, "JSON key", JsonKey::new)?),
        (None, Some(Some(lit))) => Source::Column(checked(lit, "column name", SqlIdent::new)?),
        (None, Some(None)) => {
            let column = rust_name.trim_start_matches("r#").to_owned();
            SqlIdent::new(&column)
                .map_err(|e| syn::Error::new(ident.span(), format!("invalid column name: {e}")))?;
            Source::Column(column)
        }
        (None, None) => {
            let key = json_case.apply(&rust_name);
            JsonKey::new(&key)
                .map_err(|e| syn::Error::new(ident.span(), format!("invalid JSON key: {e}")))?;
            Source::Json(key)
        }
    };
    Name::defined(&name).map_err(|e| syn::Error::new(ident.span(), e.to_string()))?;
    Ok(FieldModel {
        ident,
        ty,
        served: Some(ServedField {
            name,
            source,
            description: description_or_doc(&description, &field.attrs),
            deprecation,
            requires,
        }),
    })
}

/// `column`, `deprecated` or `requires` on a field of an input, which has none of them.
fn not_on_input_field(meta: &syn::meta::ParseNestedMeta) -> syn::Error {
    let why = match attr::name(meta).as_str() {
        "column" => "input fields are keys of the JSON object the function receives, not columns",
        "requires" => {
            "inputs are written, not read: guard the mutation with `MutationField::requires`"
        }
        _ => "deprecating input fields is not supported",
    };
    meta.error(format!(
        "`{}` does not apply to FraiseInput fields: {why}",
        attr::name(meta)
    ))
}

/// Each served field has its own GraphQL name; in an input, also its own JSON key (two fields
/// serialized under one key would reach the function as one value, the other lost).
fn check_unique_names(fields: &[FieldModel], derive: Derive) -> syn::Result<()> {
    let (mut names, mut keys) = (HashSet::new(), HashSet::new());
    for field in fields {
        let Some(served) = &field.served else {
            continue;
        };
        if !names.insert(served.name.as_str()) {
            return Err(syn::Error::new(
                field.ident.span(),
                format!(
                    "two fields are named `{}` in GraphQL; rename one with #[fraiseql(rename = \"...\")]",
                    served.name
                ),
            ));
        }
        if matches!(derive, Derive::Input) && !keys.insert(served.source.key()) {
            return Err(syn::Error::new(
                field.ident.span(),
                format!(
                    "two fields have the JSON key `{}`; set another with #[fraiseql(json = \"...\")]",
                    served.source.key()
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses field types that can never be FraiseQL fields, with a hint. Other types are checked
/// by the `FraiseField` trait, whose error names the supported types.
fn check_type(ty: &Type, derive: Derive) -> syn::Result<()> {
    let unsupported = |what: &str| {
        Err(syn::Error::new(
            ty.span(),
            format!("unsupported field type: {what}"),
        ))
    };
    match ty {
        Type::Paren(inner) => check_type(&inner.elem, derive),
        Type::Group(inner) => check_type(&inner.elem, derive),
        Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else {
                return Ok(());
            };
            match last.ident.to_string().as_str() {
                "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i128" | "isize" => {
                    unsupported("GraphQL and PostgreSQL integers are signed; use i16, i32 or i64")
                }
                "char" => unsupported("use String"),
                "HashMap" | "BTreeMap" | "IndexMap" => unsupported(&format!(
                    "maps have no GraphQL type; use serde_json::Value for free-form JSON, or a {} struct",
                    derive.name()
                )),
                "HashSet" | "BTreeSet" => unsupported("use Vec<T>"),
                "Box" | "Rc" | "Arc" | "Cow" => unsupported("use the inner type directly"),
                "Option" | "Vec" => match &last.arguments {
                    PathArguments::AngleBracketed(args) => {
                        args.args.iter().try_for_each(|arg| match arg {
                            GenericArgument::Type(inner) => check_type(inner, derive),
                            _ => Ok(()),
                        })
                    }
                    _ => Ok(()),
                },
                _ => Ok(()),
            }
        }
        Type::Reference(_) => unsupported(
            "borrowed fields cannot be deserialized from a document; use an owned type (String, not &str)",
        ),
        Type::Tuple(_) => unsupported(&format!(
            "tuples have no GraphQL type; use a {} struct",
            derive.name()
        )),
        Type::Array(_) | Type::Slice(_) => unsupported("use Vec<T>"),
        _ => unsupported(&format!(
            "only plain types such as String, i32, Option<T>, Vec<T> or a {} struct",
            derive.name()
        )),
    }
}
