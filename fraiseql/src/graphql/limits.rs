//! What one operation asks for, measured against the [`Limits`] before any SQL runs: document
//! size and tokens before parsing, then selection depth, aliases, root fields and complexity
//! (cost) over the operation with its fragments expanded and `@skip`/`@include` applied.
//!
//! Fragments are measured once per context and reused for every spread, so a document whose
//! fragments multiply each other is measured in time linear in its size (counts saturate).
//! Introspection (`__schema`, `__type`) is measured apart: its depth against
//! [`Limits::max_introspection_depth`], sized for the standard introspection query, and not at
//! all for complexity (its size is the schema's, not the client's choice).

use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use juniper::{DefaultScalarValue as S, InputValue, Selection, Spanning, Variables};

use super::info::Limits;
use super::names::QUERY;

/// The arguments of a field or directive as written in the query.
pub(crate) type ArgumentList<'s> = [(Spanning<&'s str>, Spanning<InputValue<S>>)];

/// Each fragment's type condition and selection, by name.
pub(crate) type FragmentMap<'e> = HashMap<&'e str, (&'e str, &'e [Selection<'e, S>])>;

/// The names and arguments of a selection's `directives` (an iterator; juniper does not export
/// its AST directive type, so this cannot be a function).
macro_rules! directives_of {
    ($directives:expr) => {
        $directives.iter().flatten().map(|d| {
            (
                d.item.name.item,
                d.item.arguments.as_ref().map(|a| &a.item.items[..]),
            )
        })
    };
}
pub(crate) use directives_of;

/// Whether `@skip(if:)` and `@include(if:)` keep a selection, `condition` giving the boolean
/// value of an `if` argument (`None`: not a boolean, the directive is ignored — validation has
/// refused such documents).
pub(crate) fn included<'d>(
    directives: impl Iterator<Item = (&'d str, Option<&'d ArgumentList<'d>>)>,
    condition: impl Fn(&InputValue<S>) -> Option<bool>,
) -> bool {
    for (name, arguments) in directives {
        let value = arguments
            .and_then(|args| args.iter().find(|(arg, _)| arg.item == "if"))
            .and_then(|(_, value)| condition(&value.item));
        match (name, value) {
            ("skip", Some(true)) | ("include", Some(false)) => return false,
            _ => {}
        }
    }
    true
}

/// Why a request is refused: the `extensions.code`, the message, and the measured value and
/// the limit (`extensions.<measure>` and `extensions.limit`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Exceeded {
    pub code: &'static str,
    pub measure: &'static str,
    pub value: u64,
    pub limit: u64,
    pub message: String,
}

impl Exceeded {
    fn new(code: &'static str, measure: &'static str, what: &str, value: u64, limit: u64) -> Self {
        Self {
            code,
            measure,
            value,
            limit,
            message: format!("{what} is {value}, over the limit of {limit}"),
        }
    }

    /// The response body: one error, no `data` (as for a validation error), its `message`
    /// first and `code` first in `extensions`, as every other error body.
    pub fn body(&self) -> String {
        let message = serde_json::Value::from(self.message.as_str());
        let (code, measure, value, limit) = (self.code, self.measure, self.value, self.limit);
        format!(
            r#"{{"errors":[{{"message":{message},"extensions":{{"code":"{code}","{measure}":{value},"limit":{limit}}}}}]}}"#
        )
    }
}

/// The body answering an operation that selects `__schema` or `__type` where introspection is
/// disabled.
pub(crate) fn introspection_disabled_body() -> String {
    let message = "introspection is disabled on this endpoint: __schema and __type are not \
                   served (__typename is)";
    let message = serde_json::Value::from(message);
    format!(
        r#"{{"errors":[{{"message":{message},"extensions":{{"code":"INTROSPECTION_DISABLED"}}}}]}}"#
    )
}

/// Refuses a document over [`Limits::max_document_bytes`]; checked before anything else.
pub(crate) fn check_size(query: &str, limits: &Limits) -> Result<(), Exceeded> {
    let size = query.len() as u64;
    let limit = limits.max_document_bytes as u64;
    (size <= limit).then_some(()).ok_or_else(|| {
        let what = "the document's size in bytes";
        Exceeded::new("DOCUMENT_TOO_LARGE", "size", what, size, limit)
    })
}

/// The tokens of `query` as juniper's lexer reads them (punctuation, names, values); a lexical
/// error ends the count (the parser reports it). Counted to the end, so a refusal reports the
/// document's own count: the document's size is bounded before it is counted.
pub(crate) fn count_tokens(query: &str) -> u32 {
    let mut count = 0u32;
    for token in juniper::parser::Lexer::new(query) {
        match token {
            Ok(token) if token.item == juniper::parser::Token::EndOfFile => break,
            Ok(_) => count = count.saturating_add(1),
            Err(_) => break,
        }
    }
    count
}

/// Refuses `tokens` over [`Limits::max_tokens`].
pub(crate) fn check_tokens(tokens: u32, limits: &Limits) -> Result<(), Exceeded> {
    (tokens <= limits.max_tokens).then_some(()).ok_or_else(|| {
        let what = "the number of tokens in the document";
        let limit = limits.max_tokens.into();
        Exceeded::new("TOO_MANY_TOKENS", "tokens", what, tokens.into(), limit)
    })
}

/// What an operation asks for, with its fragments expanded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Measure {
    /// The deepest field outside introspection (a root field is at depth 1).
    pub depth: u32,
    /// The deepest field inside `__schema` or `__type` (the root field at depth 1).
    pub introspection_depth: u32,
    /// Fields written with an alias, each spread of a fragment counting its own.
    pub aliases: u32,
    /// Distinct response keys at the root.
    pub root_fields: u32,
    /// Each field 1, plus its sub-selection's cost times its page size (lists and connections:
    /// `limit`/`first`/`last` or the default page; embedded lists:
    /// [`Limits::list_size_estimate`]). Introspection costs nothing.
    pub complexity: u64,
    /// Whether a root field is `__schema` or `__type`.
    pub introspects: bool,
    /// Whether a variable's value changed the measure (a page size, a directive's condition):
    /// if not, the same operation measures the same with any values.
    pub reads_variables: bool,
}

