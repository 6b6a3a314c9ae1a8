//! Both HTTP adapters on an ephemeral port, answering real HTTP requests from a real PostgreSQL:
//! queries, variables, operationName, GET, the context hook, and every refusal with its status,
//! content type and `extensions.code`.

mod support;

use std::time::Duration;

use support::{
    ACCEPT_GRAPHQL_RESPONSE, ADAPTERS, GRAPHQL_RESPONSE, JSON, encode, expect, get, post, raw,
    refused, serve,
};

const TWO_OPERATIONS: &str = "query Users($n: Int) { users(limit: $n, orderBy: [{field: NAME, direction: ASC}]) { name } } query Posts { posts(limit: 1) { title } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_runs_the_named_operation_with_its_variables() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        let body = serde_json::json!({
            "query": TWO_OPERATIONS, "operationName": "Users", "variables": {"n": 2}, "extensions": {}
        })
        .to_string();
        let reply = post(&served, &[], &body).await;
        expect(adapter, &reply, 200, JSON);
        assert_eq!(
            reply.body, r#"{"data":{"users":[{"name":"Ada Lovelace"},{"name":"Alan Turing"}]}}"#,
            "{adapter:?}"
        );
        // The response type follows Accept; the body is the same bytes.
        let preferred = post(
            &served,
            &["Accept: application/json;q=0.5, application/graphql-response+json"],
            &body,
        )
        .await;
        expect(adapter, &preferred, 200, GRAPHQL_RESPONSE);
        assert_eq!(preferred.body, reply.body, "{adapter:?}");
        // Nested documents: a post with its author and comments, in one statement.
        let nested = post(
            &served,
            &[],
            r#"{"query":"{ post(identifier: \"post-2\") { title author { name } comments { content author { name } } } }"}"#,
        )
        .await;
        expect(adapter, &nested, 200, JSON);
        let post = &nested.json()["data"]["post"];
        assert_eq!(post["title"], "Keyset pages #2", "{adapter:?}");
        assert_eq!(post["author"]["name"], "Grace Hopper", "{adapter:?}");
        assert_eq!(
            post["comments"].as_array().map(Vec::len),
            Some(3),
            "{adapter:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_runs_queries_from_the_query_string() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        let path = format!(
            "/graphql?query={}&operationName=Users&variables={}",
            encode(TWO_OPERATIONS),
            encode(r#"{"n":3}"#)
        );
        let reply = get(&served, &path, &[ACCEPT_GRAPHQL_RESPONSE]).await;
        expect(adapter, &reply, 200, GRAPHQL_RESPONSE);
        assert_eq!(
            reply.body,
            r#"{"data":{"users":[{"name":"Ada Lovelace"},{"name":"Alan Turing"},{"name":"Barbara Liskov"}]}}"#,
            "{adapter:?}"
        );
        // No Accept header: application/json.
        let plain = get(
            &served,
            &format!(
                "/graphql?query={}",
                encode("{ posts(limit: 1) { identifier } }")
            ),
            &[],
        )
        .await;
        expect(adapter, &plain, 200, JSON);
        assert_eq!(
            plain.body, r#"{"data":{"posts":[{"identifier":"post-23"}]}}"#,
            "{adapter:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutations_over_get_are_405() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        for query in [
            "mutation { createUser { id } }",
            "query Q { users { name } } mutation M { x }&operationName=M",
        ] {
            let (query, rest) = query.split_once('&').unwrap_or((query, ""));
            let path = format!("/graphql?query={}&{rest}", encode(query));
            for (accept, content_type) in [
                (ACCEPT_GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
                ("Accept: application/json", JSON),
            ] {
                let reply = get(&served, &path, &[accept]).await;
                refused(adapter, &reply, 405, content_type, "METHOD_NOT_ALLOWED");
                assert_eq!(reply.header("allow"), Some("POST"), "{adapter:?}");
            }
        }
        // Other methods on the GraphQL path.
        let reply = raw(
            served.addr,
            "PUT /graphql HTTP/1.1\r\nContent-Length: 0",
            b"",
        )
        .await;
        refused(adapter, &reply, 405, JSON, "METHOD_NOT_ALLOWED");
        assert_eq!(reply.header("allow"), Some("GET, POST"), "{adapter:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_400() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        for (body, needle) in [
            (r#"{"query": "{ users { name } }""#, "not valid JSON"),
            (r#"{"variables": {}}"#, "missing"),
            (r#"{"query": 7}"#, "must be a string"),
            (
                r#"{"query": "{ users { name } }", "variables": "n=1"}"#,
                "variables",
            ),
            (
                r#"{"query": "{ users { name } }", "operationName": 1}"#,
                "operationName",
            ),
            (
                r#"[{"query": "{ users { name } }"}]"#,
                "batched requests are not supported",
            ),
            (r#""{ users { name } }""#, "object"),
        ] {
            for (accept, content_type) in [
                (ACCEPT_GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
                ("Accept: application/json", JSON),
            ] {
                let reply = post(&served, &[accept], body).await;
                refused(adapter, &reply, 400, content_type, "BAD_REQUEST");
                let message = reply.json()["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .to_owned();
                assert!(message.contains(needle), "{adapter:?} {body}: {message}");
            }
        }
        let reply = get(&served, "/graphql", &[]).await;
        refused(adapter, &reply, 400, JSON, "BAD_REQUEST");
        let reply = get(
            &served,
            "/graphql?query=%7Busers%7Bname%7D%7D&variables=%7Bbroken",
            &[],
        )
        .await;
        refused(adapter, &reply, 400, JSON, "BAD_REQUEST");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_errors_are_400_or_200_by_response_type() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        for (body, code) in [
            (
                serde_json::json!({"query": TWO_OPERATIONS, "operationName": "Nope"}),
                "OPERATION_RESOLUTION_FAILURE",
            ),
            (
                serde_json::json!({"query": TWO_OPERATIONS}),
                "OPERATION_RESOLUTION_FAILURE",
            ),
            (
                serde_json::json!({"query": "{ users { "}),
                "GRAPHQL_PARSE_FAILED",
            ),
            (
                serde_json::json!({"query": "{ users { password } }"}),
                "GRAPHQL_VALIDATION_FAILED",
            ),
            (
                serde_json::json!({"query": TWO_OPERATIONS, "operationName": "Users", "variables": {"n": "two"}}),
                "BAD_USER_INPUT",
            ),
            // Over the default limits: 11 root fields; a 70 KB document.
            (
                serde_json::json!({"query": format!("{{ {} }}", (0..11).map(|i| format!("a{i}: __typename")).collect::<Vec<_>>().join(" "))}),
                "TOO_MANY_ROOT_FIELDS",
            ),
            (
                serde_json::json!({"query": format!("{{ users {{ name }} }}{}", " ".repeat(70_000))}),
                "DOCUMENT_TOO_LARGE",
            ),
        ] {
            let body = body.to_string();
            let strict = post(&served, &[ACCEPT_GRAPHQL_RESPONSE], &body).await;
            refused(adapter, &strict, 400, GRAPHQL_RESPONSE, code);
            let legacy = post(&served, &["Accept: application/json"], &body).await;
            refused(adapter, &legacy, 200, JSON, code);
            assert_eq!(strict.body, legacy.body, "{adapter:?}");
        }
        // Over GET, a document over the token limit is refused unparsed, as over POST.
        let many = format!("{{ {} }}", "__typename ".repeat(5_000));
        let path = format!("/graphql?query={}", encode(&many));
        let reply = get(&served, &path, &[ACCEPT_GRAPHQL_RESPONSE]).await;
        refused(adapter, &reply, 400, GRAPHQL_RESPONSE, "TOO_MANY_TOKENS");
        assert_eq!(reply.json()["errors"][0]["extensions"]["tokens"], 5_002);
        // A field error during execution still has data: 200 under both types.
        let reply = post(
            &served,
            &[ACCEPT_GRAPHQL_RESPONSE],
            r#"{"query":"{ users(where: {name: {matches: \"(\"}}) { name } }"}"#,
        )
        .await;
        expect(adapter, &reply, 200, GRAPHQL_RESPONSE);
        assert!(reply.json().get("data").is_some(), "{adapter:?}: {reply:?}");
        assert_eq!(reply.code(), "BAD_USER_INPUT", "{adapter:?}");
        assert!(
            !reply.body.contains("SELECT"),
            "{adapter:?}: SQL leaked: {}",
            reply.body
        );
    }
}

/// With introspection disabled, `__schema` and `__type` are refused like a validation error
/// (400 or 200 by response type, `INTROSPECTION_DISABLED`), over POST and GET; `__typename`
/// and data are still served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabled_introspection_is_refused_and_typename_served() {
    use fraiseql::graphql::Introspection;
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e.introspection(Introspection::Disabled)).await;
        for query in [
            "{ __schema { types { name } } }",
            r#"{ __type(name: "User") { name } }"#,
        ] {
            let body = serde_json::json!({ "query": query }).to_string();
            let strict = post(&served, &[ACCEPT_GRAPHQL_RESPONSE], &body).await;
            refused(
                adapter,
                &strict,
                400,
                GRAPHQL_RESPONSE,
                "INTROSPECTION_DISABLED",
            );
            let legacy = post(&served, &["Accept: application/json"], &body).await;
            refused(adapter, &legacy, 200, JSON, "INTROSPECTION_DISABLED");
            let path = format!("/graphql?query={}", encode(query));
            let reply = get(&served, &path, &[ACCEPT_GRAPHQL_RESPONSE]).await;
            refused(
                adapter,
                &reply,
                400,
                GRAPHQL_RESPONSE,
                "INTROSPECTION_DISABLED",
            );
        }
        let body = r#"{"query":"{ __typename posts(limit: 1) { __typename title } }"}"#;
        let reply = post(&served, &[ACCEPT_GRAPHQL_RESPONSE], body).await;
        expect(adapter, &reply, 200, GRAPHQL_RESPONSE);
        let json = reply.json();
        assert_eq!(json["data"]["__typename"], "Query", "{adapter:?}: {json}");
        assert_eq!(
            json["data"]["posts"][0]["__typename"], "Post",
            "{adapter:?}: {json}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_media_types_are_415_and_406() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        let body = r#"{"query":"{ users { name } }"}"#;
        for content_type in [
            Some("text/plain"),
            Some("application/graphql"),
            Some("application/x-www-form-urlencoded"),
            Some("application/json; charset=utf-16"),
            None,
        ] {
            let mut head = format!(
                "POST /graphql HTTP/1.1\r\nContent-Length: {}\r\n{ACCEPT_GRAPHQL_RESPONSE}",
                body.len()
            );
            if let Some(content_type) = content_type {
                head.push_str(&format!("\r\nContent-Type: {content_type}"));
            }
            let reply = raw(served.addr, &head, body.as_bytes()).await;
            refused(
                adapter,
                &reply,
                415,
                GRAPHQL_RESPONSE,
                "UNSUPPORTED_MEDIA_TYPE",
            );
        }
        let charset = post(&served, &["Accept: application/json"], body).await;
        expect(adapter, &charset, 200, JSON);
        let reply = post(&served, &["Accept: text/html"], body).await;
        refused(adapter, &reply, 406, JSON, "NOT_ACCEPTABLE");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_413() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e.body_limit(1024)).await;
        let big = format!(
            r#"{{"query":"{{ users {{ name }} }}","variables":{{"pad":"{}"}}}}"#,
            "x".repeat(2000)
        );
        let reply = post(&served, &[ACCEPT_GRAPHQL_RESPONSE], &big).await;
        refused(adapter, &reply, 413, GRAPHQL_RESPONSE, "PAYLOAD_TOO_LARGE");
        // Without Content-Length (chunked), the limit applies while reading.
        let chunked = format!("{:x}\r\n{big}\r\n0\r\n\r\n", big.len());
        let reply = raw(
            served.addr,
            "POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
            chunked.as_bytes(),
        )
        .await;
        refused(adapter, &reply, 413, JSON, "PAYLOAD_TOO_LARGE");
        // Just under the limit is served.
        let small = format!(
            r#"{{"query":"{{ posts(limit: 1) {{ identifier }} }}","variables":{{"pad":"{}"}}}}"#,
            "x".repeat(900)
        );
        let reply = post(&served, &[], &small).await;
        expect(adapter, &reply, 200, JSON);
        assert_eq!(
            reply.body, r#"{"data":{"posts":[{"identifier":"post-23"}]}}"#,
            "{adapter:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_context_hook_sees_headers_and_middleware_extensions() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e).await;
        let query = r#"{"query":"{ probes { tenant user slept } }"}"#;
        let reply = post(
            &served,
            &["X-Tenant-Id: acme", "Authorization: Bearer ada"],
            query,
        )
        .await;
        expect(adapter, &reply, 200, JSON);
        assert_eq!(
            reply.body, r#"{"data":{"probes":[{"tenant":"acme","user":"ada","slept":true}]}}"#,
            "{adapter:?}"
        );
        // Settings are transaction-local: the next request on the pool sees none of them.
        let reply = post(&served, &[], query).await;
        assert_eq!(
            reply.body, r#"{"data":{"probes":[{"tenant":null,"user":null,"slept":true}]}}"#,
            "{adapter:?}"
        );
        let reply = post(&served, &[ACCEPT_GRAPHQL_RESPONSE, "X-Deny: 1"], query).await;
        refused(adapter, &reply, 403, GRAPHQL_RESPONSE, "FORBIDDEN");
        let reply = get(
            &served,
            &format!("/graphql?query={}", encode("{ probes { tenant } }")),
            &["X-Deny: 1"],
        )
        .await;
        refused(adapter, &reply, 403, JSON, "FORBIDDEN");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_requests_time_out_with_504() {
    for adapter in ADAPTERS {
        let served = serve(adapter, |e| e.timeout(Duration::from_millis(300))).await;
        let query = r#"{"query":"{ probes { slept } }"}"#;
        let started = std::time::Instant::now();
        let reply = post(&served, &[ACCEPT_GRAPHQL_RESPONSE, "X-Sleep: 3"], query).await;
        refused(adapter, &reply, 504, GRAPHQL_RESPONSE, "TIMEOUT");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{adapter:?}: {:?}",
            started.elapsed()
        );
        // The abandoned statement is cancelled, not left sleeping its 3 s out.
        let client = served.db.connect().await.unwrap();
        let active = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()";
        while client
            .query_one(active, &[])
            .await
            .unwrap()
            .get::<_, i64>(0)
            > 0
        {
            assert!(
                started.elapsed() < Duration::from_millis(2500),
                "{adapter:?}: the statement still runs"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let reply = post(&served, &[], query).await;
        expect(adapter, &reply, 200, JSON);
        assert_eq!(
            reply.body, r#"{"data":{"probes":[{"slept":true}]}}"#,
            "{adapter:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_page_and_local_assets() {
    let modules = support::blog::install_graphiql().expect("npm installs GraphiQL's assets");
    for adapter in ADAPTERS {
        let graphiql = fraiseql::http::GraphiQL::new("/explore")
            .assets_from(&modules)
            .unwrap();
        let served = serve(adapter, |e| e.path("/api/graphql").graphiql(graphiql)).await;
        let page = get(&served, "/explore", &["Accept: text/html"]).await;
        expect(adapter, &page, 200, "text/html; charset=utf-8");
        assert!(page.body.contains(r#"url: "/api/graphql""#), "{adapter:?}");
        assert!(
            page.body
                .contains(r#"<script src="/explore/assets/graphiql.min.js">"#),
            "{adapter:?}"
        );
        assert!(
            !page.body.contains("https://"),
            "{adapter:?}: a CDN reference in {}",
            page.body
        );
        for (name, content_type, file) in [
            (
                "graphiql.min.js",
                "text/javascript; charset=utf-8",
                "graphiql/graphiql.min.js",
            ),
            (
                "graphiql.min.css",
                "text/css; charset=utf-8",
                "graphiql/graphiql.min.css",
            ),
            (
                "react.production.min.js",
                "text/javascript; charset=utf-8",
                "react/umd/react.production.min.js",
            ),
            (
                "react-dom.production.min.js",
                "text/javascript; charset=utf-8",
                "react-dom/umd/react-dom.production.min.js",
            ),
        ] {
            let asset = get(&served, &format!("/explore/assets/{name}"), &[]).await;
            expect(adapter, &asset, 200, content_type);
            assert_eq!(
                asset.body.len(),
                std::fs::metadata(modules.join(file)).unwrap().len() as usize,
                "{adapter:?} {name}"
            );
        }
        let missing = get(&served, "/explore/assets/secrets.txt", &[]).await;
        assert_eq!(missing.status, 404, "{adapter:?}");
        let moved = get(
            &served,
            &format!(
                "/api/graphql?query={}",
                encode("{ posts(limit: 1) { identifier } }")
            ),
            &[],
        )
        .await;
        expect(adapter, &moved, 200, JSON);
        assert_eq!(
            get(&served, "/graphql?query=%7Busers%7Bname%7D%7D", &[])
                .await
                .status,
            404,
            "{adapter:?}"
        );
    }
}
