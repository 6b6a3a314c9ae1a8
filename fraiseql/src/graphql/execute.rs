//! The fast path: a query operation is validated by juniper, then compiled as a whole into ONE
//! statement whose JSON PostgreSQL builds; the response body is that JSON, carried through.
//! Anything else (introspection, mutations) runs on juniper's executor.

use std::sync::Arc;

use fraiseql_sql::CursorKey;
use juniper::{
    DefaultScalarValue as S, ExecutionError, OperationType, ValidatedOperation, Variables,
};

use super::authz::{Denial, Grants};
use super::compile::{Compiler, FieldNode, Recorder};
use super::context::{Context, Introspection};
use super::hash::DocumentHash;
use super::info::Limits;
use super::limits::{self, Exceeded};
use super::plan::{Answer, Compiled, Plan, SoleRoot, with_defaults};
use super::relay::{Check, Stop, relay};
use super::response::{
    Response, errors_json, failure_body, juniper_body, to_error_body, variables_error_body,
};
use super::root::Schema;
use crate::trace::slow::Phase;
use tracing::field::Empty;

/// The type of the operation `operation_name` selects in `query`, or `None` when the request is
/// invalid (then [`execute`] answers with the reason). HTTP servers use it to refuse mutations
/// over GET. Served from the schema's plan cache, so asking costs no second parse.
pub fn operation_type(
    schema: &Schema,
    query: &str,
    operation_name: Option<&str>,
) -> Option<OperationType> {
    let limits = &schema.query_info.limits;
    plan(schema, query, None, operation_name, limits)
        .ok()?
        .verdict()
        .ok()
}

/// The plan of the request, from the schema's plan cache (by `hash`, the document's SHA-256
/// checked by the caller, for a persisted query); refused, without parsing, when the
/// document's size or tokens exceed `limits`.
pub(crate) fn plan(
    schema: &Schema,
    query: &str,
    hash: Option<&DocumentHash>,
    operation_name: Option<&str>,
    limits: &Limits,
) -> Result<Arc<Plan>, Exceeded> {
    limits::check_size(query, limits)?;
    let span = crate::trace::quiet(tracing::info_span!(
        "graphql.validate",
        fraiseql.plan_cache.hit = Empty
    ));
    let _in = span.enter();
    let missed = std::cell::Cell::new(false);
    let admit = || {
        missed.set(true);
        admit(query, limits)
    };
    let validate = || validate(schema, query, operation_name);
    let plans = &schema.query_type.plans;
    let plan = plans.get(&schema.schema, query, hash, operation_name, admit, validate);
    span.record("fraiseql.plan_cache.hit", !missed.get());
    let plan = plan?;
    // A document kept under a request's higher limits is still measured against these.
    within(query, &plan, limits)?;
    Ok(plan)
}

/// Refuses `query`, planned as `plan` (maybe under other limits), when its size or tokens exceed
/// `limits`.
fn within(query: &str, plan: &Plan, limits: &Limits) -> Result<(), Exceeded> {
    limits::check_size(query, limits)?;
    limits::check_tokens(plan.tokens(), limits)
}

/// The document's tokens, counted before it may be parsed, or the refusal.
fn admit(query: &str, limits: &Limits) -> Result<u32, Exceeded> {
    let tokens = limits::count_tokens(query);
    limits::check_tokens(tokens, limits).map(|()| tokens)
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

/// The limits a request is measured against: its own, else the schema's.
pub(crate) fn request_limits<'a>(schema: &'a Schema, context: &'a Context) -> &'a Limits {
    (context.request.limits()).unwrap_or(&schema.query_info.limits)
}

/// Whether `query` is within the size and token `limits` a document must meet to be parsed.
#[cfg(feature = "http")]
pub(crate) fn within_parse_limits(query: &str, limits: &Limits) -> bool {
    limits::check_size(query, limits).is_ok() && admit(query, limits).is_ok()
}

/// Refuses, with the response body, an operation that introspects where introspection is
/// disabled or asks for more than `limits` allow. Nothing has touched the database yet.
fn guard(
    schema: &Schema,
    plan: &Plan,
    variables: &Variables<S>,
    limits: &Limits,
    introspection: Introspection,
) -> Result<(), String> {
    let Some(measure) = plan.measure(&schema.schema, &schema.query_info.limits, variables) else {
        return Ok(());
    };
    if introspection == Introspection::Disabled && measure.introspects {
        return Err(limits::introspection_disabled_body());
    }
    measure.check(limits).map_err(|exceeded| exceeded.body())
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
    let limits = request_limits(schema, context);
    let plan = match plan(schema, query, None, operation_name, limits) {
        Ok(plan) => plan,
        Err(exceeded) => return Response::request_error(exceeded.body()),
    };
    execute_plan(schema, &plan, query, operation_name, variables, context).await
}

/// [`execute`] with the request's plan already in hand (`query` is its document), which may
/// have been made under other limits than the request's: they are checked again here.
pub(crate) async fn execute_plan(
    schema: &Schema,
    plan: &Plan,
    query: &str,
    operation_name: Option<&str>,
    variables: &Variables<S>,
    context: &Context,
) -> Response {
    let limits = request_limits(schema, context);
    if let Err(exceeded) = within(query, plan, limits) {
        return Response::request_error(exceeded.body());
    }
    let operation_type = match plan.verdict() {
        Ok(operation_type) => operation_type,
        Err(body) => return Response::request_error(body.to_owned()),
    };
    if let Err(body) = guard(schema, plan, variables, limits, context.introspection) {
        return Response::request_error(body);
    }
    if operation_type == OperationType::Query
        && let Some(body) = fast_path(schema, plan, variables, context).await
    {
        return Response::executed(body);
    }
    let validated = match ValidatedOperation::new(query, operation_name, schema) {
        Ok(validated) => validated,
        Err(error) => return Response::request_error(to_error_body(&error)),
    };
    // Boxed: juniper's executor future is large, and unboxed it would make every request's
    // future as large, copied whole by each wrapper around it (spans, timeout, the adapter's
    // box) even when the single-statement path answers.
    match Box::pin(validated.execute(variables, context)).await {
        Ok((data, errors)) => Response::executed(juniper_body(&data, &errors)),
        Err(error) => Response::request_error(variables_error_body(&error)),
    }
}

/// The SQL statement [`execute`] sends for this request (same compilation, same plan cache), or
/// `None` when juniper's executor answers it or it is refused before reaching the database.
/// For logging, `EXPLAIN`, and measuring the database's share of a request. It is the statement
/// of a request holding no role; [`statement_for`] takes the request's context.
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
    statement_with(
        schema,
        query,
        operation_name,
        variables,
        database,
        &Grants::default(),
    )
}

