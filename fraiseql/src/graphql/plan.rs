//! Documents parsed and validated once: a client sends the same few operations over and over,
//! so each (document, operation name) keeps juniper's verdict and its syntax tree, and a repeat
//! goes straight to compiling SQL.
//!
//! Validation depends only on the document and the schema (both fixed for an entry); variable
//! values are still checked on every request.

use std::borrow::{Borrow, Cow};
use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;
use std::sync::{Arc, OnceLock, RwLock};

use fraiseql_sql::CursorKey;

use juniper::{
    DefaultScalarValue as S, Definition, InputValue, OperationType, SchemaType, Spanning, Variables,
};

use super::compile::{Recorded, Slot};
use super::hash::DocumentHash;
use super::info::Limits;
use super::limits::{FragmentMap, Measure};
use super::plain_variables::PlainVariables;
use super::relay::Check;

self_cell::self_cell!(
    /// A document's source and the syntax tree borrowing from it.
    struct Parsed {
        owner: String,
        #[covariant]
        dependent: Document,
    }
);

type Document<'a> = Vec<Definition<'a, S>>;

/// What an operation compiles to.
#[derive(Debug)]
pub(crate) enum Compiled {
    /// One statement answers the operation.
    Answer(Answer),
    /// The complete response, sent without running SQL: a non-null root field could not be
    /// answered, so `data` is null.
    Refused(String),
    /// A job for juniper's executor (introspection, variables that do not fit).
    Executor,
}

/// The statement answering an operation, and what goes beside its data.
#[derive(Debug)]
pub(crate) struct Answer {
    pub statement: fraiseql_sql::Statement,
    /// The field errors of root fields that could not be compiled (they are null in the
    /// statement), as the JSON array of `errors`.
    pub errors: Option<Arc<str>>,
    /// The operation's only root field: an error of the statement is that field's error.
    pub sole_root: Option<Arc<SoleRoot>>,
    /// What the statement's JSON must hold where the schema promises it (see `relay`).
    pub check: Arc<Check>,
}

/// An operation's only root field.
#[derive(Debug, Clone)]
pub(crate) struct SoleRoot {
    pub key: String,
    pub position: juniper::parser::SourcePosition,
    pub nullable: bool,
}

/// How many statements one operation keeps, one per shape of its variables (which are present,
/// and the values of those that change the SQL text).
const SHAPES_PER_OPERATION: usize = 16;

/// One operation of a document, as juniper judged it.
pub(crate) struct Plan {
    parsed: Parsed,
    /// The operation's type, or the response body juniper's validation error makes.
    verdict: Result<OperationType, String>,
    operation_name: Option<String>,
    /// The variables the operation declares, in order.
    variables: Vec<String>,
    /// The declared variables, when juniper's check of their values can be told without it.
    plain_variables: Option<PlainVariables>,
    /// The document's tokens, counted before it was parsed.
    tokens: u32,
    /// What the operation asks for, once measured without reading a variable (no page size
    /// or directive condition comes from one): the same for every request.
    measure: OnceLock<Measure>,
    kept: RwLock<Kept>,
}

/// The statements an operation keeps, by the shape of the variables they were compiled with.
#[derive(Default)]
struct Kept {
    /// The cursor key the statements sign with: the first one seen. A schema shared by
    /// databases with different keys compiles for the others each time.
    key: Option<CursorKey>,
    /// The variables some compile found shaping the SQL text: their values are part of a shape.
    structural: BTreeSet<String>,
    /// At most [`SHAPES_PER_OPERATION`], so a request finds its own by comparing in place,
    /// without writing its shape down or hashing it.
    by_shape: Vec<(Shape, Arc<Template>)>,
}

/// What a kept compile depended on besides the document: the request's roles (those the
/// schema's requirements name: a compile for other roles reads other fields) and how each
/// declared variable was given.
#[derive(PartialEq)]
struct Shape {
    roles: Box<str>,
    /// One per declared variable, in order.
    variables: Box<[Given]>,
}

