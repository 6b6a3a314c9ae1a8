//! Reading `#[fraiseql(...)]` and doc-comment attributes.

use syn::meta::ParseNestedMeta;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Meta};

/// Calls `each` for every item inside every `#[fraiseql(...)]` attribute.
pub fn for_each(
    attrs: &[Attribute],
    mut each: impl FnMut(&ParseNestedMeta) -> syn::Result<()>,
) -> syn::Result<()> {
    for attr in attrs.iter().filter(|a| a.path().is_ident("fraiseql")) {
        attr.parse_nested_meta(|meta| each(&meta))?;
    }
    Ok(())
}

/// The name of the attribute item (`view` in `view = "…"`).
pub fn name(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map_or_else(|| "?".to_owned(), ToString::to_string)
}

/// Reads `= "…"`, refusing a second occurrence of the same item.
pub fn string(meta: &ParseNestedMeta, slot: &mut Option<LitStr>) -> syn::Result<()> {
    let value: LitStr = meta.value()?.parse()?;
    set(meta, slot, value)
}

/// Stores `value`, refusing a second occurrence of the same item.
pub fn set<T>(meta: &ParseNestedMeta, slot: &mut Option<T>, value: T) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error(format!("duplicate `{}` attribute", name(meta))));
    }
    *slot = Some(value);
    Ok(())
}

/// An unknown item, with the list of known ones.
pub fn unknown(meta: &ParseNestedMeta, known: &str) -> syn::Error {
    meta.error(format!(
        "unknown fraiseql attribute `{}`; expected one of: {known}",
        name(meta)
    ))
}

/// The doc comment, one line per `///` line, leading space and outer blank lines removed.
pub fn doc_comment(attrs: &[Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter_map(|attr| match &attr.meta {
            Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .map(|line| {
            line.strip_prefix(' ')
                .unwrap_or(&line)
                .trim_end()
                .to_owned()
        })
        .collect();
    let text = lines.join("\n");
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// `deprecated` or `deprecated = "reason"`.
pub fn deprecation(meta: &ParseNestedMeta, slot: &mut Option<Option<String>>) -> syn::Result<()> {
    let reason = if meta.input.peek(syn::Token![=]) {
        let reason: LitStr = meta.value()?.parse()?;
        Some(reason.value())
    } else {
        None
    };
    set(meta, slot, reason)
}

/// `requires = "admin, auditor"`: the roles that may read a field or type, any one of them.
pub struct Requires {
    pub roles: Vec<String>,
    /// The literal, where errors about the requirement point.
    pub span: proc_macro2::Span,
}

/// Reads `requires = "role, …"`: comma-separated roles, each non-empty, none twice; a second
/// `requires` is refused.
pub fn requires(meta: &ParseNestedMeta, slot: &mut Option<Requires>) -> syn::Result<()> {
    let lit: LitStr = meta.value()?.parse()?;
    let error = |message: String| syn::Error::new(lit.span(), message);
    let text = lit.value();
    let mut roles: Vec<String> = Vec::new();
    for role in text.split(',').map(str::trim) {
        if role.is_empty() {
            return Err(error(format!(
                "requires needs comma-separated role names such as \"admin, auditor\"; got {text:?}"
            )));
        }
        if roles.iter().any(|r| r == role) {
            return Err(error(format!("role `{role}` is named twice")));
        }
        roles.push(role.to_owned());
    }
    set(
        meta,
        slot,
        Requires {
            roles,
            span: lit.span(),
        },
    )
}

/// The type-level attributes every derive takes: `name`, `description`, `rename_all`,
/// `json_case`.
#[derive(Default)]
pub struct Naming {
    pub name: Option<LitStr>,
    pub description: Option<LitStr>,
    pub rename_all: Option<LitStr>,
    pub json_case: Option<LitStr>,
}

impl Naming {
    /// Reads every `#[fraiseql(...)]` item of `attrs`, handing those that are not naming
    /// attributes to `other`.
    pub fn read(
        attrs: &[Attribute],
        mut other: impl FnMut(&ParseNestedMeta) -> syn::Result<()>,
    ) -> syn::Result<Self> {
        let mut naming = Naming::default();
        for_each(attrs, |meta| {
            let slot = match name(meta).as_str() {
                "name" => &mut naming.name,
                "description" => &mut naming.description,
                "rename_all" => &mut naming.rename_all,
                "json_case" => &mut naming.json_case,
                _ => return other(meta),
            };
            string(meta, slot)
        })?;
        Ok(naming)
    }
}
