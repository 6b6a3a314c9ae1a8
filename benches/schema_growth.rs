//! Per-request cost as the schema grows: the same operations on the blog schema alone and with
//! 50 and 200 more entity types (each with its root fields, filters, orders and connection):
//! - `statement`: compile an operation with variables (no cache can hold its SQL) from its
//!   cached parse, no database; and with the plan cache off, parse and validate too;
//! - `execute`: Q1 end to end in process (plan cache, one round trip).
//!
//! Run with `cargo bench --bench schema_growth`.

use criterion::{Criterion, criterion_group, criterion_main};
use fraiseql::graphql::{Context, Schema, SchemaBuilder, execute, statement};
use fraiseql::{Database, FraiseType, RequestContext};
use fraiseql_tempdb::TestDb;
use juniper::Variables;

#[path = "../fraiseql/tests/support/mod.rs"]
mod support;
use support::{BLOG, Post, User};

/// Declares entity types shaped like the blog's users, and a function adding the first `n` of
/// them to a schema.
macro_rules! extra_types {
    ($($name:ident)*) => {
        $(
            #[derive(FraiseType)]
            #[fraiseql(view = "tv_user")]
            #[allow(dead_code)]
            struct $name {
                id: uuid::Uuid,
                identifier: String,
                name: String,
                email: String,
                age: Option<i32>,
                created_at: chrono::DateTime<chrono::Utc>,
            }
        )*

        fn with_extra_types(mut builder: SchemaBuilder, n: usize) -> SchemaBuilder {
            let adders: &[fn(SchemaBuilder) -> SchemaBuilder] = &[$(|b| b.query::<$name>()),*];
            for add in &adders[..n] {
                builder = add(builder);
            }
            builder
        }
    };
}

extra_types! {
    Extra000 Extra001 Extra002 Extra003 Extra004 Extra005 Extra006 Extra007 Extra008 Extra009
    Extra010 Extra011 Extra012 Extra013 Extra014 Extra015 Extra016 Extra017 Extra018 Extra019
    Extra020 Extra021 Extra022 Extra023 Extra024 Extra025 Extra026 Extra027 Extra028 Extra029
    Extra030 Extra031 Extra032 Extra033 Extra034 Extra035 Extra036 Extra037 Extra038 Extra039
    Extra040 Extra041 Extra042 Extra043 Extra044 Extra045 Extra046 Extra047 Extra048 Extra049
    Extra050 Extra051 Extra052 Extra053 Extra054 Extra055 Extra056 Extra057 Extra058 Extra059
    Extra060 Extra061 Extra062 Extra063 Extra064 Extra065 Extra066 Extra067 Extra068 Extra069
    Extra070 Extra071 Extra072 Extra073 Extra074 Extra075 Extra076 Extra077 Extra078 Extra079
    Extra080 Extra081 Extra082 Extra083 Extra084 Extra085 Extra086 Extra087 Extra088 Extra089
    Extra090 Extra091 Extra092 Extra093 Extra094 Extra095 Extra096 Extra097 Extra098 Extra099
    Extra100 Extra101 Extra102 Extra103 Extra104 Extra105 Extra106 Extra107 Extra108 Extra109
    Extra110 Extra111 Extra112 Extra113 Extra114 Extra115 Extra116 Extra117 Extra118 Extra119
    Extra120 Extra121 Extra122 Extra123 Extra124 Extra125 Extra126 Extra127 Extra128 Extra129
    Extra130 Extra131 Extra132 Extra133 Extra134 Extra135 Extra136 Extra137 Extra138 Extra139
    Extra140 Extra141 Extra142 Extra143 Extra144 Extra145 Extra146 Extra147 Extra148 Extra149
    Extra150 Extra151 Extra152 Extra153 Extra154 Extra155 Extra156 Extra157 Extra158 Extra159
    Extra160 Extra161 Extra162 Extra163 Extra164 Extra165 Extra166 Extra167 Extra168 Extra169
    Extra170 Extra171 Extra172 Extra173 Extra174 Extra175 Extra176 Extra177 Extra178 Extra179
    Extra180 Extra181 Extra182 Extra183 Extra184 Extra185 Extra186 Extra187 Extra188 Extra189
    Extra190 Extra191 Extra192 Extra193 Extra194 Extra195 Extra196 Extra197 Extra198 Extra199
}

fn build_schema(extra: usize, plan_cache: usize) -> Schema {
    with_extra_types(SchemaBuilder::new().query::<User>().query::<Post>(), extra)
        .plan_cache(plan_cache)
        .build()
        .expect("schema")
}

const Q1: &str = r#"{ user(identifier: "user-3") { id name email } }"#;
const Q2V: &str = r#"query ($limit: Int) { users(where: {age: {isNull: false}}, orderBy: [{field: NAME}], limit: $limit) { id name age } }"#;

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let db = runtime.block_on(async {
        let db = TestDb::new().await.expect("database");
        db.execute_script(BLOG).await.expect("fixture");
        db
    });
    let context = Context::new(
        Database::connect(db.config(), 4).expect("pool"),
        RequestContext::new().tenant_id("bench"),
    );
    let variables: Variables = serde_json::from_value(serde_json::json!({"limit": 20})).unwrap();
    let none = Variables::new();
    let mut group = c.benchmark_group("schema_growth");
    let small = build_schema(0, 1024);
    for extra in [0, 50, 200] {
        let schema = build_schema(extra, 1024);
        let uncached = build_schema(extra, 0);
        let types = 4 + extra;
        // Every size answers exactly as the blog schema alone does.
        for (query, variables) in [(Q1, &none), (Q2V, &variables)] {
            let ours = runtime.block_on(execute(&schema, query, None, variables, &context));
            let baseline = runtime.block_on(execute(&small, query, None, variables, &context));
            assert_eq!(ours.body(), baseline.body(), "{extra} more types");
            assert!(!ours.is_request_error(), "{}", ours.body());
        }
        group.bench_function(
            format!("statement, Q2 with a variable, {types} types"),
            |b| b.iter(|| statement(&schema, Q2V, None, &variables, context.database()).unwrap()),
        );
        group.bench_function(
            format!("statement, Q2 with a variable, plan cache off, {types} types"),
            |b| b.iter(|| statement(&uncached, Q2V, None, &variables, context.database()).unwrap()),
        );
        group.bench_function(format!("execute, Q1, {types} types"), |b| {
            b.to_async(&runtime)
                .iter(|| execute(&schema, Q1, None, &none, &context))
        });
    }
    group.finish();
    drop(db);
}

criterion_group!(benches, bench);
criterion_main!(benches);
