//! What a filter or an ordering key addresses: a real column, or a path inside the document.

use std::fmt::Write as _;

use crate::error::{Error, Result};
use crate::ident::{Ident, JsonKey};
use crate::kind::{Kind, ScalarKind};
use crate::writer::{Scope, Writer};

/// A path of keys inside a JSON document (`author`, `name` for `data->'author'->>'name'`).
///
/// ```
/// use fraiseql_sql::JsonPath;
/// let path = JsonPath::parse("author.name").unwrap();
/// assert_eq!(path.keys().len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct JsonPath(Vec<JsonKey>);

impl JsonPath {
    /// A path from already-validated keys.
    pub fn new(keys: Vec<JsonKey>) -> Self {
        Self(keys)
    }

    /// Parses dot-separated keys, validating each.
    pub fn parse(dotted: &str) -> Result<Self> {
        dotted
            .split('.')
            .map(JsonKey::new)
            .collect::<Result<_>>()
            .map(Self)
    }

    /// The keys, outermost first.
    pub fn keys(&self) -> &[JsonKey] {
        &self.0
    }

    /// The `jsonb` at this path below `doc` (`doc->'a'->'b'`).
    pub(crate) fn json(&self, doc: &str) -> String {
        let mut sql = doc.to_owned();
        for key in &self.0 {
            let _ = write!(sql, "->{key}");
        }
        sql
    }

    /// The value at this path below `doc` as text (`doc->'a'->>'b'`); NULL for JSON null.
    pub(crate) fn text(&self, doc: &str) -> String {
        match self.0.split_last() {
            None => format!("({doc} #>> '{{}}')"),
            Some((last, init)) => format!("{}->>{last}", Self(init.to_vec()).json(doc)),
        }
    }
}

/// Where a target's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// A real column of the relation (`tenant_id`), reachable only at the row level.
    Column(Ident),
    /// A path inside the current document (empty: the document itself).
    Path(JsonPath),
}

/// A typed address of a value: where it is and what kind it is.
///
/// ```
/// use fraiseql_sql::{Target, ScalarKind};
/// let age = Target::path("age", ScalarKind::Int).unwrap();
/// let tenant = Target::column("tenant_id", ScalarKind::Uuid).unwrap();
/// # let _ = (age, tenant);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    source: Source,
    kind: Kind,
}

impl Target {
    /// A target of any kind at any source. A `tsvector` only exists as a column.
    pub fn new(source: Source, kind: Kind) -> Result<Self> {
        if kind == Kind::TsVector && !matches!(source, Source::Column(_)) {
            return Err(Error::UnsupportedOperator {
                op: "document path",
                kind,
            });
        }
        Ok(Self { source, kind })
    }

    /// A real column holding a scalar.
    pub fn column(name: &str, kind: ScalarKind) -> Result<Self> {
        Self::new(Source::Column(Ident::new(name)?), Kind::Scalar(kind))
    }

    /// A dot-separated path inside the document holding a scalar.
    pub fn path(dotted: &str, kind: ScalarKind) -> Result<Self> {
        Self::new(Source::Path(JsonPath::parse(dotted)?), Kind::Scalar(kind))
    }

    /// The whole document, as `jsonb` (for containment filters that GIN indexes serve).
    pub fn document() -> Self {
        Self {
            source: Source::Path(JsonPath::default()),
            kind: Kind::Scalar(ScalarKind::Json),
        }
    }

    /// The same source with another kind (`Target::path("tags", Text)?.with_kind(Kind::Array(Text))`).
    pub fn with_kind(self, kind: Kind) -> Result<Self> {
        Self::new(self.source, kind)
    }

    /// Where the value comes from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// What kind of value it is.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The value as an SQL expression of the target's kind: cast scalars, `jsonb` for JSON,
    /// a PostgreSQL array for arrays, the column itself for `tsvector`.
    pub(crate) fn value(&self, scope: &Scope) -> Result<String> {
        let path = match &self.source {
            Source::Column(column) => return scope.column(column),
            Source::Path(path) => path,
        };
        Ok(match self.kind {
            Kind::Scalar(ScalarKind::Text) => path.text(&scope.doc),
            Kind::Scalar(ScalarKind::Json) => path.json(&scope.doc),
            Kind::Scalar(kind) => format!("({})::{}", path.text(&scope.doc), kind.sql_type()),
            Kind::Array(element) => {
                let json = path.json(&scope.doc);
                // Anything but a JSON array (absent, null, a scalar) is a NULL array, so it matches
                // no array operator, like any other null value.
                let (elements, value) = match element {
                    ScalarKind::Json => ("jsonb_array_elements", "x".to_owned()),
                    ScalarKind::Text => ("jsonb_array_elements_text", "x".to_owned()),
                    other => (
                        "jsonb_array_elements_text",
                        format!("x::{}", other.sql_type()),
                    ),
                };
                format!(
                    "CASE WHEN jsonb_typeof({json}) = 'array' THEN ARRAY(SELECT {value} FROM {elements}({json}) AS x) END"
                )
            }
            Kind::TsVector => unreachable!("Target::new keeps tsvector targets on columns"),
        })
    }

    /// Writes [`value`](Self::value); a params-only writer gets nothing but the same refusal.
    pub(crate) fn write_value(&self, w: &mut Writer, scope: &Scope) -> Result<()> {
        if w.writes_text() {
            w.push(&self.value(scope)?);
        } else if let Source::Column(column) = &self.source {
            // The only way the text can fail; the expression itself is not needed.
            scope.check_column(column)?;
        }
        Ok(())
    }

    /// An expression that is NULL exactly when the value is absent or JSON null.
    pub(crate) fn nullable_text(&self, scope: &Scope) -> Result<String> {
        match &self.source {
            Source::Column(column) => scope.column(column),
            Source::Path(path) => Ok(path.text(&scope.doc)),
        }
    }
}
