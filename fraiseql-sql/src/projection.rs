//! Projections: the requested fields of an object, rendered as `json_build_object` over the
//! document so PostgreSQL returns exactly the JSON the response needs.
//!
//! `json` builders (not `jsonb`) keep keys in selection order, as GraphQL requires.

use crate::aggregate::ElementAggregate;
use crate::elements::{ElementList, Elements, Item, render_list};
use crate::error::Result;
use crate::ident::{Ident, Name};
use crate::rename::Renames;
use crate::target::JsonPath;
use crate::writer::{Scope, Writer};

/// PostgreSQL functions take at most 100 arguments, so one `json_build_object` holds 50 pairs.
const PAIRS_PER_CALL: usize = 50;

/// What one output key holds.
///
/// An embedded object or list comes in two forms. When the schema declares it non-null (a field
/// of type `T` or `Vec<T>`, not `Option<…>`), the document holds an object (a list of objects)
/// there, and [`Projected::NonNullObject`] / [`Projected::NonNullList`] project it with no type
/// test. Otherwise (`Option<T>`, `Option<Vec<T>>`, `Vec<Option<T>>`) [`Projected::Object`] /
/// [`Projected::List`] test the JSON type first, so a JSON null, a missing key or a value of
/// another type gives `null`:
///
/// ```
/// use fraiseql_sql::*;
/// let name = Projection::new().field(Name::new("name")?, Projected::Value(JsonPath::parse("name")?));
/// let post = Projection::new()
///     .field(Name::new("author")?, Projected::NonNullObject(JsonPath::parse("author")?, name.clone()))
///     .field(Name::new("editor")?, Projected::Object(JsonPath::parse("editor")?, name));
/// let one = Root::One {
///     relation: Relation::new("tv_post")?,
///     filter: Filter::all(),
///     projection: post,
/// };
/// let statement = Statement::value(&one)?;
/// assert!(statement.sql().contains(
///     r#"'author', json_build_object('name', t."data"->'author'->'name'), "#));
/// assert!(statement.sql().contains(
///     r#"'editor', CASE WHEN jsonb_typeof(t."data"->'editor') = 'object' THEN "#));
/// # Ok::<(), fraiseql_sql::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Projected {
    /// The JSON value at a path of the current document, as stored.
    Value(JsonPath),
    /// The JSON value at a path, a stored text renamed (an enum's GraphQL name).
    Renamed(JsonPath, Renames),
    /// A real column of the row (only at the top level of a row).
    Column(Ident),
    /// A constant string: the GraphQL `__typename`.
    Typename(Name),
    /// A nullable embedded object (`Option<T>`), projected in turn: null unless the path holds a
    /// JSON object.
    Object(JsonPath, Projection),
    /// A nullable embedded list of nullable objects, each projected in turn, order preserved: null
    /// unless the path holds a JSON array; elements that are not objects become null.
    List(JsonPath, Projection),
    /// A non-null embedded object (`T`), projected in turn with no type test: the document holds
    /// an object at the path (were it to hold anything else, each field would read as null).
    NonNullObject(JsonPath, Projection),
    /// A non-null embedded list of non-null objects (`Vec<T>`), each projected in turn, order
    /// preserved, with no type tests: the document holds an array of objects at the path (a
    /// missing key, JSON null or another non-array is an error from PostgreSQL, `cannot extract
    /// elements from a scalar` or `… from an object`, so a broken promise is never answered as
    /// `[]`; an element that is not an object reads as an object of nulls).
    NonNullList(JsonPath, Projection),
    /// A constant `null`, read from nothing: a value the request may not read (field-level
    /// authorization), or an object such a value nulls.
    ///
    /// ```
    /// use fraiseql_sql::*;
    /// let user = Projection::new()
    ///     .field(Name::new("name")?, Projected::Value(JsonPath::parse("name")?))
    ///     .field(Name::new("salary")?, Projected::Null);
    /// let one = Root::One { relation: Relation::new("tv_user")?, filter: Filter::all(), projection: user };
    /// let sql = Statement::value(&one)?.sql().to_owned();
    /// assert!(sql.contains("'salary', NULL") && !sql.contains("'salary', t"));
    /// # Ok::<(), fraiseql_sql::Error>(())
    /// ```
    Null,
    /// A list of as many `null`s as the array at the path has elements (`null` unless the path
    /// holds an array), reading nothing of the elements: a list of nullable objects each nulled
    /// by a value the request may not read.
    Nulls(JsonPath),
    /// An embedded list with arguments: the elements its filter picks, in its order (stored
    /// order breaking ties), paged; see [`ElementList`].
    Elements(Box<ElementList>),
    /// Aggregates over the elements of an embedded list (`commentsAggregate { count }`).
    Aggregate(Box<ElementAggregate>),
}

