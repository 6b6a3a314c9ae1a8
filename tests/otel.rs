//! OpenTelemetry export, end to end: a real OTLP/HTTP receiver in this process (an axum server
//! decoding the protobuf `ExportTraceServiceRequest` the exporter posts to `/v1/traces`)
//! receives the spans of requests served by both adapters, each sent with a W3C `traceparent`.
//! Checked: the span tree (`graphql.request` → its phases → `db.query`), the request span's
//! parent and trace from `traceparent`, the error attributes of a failing request
//! (`extensions.code`, SQLSTATE), a mutation field's span, and that no variable's value appears
//! in any attribute or event of any span.

mod support;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use fraiseql::Database;
use fraiseql::http::Endpoint;
use fraiseql_tempdb::TestDb;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::trace::v1::{Span, status};
use prost::Message as _;
use support::{Adapter, blog};

/// Values sent as variables: none may appear in any exported attribute.
const SECRETS: [&str; 4] = [
    "zz-secret-title",
    "(zz-secret-pattern",
    "zz-secret-identifier",
    "zz-secret@example.com",
];

const Q3: &str = "query Q3($first: Int!, $title: String!) { posts(limit: $first, where: {title: {neq: $title}}, orderBy: [{field: IDENTIFIER}]) { title author { name } comments { content author { name } } } }";
const FAILING: &str =
    "query Failing($pattern: String!) { users(where: {name: {matches: $pattern}}) { name } }";
const CREATE: &str = "mutation Create($input: CreateUserInput!) { createUser(input: $input) { __typename ... on CreateUserError { code } } }";

/// The spans the receiver was sent.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<Span>>>);

