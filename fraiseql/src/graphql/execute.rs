//! The fast path: a query operation is validated by juniper, then compiled as a whole into ONE
//! statement whose JSON PostgreSQL builds; the response body is that JSON, carried through.
//! Anything else (introspection, mutations) runs on juniper's executor.

use std::borrow::Cow;
use std::sync::Arc;

use fraiseql_sql::CursorKey;
use juniper::{
    DefaultScalarValue as S, ExecutionError, OperationType, ValidatedOperation, Variables,
};

use super::compile::{Compiler, Recorder};
use super::context::Context;
use super::hash::DocumentHash;
use super::plan::{Answer, Compiled, Plan, SoleRoot};
use super::relay::{Check, Stop, relay};
use super::response::{
    Response, errors_json, failure_body, juniper_body, to_error_body, variables_error_body,
};
use super::root::Schema;

/// The type of the operation `operation_name` selects in `query`, or `None` when the request is
/// invalid (then [`execute`] answers with the reason). HTTP servers use it to refuse mutations
/// over GET. Served from the schema's plan cache, so asking costs no second parse.
pub fn operation_type(
    schema: &Schema,
    query: &str,
    operation_name: Option<&str>,
) -> Option<OperationType> {
    plan(schema, query, operation_name).verdict().ok()
}

/// The plan of the request, from the schema's plan cache.
pub(crate) fn plan(schema: &Schema, query: &str, operation_name: Option<&str>) -> Arc<Plan> {
    let validate = || validate(schema, query, operation_name);
    (schema.query_type.plans).get(&schema.schema, query, operation_name, validate)
}

/// The plan of a persisted document whose SHA-256 is `hash` (checked by the caller), from the
/// schema's plan cache by that hash: the document's text is read only when the plan is made.
pub(crate) fn plan_by_hash(
    schema: &Schema,
    hash: &DocumentHash,
    query: &str,
    operation_name: Option<&str>,
) -> Arc<Plan> {
    let validate = || validate(schema, query, operation_name);
    (schema.query_type.plans).get_hashed(hash, &schema.schema, query, operation_name, validate)
}

/// juniper's verdict on the request: its operation's type, or the error response.
fn validate(
    schema: &Schema,
    query: &str,
    operation_name: Option<&str>,
) -> Result<OperationType, String> {
    ValidatedOperation::new(query, operation_name, schema)
        .map(|validated| validated.operation_type())
        .map_err(|error| to_error_body(&error))
}

/// Executes `query` and returns the GraphQL response.
///
/// Query operations are answered by one SQL statement; others go through juniper's executor.
/// Documents are parsed and validated once per schema (see [`SchemaBuilder::plan_cache`]).
///
/// [`SchemaBuilder::plan_cache`]: super::SchemaBuilder::plan_cache
pub async fn execute(
    schema: &Schema,
    query: &str,
    operation_name: Option<&str>,
    variables: &Variables<S>,
    context: &Context,
) -> Response {
    let plan = plan(schema, query, operation_name);
    execute_plan(schema, &plan, query, operation_name, variables, context).await
}

/// [`execute`] with the request's plan already in hand (`query` is its document).
pub(crate) async fn execute_plan(
    schema: &Schema,
    plan: &Plan,
    query: &str,
    operation_name: Option<&str>,
    variables: &Variables<S>,
    context: &Context,
) -> Response {
    let operation_type = match plan.verdict() {
        Ok(operation_type) => operation_type,
        Err(body) => return Response::request_error(body.to_owned()),
    };
    if operation_type == OperationType::Query
        && let Some(body) = fast_path(schema, plan, variables, context).await
    {
        return Response::executed(body);
    }
    let validated = match ValidatedOperation::new(query, operation_name, schema) {
        Ok(validated) => validated,
        Err(error) => return Response::request_error(to_error_body(&error)),
    };
    match validated.execute(variables, context).await {
        Ok((data, errors)) => Response::executed(juniper_body(&data, &errors)),
        Err(error) => Response::request_error(variables_error_body(&error)),
    }
}

