//! GraphQL-over-HTTP request parameters from a GET query string or a POST JSON body.

use juniper::{DefaultScalarValue, InputValue, Variables};
use serde_json::Value;

use crate::graphql::DocumentHash;

/// A well-formed GraphQL-over-HTTP request: `query`, `operationName`, `variables`, and of
/// `extensions` Apollo's `persistedQuery: {"version": 1, "sha256Hash": "<64 hex digits>"}`
/// (other extensions are accepted and ignored). It has a `query`, a persisted-query hash, or
/// both.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphQLRequest {
    /// The document, unless the request names it only by its hash.
    pub query: Option<String>,
    /// The operation to run, when the document has several.
    pub operation_name: Option<String>,
    /// The variables' values.
    pub variables: Variables<DefaultScalarValue>,
    /// `extensions.persistedQuery.sha256Hash`: the document's SHA-256.
    pub persisted_query: Option<DocumentHash>,
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
    /// assert_eq!(request.query.as_deref(), Some("query Q($n:Int){users(limit:$n){name}}"));
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
        // A well-formed body is read straight into its types, variables included. Anything else
        // (a batch, a member of the wrong type, malformed JSON, a member given twice) is read
        // again as a JSON tree below, for the precise message and the same last-one-wins reading
        // of repeated members.
        // UTF-8 checked once for the whole body, not again for each string read from it.
        let text = std::str::from_utf8(body).ok();
        if let Some(Ok(members)) = text.map(serde_json::from_str::<Members>) {
            return Self::checked(
                members.query.map(Value::String),
                members.operation_name.map(Value::String),
                members.variables.unwrap_or_default(),
                members.extensions,
            );
        }
        Self::from_json_tree(body)
    }

    /// [`from_json`](Self::from_json) by way of a JSON tree.
    fn from_json_tree(body: &[u8]) -> Result<Self, String> {
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
        Self::checked(query, operation_name, variables, extensions)
    }

    /// Checks the members' types and reads the persisted-query extension.
    fn checked(
        query: Option<Value>,
        operation_name: Option<Value>,
        variables: Variables<DefaultScalarValue>,
        extensions: Option<Value>,
    ) -> Result<Self, Malformed> {
        let persisted_query = match extensions {
            None | Some(Value::Null) => None,
            Some(Value::Object(mut extensions)) => {
                persisted_query(extensions.remove("persistedQuery"))?
            }
            Some(_) => return Err("extensions must be a JSON object".into()),
        };
        let query = match query {
            Some(Value::String(query)) => Some(query),
            None | Some(Value::Null) if persisted_query.is_some() => None,
            None | Some(Value::Null) => return Err("the query parameter is missing".into()),
            Some(_) => return Err("the query parameter must be a string".into()),
        };
        let operation_name = match operation_name {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) => Some(name),
            Some(_) => return Err("operationName must be a string".into()),
        };
        Ok(Self {
            query,
            operation_name,
            variables,
            persisted_query,
        })
    }
}

/// A POST body's members as a well-formed request has them; other members are skipped unread.
#[derive(serde::Deserialize)]
struct Members {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<Variables<DefaultScalarValue>>,
    extensions: Option<Value>,
}