/// How a request gave one declared variable, as far as the SQL text depends on it.
#[derive(PartialEq)]
enum Given {
    /// Absent: an absent operand is left out.
    Absent,
    /// Null: a null operand is refused.
    Null,
    /// A value only bound into the statement.
    Bound,
    /// A value that shapes the SQL text (a page size, a directive's condition): this one.
    Exactly(InputValue<S>),
}

impl Given {
    fn of(value: Option<&InputValue<S>>, structural: bool) -> Self {
        match value {
            None => Given::Absent,
            Some(value) if structural => Given::Exactly(value.clone()),
            Some(value) if value.is_null() => Given::Null,
            Some(_) => Given::Bound,
        }
    }

    fn matches(&self, value: Option<&InputValue<S>>) -> bool {
        match (self, value) {
            (Given::Absent, None) => true,
            (Given::Null, Some(value)) => value.is_null(),
            (Given::Bound, Some(value)) => !value.is_null(),
            (Given::Exactly(kept), Some(value)) => kept == value,
            _ => false,
        }
    }
}

impl Shape {
    /// The shape of `variables` (each of `declared`) for a request holding `roles`.
    fn of(
        roles: &str,
        declared: &[String],
        structural: &BTreeSet<String>,
        variables: &Variables<S>,
    ) -> Self {
        let given = declared.iter().map(|name| {
            let structural = structural.contains(name);
            Given::of(variables.get(name), structural)
        });
        Shape {
            roles: roles.into(),
            variables: given.collect(),
        }
    }

    fn matches(&self, roles: &str, declared: &[String], variables: &Variables<S>) -> bool {
        *self.roles == *roles
            && (self.variables.iter().zip(declared))
                .all(|(given, name)| given.matches(variables.get(name)))
    }
}

/// A kept compile: the statement, and the slots a request's values are bound into.
pub(crate) struct Template {
    compiled: Arc<Compiled>,
    slots: Vec<Slot>,
}

impl Template {
    /// The compile for `variables`: the kept one, with each slot bound to its variable's value;
    /// `None` when a value does not fit its slot (then a full compile reports why).
    fn bind(&self, variables: &Variables<S>) -> Option<Arc<Compiled>> {
        if self.slots.is_empty() {
            return Some(self.compiled.clone());
        }
        let Compiled::Answer(answer) = &*self.compiled else {
            return None;
        };
        let params = (self.slots.iter().enumerate())
            .map(|(n, slot)| {
                let value = variables.get(&slot.variable).unwrap_or(&InputValue::Null);
                Some((n as u32, slot.params(value)?))
            })
            .collect::<Option<Vec<_>>>()?;
        let statement = answer.statement.rebind_params(params).ok()?;
        Some(Arc::new(Compiled::Answer(Answer {
            statement,
            errors: answer.errors.clone(),
            sole_root: answer.sole_root.clone(),
            check: answer.check.clone(),
        })))
    }
}

impl Plan {
    /// The plan of `operation_name` in `query`, with the verdict `validate` gives.
    fn new(
        schema: &SchemaType<S>,
        query: &str,
        operation_name: Option<&str>,
        tokens: u32,
        validate: impl FnOnce() -> Result<OperationType, String>,
    ) -> Self {
        let verdict = validate();
        let parsed = Parsed::new(query.to_owned(), |source| {
            // A document that does not parse has an `Err` verdict and is never read.
            juniper::parser::parse_document_source(source, schema).unwrap_or_default()
        });
        let mut plan = Self {
            parsed,
            verdict,
            operation_name: operation_name.map(str::to_owned),
            variables: Vec::new(),
            plain_variables: None,
            tokens,
            measure: OnceLock::new(),
            kept: RwLock::default(),
        };
        if plan.verdict.is_ok()
            && let Some(operation) = plan.operation()
        {
            let definitions = operation.operation.item.variables_definition.as_ref();
            let names = definitions.iter().flat_map(|d| &d.item.items);
            let variables = names.map(|(name, _)| name.item.to_owned()).collect();
            let plain_variables = PlainVariables::of(&operation.operation.item);
            (plan.variables, plan.plain_variables) = (variables, plain_variables);
        }
        plan
    }

