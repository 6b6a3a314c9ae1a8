//! Embedded lists with arguments: the elements of a JSON array inside the document, filtered,
//! ordered and paged inside the statement that projects them
//! (`comments(where: …, orderBy: …, limit: 3)`), in stored order when no order is given.
//!
//! Each element is the document of its filter, order keys and projection, exactly as a row's
//! document is for a root list, so the same [`Filter`] and [`OrderBy`] values serve both.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::filter::Filter;
use crate::order::OrderBy;
use crate::projection::Projection;
use crate::rename::Renames;
use crate::target::JsonPath;
use crate::writer::{Scope, Writer};

/// Which elements of an embedded list, in which order: the arguments of a list field inside the
/// document. The default picks every element in stored order.
///
/// ```
/// use fraiseql_sql::*;
/// let content = Target::path("content", ScalarKind::Text)?;
/// let latest_three = Elements {
///     filter: Filter::cond(content.clone(), Op::Contains("rust".into())),
///     order: vec![OrderBy::desc(Target::path("created_at", ScalarKind::Timestamp)?)],
///     limit: Some(3),
///     offset: 0,
/// };
/// let comments = ElementList {
///     path: JsonPath::parse("comments")?,
///     nullable: false,
///     element: Element::Object(Projection::new().field(Name::new("content")?, Projected::Value(JsonPath::parse("content")?))),
///     elements: latest_three,
/// };
/// let post = Projection::new().field(Name::new("comments")?, Projected::Elements(Box::new(comments)));
/// let one = Root::One { relation: Relation::new("tv_post")?, filter: Filter::all(), projection: post };
/// let sql = Statement::value(&one)?.sql().to_owned();
/// assert!(sql.contains("WITH ORDINALITY AS e1(v, i) WHERE e1.v->>'content' LIKE $1::text"));
/// assert!(sql.contains(" LIMIT 3) AS e1"));
/// # Ok::<(), fraiseql_sql::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Elements {
    /// Which elements (each evaluated with the element as the document).
    pub filter: Filter,
    /// In which order; stored order breaks ties, and is the whole order when this is empty.
    pub order: Vec<OrderBy>,
    /// At most this many elements (`None`: all).
    pub limit: Option<u32>,
    /// Skip this many elements first.
    pub offset: u64,
}

impl Default for Elements {
    fn default() -> Self {
        Self {
            filter: Filter::all(),
            order: Vec::new(),
            limit: None,
            offset: 0,
        }
    }
}

impl Elements {
    /// Whether these are the default arguments (every element, stored order).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// What each element of an [`ElementList`] becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Element {
    /// An object, projected with no type test (a list of non-null objects).
    Object(Projection),
    /// An object or null: null unless the element is a JSON object.
    NullableObject(Projection),
    /// The element as stored (a list of scalars).
    Value,
    /// The element, a stored text renamed (a list of enum values).
    Renamed(Renames),
    /// `null`, reading nothing of the element: a nullable object the request may not read.
    Null,
}

/// An embedded list with arguments ([`Projected::Elements`](crate::Projected::Elements)).
#[derive(Debug, Clone, PartialEq)]
pub struct ElementList {
    /// Where the array is in the current document.
    pub path: JsonPath,
    /// `true`: null unless the path holds an array (a nullable list); `false`: the document
    /// holds an array there, and anything else is an error from PostgreSQL, never `[]`.
    pub nullable: bool,
    /// What each element becomes.
    pub element: Element,
    /// Which elements, in which order.
    pub elements: Elements,
}

/// What [`render_list`] projects each element as.
pub(crate) enum Item<'a> {
    Object {
        projection: &'a Projection,
        tested: bool,
    },
    Value,
    Renamed(&'a Renames),
    Null,
}