/// An OTLP/HTTP receiver: `POST /v1/traces` with a protobuf body.
async fn receiver() -> (SocketAddr, Received) {
    let received = Received::default();
    let store = received.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |body: axum::body::Bytes| {
            let store = store.clone();
            async move {
                let request = ExportTraceServiceRequest::decode(body).expect("an OTLP request");
                let mut spans = store.0.lock().unwrap();
                for resource in request.resource_spans {
                    for scope in resource.scope_spans {
                        spans.extend(scope.spans);
                    }
                }
                // An empty ExportTraceServiceResponse.
                (
                    [("content-type", "application/x-protobuf")],
                    Vec::<u8>::new(),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, received)
}

/// The blog, with its mutations, on a fresh database.
async fn blog_database() -> (TestDb, Database) {
    let db = TestDb::new().await.expect("a test database");
    for script in [
        blog::SCHEMA,
        fraiseql::MUTATION_RESULT_SQL,
        blog::MUTATIONS,
        blog::SEED,
    ] {
        db.execute_script(script).await.expect("the blog");
    }
    let database = Database::connect(db.config(), 4).expect("a pool");
    (db, database)
}

/// Serves `endpoint` with `adapter`; the returned function stops the server.
async fn serve(adapter: Adapter, endpoint: Endpoint) -> (SocketAddr, Box<dyn FnOnce() + Send>) {
    match adapter {
        Adapter::Axum => {
            let app: axum::Router = fraiseql::axum::GraphQL::new(endpoint).router();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
            (addr, Box::new(move || task.abort()))
        }
        Adapter::Actix => {
            let graphql = fraiseql::actix::GraphQL::new(endpoint);
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = listener.local_addr().unwrap();
            let server = actix_web::HttpServer::new(move || {
                actix_web::App::new().configure(|config| graphql.configure(config))
            })
            .workers(1)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run();
            let handle = server.handle();
            tokio::spawn(server);
            (addr, Box::new(move || drop(handle.stop(false))))
        }
    }
}

/// POSTs `query` with `variables` and a `traceparent` naming `trace_id` and `parent_id`.
async fn send(
    addr: SocketAddr,
    query: &str,
    variables: serde_json::Value,
    trace_id: &str,
    parent_id: &str,
) -> serde_json::Value {
    let body = serde_json::json!({ "query": query, "variables": variables }).to_string();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         traceparent: 00-{trace_id}-{parent_id}-01\r\ntracestate: vendor=zz",
        body.len()
    );
    let reply = support::raw(addr, &head, body.as_bytes()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn text(value: &Option<AnyValue>) -> String {
    match value.as_ref().and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    (span.attributes.iter())
        .find(|kv| kv.key == key)
        .map(|kv| text(&kv.value))
}

/// Every attribute of the span and of its events.
fn all_attributes(span: &Span) -> impl Iterator<Item = &KeyValue> {
    (span.attributes.iter()).chain(span.events.iter().flat_map(|e| e.attributes.iter()))
}

/// The spans of one trace, by name.
struct Trace<'s> {
    spans: Vec<&'s Span>,
}

impl<'s> Trace<'s> {
    fn new(all: &'s [Span], trace_id: &str) -> Self {
        let spans: Vec<&Span> = all
            .iter()
            .filter(|s| hex(&s.trace_id) == trace_id)
            .collect();
        assert!(!spans.is_empty(), "no span of trace {trace_id}");
        Self { spans }
    }

    fn named(&self, name: &str) -> Vec<&'s Span> {
        (self.spans.iter().copied())
            .filter(|s| s.name == name)
            .collect()
    }

    fn one(&self, name: &str) -> &'s Span {
        let found = self.named(name);
        assert_eq!(found.len(), 1, "{name}: {:?}", self.names());
        found[0]
    }

    fn names(&self) -> Vec<&str> {
        self.spans.iter().map(|s| s.name.as_str()).collect()
    }

    /// The request span, checked to be the child of the caller's span.
    fn request(&self, parent_id: &str) -> &'s Span {
        let request = self.one("graphql.request");
        assert_eq!(hex(&request.parent_span_id), parent_id, "the caller's span");
        request
    }

    fn children_of(&self, parent: &Span) -> Vec<&'s str> {
        let mut names: Vec<&str> = (self.spans.iter())
            .filter(|s| s.parent_span_id == parent.span_id)
            .map(|s| s.name.as_str())
            .collect();
        names.sort_unstable();
        names
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_reach_an_otlp_receiver_with_the_callers_parent() {
    let (receiver, received) = receiver().await;
    let guard = fraiseql::trace::otel::Otel::named(&format!("http://{receiver}"), "otel-test")
        .expect("the exporter")
        .install()
        .expect("the global subscriber");
    let (_db, database) = blog_database().await;

    let mut traces = Vec::new();
    for (n, adapter) in support::ADAPTERS.into_iter().enumerate() {
        // A schema of its own: its plan cache is empty.
        let endpoint = Endpoint::new(blog::schema(), database.clone());
        let (addr, stop) = serve(adapter, endpoint).await;
        let id = move |kind: u8| {
            (
                format!("{:02x}{:030x}", kind, n + 1),
                format!("{:016x}", 0xab00 + kind as usize),
            )
        };
        let variables = serde_json::json!({ "first": 3, "title": SECRETS[0] });
        // Twice: the second finds its plan and its statement in the caches.
        for kind in [1, 2] {
            let (trace, parent) = id(kind);
            let answer = send(addr, Q3, variables.clone(), &trace, &parent).await;
            assert_eq!(
                answer["data"]["posts"].as_array().unwrap().len(),
                3,
                "{answer}"
            );
        }
        let (trace, parent) = id(3);
        let failing = serde_json::json!({ "pattern": SECRETS[1] });
        let answer = send(addr, FAILING, failing, &trace, &parent).await;
        assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        let (trace, parent) = id(4);
        let input = serde_json::json!({ "input": {
            "identifier": SECRETS[2], "name": "Someone", "email": SECRETS[3] } });
        let answer = send(addr, CREATE, input, &trace, &parent).await;
        assert_eq!(
            answer["data"]["createUser"]["__typename"],
            "CreateUserError"
        );
        stop();
        traces.push((adapter, id));
    }
    let _guard = tokio::task::spawn_blocking(move || {
        guard.flush();
        guard
    })
    .await
    .unwrap();

    let spans = received.0.lock().unwrap().clone();
    for (adapter, id) in traces {
        let check = |kind| {
            let (trace_id, parent_id) = id(kind);
            let trace = Trace::new(&spans, &trace_id);
            let request = trace.request(&parent_id);
            (trace, request)
        };
        // Q3: request → validate, compile, db.query, response.
        for kind in [1, 2] {
            let (trace, request) = check(kind);
            assert_eq!(
                trace.children_of(request),
                [
                    "db.query",
                    "graphql.compile",
                    "graphql.response",
                    "graphql.validate"
                ],
                "{adapter:?}"
            );
            let attr = |name| attribute(request, name);
            assert_eq!(attr("graphql.operation.name").as_deref(), Some("Q3"));
            assert_eq!(attr("graphql.operation.type").as_deref(), Some("query"));
            assert_eq!(attr("graphql.document"), None, "only when enabled");
            assert_eq!(attr("error.type"), None);
            let db = trace.one("db.query");
            assert_eq!(attribute(db, "db.system").as_deref(), Some("postgresql"));
            assert_eq!(
                attribute(db, "db.system.name").as_deref(),
                Some("postgresql")
            );
            let hash = attribute(db, "fraiseql.statement.hash").unwrap();
            assert_eq!(hash.len(), 16, "{hash}");
            let hit = (kind == 2).to_string();
            let validate = trace.one("graphql.validate");
            assert_eq!(
                attribute(validate, "fraiseql.plan_cache.hit"),
                Some(hit.clone())
            );
            let compile = trace.one("graphql.compile");
            assert_eq!(
                attribute(compile, "fraiseql.statement_cache.hit"),
                Some(hit)
            );
        }
        // The failing request: its code on the request, SQLSTATE on the round trip.
        let (trace, request) = check(3);
        assert_eq!(
            attribute(request, "error.type").as_deref(),
            Some("BAD_USER_INPUT")
        );
        let failed = status::StatusCode::Error as i32;
        assert_eq!(request.status.as_ref().map(|s| s.code), Some(failed));
        let db = trace.one("db.query");
        assert_eq!(
            attribute(db, "db.response.status_code").as_deref(),
            Some("2201B")
        );
        assert_eq!(
            attribute(db, "error.type").as_deref(),
            Some("BAD_USER_INPUT")
        );
        assert_eq!(db.status.as_ref().map(|s| s.code), Some(failed));
        // The mutation: request → mutation field → db.query.
        let (trace, request) = check(4);
        assert_eq!(
            attribute(request, "graphql.operation.type").as_deref(),
            Some("mutation")
        );
        let mutation = trace.one("graphql.mutation");
        assert_eq!(
            attribute(mutation, "graphql.field.name").as_deref(),
            Some("createUser")
        );
        assert_eq!(
            attribute(mutation, "fraiseql.mutation.function").as_deref(),
            Some("\"fn_create_user\""), // as SQL names it
        );
        assert_eq!(trace.children_of(mutation), ["db.query"], "{adapter:?}");
    }
    // No value a client sent as a variable, anywhere.
    for span in &spans {
        for kv in all_attributes(span) {
            let value = text(&kv.value);
            for secret in SECRETS {
                assert!(
                    !value.contains(secret),
                    "{}: {} = {value}",
                    span.name,
                    kv.key
                );
            }
        }
    }
}
