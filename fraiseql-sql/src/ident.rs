//! Names that end up in SQL text: identifiers, JSON keys and GraphQL output names.
//!
//! Each is validated once, when it is made, so rendering never has to escape anything and an
//! invalid name can never reach the SQL text.

use std::fmt;

use crate::error::{Error, Result};

/// PostgreSQL truncates identifiers at `NAMEDATALEN - 1` bytes; longer ones are refused here
/// rather than silently truncated.
pub const MAX_IDENT_BYTES: usize = 63;

/// A validated SQL identifier (table, column, schema or function name), always rendered quoted.
///
/// Accepted: a letter or `_`, then letters, digits, `_` or `$`, at most 63 bytes. Quoting keeps the
/// case as written, so `Ident::new("tenantId")` addresses the column `"tenantId"`.
///
/// ```
/// use fraiseql_sql::Ident;
/// assert_eq!(Ident::new("tv_user").unwrap().to_string(), r#""tv_user""#);
/// assert!(Ident::new("users; drop table x").is_err());
/// assert!(Ident::new(&"x".repeat(64)).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ident(String);

impl Ident {
    /// Validates `name` as an identifier.
    pub fn new(name: &str) -> Result<Self> {
        let invalid = |reason| Error::InvalidIdentifier {
            ident: name.to_owned(),
            reason,
        };
        let mut chars = name.chars();
        let first = chars.next().ok_or_else(|| invalid("it is empty"))?;
        if !(first == '_' || first.is_alphabetic()) {
            return Err(invalid("it must start with a letter or an underscore"));
        }
        if !chars.all(|c| c == '_' || c == '$' || c.is_alphanumeric()) {
            return Err(invalid(
                "only letters, digits, underscores and dollar signs are allowed",
            ));
        }
        if name.len() > MAX_IDENT_BYTES {
            return Err(invalid("it is longer than 63 bytes"));
        }
        Ok(Self(name.to_owned()))
    }

    /// The name as written, without quotes.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `data`, the conventional document column (valid by inspection).
    pub(crate) fn data() -> Self {
        Self("data".to_owned())
    }

    /// `id`, the conventional public key column (valid by inspection).
    pub(crate) fn id() -> Self {
        Self("id".to_owned())
    }
}

impl fmt::Display for Ident {
    /// Writes the quoted form; validation guarantees there is no `"` to double.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0)
    }
}

/// A possibly schema-qualified name: `tv_user` or `app.tv_user`.
///
/// ```
/// use fraiseql_sql::QualifiedName;
/// let name = QualifiedName::parse("app.tv_user").unwrap();
/// assert_eq!(name.to_string(), r#""app"."tv_user""#);
/// assert_eq!(QualifiedName::parse("tv_user").unwrap().to_string(), r#""tv_user""#);
/// assert!(QualifiedName::parse("a.b.c").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QualifiedName {
    schema: Option<Ident>,
    name: Ident,
}

impl QualifiedName {
    /// A name without a schema (resolved through `search_path`).
    pub fn new(name: Ident) -> Self {
        Self { schema: None, name }
    }

    /// A name inside `schema`.
    pub fn qualified(schema: Ident, name: Ident) -> Self {
        Self {
            schema: Some(schema),
            name,
        }
    }

    /// Parses `name` or `schema.name`, validating both parts.
    pub fn parse(text: &str) -> Result<Self> {
        match text.split_once('.') {
            None => Ok(Self::new(Ident::new(text)?)),
            Some((schema, name)) if !name.contains('.') => {
                Ok(Self::qualified(Ident::new(schema)?, Ident::new(name)?))
            }
            Some(_) => Err(Error::InvalidIdentifier {
                ident: text.to_owned(),
                reason: "at most one schema qualifier is allowed",
            }),
        }
    }

    /// The schema, when one was given.
    pub fn schema(&self) -> Option<&Ident> {
        self.schema.as_ref()
    }

    /// The unqualified name.
    pub fn name(&self) -> &Ident {
        &self.name
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(schema) = &self.schema {
            write!(f, "{schema}.")?;
        }
        write!(f, "{}", self.name)
    }
}

