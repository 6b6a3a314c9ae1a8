//! The filter AST: conditions on targets combined with `and`, `or`, `not` and `any`.
//!
//! # NULL semantics
//!
//! Filters use two-valued logic: a condition on a missing or null value is simply false, except
//! `neq`, `nin` and `is_null(true)`, which match it. `not(f)` matches exactly the rows `f` does not
//! match (it renders as `(f) IS NOT TRUE`), so `neq(x)` ≡ `not(eq(x))` and `nin(xs)` ≡
//! `not(in(xs))`, and a row is never lost between a filter and its negation.

use crate::error::{Error, Result};
use crate::ident::Ident;
use crate::kind::{Kind, ScalarKind};
use crate::target::{JsonPath, Target};
use crate::value::{Param, Value, checked_json, checked_text};
use crate::writer::{Scope, Writer};

/// An operator and its operand, applied to a [`Target`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Op {
    /// Equal (never matches a null value).
    Eq(Value),
    /// Not equal; matches null values (see the module's NULL semantics).
    Neq(Value),
    /// Equal to one of the values (an empty list matches nothing).
    In(Vec<Value>),
    /// Equal to none of the values; matches null values.
    Nin(Vec<Value>),
    /// `true`: the value is absent or null; `false`: it is present.
    IsNull(bool),
    /// Greater than (ordered kinds: numbers, text, dates).
    Gt(Value),
    /// Greater than or equal.
    Gte(Value),
    /// Less than.
    Lt(Value),
    /// Less than or equal.
    Lte(Value),
    /// Text contains this text literally (`%`, `_`, `\` match themselves).
    Contains(String),
    /// Like `Contains`, ignoring ASCII case.
    IContains(String),
    /// Text starts with this text literally.
    StartsWith(String),
    /// Like `StartsWith`, ignoring ASCII case.
    IStartsWith(String),
    /// Text ends with this text literally.
    EndsWith(String),
    /// Like `EndsWith`, ignoring ASCII case.
    IEndsWith(String),
    /// SQL `LIKE` with the caller's pattern (`%`, `_` are wildcards, `\` escapes).
    Like(String),
    /// SQL `ILIKE` with the caller's pattern.
    ILike(String),
    /// POSIX regular expression match (`~`).
    Matches(String),
    /// Case-insensitive regular expression match (`~*`).
    IMatches(String),
    /// JSON object has this top-level key (`?`).
    HasKey(String),
    /// JSON object has any of these keys (`?|`).
    HasAnyKeys(Vec<String>),
    /// JSON object has all of these keys (`?&`).
    HasAllKeys(Vec<String>),
    /// JSON value contains this JSON (`@>`); on the whole document a GIN index serves it.
    JsonContains(serde_json::Value),
    /// JSON value is contained in this JSON (`<@`).
    ContainedIn(serde_json::Value),
    /// Array contains all of these elements (`@>`).
    ArrayContains(Vec<Value>),
    /// Array shares at least one element with these (`&&`).
    Overlaps(Vec<Value>),
    /// Some element of the array equals this value.
    AnyEq(Value),
    /// Full-text match of a `websearch_to_tsquery` query, in a text search configuration.
    Search {
        /// The query, in web-search syntax (`"exact phrase" -excluded or`).
        query: String,
        /// The text search configuration (`simple`, `english`, …).
        config: Ident,
    },
}

impl Op {
    /// The parameters the condition of `self` on `target` binds, in placeholder order: what
    /// `Filter::cond(target, op)` contributes to a statement (see [`Filter::params`]), without
    /// building the filter.
    ///
    /// ```
    /// use fraiseql_sql::*;
    /// let op = Op::Contains("ru%t".into());
    /// let target = Target::path("name", ScalarKind::Text)?;
    /// assert_eq!(op.params_on(&target)?, [Param::Text(r"%ru\%t%".into())]);
    /// assert_eq!(op.params_on(&target)?, Filter::cond(target, op).params()?);
    /// # Ok::<(), fraiseql_sql::Error>(())
    /// ```
    pub fn params_on(&self, target: &Target) -> Result<Vec<Param>> {
        let mut w = Writer::params_only();
        render_cond(&mut w, params_scope(), target, self)?;
        Ok(w.params)
    }

