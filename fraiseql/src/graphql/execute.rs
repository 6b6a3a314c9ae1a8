//! The fast path: a query operation is validated by juniper, then compiled as a whole into ONE
//! statement whose JSON PostgreSQL builds; the response body is that JSON, carried through.
//! Anything else (introspection, mutations) runs on juniper's executor.

use std::collections::HashMap;

use juniper::{
    DefaultScalarValue as S, Definition, OperationType, Selection, ValidatedOperation, Variables,
};

use super::compile::{Compiler, Failure};
use super::{Context, Schema};

/// Executes `query` and returns the GraphQL response as JSON text (`{"data":…}` and, on failure,
/// `"errors"` with `extensions.code`).
///
/// Query operations are answered by one SQL statement; others go through juniper's executor.
pub async fn execute(
    schema: &Schema,
    query: &str,
    operation_name: Option<&str>,
    variables: &Variables<S>,
    context: &Context,
) -> String {
    let validated = match ValidatedOperation::new(query, operation_name, schema) {
        Ok(validated) => validated,
        Err(error) => return error_body(&serde_json::to_value(&error).unwrap_or_default()),
    };
    if validated.operation_type() == OperationType::Query
        && let Some(body) = fast_path(schema, query, operation_name, variables, context).await
    {
        return body;
    }
    match validated.execute(variables, context).await {
        Ok((data, errors)) => juniper_body(&data, &errors),
        Err(error) => error_body(&serde_json::to_value(&error).unwrap_or_default()),
    }
}

/// `None` when the operation needs juniper's executor (introspection, invalid variables).
async fn fast_path(
    schema: &Schema,
    query: &str,
    operation_name: Option<&str>,
    variables: &Variables<S>,
    context: &Context,
) -> Option<String> {
    let document = juniper::parser::parse_document_source(query, &schema.schema).ok()?;
    let mut operation = None;
    let mut fragments: HashMap<&str, &[Selection<S>]> = HashMap::new();
    for definition in &document {
        match definition {
            Definition::Operation(candidate) => {
                let name = candidate.item.name.as_ref().map(|n| n.item);
                if operation_name.is_none() || name == operation_name {
                    operation = Some(candidate);
                }
            }
            Definition::Fragment(fragment) => {
                fragments.insert(fragment.item.name.item, &fragment.item.selection_set);
            }
        }
    }
    let operation = operation?;
    // Variable values are checked against their declared types exactly as juniper would.
    if !juniper::validation::validate_input_values(variables, operation, &schema.schema).is_empty()
    {
        return None;
    }
    let mut all_variables = variables.clone();
    for (name, definition) in operation
        .item
        .variables_definition
        .iter()
        .flat_map(|d| &d.item.items)
    {
        if let Some(default) = &definition.default_value
            && !all_variables.contains_key(name.item)
        {
            all_variables.insert(name.item.to_owned(), default.item.clone());
        }
    }
    let lookup = |name: &str| fragments.get(name).copied();
    let compiler = Compiler {
        schema: &schema.query_info,
        variables: &all_variables,
        fragments: &lookup,
        cursor_key: context.db.cursor_key(),
    };
    let grouped = match compiler.group(&[&operation.item.selection_set]) {
        Ok(grouped) => grouped,
        Err(failure) => return Some(failure_body(&failure, None)),
    };
    if grouped
        .iter()
        .any(|(_, fields)| matches!(fields[0].name, "__schema" | "__type"))
    {
        return None;
    }
    let mut roots = Vec::with_capacity(grouped.len());
    for (key, fields) in &grouped {
        match compiler.root(fields) {
            Ok(Some(root)) => roots.push((fraiseql_sql::Name::new(key).ok()?, root)),
            Ok(None) => return None,
            Err(failure) => return Some(failure_body(&failure, Some(key))),
        }
    }
    let statement = match fraiseql_sql::Statement::select(&roots) {
        Ok(statement) => statement,
        Err(error) => return Some(failure_body(&super::compile::bad_input(error), None)),
    };
    Some(
        match context.db.fetch_json(&context.request, &statement).await {
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

/// Removes the insignificant spaces PostgreSQL's `json` output puts around `:` and `,`, in one
/// pass, leaving strings untouched: the body then equals what serializing the same value
/// compactly would produce.
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

fn error_body(errors: &serde_json::Value) -> String {
    let errors = match errors {
        serde_json::Value::Array(_) => errors.clone(),
        other => serde_json::Value::Array(vec![other.clone()]),
    };
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
}
