//! GraphQL-over-HTTP request parameters from a GET query string or a POST JSON body.

use juniper::{DefaultScalarValue, InputValue, Variables};
use serde_json::Value;

/// A well-formed GraphQL-over-HTTP request: `query`, `operationName`, `variables`
/// (`extensions` is accepted and ignored).
#[derive(Debug, Clone, PartialEq)]
pub struct GraphQLRequest {
    /// The document.
    pub query: String,
    /// The operation to run, when the document has several.
    pub operation_name: Option<String>,
    /// The variables' values.
    pub variables: Variables<DefaultScalarValue>,
}

/// Why a request is not well-formed (answered 400, `BAD_REQUEST`).
pub(crate) type Malformed = String;

impl GraphQLRequest {
    /// Parameters from a GET query string (`variables` and `extensions` JSON-encoded).
    ///
    /// ```
    /// use fraiseql::http::GraphQLRequest;
    /// let request = GraphQLRequest::from_query_string(
    ///     "query=query%20Q(%24n%3AInt)%7Busers(limit%3A%24n)%7Bname%7D%7D&variables=%7B%22n%22%3A2%7D",
    /// )
    /// .unwrap();
    /// assert_eq!(request.query, "query Q($n:Int){users(limit:$n){name}}");
    /// assert!(request.variables.contains_key("n"));
    /// ```
    pub fn from_query_string(query_string: &str) -> Result<Self, String> {
        let mut query = None;
        let mut operation_name = None;
        let mut variables = None;
        let mut extensions = None;
        for (name, value) in form_urlencoded::parse(query_string.as_bytes()) {
            let slot = match &*name {
                "query" => &mut query,
                "operationName" => &mut operation_name,
                "variables" => &mut variables,
                "extensions" => &mut extensions,
                _ => continue,
            };
            if slot.is_some() {
                return Err(format!("the parameter {name} is given twice"));
            }
            *slot = Some(value.into_owned());
        }
        let json = |name: &str, text: Option<String>| match text {
            None => Ok(None),
            Some(text) if text.is_empty() => Ok(None),
            Some(text) => serde_json::from_str::<Value>(&text)
                .map(Some)
                .map_err(|_| format!("{name} is not valid JSON")),
        };
        Self::from_parts(
            query.map(Value::String),
            // An empty operationName (as HTML forms send it) selects nothing: the same as none.
            operation_name.filter(|n| !n.is_empty()).map(Value::String),
            json("variables", variables)?,
            json("extensions", extensions)?,
        )
    }

    /// Parameters from a POST body holding one JSON object. A JSON array (a batch) is refused:
    /// see [`crate::http`] for why.
    ///
    /// ```
    /// use fraiseql::http::GraphQLRequest;
    /// let request = GraphQLRequest::from_json(br#"{"query":"{ users { name } }","variables":null}"#).unwrap();
    /// assert_eq!(request.operation_name, None);
    /// assert!(GraphQLRequest::from_json(br#"{"query":1}"#).is_err());
    /// assert!(GraphQLRequest::from_json(br#"[{"query":"{ users { name } }"}]"#).is_err());
    /// ```
    pub fn from_json(body: &[u8]) -> Result<Self, String> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|error| format!("the body is not valid JSON: {error}"))?;
        let mut object = match value {
            Value::Object(object) => object,
            Value::Array(_) => {
                return Err(
                    "batched requests are not supported: send one operation per request".into(),
                );
            }
            _ => return Err("the body must be a JSON object".into()),
        };
        Self::from_parts(
            object.remove("query"),
            object.remove("operationName"),
            object.remove("variables"),
            object.remove("extensions"),
        )
    }

    fn from_parts(
        query: Option<Value>,
        operation_name: Option<Value>,
        variables: Option<Value>,
        extensions: Option<Value>,
    ) -> Result<Self, Malformed> {
        let query = match query {
            Some(Value::String(query)) => query,
            None | Some(Value::Null) => return Err("the query parameter is missing".into()),
            Some(_) => return Err("the query parameter must be a string".into()),
        };
        let operation_name = match operation_name {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) => Some(name),
            Some(_) => return Err("operationName must be a string".into()),
        };
        let variables = match variables {
            None | Some(Value::Null) => Variables::new(),
            Some(Value::Object(map)) => map
                .into_iter()
                .map(|(name, value)| {
                    serde_json::from_value::<InputValue<DefaultScalarValue>>(value)
                        .map(|value| (name, value))
                        .map_err(|_| "variables holds a value GraphQL cannot take".to_owned())
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err("variables must be a JSON object".into()),
        };
        match extensions {
            None | Some(Value::Null) | Some(Value::Object(_)) => {}
            Some(_) => return Err("extensions must be a JSON object".into()),
        }
        Ok(Self {
            query,
            operation_name,
            variables,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::GraphQLRequest;

    #[test]
    fn parameter_types_are_checked() {
        for bad in [
            r#"{}"#,
            r#"{"query":null}"#,
            r#"{"query":{}}"#,
            r#"{"query":true}"#,
            r#"{"query":["{ a }"]}"#,
            r#"{"query":"{ a }","operationName":1}"#,
            r#"{"query":"{ a }","variables":"{}"}"#,
            r#"{"query":"{ a }","variables":[]}"#,
            r#"{"query":"{ a }","extensions":"x"}"#,
            r#""{ a }""#,
            r#"{"query":"{ a }""#,
            "",
        ] {
            assert!(GraphQLRequest::from_json(bad.as_bytes()).is_err(), "{bad}");
        }
        let ok = GraphQLRequest::from_json(
            br#"{"query":"{ a }","operationName":null,"variables":{"x":[1,"y",null]},"extensions":{"k":1}}"#,
        )
        .unwrap();
        assert_eq!(ok.variables.len(), 1);
        for bad in [
            "",
            "operationName=x",
            "query=a&query=b",
            "query=a&variables=%7B",
            "query=a&variables=1",
        ] {
            assert!(GraphQLRequest::from_query_string(bad).is_err(), "{bad}");
        }
        let get = GraphQLRequest::from_query_string("query=%7Ba%7D&operationName=&x=1").unwrap();
        assert_eq!(get.operation_name, None);
    }
}