    /// Whether `variables` surely pass juniper's check against the declared types (see
    /// `plain_variables`); `false` means juniper must be asked.
    pub fn variables_surely_valid(&self, variables: &Variables<S>) -> bool {
        (self.plain_variables.as_ref()).is_some_and(|plain| plain.accept(variables))
    }

    /// The document's tokens.
    pub fn tokens(&self) -> u32 {
        self.tokens
    }

    /// What the operation asks for with `variables` (defaults applied), measured with the
    /// schema's page sizes (`schema_limits`); kept when no variable's value changed it.
    pub fn measure(
        &self,
        schema: &SchemaType<S>,
        schema_limits: &Limits,
        variables: &Variables<S>,
    ) -> Option<Measure> {
        let measure = || {
            let operation = self.operation()?;
            let op = &operation.operation.item;
            let root = match op.operation_type {
                OperationType::Query => Some(schema.concrete_query_type()),
                OperationType::Mutation => schema.concrete_mutation_type(),
                OperationType::Subscription => None,
            }?;
            let root = root.name()?;
            let selection = &op.selection_set;
            let fragments = &operation.fragments;
            let variables = with_defaults(op, variables);
            Some(Measure::of(
                schema,
                schema_limits,
                root,
                selection,
                fragments,
                &variables,
            ))
        };
        if let Some(kept) = self.measure.get() {
            return Some(*kept);
        }
        let measured = measure()?;
        if !measured.reads_variables {
            let _ = self.measure.set(measured);
        }
        Some(measured)
    }

    /// The compile kept for `variables` (defaults applied, already checked against their
    /// types), bound to their values; `None` when none is kept for their shape.
    pub fn kept(
        &self,
        key: &CursorKey,
        roles: &str,
        variables: &Variables<S>,
    ) -> Option<Arc<Compiled>> {
        let kept = self.kept.read().ok()?;
        if kept.key.as_ref() != Some(key) {
            return None;
        }
        let declared = &self.variables;
        let (_, template) =
            (kept.by_shape.iter()).find(|(shape, _)| shape.matches(roles, declared, variables))?;
        template.bind(variables)
    }

    /// Keeps `compiled`, made for `variables` and `roles` with `key`, when it can serve later
    /// requests: an operation without variables keeps whatever it compiled to, one with
    /// variables only statements that compiled without errors (an error may be about a value).
    pub fn keep(
        &self,
        key: &CursorKey,
        roles: &str,
        variables: &Variables<S>,
        recorded: Recorded,
        compiled: Compiled,
    ) -> Arc<Compiled> {
        let compiled = Arc::new(compiled);
        // A compile with field errors may owe them to a value: only clean ones serve others.
        let keepable = self.variables.is_empty()
            || matches!(&*compiled, Compiled::Answer(answer) if answer.errors.is_none());
        let Ok(mut kept) = self.kept.write() else {
            return compiled;
        };
        if !keepable || kept.key.get_or_insert_with(|| key.clone()) != key {
            return compiled;
        }
        if !recorded.structural.is_subset(&kept.structural) {
            // Shapes made without these variables' values no longer match any request.
            kept.structural.extend(recorded.structural);
            kept.by_shape.clear();
        }
        let shape = Shape::of(roles, &self.variables, &kept.structural, variables);
        // Two requests racing on a new shape both compile it; the first one's is kept.
        let known = kept.by_shape.iter().any(|(kept, _)| *kept == shape);
        if kept.by_shape.len() < SHAPES_PER_OPERATION && !known {
            let template = Template {
                compiled: compiled.clone(),
                slots: recorded.slots,
            };
            kept.by_shape.push((shape, Arc::new(template)));
        }
        compiled
    }

