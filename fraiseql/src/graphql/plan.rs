//! Documents parsed and validated once: a client sends the same few operations over and over,
//! so each (document, operation name) keeps juniper's verdict and its syntax tree, and a repeat
//! goes straight to compiling SQL.
//!
//! Validation depends only on the document and the schema (both fixed for an entry); variable
//! values are still checked on every request.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use fraiseql_sql::CursorKey;

use juniper::{DefaultScalarValue as S, Definition, OperationType, Selection, Spanning};

use super::Schema;
use super::execute::Compiled;

self_cell::self_cell!(
    /// A document's source and the syntax tree borrowing from it.
    struct Parsed {
        owner: String,
        #[covariant]
        dependent: Document,
    }
);

type Document<'a> = Vec<Definition<'a, S>>;

/// One operation of a document, as juniper judged it.
pub(crate) struct Plan {
    parsed: Parsed,
    /// The operation's type, or the response body juniper's validation error makes.
    verdict: Result<OperationType, String>,
    operation_name: Option<String>,
    /// Whether the operation declares no variables: then its statement depends on nothing
    /// that changes between requests, and is kept.
    constant: bool,
    /// The statement, with the cursor key it signs with.
    compiled: OnceLock<(CursorKey, Arc<Compiled>)>,
}

impl Plan {
    fn new(schema: &Schema, query: &str, operation_name: Option<&str>) -> Self {
        let verdict = juniper::ValidatedOperation::new(query, operation_name, schema)
            .map(|validated| validated.operation_type())
            .map_err(|error| super::execute::to_error_body(&error));
        let parsed = Parsed::new(query.to_owned(), |source| {
            // A document that does not parse has an `Err` verdict and is never read.
            juniper::parser::parse_document_source(source, &schema.schema).unwrap_or_default()
        });
        let mut plan = Self {
            parsed,
            verdict,
            operation_name: operation_name.map(str::to_owned),
            constant: false,
            compiled: OnceLock::new(),
        };
        plan.constant = plan.verdict.is_ok()
            && plan.operation().is_some_and(|op| {
                (op.operation.item.variables_definition.as_ref())
                    .is_none_or(|definitions| definitions.item.items.is_empty())
            });
        plan
    }

    /// What the operation compiles to: kept from an earlier request when the operation has no
    /// variables (and the cursor key is the same), else made by `compile`.
    pub fn compiled(&self, key: &CursorKey, compile: impl FnOnce() -> Compiled) -> Arc<Compiled> {
        if !self.constant {
            return Arc::new(compile());
        }
        if let Some((kept_key, compiled)) = self.compiled.get()
            && kept_key == key
        {
            return compiled.clone();
        }
        let compiled = Arc::new(compile());
        // The first key seen keeps its statement; a schema shared by databases with different
        // keys compiles for the others each time.
        let _ = self.compiled.set((key.clone(), compiled.clone()));
        compiled
    }

    /// Whether a compiled statement is kept (tests).
    #[cfg(test)]
    pub fn is_constant(&self) -> bool {
        self.constant
    }

    /// The operation's type, or the error response of a document that does not validate.
    pub fn verdict(&self) -> Result<OperationType, &str> {
        self.verdict.as_ref().copied().map_err(String::as_str)
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

/// An operation with the fragments its document defines.
pub(crate) struct Operation<'d> {
    pub operation: &'d Spanning<juniper::Operation<'d, S>>,
    /// Each fragment's type condition and selection.
    pub fragments: HashMap<&'d str, (&'d str, &'d [Selection<'d, S>])>,
}

/// Plans by document text, then operation name; at most `capacity` documents.
pub(crate) struct PlanCache {
    plans: RwLock<HashMap<String, Vec<Arc<Plan>>>>,
    capacity: usize,
}