/// Apollo's `extensions.persistedQuery`: `{"version": 1, "sha256Hash": "<64 hex digits>"}`.
fn persisted_query(extension: Option<Value>) -> Result<Option<DocumentHash>, Malformed> {
    let mut extension = match extension {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(extension)) => extension,
        Some(_) => return Err("extensions.persistedQuery must be a JSON object".into()),
    };
    match extension.remove("version") {
        Some(version) if version == 1 => {}
        None => return Err("extensions.persistedQuery.version is missing (1)".into()),
        Some(_) => {
            return Err(
                "extensions.persistedQuery.version is not supported: only version 1".into(),
            );
        }
    }
    match extension.remove("sha256Hash") {
        Some(Value::String(hash)) => DocumentHash::from_hex(&hash)
            .map(Some)
            .map_err(|reason| format!("extensions.persistedQuery.sha256Hash: {reason}")),
        None => Err("extensions.persistedQuery.sha256Hash is missing".into()),
        Some(_) => Err("extensions.persistedQuery.sha256Hash must be a string".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::{DocumentHash, GraphQLRequest};

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

    #[test]
    fn bodies_read_straight_or_through_a_json_tree_are_the_same_request() {
        let hash = DocumentHash::of("{ a }");
        let well_formed = [
            r#"{"query":"{ a }"}"#.to_owned(),
            r#"{"query":"{ a }","operationName":null,"variables":null,"extensions":null}"#.to_owned(),
            r#"{"operationName":"A","query":"query A($x: Int) { a }","other":[1,{"b":2}]}"#.to_owned(),
            r#"{"query":"q","variables":{"i":1,"n":-7,"f":1.5,"e":1e3,"z":-0.0,"big":9007199254740993}}"#.to_owned(),
            r#"{"query":"q","variables":{"s":"x\u00e9\n\"","b":true,"nil":null,"l":[1,[2,"3"],{"k":null}],"o":{"a":{"b":[]}}}}"#.to_owned(),
            r#"{"query":"q","variables":{"x":1,"x":2}}"#.to_owned(),
            r#"{"query":"first","query":"second"}"#.to_owned(),
            r#"{"query":"{ a(x: \"é€𝄞\") }","variables":{"ü":"ß"}}"#.to_owned(),
            format!(r#"{{"extensions":{{"persistedQuery":{{"version":1,"sha256Hash":"{hash}"}}}}}}"#),
        ];
        let malformed = [
            r#"{"query":"{ a }","variables":[]}"#,
            r#"{"query":7}"#,
            r#"{"variables":{}}"#,
            r#"{"query":"{ a }","extensions":{"persistedQuery":{"version":2}}}"#,
            r#"[{"query":"{ a }"}]"#,
            r#"{"query":"{ a }""#,
        ];
        for body in &well_formed {
            let straight = GraphQLRequest::from_json(body.as_bytes());
            assert!(straight.is_ok(), "{body}: {straight:?}");
            assert_eq!(
                straight,
                GraphQLRequest::from_json_tree(body.as_bytes()),
                "{body}"
            );
        }
        for body in malformed {
            let straight = GraphQLRequest::from_json(body.as_bytes());
            assert!(straight.is_err(), "{body}: {straight:?}");
            assert_eq!(
                straight,
                GraphQLRequest::from_json_tree(body.as_bytes()),
                "{body}"
            );
        }
        // Not UTF-8 (a lone continuation byte, a truncated sequence): refused either way.
        for body in [&b"{\"query\":\"\x80\"}"[..], b"{\"query\":\"\xe2\x82\"}"] {
            let straight = GraphQLRequest::from_json(body);
            assert!(straight.is_err(), "{body:?}: {straight:?}");
            assert_eq!(straight, GraphQLRequest::from_json_tree(body), "{body:?}");
        }
        let escaped = GraphQLRequest::from_json(well_formed[4].as_bytes()).unwrap();
        assert_eq!(
            escaped.variables["s"],
            juniper::InputValue::scalar("x\u{e9}\n\"".to_owned())
        );
        // Repeated members: the last one, as a JSON tree reads them.
        let repeated = GraphQLRequest::from_json(br#"{"query":"first","query":"second"}"#);
        assert_eq!(repeated.unwrap().query.as_deref(), Some("second"));
    }

    #[test]
    fn persisted_queries_are_read_from_extensions() {
        let hash = DocumentHash::of("{ a }");
        let extension =
            |persisted: &str| format!(r#"{{"extensions":{{"persistedQuery":{persisted}}}}}"#);
        let sent = extension(&format!(r#"{{"version":1,"sha256Hash":"{hash}"}}"#));
        let request = GraphQLRequest::from_json(sent.as_bytes()).unwrap();
        assert_eq!((request.query, request.persisted_query), (None, Some(hash)));
        let get = format!(
            r#"extensions=%7B%22persistedQuery%22%3A%7B%22version%22%3A1%2C%22sha256Hash%22%3A%22{hash}%22%7D%7D"#
        );
        let request = GraphQLRequest::from_query_string(&get).unwrap();
        assert_eq!((request.query, request.persisted_query), (None, Some(hash)));
        // Absent or null: a plain request, which needs its query.
        for absent in [r#"{"extensions":{}}"#.to_owned(), extension("null")] {
            let error = GraphQLRequest::from_json(absent.as_bytes()).unwrap_err();
            assert_eq!(error, "the query parameter is missing");
        }
        let upper = hash.to_string().to_uppercase();
        for (persisted, expected) in [
            ("\"x\"".to_owned(), "must be a JSON object"),
            ("[]".to_owned(), "must be a JSON object"),
            ("1".to_owned(), "must be a JSON object"),
            (
                format!(r#"{{"sha256Hash":"{hash}"}}"#),
                "version is missing",
            ),
            (
                format!(r#"{{"version":2,"sha256Hash":"{hash}"}}"#),
                "only version 1",
            ),
            (
                format!(r#"{{"version":"1","sha256Hash":"{hash}"}}"#),
                "only version 1",
            ),
            (
                format!(r#"{{"version":1.5,"sha256Hash":"{hash}"}}"#),
                "only version 1",
            ),
            (r#"{"version":1}"#.to_owned(), "sha256Hash is missing"),
            (
                r#"{"version":1,"sha256Hash":7}"#.to_owned(),
                "must be a string",
            ),
            (
                r#"{"version":1,"sha256Hash":"abc"}"#.to_owned(),
                "64 hexadecimal digits, not 3",
            ),
            (
                format!(r#"{{"version":1,"sha256Hash":"{}"}}"#, &upper[..63]),
                "not 63",
            ),
            (
                format!(r#"{{"version":1,"sha256Hash":"{upper}0"}}"#),
                "not 65",
            ),
            (
                format!(r#"{{"version":1,"sha256Hash":"{}g"}}"#, &upper[..63]),
                "only hexadecimal",
            ),
        ] {
            let error = GraphQLRequest::from_json(extension(&persisted).as_bytes()).unwrap_err();
            assert!(error.contains(expected), "{persisted}: {error}");
        }
        let upper = extension(&format!(r#"{{"version":1,"sha256Hash":"{upper}"}}"#));
        let request = GraphQLRequest::from_json(upper.as_bytes()).unwrap();
        assert_eq!(request.persisted_query, Some(hash));
    }
}
