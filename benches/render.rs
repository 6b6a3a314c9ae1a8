//! Rendering cost of `fraiseql-sql`: a typical list (filter + order + page + nested projection)
//! and a connection page with cursors, from typed values to `(sql, params)`, uncached.
//!
//! Run with `cargo bench --bench render`.

use criterion::{Criterion, criterion_group, criterion_main};
use fraiseql_sql::{
    Connection, ConnectionField, CursorKey, EdgeField, Filter, JsonPath, Name, Op, OrderBy, Page,
    PageInfoField, Projected, Projection, Relation, Root, ScalarKind, Statement, Target,
};
use std::hint::black_box;

fn name(n: &str) -> Name {
    Name::new(n).expect("valid name")
}

fn value(path: &str) -> Projected {
    Projected::Value(JsonPath::parse(path).expect("valid path"))
}

/// `posts(where: {title: {icontains: "rust"}, author: {name: {startsWith: "A"}}, score: {gte: 10}},
///  orderBy: [{createdAt: DESC}], limit: 20) { id title createdAt author { id name }
///  comments { content author { name } } }`
fn typical_list() -> Root {
    let path = |p: &str, k| Target::path(p, k).expect("valid target");
    let filter = Filter::cond(
        path("title", ScalarKind::Text),
        Op::IContains("rust".into()),
    )
    .and(Filter::cond(
        path("author.name", ScalarKind::Text),
        Op::StartsWith("A".into()),
    ))
    .and(Filter::cond(
        path("score", ScalarKind::Int),
        Op::Gte(10.into()),
    ));
    let author = Projection::new()
        .field(name("id"), value("id"))
        .field(name("name"), value("name"));
    let comment = Projection::new()
        .field(name("content"), value("content"))
        .field(
            name("author"),
            Projected::Object(
                JsonPath::parse("author").expect("path"),
                Projection::new().field(name("name"), value("name")),
            ),
        );
    let projection = Projection::new()
        .field(name("id"), value("id"))
        .field(name("title"), value("title"))
        .field(name("createdAt"), value("created_at"))
        .field(
            name("author"),
            Projected::Object(JsonPath::parse("author").expect("path"), author),
        )
        .field(
            name("comments"),
            Projected::List(JsonPath::parse("comments").expect("path"), comment),
        );
    Root::List {
        relation: Relation::new("tv_post").expect("valid relation"),
        filter,
        order: vec![OrderBy::desc(path("created_at", ScalarKind::Timestamp))],
        limit: Some(20),
        offset: 0,
        projection,
    }
}

fn connection_page(cursor: Option<String>) -> Root {
    let Root::List {
        relation,
        filter,
        order,
        projection,
        ..
    } = typical_list()
    else {
        unreachable!("typical_list is a list")
    };
    Root::Connection(Connection {
        relation,
        filter,
        order,
        page: Page::Forward {
            first: 20,
            after: cursor,
        },
        cursor_key: CursorKey::new(b"bench secret"),
        fields: vec![
            (
                name("edges"),
                ConnectionField::Edges(vec![
                    (name("cursor"), EdgeField::Cursor),
                    (name("node"), EdgeField::Node(projection)),
                ]),
            ),
            (
                name("pageInfo"),
                ConnectionField::PageInfo(vec![
                    (name("hasNextPage"), Ok(PageInfoField::HasNextPage)),
                    (name("endCursor"), Ok(PageInfoField::EndCursor)),
                ]),
            ),
        ],
    })
}

fn bench(c: &mut Criterion) {
    c.bench_function("render/list: filter+order+page+nested projection", |b| {
        b.iter(|| {
            Statement::select(&[(name("posts"), black_box(typical_list()))]).expect("renders")
        })
    });
    let prebuilt = typical_list();
    c.bench_function("render/list: prebuilt AST to sql", |b| {
        b.iter(|| Statement::value(black_box(&prebuilt)).expect("renders"))
    });
    let Root::Connection(conn) = connection_page(None) else {
        unreachable!()
    };
    let domain = conn.cursor_domain().expect("domain");
    let cursor = conn.cursor_key.encode(
        &domain,
        &[
            Some("2024-01-01 00:00:00+00".into()),
            Some("00000000-0000-0000-0000-000000000000".into()),
        ],
    );
    let page = connection_page(Some(cursor));
    c.bench_function("render/connection: after cursor (verify + seek)", |b| {
        b.iter(|| Statement::value(black_box(&page)).expect("renders"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