impl ElementList {
    pub(crate) fn render(&self, w: &mut Writer, scope: &Scope) -> Result<()> {
        let json = self.path.json(&scope.doc);
        let item = match &self.element {
            Element::Object(projection) => Item::Object {
                projection,
                tested: false,
            },
            Element::NullableObject(projection) => Item::Object {
                projection,
                tested: true,
            },
            Element::Value => Item::Value,
            Element::Renamed(renames) => Item::Renamed(renames),
            Element::Null => Item::Null,
        };
        if self.nullable {
            w.put(format_args!(
                "CASE WHEN jsonb_typeof({json}) = 'array' THEN "
            ));
        }
        render_list(w, &json, &item, &self.elements, self.nullable)?;
        if self.nullable {
            w.push(" END");
        }
        Ok(())
    }
}

/// `(SELECT COALESCE(json_agg(<item> ORDER BY …, i), '[]') FROM jsonb_array_elements(<json>)
/// WITH ORDINALITY …)`: the elements `elements` picks, in its order then stored order. When
/// `tested` (the caller checked the array exists) the array is expanded as it is; otherwise a
/// missing list is expanded as JSON null, an error like any non-array.
pub(crate) fn render_list(
    w: &mut Writer,
    json: &str,
    item: &Item<'_>,
    elements: &Elements,
    tested: bool,
) -> Result<()> {
    let e = w.alias("e");
    let element = Scope::document(format!("{e}.v"));
    let item_sql = w.capture(|w| match item {
        Item::Object { projection, tested } => {
            if *tested {
                w.put(format_args!(
                    "CASE WHEN jsonb_typeof({e}.v) = 'object' THEN "
                ));
            }
            projection.render(w, &element)?;
            if *tested {
                w.push(" END");
            }
            Ok(())
        }
        Item::Value => {
            w.put(format_args!("{e}.v"));
            Ok(())
        }
        Item::Renamed(renames) => {
            renames.render_json(w, &format!("{e}.v"));
            Ok(())
        }
        Item::Null => {
            w.push("NULL::json");
            Ok(())
        }
    })?;
    // A non-null list the document lacks is a JSON null here, which PostgreSQL refuses to
    // expand: an error rather than a silent `[]`.
    let json = if tested {
        Cow::Borrowed(json)
    } else {
        Cow::Owned(format!("COALESCE({json}, 'null'::jsonb)"))
    };
    let source = format!("jsonb_array_elements({json}) WITH ORDINALITY AS {e}(v, i)");
    let filter_sql = elements.filter.render_where(w, &element)?;
    let mut keys = Vec::with_capacity(elements.order.len());
    for key in &elements.order {
        keys.push((key.expression(&element)?, key.suffix()));
    }
    let paged = elements.limit.is_some() || elements.offset > 0;
    if !paged {
        let order: String = keys
            .iter()
            .map(|(expression, suffix)| format!("{expression}{suffix}, "))
            .collect();
        w.put(format_args!(
            "(SELECT COALESCE(json_agg({item_sql} ORDER BY {order}{e}.i), '[]'::json) FROM {source}{filter_sql})"
        ));
        return Ok(());
    }
    // Paged: the page is picked in order below (each key computed once, as a column of the
    // page) and aggregated in the same order above.
    let mut computed = String::new();
    let mut inner_order = String::new();
    let mut outer_order = String::new();
    for (i, (expression, suffix)) in keys.iter().enumerate() {
        let column = format!("\"#o{}\"", i + 1);
        computed += &format!(", {expression} AS {column}");
        inner_order += &format!("{expression}{suffix}, ");
        outer_order += &format!("{e}.{column}{suffix}, ");
    }
    let offset =
        i64::try_from(elements.offset).map_err(|_| Error::InvalidPage("offset too large"))?;
    let mut page = String::new();
    if let Some(limit) = elements.limit {
        page += &format!(" LIMIT {limit}");
    }
    if offset > 0 {
        page += &format!(" OFFSET {offset}");
    }
    w.put(format_args!(
        "(SELECT COALESCE(json_agg({item_sql} ORDER BY {outer_order}{e}.i), '[]'::json) FROM (SELECT {e}.v, {e}.i{computed} FROM {source}{filter_sql} ORDER BY {inner_order}{e}.i{page}) AS {e})"
    ));
    Ok(())
}