    /// How many compiles are kept (tests).
    #[cfg(test)]
    pub fn kept_shapes(&self) -> usize {
        self.kept.read().map_or(0, |kept| kept.by_shape.len())
    }

    /// The operation's type, or the error response of a document that does not validate.
    pub fn verdict(&self) -> Result<OperationType, &str> {
        self.verdict.as_ref().copied().map_err(String::as_str)
    }

    /// The name of the operation to run, as the document names it (`None`: anonymous, or the
    /// document did not parse).
    pub fn operation_name(&self) -> Option<&str> {
        if self.operation_name.is_some() {
            return self.operation_name.as_deref();
        }
        let mut operations = (self.parsed.borrow_dependent().iter()).filter_map(|d| match d {
            Definition::Operation(operation) => Some(operation),
            Definition::Fragment(_) => None,
        });
        let operation = operations.next()?;
        operations.next().is_none().then_some(())?;
        operation.item.name.as_ref().map(|name| name.item)
    }

    /// The operation to run and a lookup of the document's fragments.
    pub fn operation(&self) -> Option<Operation<'_>> {
        let mut operation = None;
        let mut fragments = HashMap::new();
        for definition in self.parsed.borrow_dependent() {
            match definition {
                Definition::Operation(candidate) => {
                    let name = candidate.item.name.as_ref().map(|n| n.item);
                    if self.operation_name.is_none() || name == self.operation_name.as_deref() {
                        operation = Some(candidate);
                    }
                }
                Definition::Fragment(fragment) => {
                    fragments.insert(
                        fragment.item.name.item,
                        (
                            fragment.item.type_condition.item,
                            &fragment.item.selection_set[..],
                        ),
                    );
                }
            }
        }
        Some(Operation {
            operation: operation?,
            fragments,
        })
    }
}

/// `variables` with the operation's defaults for those not given.
pub(crate) fn with_defaults<'v>(
    operation: &juniper::Operation<'_, S>,
    variables: &'v Variables<S>,
) -> Cow<'v, Variables<S>> {
    let mut variables = Cow::Borrowed(variables);
    let definitions = operation.variables_definition.iter();
    for (name, definition) in definitions.flat_map(|d| &d.item.items) {
        if let Some(default) = &definition.default_value
            && !variables.contains_key(name.item)
        {
            let default = default.item.clone();
            variables.to_mut().insert(name.item.to_owned(), default);
        }
    }
    variables
}

/// An operation with the fragments its document defines.
pub(crate) struct Operation<'d> {
    pub operation: &'d Spanning<juniper::Operation<'d, S>>,
    /// Each fragment's type condition and selection.
    pub fragments: FragmentMap<'d>,
}

/// How many operation names one document keeps plans for: a client naming ever new operations
/// in one document makes a plan each time, but they are not kept.
const OPERATIONS_PER_DOCUMENT: usize = 16;

/// Plans by document text, then operation name; at most `capacity` documents.
pub(crate) struct PlanCache {
    plans: RwLock<HashMap<String, Vec<Arc<Plan>>>>,
    /// Plans of persisted documents by their SHA-256, so a persisted request never reads its
    /// document: at most `capacity` documents too.
    hashed: RwLock<HashMap<DocumentHash, Vec<Arc<Plan>>>>,
    capacity: usize,
    /// Where lookups of plans and kept statements are counted.
    #[cfg(feature = "metrics")]
    metrics: OnceLock<crate::metrics::Metrics>,
}

