//! Response bodies: the JSON text of a GraphQL response, for data PostgreSQL built, for
//! juniper's executor, and for every error, each error with its `extensions.code`.

use juniper::{DefaultScalarValue as S, GraphQLError};

use super::compile::Failure;

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
    pub(crate) fn executed(body: String) -> Self {
        Self {
            body,
            request_error: false,
        }
    }

    pub(crate) fn request_error(body: String) -> Self {
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

/// Removes the insignificant spaces PostgreSQL's `json` output puts around `:` and `,`, in one
/// pass, leaving strings untouched: the body then equals what serializing the same value
/// compactly would produce.
///
/// A plain byte loop (about 0.9 ns a byte here) measured twice as fast as word-at-a-time or
/// `memchr` scanning: in PostgreSQL's output quotes and spaces are only a few bytes apart.
/// The fast path relays with `relay::relay`, which checks types in the same pass; this is the
/// reference its output is tested against.
#[cfg(test)]
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

/// Field errors as the `errors` array juniper's executor writes.
pub(crate) fn errors_json(errors: &[juniper::ExecutionError<S>]) -> String {
    serde_json::to_string(errors).unwrap_or_else(|error| {
        tracing::error!(%error, "cannot serialize field errors");
        r#"[{"message":"internal error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]"#.to_owned()
    })
}

pub(crate) fn juniper_body(
    data: &juniper::Value<S>,
    errors: &[juniper::ExecutionError<S>],
) -> String {
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
pub(crate) fn variables_error_body(error: &GraphQLError) -> String {
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

pub(crate) fn failure_body(failure: &Failure, key: Option<&str>) -> String {
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
