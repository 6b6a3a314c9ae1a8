//! The floor the in-process benches measure `execute` against: raw tokio-postgres running the
//! statement `execute` sends (`fraiseql::graphql::statement`), prepared, outside any
//! transaction, with no GraphQL.

use criterion::BenchmarkGroup;
use criterion::measurement::WallTime;
use fraiseql::graphql::{Context, Schema, execute, statement};
use fraiseql_sql::Statement;
use juniper::Variables;

/// One operation's statement, prepared on a plain connection.
pub struct Floor {
    statement: Statement,
    prepared: tokio_postgres::Statement,
}

impl Floor {
    /// Prepares `query`'s statement on `client`, after checking that its answer is exactly the
    /// `data` of `execute`'s (a floor that answered something else would measure nothing).
    pub async fn checked(
        name: &str,
        schema: &Schema,
        query: &str,
        variables: &Variables,
        context: &Context,
        client: &tokio_postgres::Client,
    ) -> Floor {
        let body = execute(schema, query, None, variables, context)
            .await
            .into_body();
        let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert!(answer.get("errors").is_none(), "{name}: {body}");
        let statement =
            statement(schema, query, None, variables, context.database()).expect("a statement");
        let prepared = client.prepare(statement.sql()).await.expect("prepare");
        let floor = Floor {
            statement,
            prepared,
        };
        let expected: serde_json::Value =
            serde_json::from_str(&floor.run(client).await).expect("JSON");
        assert_eq!(answer["data"], expected, "{name}: execute and floor agree");
        floor
    }

    /// Runs the statement: the answer's `data` as JSON text.
    pub async fn run(&self, client: &tokio_postgres::Client) -> String {
        client
            .query_one(&self.prepared, &self.statement.params_ref())
            .await
            .expect("the floor's statement")
            .get(0)
    }
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
    /// floor.
    pub fn execute_and_floor(
        &self,
        group: &mut BenchmarkGroup<'_, WallTime>,
        name: &str,
        query: &str,
        variables: &Variables,
    ) {
        let Setup {
            runtime,
            schema,
            context,
            client,
        } = *self;
        let floor = runtime.block_on(Floor::checked(
            name, schema, query, variables, context, client,
        ));
        group.bench_function(format!("{name}: fraiseql execute"), |b| {
            b.to_async(runtime)
                .iter(|| execute(schema, query, None, variables, context))
        });
        group.bench_function(
            format!("{name}: floor (raw tokio-postgres, same SQL)"),
            |b| b.to_async(runtime).iter(|| floor.run(client)),
        );
    }
}
