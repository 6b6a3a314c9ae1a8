//! The fast path: a query operation is validated by juniper, then compiled as a whole into ONE
//! statement whose JSON PostgreSQL builds; the response body is that JSON, carried through.
//! Anything else (introspection, mutations) runs on juniper's executor.

use juniper::{
    DefaultScalarValue as S, GraphQLError, OperationType, ValidatedOperation, Variables,
};

use std::borrow::Cow;
use std::sync::Arc;

use fraiseql_sql::CursorKey;

use super::compile::{Compiler, Failure, Recorder};
use super::plan::{Compiled, Plan};
use super::{Context, Schema};

/// A GraphQL response: its JSON text and whether the request was refused before execution.
///
/// ```
/// # async fn run(schema: &fraiseql::graphql::Schema, context: &fraiseql::graphql::Context) {
/// let response = fraiseql::graphql::execute(schema, "{ nope }", None, &Default::default(), context).await;
/// assert!(response.is_request_error()); // no `data`: the document does not validate
/// assert!(response.body().starts_with(r#"{"errors":"#));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    body: String,
    request_error: bool,
}

impl Response {
    fn executed(body: String) -> Self {
        Self {
            body,
            request_error: false,
        }
    }

    fn request_error(body: String) -> Self {
        Self {
            body,
            request_error: true,
        }
    }

    /// The JSON text: `{"data":…}`, with `"errors"` (each with `extensions.code` where FraiseQL
    /// raised it) when something failed.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The JSON text, owned.
    pub fn into_body(self) -> String {
        self.body
    }

    /// `true` when nothing was executed and the body has no `data`: the document did not parse
    /// or validate, the operation was not found, or the variables did not fit their types.
    /// (GraphQL over HTTP answers those with status 400 under `application/graphql-response+json`.)
    pub fn is_request_error(&self) -> bool {
        self.request_error
    }
}

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

fn plan(schema: &Schema, query: &str, operation_name: Option<&str>) -> Arc<Plan> {
    schema.query_info.plans.get(schema, query, operation_name)
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
    let operation_type = match plan.verdict() {
        Ok(operation_type) => operation_type,
        Err(body) => return Response::request_error(body.to_owned()),
    };
    if operation_type == OperationType::Query
        && let Some(body) = fast_path(schema, &plan, variables, context).await
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
    if plan.verdict() != Ok(OperationType::Query) {
        return None;
    }
    match &*compiled(schema, &plan, variables, database.cursor_key()) {
        Compiled::Statement(statement) => Some(statement.clone()),
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
    let statement = match &*compiled {
        Compiled::Statement(statement) => statement,
        Compiled::Refused(body) => return Some(body.clone()),
        Compiled::Executor => return None,
    };
    Some(
        match context.db.fetch_json(&context.request, statement).await {
            Ok(json) => {
                let mut body = String::with_capacity(json.len() + 10);
                body.push_str("{\"data\":");
                compact_into(&json, &mut body);
                body.push('}');
                body
            }
            Err(error) => failure_body(&super::compile::failure(&error), None),
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
    };
    let compiled = compile(&compiler, &op.item.selection_set);
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
fn compile<'e>(compiler: &Compiler<'e>, selection: &'e [juniper::Selection<'e, S>]) -> Compiled {
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
    let mut roots = Vec::with_capacity(grouped.len());
    for (key, fields) in &grouped {
        match (compiler.root(fields), fraiseql_sql::Name::new(key)) {
            (Ok(Some(root)), Ok(name)) => roots.push((name, root)),
            (Ok(_), _) => return Compiled::Executor,
            (Err(failure), _) => return Compiled::Refused(failure_body(&failure, Some(key))),
        }
    }
    match fraiseql_sql::Statement::select(&roots) {
        Ok(statement) => Compiled::Statement(statement),
        Err(error) => Compiled::Refused(failure_body(&super::compile::bad_input(error), None)),
    }
}

/// Removes the insignificant spaces PostgreSQL's `json` output puts around `:` and `,`, in one
/// pass, leaving strings untouched: the body then equals what serializing the same value
/// compactly would produce.
///
/// A plain byte loop (about 0.9 ns a byte here) measured twice as fast as word-at-a-time or
/// `memchr` scanning: in PostgreSQL's output quotes and spaces are only a few bytes apart.
pub(crate) fn compact_into(json: &str, out: &mut String) {
    // Copies runs of bytes between insignificant whitespace; multi-byte UTF-8 never contains
    // ASCII bytes, so byte positions of ASCII are character boundaries.
    let bytes = json.as_bytes();
    let mut in_string = false;
    let mut escaped = false;
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if b.is_ascii_whitespace() {
            out.push_str(&json[run_start..i]);
            run_start = i + 1;
        }
    }
    out.push_str(&json[run_start..]);
}