/// The SQL statement [`execute`] sends for this request (same compilation, same plan cache), or
/// `None` when juniper's executor answers it or it is refused before reaching the database.
/// For logging, `EXPLAIN`, and measuring the database's share of a request.
///
/// ```
/// # use fraiseql::{FraiseType, graphql::SchemaBuilder};
/// # #[derive(FraiseType)] struct User { id: uuid::Uuid, name: String }
/// # fn demo(db: &fraiseql::Database) -> fraiseql::Result<()> {
/// let schema = SchemaBuilder::new().query::<User>().build()?;
/// let query = "{ users(limit: 2) { name } }";
/// let statement = fraiseql::graphql::statement(&schema, query, None, &Default::default(), db);
/// assert!(statement.unwrap().sql().starts_with("SELECT"));
/// # Ok(()) }
/// ```
pub fn statement(
    schema: &Schema,
    query: &str,
    operation_name: Option<&str>,
    variables: &Variables<S>,
    database: &crate::Database,
) -> Option<fraiseql_sql::Statement> {
    let plan = plan(schema, query, operation_name);
    statement_of_plan(schema, &plan, variables, database)
}

/// [`statement`] with the request's plan already in hand.
pub(crate) fn statement_of_plan(
    schema: &Schema,
    plan: &Plan,
    variables: &Variables<S>,
    database: &crate::Database,
) -> Option<fraiseql_sql::Statement> {
    if plan.verdict() != Ok(OperationType::Query) {
        return None;
    }
    match &*compiled(schema, plan, variables, database.cursor_key()) {
        Compiled::Answer(answer) => Some(answer.statement.clone()),
        Compiled::Refused(_) | Compiled::Executor => None,
    }
}

/// `None` when the operation needs juniper's executor.
async fn fast_path(
    schema: &Schema,
    plan: &Plan,
    variables: &Variables<S>,
    context: &Context,
) -> Option<String> {
    let compiled = compiled(schema, plan, variables, context.db.cursor_key());
    let answer = match &*compiled {
        Compiled::Answer(answer) => answer,
        Compiled::Refused(body) => return Some(body.clone()),
        Compiled::Executor => return None,
    };
    Some(
        match context
            .db
            .fetch_json(&context.request, &answer.statement)
            .await
        {
            Ok(json) => {
                let errors = answer.errors.as_deref();
                let extra = errors.map_or(0, |errors| errors.len() + 10);
                let mut body = String::with_capacity(json.len() + 10 + extra);
                body.push_str("{\"data\":");
                match relay(&json, &answer.check, &mut body) {
                    Ok(()) => {}
                    // A document breaks a promise of the schema: juniper's executor answers,
                    // with its field errors and nulls.
                    Err(Stop::Broken) => return None,
                    Err(Stop::Unexpected) => {
                        tracing::error!("the statement's JSON is not shaped as compiled");
                        debug_assert!(false, "JSON not shaped as compiled: {json}");
                        return None;
                    }
                }
                if let Some(errors) = errors {
                    body.push_str(",\"errors\":");
                    body.push_str(errors);
                }
                body.push('}');
                body
            }
            // A document breaking a non-null list's promise fails the lean statement
            // (`relay`): juniper's executor answers, from statements that test each value.
            Err(crate::Error::Internal) => return None,
            Err(error) => {
                let failure = super::compile::failure(&error);
                match &answer.sole_root {
                    // The failing argument is that field's: a field error, as for a compile.
                    Some(root) => {
                        let errors = [ExecutionError::new(root.position, &[&root.key], failure)];
                        let data = if root.nullable {
                            let mut data = juniper::Object::with_capacity(1);
                            data.add_field(root.key.as_str(), juniper::Value::null());
                            juniper::Value::Object(data)
                        } else {
                            juniper::Value::null()
                        };
                        juniper_body(&data, &errors)
                    }
                    // One statement answers several fields: an operation error.
                    None => failure_body(&failure, None),
                }
            }
        },
    )
}