impl std::fmt::Debug for PlanCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = self.plans.read().map_or(0, |plans| plans.len());
        let hashed = self.hashed.read().map_or(0, |plans| plans.len());
        f.debug_struct("PlanCache")
            .field("documents", &len)
            .field("persisted", &hashed)
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl PlanCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            plans: RwLock::new(HashMap::new()),
            hashed: RwLock::new(HashMap::new()),
            capacity,
            #[cfg(feature = "metrics")]
            metrics: OnceLock::new(),
        }
    }

    /// Counts this cache's lookups, and its plans' kept statements', in `metrics` (the first
    /// attached keeps them).
    #[cfg(feature = "metrics")]
    pub fn attach_metrics(&self, metrics: &crate::metrics::Metrics) {
        let _ = self.metrics.set(metrics.clone());
    }

    /// Counts a lookup of a kept statement.
    #[cfg(feature = "metrics")]
    pub fn record_statement(&self, hit: bool) {
        if let Some(metrics) = self.metrics.get() {
            metrics.statement_cache(hit);
        }
    }

    /// The plan of `operation_name` in `query`, made on first use — once `admit` has counted
    /// the document's tokens and let it be parsed — with the verdict `validate` gives
    /// (juniper's validation against the schema `schema` describes). A document `admit` refuses
    /// is neither parsed nor kept. A document known by its SHA-256 `hash` (which the caller has
    /// checked is `query`'s) is looked up by the hash, so its text is not read.
    pub fn get<E>(
        &self,
        schema: &SchemaType<S>,
        query: &str,
        hash: Option<&DocumentHash>,
        operation_name: Option<&str>,
        admit: impl FnOnce() -> Result<u32, E>,
        validate: impl FnOnce() -> Result<OperationType, String>,
    ) -> Result<Arc<Plan>, E> {
        #[cfg(feature = "metrics")]
        let mut made = false;
        let make = || {
            #[cfg(feature = "metrics")]
            {
                made = true;
            }
            let tokens = admit()?;
            Ok(Plan::new(schema, query, operation_name, tokens, validate))
        };
        let plan = match hash {
            Some(hash) => cached(&self.hashed, self.capacity, hash, operation_name, make),
            None => cached(&self.plans, self.capacity, query, operation_name, make),
        };
        #[cfg(feature = "metrics")]
        if let Some(metrics) = self.metrics.get() {
            metrics.plan_cache(!made);
        }
        plan
    }

    /// Documents held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.plans.read().map_or(0, |plans| plans.len())
    }

    /// Persisted documents held, and the plans kept for them (tests).
    #[cfg(test)]
    pub fn hashed_len(&self) -> (usize, usize) {
        let plans = self.hashed.read().unwrap();
        (plans.len(), plans.values().map(Vec::len).sum())
    }
}