    /// The operator's name as users write it.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Eq(_) => "eq",
            Op::Neq(_) => "neq",
            Op::In(_) => "in",
            Op::Nin(_) => "nin",
            Op::IsNull(_) => "is_null",
            Op::Gt(_) => "gt",
            Op::Gte(_) => "gte",
            Op::Lt(_) => "lt",
            Op::Lte(_) => "lte",
            Op::Contains(_) | Op::JsonContains(_) | Op::ArrayContains(_) => "contains",
            Op::IContains(_) => "icontains",
            Op::StartsWith(_) => "starts_with",
            Op::IStartsWith(_) => "istarts_with",
            Op::EndsWith(_) => "ends_with",
            Op::IEndsWith(_) => "iends_with",
            Op::Like(_) => "like",
            Op::ILike(_) => "ilike",
            Op::Matches(_) | Op::Search { .. } => "matches",
            Op::IMatches(_) => "imatches",
            Op::HasKey(_) => "has_key",
            Op::HasAnyKeys(_) => "has_any_keys",
            Op::HasAllKeys(_) => "has_all_keys",
            Op::ContainedIn(_) => "contained_in",
            Op::Overlaps(_) => "overlaps",
            Op::AnyEq(_) => "any_eq",
        }
    }

    /// Whether this operator exists for targets of `kind`.
    pub fn applies_to(&self, kind: Kind) -> bool {
        use Kind::{Array, Scalar, TsVector};
        match self {
            Op::IsNull(_) => true,
            Op::Eq(_) | Op::Neq(_) | Op::In(_) | Op::Nin(_) => matches!(kind, Scalar(_)),
            Op::Gt(_) | Op::Gte(_) | Op::Lt(_) | Op::Lte(_) => {
                matches!(kind, Scalar(s) if s.is_ordered())
            }
            Op::Contains(_)
            | Op::IContains(_)
            | Op::StartsWith(_)
            | Op::IStartsWith(_)
            | Op::EndsWith(_)
            | Op::IEndsWith(_)
            | Op::Like(_)
            | Op::ILike(_)
            | Op::Matches(_)
            | Op::IMatches(_) => kind == Scalar(ScalarKind::Text),
            Op::HasKey(_)
            | Op::HasAnyKeys(_)
            | Op::HasAllKeys(_)
            | Op::JsonContains(_)
            | Op::ContainedIn(_) => kind == Scalar(ScalarKind::Json),
            Op::ArrayContains(_) | Op::Overlaps(_) | Op::AnyEq(_) => matches!(kind, Array(_)),
            Op::Search { .. } => matches!(kind, Scalar(ScalarKind::Text) | TsVector),
        }
    }
}

/// A boolean condition over the rows of a relation (or the elements of an embedded list).
///
/// ```
/// use fraiseql_sql::{Filter, Op, Target, ScalarKind};
/// let adults_named_a = Filter::cond(Target::path("name", ScalarKind::Text)?, Op::StartsWith("A".into()))
///     .and(Filter::cond(Target::path("age", ScalarKind::Int)?, Op::Gte(18.into())));
/// # Ok::<(), fraiseql_sql::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// All of these hold (an empty list always holds).
    And(Vec<Filter>),
    /// At least one of these holds (an empty list never holds).
    Or(Vec<Filter>),
    /// The inner filter does not hold.
    Not(Box<Filter>),
    /// One operator applied to one target.
    Cond(Target, Op),
    /// Some element of the JSON array at `path` satisfies `filter`, evaluated with the element as
    /// the document.
    Any(JsonPath, Box<Filter>),
    /// The inner filter, its parameters marked as slot `n` of the statement (see
    /// [`Statement::slots`](crate::Statement::slots)), so a prepared statement can be bound to
    /// another value of the same shape without rendering it again.
    Slot(u32, Box<Filter>),
}

impl Filter {
    /// A filter that every row satisfies.
    pub fn all() -> Self {
        Filter::And(Vec::new())
    }

    /// A single condition.
    pub fn cond(target: Target, op: Op) -> Self {
        Filter::Cond(target, op)
    }

    /// Both `self` and `other` (flattening nested `and`s).
    pub fn and(self, other: Filter) -> Self {
        match self {
            Filter::And(mut all) => {
                all.push(other);
                Filter::And(all)
            }
            first => Filter::And(vec![first, other]),
        }
    }

    /// Either `self` or `other` (flattening nested `or`s).
    pub fn or(self, other: Filter) -> Self {
        match self {
            Filter::Or(mut any) => {
                any.push(other);
                Filter::Or(any)
            }
            first => Filter::Or(vec![first, other]),
        }
    }