impl Measure {
    /// The operation `selection` of root type `root` (the schema's query or mutation type),
    /// with `variables` (defaults applied) for directives and page sizes.
    pub fn of<'e>(
        schema: &juniper::SchemaType<S>,
        limits: &Limits,
        root: &str,
        selection: &'e [Selection<'e, S>],
        fragments: &FragmentMap<'e>,
        variables: &Variables<S>,
    ) -> Self {
        let mut walker = Walker {
            schema,
            limits,
            variables,
            fragments,
            memo: HashMap::new(),
            open: HashSet::new(),
            reads_variables: Cell::new(false),
        };
        let part = walker.set(selection, root, Context::default());
        let mut keys = HashSet::new();
        let mut introspects = false;
        walker.root_keys(selection, &mut keys, &mut introspects, &mut HashSet::new());
        Measure {
            depth: part.depth,
            introspection_depth: part.introspection_depth,
            aliases: part.aliases,
            root_fields: keys.len() as u32,
            complexity: part.complexity,
            introspects,
            reads_variables: walker.reads_variables.get(),
        }
    }

    /// The first limit this operation exceeds, in the order: depth, introspection depth, root
    /// fields, aliases, complexity.
    pub fn check(&self, limits: &Limits) -> Result<(), Exceeded> {
        let checks: [(&'static str, &'static str, &str, u64, u64); 5] = [
            (
                "QUERY_TOO_DEEP",
                "depth",
                "the selection's depth",
                self.depth.into(),
                limits.max_depth.into(),
            ),
            (
                "QUERY_TOO_DEEP",
                "depth",
                "the introspection selection's depth",
                self.introspection_depth.into(),
                limits.max_introspection_depth.into(),
            ),
            (
                "TOO_MANY_ROOT_FIELDS",
                "rootFields",
                "the number of root fields",
                self.root_fields.into(),
                limits.max_root_fields.into(),
            ),
            (
                "TOO_MANY_ALIASES",
                "aliases",
                "the number of aliases",
                self.aliases.into(),
                limits.max_aliases.into(),
            ),
            (
                "QUERY_TOO_COMPLEX",
                "complexity",
                "the operation's complexity",
                self.complexity,
                limits.max_complexity,
            ),
        ];
        for (code, measure, what, value, limit) in checks {
            if value > limit {
                return Err(Exceeded::new(code, measure, what, value, limit));
            }
        }
        Ok(())
    }
}