/// The fields of one object, in output order, each under its output name (field or alias).
///
/// ```
/// use fraiseql_sql::{JsonPath, Name, Projection, Projected};
/// let author = Projection::new()
///     .field(Name::new("name")?, Projected::Value(JsonPath::parse("name")?));
/// let post = Projection::new()
///     .field(Name::new("title")?, Projected::Value(JsonPath::parse("title")?))
///     .field(Name::new("writer")?, Projected::Object(JsonPath::parse("author")?, author));
/// # Ok::<(), fraiseql_sql::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Projection {
    fields: Vec<(Name, Projected)>,
}

impl Projection {
    /// An empty projection (renders `{}`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name: value` after the fields already there.
    pub fn field(mut self, name: Name, value: Projected) -> Self {
        self.push(name, value);
        self
    }

    /// Adds `name: value` after the fields already there.
    pub fn push(&mut self, name: Name, value: Projected) {
        self.fields.push((name, value));
    }

    /// The fields, in output order.
    pub fn fields(&self) -> &[(Name, Projected)] {
        &self.fields
    }

    pub(crate) fn render(&self, w: &mut Writer, scope: &Scope) -> Result<()> {
        render_object(w, &self.fields, |w, value| render_value(w, scope, value))
    }
}

fn render_value(w: &mut Writer, scope: &Scope, value: &Projected) -> Result<()> {
    match value {
        Projected::Value(path) => w.push(&path.json(&scope.doc)),
        Projected::Renamed(path, renames) => renames.render_json(w, &path.json(&scope.doc)),
        Projected::Column(column) => w.push(&scope.column(column)?),
        Projected::Typename(name) => w.put(name),
        Projected::Object(path, inner) => {
            let json = path.json(&scope.doc);
            w.put(format_args!(
                "CASE WHEN jsonb_typeof({json}) = 'object' THEN "
            ));
            inner.render(w, &Scope::document(json))?;
            w.push(" END");
        }
        Projected::NonNullObject(path, inner) => {
            inner.render(w, &Scope::document(path.json(&scope.doc)))?;
        }
        Projected::List(path, inner) => {
            let json = path.json(&scope.doc);
            w.put(format_args!(
                "CASE WHEN jsonb_typeof({json}) = 'array' THEN "
            ));
            render_list(w, &json, &objects(inner, true), &Elements::default(), true)?;
            w.push(" END");
        }
        Projected::NonNullList(path, inner) => {
            let json = path.json(&scope.doc);
            render_list(
                w,
                &json,
                &objects(inner, false),
                &Elements::default(),
                false,
            )?;
        }
        Projected::Elements(list) => list.render(w, scope)?,
        Projected::Aggregate(aggregate) => aggregate.render(w, scope)?,
        Projected::Null => w.push("NULL"),
        Projected::Nulls(path) => {
            let json = path.json(&scope.doc);
            let e = w.alias("e");
            w.put(format_args!(
                "CASE WHEN jsonb_typeof({json}) = 'array' THEN (SELECT COALESCE(json_agg(NULL::json), '[]'::json) FROM jsonb_array_elements({json}) AS {e}(v)) END"
            ));
        }
    }
    Ok(())
}

fn objects(projection: &Projection, tested: bool) -> Item<'_> {
    Item::Object { projection, tested }
}

/// Writes a JSON object of `pairs` in order; more than 50 pairs are built in chunks whose texts
/// are spliced (a `json` object has no order-keeping merge operator).
pub(crate) fn render_object<T>(
    w: &mut Writer,
    pairs: &[(Name, T)],
    mut value: impl FnMut(&mut Writer, &T) -> Result<()>,
) -> Result<()> {
    let mut chunk = |w: &mut Writer, pairs: &[(Name, T)]| -> Result<()> {
        w.push("json_build_object(");
        w.join(pairs, ", ", |w, (name, v)| {
            w.put(name);
            w.push(", ");
            value(w, v)
        })?;
        w.push(")");
        Ok(())
    };
    if pairs.len() <= PAIRS_PER_CALL {
        return chunk(w, pairs);
    }
    // '{"a" : 1}' + '{"b" : 2}' -> '{"a" : 1, "b" : 2}': drop each chunk's inner braces.
    let chunks: Vec<_> = pairs.chunks(PAIRS_PER_CALL).collect();
    let last = chunks.len() - 1;
    w.push("(");
    for (i, pairs) in chunks.iter().enumerate() {
        if i > 0 {
            w.push(" || ', ' || ");
        }
        w.push(match i {
            0 => "left(",
            i if i == last => "right(",
            _ => "left(right(",
        });
        chunk(w, pairs)?;
        w.push(match i {
            0 => "::text, -1)",
            i if i == last => "::text, -1)",
            _ => "::text, -1), -1)",
        });
    }
    w.push(")::json");
    Ok(())
}