    /// The negation of `self`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Self {
        Filter::Not(Box::new(self))
    }

    /// Some element of the list at `path` satisfies `filter`.
    pub fn any(path: JsonPath, filter: Filter) -> Self {
        Filter::Any(path, Box::new(filter))
    }

    /// `self`, its parameters marked as slot `n` of the statement it renders into.
    ///
    /// ```
    /// use fraiseql_sql::*;
    /// let key = Target::column("id", ScalarKind::Uuid)?;
    /// let by_id = |id: uuid::Uuid| Filter::cond(key.clone(), Op::Eq(Value::Uuid(id))).slot(0);
    /// let one = |filter| Root::One {
    ///     relation: Relation::new("tv_user").unwrap(),
    ///     filter,
    ///     projection: Projection::new().field(Name::new("name").unwrap(), Projected::Value(JsonPath::parse("name").unwrap())),
    /// };
    /// let first = Statement::select(&[(Name::new("user")?, one(by_id(uuid::Uuid::nil())))])?;
    /// assert_eq!(first.slots(), [(0, 0..1)]);
    /// // Another id: the same SQL text, only the slot's parameters change.
    /// let other = uuid::Uuid::from_u128(7);
    /// let rebound = first.rebind(&[(0, by_id(other))])?;
    /// assert_eq!(rebound.sql(), first.sql());
    /// assert_eq!(rebound.params(), [Param::Uuid(other)]);
    /// # Ok::<(), fraiseql_sql::Error>(())
    /// ```
    pub fn slot(self, n: u32) -> Self {
        Filter::Slot(n, Box::new(self))
    }

    /// The parameters this filter binds, in placeholder order (what it contributes to a
    /// statement's params when rendered).
    pub fn params(&self) -> Result<Vec<Param>> {
        let mut w = Writer::params_only();
        self.render(&mut w, params_scope())?;
        Ok(w.params)
    }

    /// ` WHERE <filter>` for the rows in `scope`, or nothing when every row matches; its params
    /// bound, the text returned.
    pub(crate) fn render_where(&self, w: &mut Writer, scope: &Scope) -> Result<String> {
        Ok(match self {
            Filter::And(all) if all.is_empty() => String::new(),
            filter => format!(" WHERE {}", w.capture(|w| filter.render(w, scope))?),
        })
    }

    pub(crate) fn render(&self, w: &mut Writer, scope: &Scope) -> Result<()> {
        match self {
            Filter::And(all) if all.is_empty() => w.push("TRUE"),
            Filter::Or(any) if any.is_empty() => w.push("FALSE"),
            Filter::And(all) => render_joined(w, scope, all, " AND ")?,
            Filter::Or(any) => render_joined(w, scope, any, " OR ")?,
            Filter::Not(inner) => {
                w.push("(");
                inner.render(w, scope)?;
                w.push(") IS NOT TRUE");
            }
            Filter::Cond(target, op) => render_cond(w, scope, target, op)?,
            Filter::Slot(n, inner) => {
                let start = w.params.len();
                inner.render(w, scope)?;
                w.slots.push((*n, start..w.params.len()));
            }
            Filter::Any(path, inner) => {
                let json = path.json(&scope.doc);
                let element = w.alias("e");
                w.push("EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(");
                w.push(&json);
                w.push(") = 'array' THEN ");
                w.push(&json);
                w.put(format_args!(" END) AS {element}(v) WHERE "));
                inner.render(w, &Scope::document(format!("{element}.v")))?;
                w.push(")");
            }
        }
        Ok(())
    }
}

fn render_joined(w: &mut Writer, scope: &Scope, items: &[Filter], sep: &str) -> Result<()> {
    w.push("(");
    w.join(items, sep, |w, f| f.render(w, scope))?;
    w.push(")");
    Ok(())
}

/// Escapes `%`, `_` and `\` so user text matches itself under `LIKE`.
pub(crate) fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The scope params-only renderings use: it only names things in the text, which they do not
/// write, so one serves every call.
fn params_scope() -> &'static Scope {
    static SCOPE: std::sync::OnceLock<Scope> = std::sync::OnceLock::new();
    SCOPE.get_or_init(|| Scope::row(crate::query::ROW, &Ident::data()))
}

