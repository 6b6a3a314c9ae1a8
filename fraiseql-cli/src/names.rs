//! Quoting for generated SQL and the case conversions generated names follow.

/// `name` as a quoted SQL identifier: `"name"`, embedded quotes doubled. Every identifier read
/// from the catalog goes through this, whatever it looks like.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `schema.name`, both quoted.
pub fn qualified(schema: &str, name: &str) -> String {
    format!("{}.{}", ident(schema), ident(name))
}

/// `text` as a SQL string literal: `'text'`, embedded quotes doubled.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `created_at` → `createdAt`; the JSON keys of generated documents.
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' || c == ' ' || c == '-' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else if out.is_empty() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `blog_post` → `BlogPost`; the names of generated Rust types.
pub fn pascal(name: &str) -> String {
    let camel = camel(name);
    let mut chars = camel.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Whether `name` can be written as it is in Rust and in a FraiseQL input (lower-case ASCII
/// snake_case, not a keyword).
pub fn is_rust_field(name: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
        "move", "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait",
        "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
        "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
    ];
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name != "_"
        && !KEYWORDS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_cases() {
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(qualified("public", "tb_x"), "\"public\".\"tb_x\"");
        assert_eq!(literal("it's"), "'it''s'");
        assert_eq!(camel("created_at"), "createdAt");
        assert_eq!(camel("order"), "order");
        assert_eq!(camel("Group Name"), "groupName");
        assert_eq!(pascal("blog_post"), "BlogPost");
        assert!(is_rust_field("created_at"));
        assert!(!is_rust_field("type"));
        assert!(!is_rust_field("Name"));
    }
}