/// A key inside a JSON document, written into SQL as a string literal (`data->'author'`).
///
/// Keys come from the schema, never from a request; they are restricted to letters, digits, `_`,
/// `-` and `$` (at most 255 bytes) so the literal never needs escaping. Literal keys (rather than
/// a bound path) keep the SQL identical to expression indexes such as `((data->>'email'))`.
///
/// ```
/// use fraiseql_sql::JsonKey;
/// assert!(JsonKey::new("createdAt").is_ok());
/// assert!(JsonKey::new("it's").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JsonKey(String);

impl JsonKey {
    /// Validates `key`.
    pub fn new(key: &str) -> Result<Self> {
        let invalid = |reason| Error::InvalidJsonKey {
            key: key.to_owned(),
            reason,
        };
        if key.is_empty() {
            return Err(invalid("it is empty"));
        }
        if key.len() > 255 {
            return Err(invalid("it is longer than 255 bytes"));
        }
        if !key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '$'))
        {
            return Err(invalid(
                "only letters, digits, '_', '-' and '$' are allowed",
            ));
        }
        Ok(Self(key.to_owned()))
    }

    /// The key as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JsonKey {
    /// Writes the SQL string literal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}'", self.0)
    }
}

/// An output key written as a SQL string literal: a GraphQL name (`/[_A-Za-z][_0-9A-Za-z]*/` —
/// a response key, alias or type name) or, through `From<JsonKey>`, a document key (so
/// repositories can rebuild a document under its own keys).
///
/// ```
/// use fraiseql_sql::Name;
/// assert!(Name::new("firstName").is_ok());
/// assert!(Name::new("first-name").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name(String);

impl Name {
    /// Validates `name`.
    pub fn new(name: &str) -> Result<Self> {
        let mut bytes = name.bytes();
        let valid = bytes
            .next()
            .is_some_and(|b| b == b'_' || b.is_ascii_alphabetic())
            && bytes.all(|b| b == b'_' || b.is_ascii_alphanumeric());
        if valid {
            Ok(Self(name.to_owned()))
        } else {
            Err(Error::InvalidName {
                name: name.to_owned(),
            })
        }
    }

    /// Validates a name a schema defines — a type, field, root field, mutation or enum value:
    /// a GraphQL name that does not start with `__`, which GraphQL reserves for introspection.
    ///
    /// ```
    /// use fraiseql_sql::Name;
    /// assert!(Name::defined("createdAt").is_ok());
    /// assert!(Name::defined("__type").is_err());
    /// assert!(Name::new("__typename").is_ok()); // a response key may be one
    /// ```
    pub fn defined(name: &str) -> Result<Self> {
        let valid = Self::new(name)?;
        if name.starts_with("__") {
            return Err(Error::ReservedName {
                name: name.to_owned(),
            });
        }
        Ok(valid)
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<JsonKey> for Name {
    /// A document key is safe as an output key: it never contains a quote.
    fn from(key: JsonKey) -> Self {
        Self(key.0)
    }
}

impl fmt::Display for Name {
    /// Writes the SQL string literal (GraphQL names never contain a quote).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}'", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_conventional_columns_are_valid_identifiers() {
        assert_eq!(Ident::data(), Ident::new("data").unwrap());
        assert_eq!(Ident::id(), Ident::new("id").unwrap());
    }

    #[test]
    fn identifiers_follow_postgres_rules() {
        for ok in ["a", "_x", "tv_user", "Zeta$1", "été", &"a".repeat(63)] {
            assert!(Ident::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1a",
            "$a",
            "a b",
            "a\"b",
            "a;b",
            "a.b",
            "a-b",
            "a\0",
            &"a".repeat(64),
        ] {
            assert!(Ident::new(bad).is_err(), "{bad:?}");
        }
        // 63 bytes, not 63 characters: 32 two-byte letters are 64 bytes.
        assert!(Ident::new(&"é".repeat(32)).is_err());
    }

    #[test]
    fn json_keys_and_names_reject_quotes() {
        assert!(JsonKey::new("a'b").is_err());
        assert!(JsonKey::new("a\\b").is_err());
        assert!(JsonKey::new("").is_err());
        assert_eq!(
            JsonKey::new("first-name").unwrap().to_string(),
            "'first-name'"
        );
        assert!(Name::new("__typename").is_ok());
        assert!(Name::new("9lives").is_err());
        assert!(Name::new("").is_err());
    }
}