fn render_cond(w: &mut Writer, scope: &Scope, target: &Target, op: &Op) -> Result<()> {
    let kind = target.kind();
    if !op.applies_to(kind) {
        return Err(Error::UnsupportedOperator {
            op: op.name(),
            kind,
        });
    }
    let scalar = match kind {
        Kind::Scalar(s) | Kind::Array(s) => s,
        Kind::TsVector => ScalarKind::Text,
    };
    let text = |s: &str| checked_text(s).map(|s| Param::Text(s.to_owned()));
    let like = |w: &mut Writer, op: &str, pattern: String| -> Result<()> {
        target.write_value(w, scope)?;
        w.push(op);
        w.param(text(&pattern)?);
        Ok(())
    };
    let binary = |w: &mut Writer, op: &str, param: Param| -> Result<()> {
        target.write_value(w, scope)?;
        w.push(op);
        w.param(param);
        Ok(())
    };
    match op {
        Op::Eq(v) => binary(w, " = ", v.to_param(scalar)?)?,
        Op::Neq(v) => binary(w, " IS DISTINCT FROM ", v.to_param(scalar)?)?,
        Op::Gt(v) => binary(w, " > ", v.to_param(scalar)?)?,
        Op::Gte(v) => binary(w, " >= ", v.to_param(scalar)?)?,
        Op::Lt(v) => binary(w, " < ", v.to_param(scalar)?)?,
        Op::Lte(v) => binary(w, " <= ", v.to_param(scalar)?)?,
        Op::In(vs) => {
            binary(w, " = ANY(", Param::array(scalar, vs)?)?;
            w.push(")");
        }
        Op::Nin(vs) => {
            w.push("(");
            binary(w, " = ANY(", Param::array(scalar, vs)?)?;
            w.push(")) IS NOT TRUE");
        }
        Op::IsNull(null) => {
            w.push(&target.nullable_text(scope)?);
            w.push(if *null { " IS NULL" } else { " IS NOT NULL" });
        }
        Op::Contains(s) => like(w, " LIKE ", format!("%{}%", escape_like(s)))?,
        Op::IContains(s) => like(w, " ILIKE ", format!("%{}%", escape_like(s)))?,
        Op::StartsWith(s) => like(w, " LIKE ", format!("{}%", escape_like(s)))?,
        Op::IStartsWith(s) => like(w, " ILIKE ", format!("{}%", escape_like(s)))?,
        Op::EndsWith(s) => like(w, " LIKE ", format!("%{}", escape_like(s)))?,
        Op::IEndsWith(s) => like(w, " ILIKE ", format!("%{}", escape_like(s)))?,
        Op::Like(p) => like(w, " LIKE ", checked_pattern(p)?)?,
        Op::ILike(p) => like(w, " ILIKE ", checked_pattern(p)?)?,
        Op::Matches(p) => like(w, " ~ ", p.clone())?,
        Op::IMatches(p) => like(w, " ~* ", p.clone())?,
        Op::HasKey(k) => binary(w, " ? ", text(k)?)?,
        Op::HasAnyKeys(ks) => binary(w, " ?| ", text_array(ks)?)?,
        Op::HasAllKeys(ks) => binary(w, " ?& ", text_array(ks)?)?,
        Op::JsonContains(j) => binary(w, " @> ", Param::Jsonb(checked_json(j.clone())?))?,
        Op::ContainedIn(j) => binary(w, " <@ ", Param::Jsonb(checked_json(j.clone())?))?,
        Op::ArrayContains(vs) => binary(w, " @> ", Param::array(scalar, vs)?)?,
        Op::Overlaps(vs) => binary(w, " && ", Param::array(scalar, vs)?)?,
        Op::AnyEq(v) => {
            w.param(v.to_param(scalar)?);
            w.push(" = ANY(");
            target.write_value(w, scope)?;
            w.push(")");
        }
        Op::Search { query, config } => {
            let config = config.as_str();
            let value = target.value(scope)?;
            if kind == Kind::TsVector {
                w.push(&value);
            } else {
                w.put(format_args!("to_tsvector('{config}'::regconfig, {value})"));
            }
            w.put(format_args!(
                " @@ websearch_to_tsquery('{config}'::regconfig, "
            ));
            w.param(text(query)?);
            w.push(")");
        }
    }
    Ok(())
}

/// A `LIKE` pattern PostgreSQL accepts: a trailing lone `\` is an error there, so refuse it here.
fn checked_pattern(pattern: &str) -> Result<String> {
    let trailing = pattern.chars().rev().take_while(|&c| c == '\\').count();
    if trailing % 2 == 1 {
        return Err(Error::InvalidValue {
            kind: Kind::Scalar(ScalarKind::Text),
            reason: "a LIKE pattern cannot end with a lone escape character `\\`".into(),
        });
    }
    Ok(pattern.to_owned())
}

fn text_array(items: &[String]) -> Result<Param> {
    items
        .iter()
        .map(|s| checked_text(s).map(|s| Param::Text(s.to_owned())))
        .collect::<Result<_>>()
        .map(|items| Param::Array(ScalarKind::Text, items))
}