impl std::fmt::Debug for PlanCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = self.plans.read().map_or(0, |plans| plans.len());
        f.debug_struct("PlanCache")
            .field("documents", &len)
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl PlanCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            plans: RwLock::new(HashMap::new()),
            capacity,
        }
    }

    /// The plan of `operation_name` in `query`, made on first use.
    pub fn get(&self, schema: &Schema, query: &str, operation_name: Option<&str>) -> Arc<Plan> {
        let matches = |plan: &&Arc<Plan>| plan.operation_name.as_deref() == operation_name;
        if let Ok(plans) = self.plans.read()
            && let Some(plan) = plans.get(query).and_then(|ops| ops.iter().find(matches))
        {
            return plan.clone();
        }
        // Made outside the lock: two requests racing on a new document both do the work once.
        let plan = Arc::new(Plan::new(schema, query, operation_name));
        if self.capacity == 0 {
            return plan;
        }
        if let Ok(mut plans) = self.plans.write() {
            if plans.len() >= self.capacity && !plans.contains_key(query) {
                // Any entry will do: a working set larger than the cache thrashes whatever the
                // policy, and a working set that fits stays after one round of misses.
                if let Some(victim) = plans.keys().next().cloned() {
                    plans.remove(&victim);
                }
            }
            let operations = plans.entry(query.to_owned()).or_default();
            if !operations.iter().any(|p| matches(&p)) {
                operations.push(plan.clone());
            }
        }
        plan
    }

    /// Documents held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.plans.read().map_or(0, |plans| plans.len())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use juniper::OperationType;

    use crate::graphql::{Schema, SchemaBuilder};

    /// Read only through its descriptor.
    #[derive(crate::FraiseType)]
    #[allow(dead_code)]
    struct Item {
        id: uuid::Uuid,
        name: String,
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
        let cache = &schema.query_info.plans;
        let document = r#"query A { items { id } } query B { item(id: "x") { name } }"#;
        let a = cache.get(&schema, document, Some("A"));
        assert!(Arc::ptr_eq(&a, &cache.get(&schema, document, Some("A"))));
        let b = cache.get(&schema, document, Some("B"));
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(operation_name(&a).as_deref(), Some("A"));
        assert_eq!(operation_name(&b).as_deref(), Some("B"));
        assert_eq!(a.verdict(), Ok(OperationType::Query));
        // Two operations and no name: juniper's error, kept like any verdict.
        let unnamed = cache.get(&schema, document, None);
        assert!(unnamed.verdict().unwrap_err().contains("operation"));
        let missing = cache.get(&schema, document, Some("C"));
        assert!(missing.verdict().is_err());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn only_operations_without_variables_keep_their_statement() {
        let schema = schema(8);
        let cache = &schema.query_info.plans;
        for (document, constant) in [
            ("{ items { id } }", true),
            ("query Named { items(limit: 3) { id } }", true),
            ("query ($n: Int) { items(limit: $n) { id } }", false),
            ("query ($n: Int = 2) { items(limit: $n) { id } }", false),
            ("{ items { nope } }", false),
        ] {
            let plan = cache.get(&schema, document, None);
            assert_eq!(plan.is_constant(), constant, "{document}");
        }
    }

    #[test]
    fn invalid_documents_keep_their_errors() {
        let schema = schema(8);
        let cache = &schema.query_info.plans;
        for document in ["{ items { nope } }", "{ items { id }", ""] {
            let first = cache.get(&schema, document, None);
            let error = first.verdict().unwrap_err().to_owned();
            assert!(error.starts_with(r#"{"errors":[{"#), "{document}: {error}");
            let again = cache.get(&schema, document, None);
            assert!(Arc::ptr_eq(&first, &again));
        }
    }

    #[test]
    fn documents_nested_too_deeply_are_refused() {
        let shallow = SchemaBuilder::new()
            .query::<Item>()
            .limits(crate::graphql::Limits {
                max_depth: 4,
                ..Default::default()
            })
            .build()
            .unwrap();
        let cache = &shallow.query_info.plans;
        assert!(
            cache
                .get(&shallow, "{ items { id } }", None)
                .verdict()
                .is_ok()
        );
        let deep = "{ __schema { types { fields { type { name } } } } }";
        let body = cache
            .get(&shallow, deep, None)
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
        let cache = &schema.query_info.plans;
        let introspection = format!(
            "{{ __schema {{ types {{ fields {{ args {{ type {{ {} kind name {} }} }} }} }} }} }}",
            "kind name ofType { ".repeat(9),
            "} ".repeat(9)
        );
        let plan = cache.get(&schema, &introspection, None);
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
        assert!(
            cache.get(&schema, &cycle, None).verdict().is_err(),
            "{cycle}"
        );
    }

    #[test]
    fn the_cache_never_holds_more_than_its_capacity() {
        for capacity in [0, 1, 3] {
            let schema = schema(capacity);
            let cache = &schema.query_info.plans;
            for round in 0..3 {
                for i in 0..10 {
                    let valid = format!("{{ items(limit: {i}) {{ id }} }}");
                    let plan = cache.get(&schema, &valid, None);
                    assert_eq!(plan.verdict(), Ok(OperationType::Query), "{round} {i}");
                    let invalid = format!("{{ items(limit: {i}) {{ nope }} }}");
                    assert!(cache.get(&schema, &invalid, None).verdict().is_err());
                    assert!(cache.len() <= capacity, "{} > {capacity}", cache.len());
                }
            }
        }
    }
}
