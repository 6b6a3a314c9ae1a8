//! The floor the in-process benches measure `execute` against: raw tokio-postgres running, on a
//! plain connection, prepared, outside any transaction and with no GraphQL, either the best
//! hand-written SQL for the same answer (the workload's, `floor_sql.rs`) or, where none is
//! written (`benches/graphql.rs`'s small blog), the statement `execute` sends
//! (`fraiseql::graphql::statement`). Its answer is relayed as `execute`'s is: PostgreSQL's
//! insignificant whitespace removed, wrapped in `{"data":…}`.

use criterion::BenchmarkGroup;
use criterion::measurement::WallTime;
use fraiseql::graphql::{Context, Schema, execute, statement};
use fraiseql_sql::Param;
use juniper::Variables;

/// Hand-written SQL for an operation's answer, and its parameters.
pub struct HandWritten<'a> {
    pub sql: &'a str,
    pub params: Vec<Param>,
    /// Whether the answer's lists have a defined order; if not, answers are compared as sets.
    pub ordered: bool,
}

/// One operation's floor statement, prepared on a plain connection.
pub struct Floor {
    params: Vec<Param>,
    prepared: tokio_postgres::Statement,
}

impl Floor {
    /// Prepares the floor of `query` on `client` (`hand_written`, or else `execute`'s own
    /// statement), after checking that its answer is exactly `execute`'s body (as sets when the
    /// order is not defined): a floor that answered something else would measure nothing.
    pub async fn checked(
        name: &str,
        schema: &Schema,
        query: &str,
        variables: &Variables,
        context: &Context,
        client: &tokio_postgres::Client,
        hand_written: Option<HandWritten<'_>>,
    ) -> Floor {
        let body = execute(schema, query, None, variables, context)
            .await
            .into_body();
        let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert!(answer.get("errors").is_none(), "{name}: {body}");
        let (sql, params, ordered) = match hand_written {
            Some(HandWritten {
                sql,
                params,
                ordered,
            }) => (sql.to_owned(), params, ordered),
            None => {
                let (sql, params) = statement(schema, query, None, variables, context.database())
                    .expect("a statement")
                    .into_parts();
                (sql, params, true)
            }
        };
        let prepared = client.prepare(&sql).await.expect("prepare");
        let floor = Floor { params, prepared };
        let relayed = floor.run(client).await;
        if ordered {
            assert_eq!(
                relayed, body,
                "{name}: execute and the floor answer the same bytes"
            );
        } else {
            let relayed: serde_json::Value = serde_json::from_str(&relayed).expect("JSON");
            assert_eq!(
                sorted(relayed),
                sorted(answer),
                "{name}: execute and the floor answer the same sets"
            );
        }
        floor
    }

    /// Runs the statement: the response body, `{"data":…}`.
    pub async fn run(&self, client: &tokio_postgres::Client) -> String {
        let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = self
            .params
            .iter()
            .map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync))
            .collect();
        let row = client
            .query_one(&self.prepared, &params)
            .await
            .expect("the floor's statement");
        relay(row.get(0))
    }
}

/// PostgreSQL's `json` text as a response body: `{"data":…}`, compacted as fraiseql relays it.
pub fn relay(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 9);
    out.push_str("{\"data\":");
    compact_into(json, &mut out);
    out.push('}');
    out
}

/// `json` without insignificant whitespace (`benches/http` compares every server's answer so).
#[allow(dead_code)]
pub fn compacted(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    compact_into(json, &mut out);
    out
}

/// Removes the spaces PostgreSQL's `json` output puts around `:` and `,` in one pass over the
/// bytes, leaving strings untouched (fraiseql's own loop).
fn compact_into(json: &str, out: &mut String) {
    let bytes = json.as_bytes();
    let (mut in_string, mut escaped, mut run_start) = (false, false, 0);
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
            // ASCII bytes never occur inside a multi-byte character: `i` is a boundary.
            out.push_str(&json[run_start..i]);
            run_start = i + 1;
        }
    }
    out.push_str(&json[run_start..]);
}

/// `value` with every list sorted (for answers whose lists have no defined order).
pub fn sorted(mut value: serde_json::Value) -> serde_json::Value {
    fn sort(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => map.values_mut().for_each(sort),
            serde_json::Value::Array(items) => {
                items.iter_mut().for_each(sort);
                items.sort_by_key(|v| v.to_string());
            }
            _ => {}
        }
    }
    sort(&mut value);
    value
}

/// What a bench needs to time `execute` against the floor.
pub struct Setup<'a> {
    pub runtime: &'a tokio::runtime::Runtime,
    pub schema: &'a Schema,
    pub context: &'a Context,
    pub client: &'a tokio_postgres::Client,
}

impl Setup<'_> {
    /// Times `query` twice in `group`, after [`Floor::checked`]: through `execute`, and as its
    /// floor (`hand_written`, or else `execute`'s own statement).
    pub fn execute_and_floor(
        &self,
        group: &mut BenchmarkGroup<'_, WallTime>,
        name: &str,
        query: &str,
        variables: &Variables,
        hand_written: Option<HandWritten<'_>>,
    ) {
        let Setup {
            runtime,
            schema,
            context,
            client,
        } = *self;
        let label = match hand_written {
            Some(_) => "floor (raw tokio-postgres, hand-written SQL)",
            None => "floor (raw tokio-postgres, same SQL)",
        };
        let floor = runtime.block_on(Floor::checked(
            name,
            schema,
            query,
            variables,
            context,
            client,
            hand_written,
        ));
        group.bench_function(format!("{name}: fraiseql execute"), |b| {
            b.to_async(runtime)
                .iter(|| execute(schema, query, None, variables, context))
        });
        group.bench_function(format!("{name}: {label}"), |b| {
            b.to_async(runtime).iter(|| floor.run(client))
        });
    }
}