/// [`statement`] for a request of `context`, whose roles decide which fields it may read (a
/// field it may not is not in the statement; see `#[fraiseql(requires = "…")]`). [`statement`]
/// is that of a request without roles.
///
/// ```
/// use fraiseql::{FraiseType, RequestContext, graphql::{Context, SchemaBuilder}};
///
/// #[derive(FraiseType)]
/// struct User { id: uuid::Uuid, name: String, #[fraiseql(requires = "admin")] age: Option<i32> }
///
/// # let db = fraiseql::Database::connect(tokio_postgres::Config::new(), 1)?;
/// let schema = SchemaBuilder::new().query::<User>().build()?;
/// let query = "{ users { name age } }";
/// let sql = |context: &Context| {
///     let statement = fraiseql::graphql::statement_for(&schema, query, None, &Default::default(), context);
///     statement.unwrap().sql().to_owned()
/// };
/// let admin = Context::new(db.clone(), RequestContext::new().roles(["admin"]));
/// assert!(sql(&admin).contains(r#"'age', t."data"->'age'"#));
/// // Without the role, `age` is null (and an error): the statement does not read it.
/// let guest = Context::new(db.clone(), RequestContext::new());
/// assert!(sql(&guest).contains("'age', NULL"));
/// # Ok::<(), fraiseql::Error>(())
/// ```
pub fn statement_for(
    schema: &Schema,
    query: &str,
    operation_name: Option<&str>,
    variables: &Variables<S>,
    context: &Context,
) -> Option<fraiseql_sql::Statement> {
    let grants = Grants::new(&schema.query_info, &context.request);
    statement_with(
        schema,
        query,
        operation_name,
        variables,
        &context.db,
        &grants,
    )
}

fn statement_with(
    schema: &Schema,
    query: &str,
    operation_name: Option<&str>,
    variables: &Variables<S>,
    database: &crate::Database,
    grants: &Grants<'_>,
) -> Option<fraiseql_sql::Statement> {
    let plan = plan(
        schema,
        query,
        None,
        operation_name,
        &schema.query_info.limits,
    )
    .ok()?;
    statement_of(schema, &plan, variables, database, grants)
}

/// [`statement`] with the request's plan already in hand.
pub(crate) fn statement_of_plan(
    schema: &Schema,
    plan: &Plan,
    variables: &Variables<S>,
    database: &crate::Database,
) -> Option<fraiseql_sql::Statement> {
    statement_of(schema, plan, variables, database, &Grants::default())
}