/// What the operation of `plan` compiles to with `variables`, signing cursors with `key`: the
/// statement kept for the variables' shape bound to their values, or a fresh compile (kept for
/// later requests when it can be).
fn compiled(
    schema: &Schema,
    plan: &Plan,
    variables: &Variables<S>,
    key: &CursorKey,
) -> Arc<Compiled> {
    let Some(operation) = plan.operation() else {
        return Arc::new(Compiled::Executor);
    };
    // Variable values are checked against their declared types exactly as juniper would, on
    // every request.
    let op = operation.operation;
    if !juniper::validation::validate_input_values(variables, op, &schema.schema).is_empty() {
        return Arc::new(Compiled::Executor);
    }
    let variables = with_defaults(&op.item, variables);
    if let Some(kept) = plan.kept(key, &variables) {
        return kept;
    }
    let record = Recorder::default();
    let lookup = |name: &str| operation.fragments.get(name).copied();
    let compiler = Compiler {
        schema: &schema.query_info,
        variables: &variables,
        fragments: &lookup,
        cursor_key: key,
        record: Some(&record),
        walked: false,
    };
    let compiled = compile(&compiler, &schema.schema, &op.item.selection_set);
    plan.keep(key, &variables, record.into_inner(), compiled)
}

/// `variables` with the operation's defaults for those not given.
fn with_defaults<'v>(
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

/// The operation's selection as one statement.
fn compile<'e>(
    compiler: &Compiler<'e>,
    schema: &juniper::SchemaType<S>,
    selection: &'e [juniper::Selection<'e, S>],
) -> Compiled {
    let grouped = match compiler.group(&[selection]) {
        Ok(grouped) => grouped,
        Err(failure) => return Compiled::Refused(failure_body(&failure, None)),
    };
    if grouped
        .iter()
        .any(|(_, fields)| matches!(fields[0].name, "__schema" | "__type"))
    {
        return Compiled::Executor;
    }
    // A root field whose arguments fail is a field error (GraphQL's "handling field errors"):
    // the field is null, its error carries its path and location, and the other fields are
    // answered; a non-null root field's null nulls `data` itself.
    let mut roots = Vec::with_capacity(grouped.len());
    let mut errors = Vec::new();
    let mut data_is_null = false;
    let mut fail = |key: &str, field: &super::compile::FieldNode, failure| {
        errors.push(ExecutionError::new(field.position, &[key], failure));
        data_is_null |= !compiler.root_is_nullable(field.name);
    };
    for (key, fields) in &grouped {
        let name = match fraiseql_sql::Name::new(key) {
            Ok(name) => name,
            Err(_) => return Compiled::Executor,
        };
        match compiler.root(fields) {
            Ok(Some(root)) => roots.push((name, root)),
            Ok(None) => return Compiled::Executor,
            Err(failure) => {
                fail(key, &fields[0], failure);
                roots.push((name, fraiseql_sql::Root::Null));
            }
        }
    }
    let mut statement = fraiseql_sql::Statement::select(&roots);
    if statement.is_err() {
        // A value only rendering checks (a UUID, a date): find the roots it belongs to.
        for ((key, fields), (_, root)) in grouped.iter().zip(&mut roots) {
            if let Err(error) = fraiseql_sql::Statement::value(root) {
                fail(key, &fields[0], super::compile::bad_input(error));
                *root = fraiseql_sql::Root::Null;
            }
        }
        statement = fraiseql_sql::Statement::select(&roots);
    }
    // juniper's executor reports errors in this order; the fast path answers byte for byte alike.
    errors.sort();
    if data_is_null {
        return Compiled::Refused(juniper_body(&juniper::Value::null(), &errors));
    }
    let sole_root = match &grouped[..] {
        [(key, fields)] => Some(SoleRoot {
            key: (*key).to_owned(),
            position: fields[0].position,
            nullable: compiler.root_is_nullable(fields[0].name),
        }),
        _ => None,
    };
    match statement {
        Ok(statement) => {
            // A root that failed is null in the statement.
            let roots: Vec<_> = (grouped.iter().zip(&roots))
                .map(|((key, fields), (_, root))| {
                    (*key, &fields[..], !matches!(root, fraiseql_sql::Root::Null))
                })
                .collect();
            Compiled::Answer(Answer {
                statement,
                errors: (!errors.is_empty()).then(|| errors_json(&errors)),
                sole_root,
                check: Arc::new(Check::operation(schema, compiler, &roots)),
            })
        }
        Err(error) => Compiled::Refused(failure_body(&super::compile::bad_input(error), None)),
    }
}