fn juniper_body(data: &juniper::Value<S>, errors: &[juniper::ExecutionError<S>]) -> String {
    #[derive(serde::Serialize)]
    struct Body<'a> {
        data: &'a juniper::Value<S>,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        errors: &'a [juniper::ExecutionError<S>],
    }
    serde_json::to_string(&Body { data, errors }).unwrap_or_else(|error| {
        tracing::error!(%error, "cannot serialize a response");
        r#"{"data":null,"errors":[{"message":"internal error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}"#.to_owned()
    })
}

/// The body of a request juniper refused, each error coded: `GRAPHQL_PARSE_FAILED`,
/// `GRAPHQL_VALIDATION_FAILED`, `OPERATION_RESOLUTION_FAILURE` (no, several or an unknown
/// operation), `OPERATION_NOT_SUPPORTED` (a root type the schema lacks).
pub(crate) fn to_error_body(error: &GraphQLError) -> String {
    use GraphQLError as E;
    let code = match error {
        E::ParseError(_) => "GRAPHQL_PARSE_FAILED",
        E::ValidationError(_) => "GRAPHQL_VALIDATION_FAILED",
        E::NoOperationProvided | E::MultipleOperationsProvided | E::UnknownOperationName => {
            "OPERATION_RESOLUTION_FAILURE"
        }
        E::IsSubscription | E::NotSubscription | E::NotSupported(_) => "OPERATION_NOT_SUPPORTED",
    };
    coded_error_body(error, code)
}

/// Variables that do not fit their declared types (the document itself validated).
fn variables_error_body(error: &GraphQLError) -> String {
    match error {
        GraphQLError::ValidationError(_) => coded_error_body(error, "BAD_USER_INPUT"),
        other => to_error_body(other),
    }
}

fn coded_error_body(error: &GraphQLError, code: &str) -> String {
    let mut errors = match serde_json::to_value(error).unwrap_or_default() {
        serde_json::Value::Array(errors) => errors,
        other => vec![other],
    };
    for error in &mut errors {
        if let Some(error) = error.as_object_mut() {
            error.insert("extensions".into(), serde_json::json!({ "code": code }));
        }
    }
    serde_json::json!({ "errors": errors }).to_string()
}

fn failure_body(failure: &Failure, key: Option<&str>) -> String {
    let mut error = serde_json::json!({
        "message": failure.message(),
        "extensions": serde_json::to_value(failure.extensions()).unwrap_or_default(),
    });
    if let Some(key) = key {
        error["path"] = serde_json::json!([key]);
    }
    serde_json::json!({ "data": null, "errors": [error] }).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn compaction_keeps_strings() {
        let mut out = String::new();
        super::compact_into(
            r#"{"a b" : [1, "x , y", {"c\" :" : null}], "ü" : "\\"}"#,
            &mut out,
        );
        assert_eq!(out, r#"{"a b":[1,"x , y",{"c\" :":null}],"ü":"\\"}"#);
    }

    /// Compaction agrees with serde_json re-serializing the same text, on PostgreSQL-like and
    /// unusual spacing, escapes at string ends and unicode.
    #[test]
    fn compaction_equals_reserialization() {
        for json in [
            "{\"a\" : 1, \"b\" : [1, 2, \n 3], \"c\" : {\"d\" : \"e\\\\\"}}",
            "[\t{\"x\" :\r\n\"tab\\t and \\\" quote\"} , \"\\\\\"]",
            // Keys in serde_json's (sorted) order, so only spacing can differ.
            r#"{"" : "", "f" : -1.5, "n" : null, "ü ñ 😀" : "a \"b\" c"}"#,
            " [ ] ",
            r#"{"k":"v"}"#,
        ] {
            let mut out = String::new();
            super::compact_into(json, &mut out);
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(out, serde_json::to_string(&value).unwrap(), "{json}");
        }
    }
}