/// Where a selection set sits: under a connection (whose page size is its lists' size, the
/// connection itself counting once), inside introspection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
struct Context {
    page: Option<u64>,
    introspection: bool,
}

/// A selection set's measures, relative to its own level.
#[derive(Debug, Clone, Copy, Default)]
struct Part {
    depth: u32,
    introspection_depth: u32,
    aliases: u32,
    complexity: u64,
}

impl Part {
    fn merge(&mut self, other: Part) {
        self.depth = self.depth.max(other.depth);
        self.introspection_depth = self.introspection_depth.max(other.introspection_depth);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.complexity = self.complexity.saturating_add(other.complexity);
    }
}

/// A field as written (juniper does not export its AST field type).
#[derive(Clone, Copy)]
struct Written<'e> {
    name: &'e str,
    aliased: bool,
    arguments: &'e ArgumentList<'e>,
    selection: Option<&'e [Selection<'e, S>]>,
}

struct Walker<'a, 'e> {
    schema: &'a juniper::SchemaType<S>,
    limits: &'a Limits,
    variables: &'a Variables<S>,
    fragments: &'a FragmentMap<'e>,
    /// Each fragment's measures, per context it is spread in.
    memo: HashMap<(&'e str, Context), Part>,
    /// Fragments being measured: a spread of one of them is a cycle (validation refuses
    /// those; it is skipped here rather than followed).
    open: HashSet<&'e str>,
    reads_variables: Cell<bool>,
}

impl<'e> Walker<'_, 'e> {
    fn set(&mut self, selections: &'e [Selection<'e, S>], parent: &str, at: Context) -> Part {
        let mut part = Part::default();
        for selection in selections {
            match selection {
                Selection::Field(field) => {
                    let field = &field.item;
                    if !self.included(directives_of!(&field.directives)) {
                        continue;
                    }
                    let written = Written {
                        name: field.name.item,
                        aliased: field.alias.is_some(),
                        arguments: field
                            .arguments
                            .as_ref()
                            .map_or(&[][..], |a| &a.item.items[..]),
                        selection: field.selection_set.as_deref(),
                    };
                    part.merge(self.field(written, parent, at));
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.item.name.item;
                    if !self.included(directives_of!(&spread.item.directives))
                        || self.open.contains(name)
                    {
                        continue;
                    }
                    if let Some(known) = self.memo.get(&(name, at)) {
                        part.merge(*known);
                        continue;
                    }
                    let Some(&(condition, selection)) = self.fragments.get(name) else {
                        continue;
                    };
                    self.open.insert(name);
                    let measured = self.set(selection, condition, at);
                    self.open.remove(name);
                    self.memo.insert((name, at), measured);
                    part.merge(measured);
                }
                Selection::InlineFragment(inline) => {
                    if !self.included(directives_of!(&inline.item.directives)) {
                        continue;
                    }
                    let condition = inline.item.type_condition.as_ref().map(|c| c.item);
                    let selection = &inline.item.selection_set;
                    part.merge(self.set(selection, condition.unwrap_or(parent), at));
                }
            }
        }
        part
    }

    fn field(&mut self, field: Written<'e>, parent: &str, at: Context) -> Part {
        let name = field.name;
        let meta = (self.schema.concrete_type_by_name(parent)).and_then(|t| t.field_by_name(name));
        let introspection = at.introspection || matches!(name, "__schema" | "__type");
        let child_type = meta.map_or("", |meta| meta.field_type.innermost_name());
        let (size, page) = match meta {
            Some(meta) => self.page(meta, field.arguments, at.page, parent == QUERY),
            None => (1, None),
        };
        let inner = match field.selection {
            Some(selection) => self.set(
                selection,
                child_type,
                Context {
                    page,
                    introspection,
                },
            ),
            None => Part::default(),
        };
        let mut part = Part {
            aliases: inner.aliases.saturating_add(field.aliased.into()),
            ..Part::default()
        };
        if introspection {
            part.introspection_depth = inner.introspection_depth.saturating_add(1);
        } else {
            part.depth = inner.depth.saturating_add(1);
            part.introspection_depth = inner.introspection_depth;
            part.complexity = inner.complexity.saturating_mul(size).saturating_add(1);
        }
        part
    }

    /// What a field's sub-selection's cost is multiplied by, and the page size a connection
    /// (an object with page arguments) passes to its lists (`edges`); `page` is the one passed
    /// to this field. An embedded list (not a `root` field) given no `limit` counts as
    /// [`Limits::list_size_estimate`] elements.
    fn page(
        &self,
        meta: &juniper::meta::Field<S>,
        arguments: &ArgumentList<'_>,
        page: Option<u64>,
        root: bool,
    ) -> (u64, Option<u64>) {
        const PAGE_ARGUMENTS: [&str; 3] = ["limit", "first", "last"];
        let declared = meta.arguments.iter().flatten();
        let pages = declared
            .clone()
            .any(|a| PAGE_ARGUMENTS.contains(&a.name.as_ref()));
        // juniper's `Type::is_list` answers false for a non-null list (`[T!]!`), and its
        // modifiers' type is private: a type is a list when it has a modifier besides one
        // outer non-null (non-null cannot wrap non-null).
        let ty = &meta.field_type;
        let is_list = ty.modifiers().len() > usize::from(ty.is_non_null());
        if pages {
            let asked = arguments
                .iter()
                .filter(|(name, _)| PAGE_ARGUMENTS.contains(&name.item))
                .filter_map(|(_, value)| self.int(&value.item))
                .max();
            let size = match asked {
                Some(n) => n.clamp(0, i64::from(self.limits.max_page_size)) as u64,
                None if root || !is_list => self.limits.default_page_size.into(),
                None => page.unwrap_or(self.limits.list_size_estimate.into()),
            };
            return if is_list {
                (size, None)
            } else {
                (1, Some(size))
            };
        }
        if is_list {
            let estimate = self.limits.list_size_estimate.into();
            return (page.unwrap_or(estimate), None);
        }
        (1, None)
    }

    fn int(&self, value: &InputValue<S>) -> Option<i64> {
        match self.value(value)? {
            InputValue::Scalar(S::Int(n)) => Some((*n).into()),
            _ => None,
        }
    }

    fn value<'v>(&'v self, value: &'v InputValue<S>) -> Option<&'v InputValue<S>> {
        match value {
            InputValue::Variable(name) => {
                self.reads_variables.set(true);
                self.variables.get(name)
            }
            other => Some(other),
        }
    }

    fn included<'d>(
        &self,
        directives: impl Iterator<Item = (&'d str, Option<&'d ArgumentList<'d>>)>,
    ) -> bool {
        included(directives, |value| match self.value(value)? {
            InputValue::Scalar(S::Boolean(b)) => Some(*b),
            _ => None,
        })
    }

    /// The response keys at the root (fragments inlined), noting introspection.
    fn root_keys(
        &self,
        selections: &'e [Selection<'e, S>],
        keys: &mut HashSet<&'e str>,
        introspects: &mut bool,
        open: &mut HashSet<&'e str>,
    ) {
        for selection in selections {
            match selection {
                Selection::Field(field) => {
                    let field = &field.item;
                    if !self.included(directives_of!(&field.directives)) {
                        continue;
                    }
                    *introspects |= matches!(field.name.item, "__schema" | "__type");
                    let key = field.alias.as_ref().unwrap_or(&field.name).item;
                    keys.insert(key);
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.item.name.item;
                    if !self.included(directives_of!(&spread.item.directives)) || !open.insert(name)
                    {
                        continue;
                    }
                    if let Some(&(_, selection)) = self.fragments.get(name) {
                        self.root_keys(selection, keys, introspects, open);
                    }
                }
                Selection::InlineFragment(inline) => {
                    if self.included(directives_of!(&inline.item.directives)) {
                        let selection = &inline.item.selection_set;
                        self.root_keys(selection, keys, introspects, open);
                    }
                }
            }
        }
    }
}