/// The plan of `operation_name` in the document `key` names in `map`, made by `make` on first
/// use (unless it refuses the document) and kept while `map` holds fewer than `capacity`
/// documents.
fn cached<K, Q, E>(
    map: &RwLock<HashMap<K, Vec<Arc<Plan>>>>,
    capacity: usize,
    key: &Q,
    operation_name: Option<&str>,
    make: impl FnOnce() -> Result<Plan, E>,
) -> Result<Arc<Plan>, E>
where
    K: Borrow<Q> + Eq + Hash + Clone,
    Q: ToOwned<Owned = K> + Eq + Hash + ?Sized,
{
    let matches = |plan: &&Arc<Plan>| plan.operation_name.as_deref() == operation_name;
    if let Ok(plans) = map.read()
        && let Some(plan) = plans.get(key).and_then(|ops| ops.iter().find(matches))
    {
        return Ok(plan.clone());
    }
    // Made outside the lock: two requests racing on a new document both do the work once.
    let plan = Arc::new(make()?);
    if capacity == 0 {
        return Ok(plan);
    }
    if let Ok(mut plans) = map.write() {
        if plans.len() >= capacity && !plans.contains_key(key) {
            // Any entry will do: a working set larger than the cache thrashes whatever the
            // policy, and a working set that fits stays after one round of misses.
            if let Some(victim) = plans.keys().next().cloned() {
                plans.remove::<Q>(victim.borrow());
            }
        }
        let operations = plans.entry(key.to_owned()).or_default();
        if operations.len() < OPERATIONS_PER_DOCUMENT && !operations.iter().any(|p| matches(&p)) {
            operations.push(plan.clone());
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use juniper::OperationType;

    use crate::graphql::test_item::Item;
    use crate::graphql::{Schema, SchemaBuilder};

    /// The plan `execute` would use.
    fn plan_of(schema: &Schema, query: &str, operation_name: Option<&str>) -> Arc<super::Plan> {
        crate::graphql::execute::plan(
            schema,
            query,
            None,
            operation_name,
            &schema.query_info.limits,
        )
        .unwrap()
    }

    fn schema(capacity: usize) -> Schema {
        SchemaBuilder::new()
            .query::<Item>()
            .plan_cache(capacity)
            .build()
            .unwrap()
    }

    fn operation_name(plan: &super::Plan) -> Option<String> {
        let operation = plan.operation()?;
        Some(operation.operation.item.name.as_ref()?.item.to_owned())
    }

    #[test]
    fn plans_are_kept_per_document_and_operation_name() {
        let schema = schema(8);
        let cache = &schema.query_type.plans;
        let document = r#"query A { items { id } } query B { item(id: "x") { name } }"#;
        let a = plan_of(&schema, document, Some("A"));
        assert!(Arc::ptr_eq(&a, &plan_of(&schema, document, Some("A"))));
        let b = plan_of(&schema, document, Some("B"));
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(operation_name(&a).as_deref(), Some("A"));
        assert_eq!(operation_name(&b).as_deref(), Some("B"));
        assert_eq!(a.verdict(), Ok(OperationType::Query));
        // Two operations and no name: juniper's error, kept like any verdict.
        let unnamed = plan_of(&schema, document, None);
        assert!(unnamed.verdict().unwrap_err().contains("operation"));
        let missing = plan_of(&schema, document, Some("C"));
        assert!(missing.verdict().is_err());
        assert_eq!(cache.len(), 1);
    }

    /// One compile per shape of the variables: values that only fill a filter operand are
    /// bound into the kept statement, values that change the SQL text (a page size, a
    /// directive's condition, which key is given) make a shape of their own.
    #[test]
    fn operations_keep_one_statement_per_shape_of_their_variables() {
        let schema = schema(8);
        let db = crate::Database::connect(tokio_postgres::Config::new(), 1).unwrap();
        let statement = |document: &str, variables: serde_json::Value| {
            let variables = serde_json::from_value(variables).unwrap();
            crate::graphql::statement(&schema, document, None, &variables, &db).unwrap()
        };
        let shapes = |document| plan_of(&schema, document, None).kept_shapes();

        let by_id = "query ($id: ID!) { item(id: $id) { name } }";
        let (a, b) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2));
        let first = statement(by_id, serde_json::json!({"id": a.to_string()}));
        let second = statement(by_id, serde_json::json!({"id": b.to_string()}));
        assert_eq!(first.sql(), second.sql());
        assert_eq!(first.params(), [fraiseql_sql::Param::Uuid(a)]);
        assert_eq!(second.params(), [fraiseql_sql::Param::Uuid(b)]);
        assert_eq!(shapes(by_id), 1);
        // A value its slot cannot take is not bound into the kept statement: the full compile
        // refuses it (its root is null in the statement), and nothing new is kept.
        let unfit = statement(by_id, serde_json::json!({"id": "not-a-uuid"}));
        assert!(unfit.params().is_empty(), "{:?}", unfit.params());
        assert_ne!(unfit.sql(), first.sql());
        assert_eq!(shapes(by_id), 1);

        let named = "query ($w: String, $n: Int) { items(where: {name: {contains: $w}}, limit: $n) { id } }";
        let three = statement(named, serde_json::json!({"w": "x", "n": 3}));
        let other_word = statement(named, serde_json::json!({"w": "y", "n": 3}));
        let four = statement(named, serde_json::json!({"w": "x", "n": 4}));
        assert_eq!(three.sql(), other_word.sql());
        assert_ne!(three.params(), other_word.params());
        assert!(four.sql().contains("LIMIT 4") && three.sql().contains("LIMIT 3"));
        assert_eq!(shapes(named), 2, "one per page size");

        let skipped = "query ($s: Boolean!) { items { id name @skip(if: $s) } }";
        let with = statement(skipped, serde_json::json!({"s": false}));
        let without = statement(skipped, serde_json::json!({"s": true}));
        assert_ne!(with.sql(), without.sql());
        assert_eq!(shapes(skipped), 2);

        let constant = "{ items(limit: 3) { id } }";
        statement(constant, serde_json::json!({}));
        assert_eq!(shapes(constant), 1);
        assert_eq!(
            shapes("{ items { nope } }"),
            0,
            "an invalid document compiles nothing"
        );
    }

    #[test]
    fn invalid_documents_keep_their_errors() {
        let schema = schema(8);
        for document in ["{ items { nope } }", "{ items { id }", ""] {
            let first = plan_of(&schema, document, None);
            let error = first.verdict().unwrap_err().to_owned();
            assert!(error.starts_with(r#"{"errors":[{"#), "{document}: {error}");
            let again = plan_of(&schema, document, None);
            assert!(Arc::ptr_eq(&first, &again));
        }
    }

    #[test]
    fn documents_nested_too_deeply_are_refused() {
        let shallow = SchemaBuilder::new()
            .query::<Item>()
            .limits(crate::graphql::Limits {
                max_nesting: 4,
                ..Default::default()
            })
            .build()
            .unwrap();
        assert!(
            plan_of(&shallow, "{ items { id } }", None)
                .verdict()
                .is_ok()
        );
        let deep = "{ __schema { types { fields { type { name } } } } }";
        let body = plan_of(&shallow, deep, None)
            .verdict()
            .unwrap_err()
            .to_owned();
        assert!(
            body.contains("GRAPHQL_PARSE_FAILED") && body.contains("limit of 4"),
            "{body}"
        );
        // The default lets the deepest path of graphql-js's introspection query through
        // (fields → args → type → nine `ofType`), but not a long cycle through `fields { type }`.
        let schema = schema(8);
        let introspection = format!(
            "{{ __schema {{ types {{ fields {{ args {{ type {{ {} kind name {} }} }} }} }} }} }}",
            "kind name ofType { ".repeat(9),
            "} ".repeat(9)
        );
        let plan = plan_of(&schema, &introspection, None);
        assert!(
            plan.verdict().is_ok(),
            "{introspection}: {:?}",
            plan.verdict()
        );
        let cycle = format!(
            "{{ __schema {{ types {{ {} name {} }} }} }}",
            "fields { type { ".repeat(16),
            "} } ".repeat(16)
        );
        assert!(plan_of(&schema, &cycle, None).verdict().is_err(), "{cycle}");
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        for capacity in [0, 1, 3] {
            let schema = schema(capacity);
            let cache = &schema.query_type.plans;
            for round in 0..3 {
                for i in 0..10 {
                    let valid = format!("{{ items(limit: {i}) {{ id }} }}");
                    let plan = plan_of(&schema, &valid, None);
                    assert_eq!(plan.verdict(), Ok(OperationType::Query), "{round} {i}");
                    let invalid = format!("{{ items(limit: {i}) {{ nope }} }}");
                    assert!(plan_of(&schema, &invalid, None).verdict().is_err());
                    assert!(cache.len() <= capacity, "{} > {capacity}", cache.len());
                }
            }
        }
    }
}