fn statement_of(
    schema: &Schema,
    plan: &Plan,
    variables: &Variables<S>,
    database: &crate::Database,
    grants: &Grants<'_>,
) -> Option<fraiseql_sql::Statement> {
    if plan.verdict() != Ok(OperationType::Query) {
        return None;
    }
    let limits = &schema.query_info.limits;
    guard(schema, plan, variables, limits, Introspection::Allowed).ok()?;
    let key = database.cursor_key();
    match &*compiled(schema, plan, variables, key, grants, &tracing::Span::none()) {
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
    let grants = Grants::new(&schema.query_info, &context.request);
    let (phases, start) = (&context.phases, context.phases.start());
    let span = crate::trace::quiet(tracing::info_span!(
        "graphql.compile",
        fraiseql.statement_cache.hit = Empty
    ));
    let key = context.db.cursor_key();
    let compiled = span.in_scope(|| compiled(schema, plan, variables, key, &grants, &span));
    phases.add(Phase::Compile, start);
    let answer = match &*compiled {
        Compiled::Answer(answer) => answer,
        Compiled::Refused(body) => return Some(body.clone()),
        Compiled::Executor => return None,
    };
    // Timed inline, not by a wrapper `async fn` taking the future: an async fn's parameters
    // keep their own slot in its state, so a wrapper doubles the awaited future's size.
    let start = phases.start();
    let fetched = (context.db.fetch_json(&context.request, &answer.statement)).await;
    phases.add(Phase::Database, start);
    Some(match fetched {
        Ok(json) => {
            let _response = phases.response();
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
    })
}

/// What the operation of `plan` compiles to with `variables` for a request with `grants`,
/// signing cursors with `key`: the statement kept for the variables' shape (and those roles)
/// bound to their values, or a fresh compile (kept for later requests when it can be).
fn compiled(
    schema: &Schema,
    plan: &Plan,
    variables: &Variables<S>,
    key: &CursorKey,
    grants: &Grants<'_>,
    span: &tracing::Span,
) -> Arc<Compiled> {
    let Some(operation) = plan.operation() else {
        return Arc::new(Compiled::Executor);
    };
    // Variable values are checked against their declared types exactly as juniper would, on
    // every request (plain ones without juniper: see `plain_variables`).
    let op = operation.operation;
    if !plan.variables_surely_valid(variables)
        && !juniper::validation::validate_input_values(variables, op, &schema.schema).is_empty()
    {
        return Arc::new(Compiled::Executor);
    }
    let variables = with_defaults(&op.item, variables);
    let roles = grants.key();
    let kept = plan.kept(key, &roles, &variables);
    #[cfg(feature = "metrics")]
    schema.query_type.plans.record_statement(kept.is_some());
    if let Some(kept) = kept {
        span.record("fraiseql.statement_cache.hit", true);
        return kept;
    }
    span.record("fraiseql.statement_cache.hit", false);
    let record = Recorder::default();
    let lookup = |name: &str| operation.fragments.get(name).copied();
    let compiler = Compiler {
        schema: &schema.query_info,
        variables: &variables,
        fragments: &lookup,
        cursor_key: key,
        record: Some(&record),
        walked: false,
        grants,
        denied: Default::default(),
    };
    let compiled = compile(&compiler, &schema.schema, &op.item.selection_set);
    plan.keep(key, &roles, &variables, record.into_inner(), compiled)
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
    let (mut denied, mut nulls_data) = (Vec::new(), false);
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
            Ok(Some(root)) => {
                // Fields the request may not read: errors at their paths. A null one of them
                // causes up to the root field is the root's, or `data`'s.
                for denial in root_denials(compiler, fields) {
                    let path = denial.keys(key);
                    denied.push(ExecutionError::new(
                        denial.position,
                        &path,
                        denial.error.clone(),
                    ));
                }
                let nulled = matches!(root, fraiseql_sql::Root::Null);
                nulls_data |= nulled && !compiler.root_is_nullable(fields[0].name);
                roots.push((name, root));
            }
            Ok(None) => return Compiled::Executor,
            Err(failure) => {
                compiler.denied.take();
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
    errors.append(&mut denied);
    data_is_null |= nulls_data;
    // juniper's executor reports errors in this order; the fast path answers byte for byte alike.
    errors.sort();
    if data_is_null {
        return Compiled::Refused(juniper_body(&juniper::Value::null(), &errors));
    }
    let sole_root = match &grouped[..] {
        [(key, fields)] => Some(Arc::new(SoleRoot {
            key: (*key).to_owned(),
            position: fields[0].position,
            nullable: compiler.root_is_nullable(fields[0].name),
        })),
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
                errors: (!errors.is_empty()).then(|| errors_json(&errors).into()),
                sole_root,
                check: Arc::new(Check::operation(schema, compiler, &roots)),
            })
        }
        Err(error) => Compiled::Refused(failure_body(&super::compile::bad_input(error), None)),
    }
}

/// The denials of the root field `fields` (one response key), just compiled: juniper's executor
/// resolves each occurrence of a repeated root key on its own, each reporting its own denials
/// where they are written, so the fast path does too.
fn root_denials<'e>(compiler: &Compiler<'e>, fields: &[FieldNode<'e>]) -> Vec<Denial> {
    let merged = compiler.denied.take();
    if fields.len() < 2 || merged.is_empty() {
        return merged;
    }
    let alone = compiler.unrecorded();
    let mut denials = Vec::new();
    for field in fields {
        // Occurrences of one key have the same arguments (validation): each compiles.
        let _ = alone.root(std::slice::from_ref(field));
        denials.append(&mut alone.denied.take());
    }
    denials
}
