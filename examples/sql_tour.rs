//! A tour of `fraiseql-sql` on a real PostgreSQL: creates a small blog read model (`tv_post`, one
//! JSONB document per post with its author embedded), then builds a filtered list and a
//! connection page with the typed vocabulary and prints the SQL and the JSON PostgreSQL returns.
//!
//! ```sh
//! cargo run --example sql_tour                      # throwaway local cluster
//! DATABASE_URL=postgres://postgres@127.0.0.1/postgres cargo run --example sql_tour
//! ```

use fraiseql_sql::{
    Connection, ConnectionField, CursorKey, EdgeField, Filter, JsonPath, Name, Op, OrderBy, Page,
    PageInfoField, Projected, Projection, Relation, Root, ScalarKind, Statement, Target,
};
use fraiseql_tempdb::TestDb;

const SCHEMA: &str = r#"
CREATE TABLE tv_post (id uuid PRIMARY KEY, data jsonb NOT NULL);
INSERT INTO tv_post (id, data)
SELECT md5('post' || i)::uuid,
       jsonb_build_object(
         'title', (ARRAY['Rust and PostgreSQL', 'GraphQL in one statement', 'Keyset pages', 'JSONB documents'])[1 + i % 4] || ' #' || i,
         'score', (i * 37) % 100,
         'author', jsonb_build_object('name', (ARRAY['Ada', 'Grace', 'Edsger'])[1 + i % 3]))
FROM generate_series(1, 12) AS i;
"#;

fn name(text: &str) -> Name {
    Name::new(text).expect("a valid GraphQL name")
}

fn value(path: &str) -> Projected {
    Projected::Value(JsonPath::parse(path).expect("a valid path"))
}

async fn run(
    client: &tokio_postgres::Client,
    label: &str,
    root: Root,
) -> Result<String, Box<dyn std::error::Error>> {
    let statement = Statement::select(&[(name(label), root)])?;
    println!(
        "-- {label}\n{}\n-- params: {:?}",
        statement.sql(),
        statement.params()
    );
    let json: String = client
        .query_one(statement.sql(), &statement.params_ref())
        .await?
        .get(0);
    println!("=> {json}\n");
    Ok(json)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let db = TestDb::new().await?;
    db.execute_script(SCHEMA).await?;
    let client = db.connect().await?;

    let posts = Relation::new("tv_post")?;
    let title = Target::path("title", ScalarKind::Text)?;
    let score = Target::path("score", ScalarKind::Int)?;
    let projection = Projection::new()
        .field(name("title"), value("title"))
        .field(name("score"), value("score"))
        .field(
            name("author"),
            Projected::Object(
                JsonPath::parse("author")?,
                Projection::new().field(name("name"), value("name")),
            ),
        );

    // posts(where: {title: {icontains: "rust"} OR score >= 50}, orderBy: {score: DESC}, limit: 5)
    let filter = Filter::cond(title, Op::IContains("rust".into()))
        .or(Filter::cond(score.clone(), Op::Gte(50.into())));
    run(
        &client,
        "posts",
        Root::List {
            relation: posts.clone(),
            filter: filter.clone(),
            order: vec![OrderBy::desc(score.clone())],
            limit: Some(5),
            offset: 0,
            projection: projection.clone(),
        },
    )
    .await?;

    // postsConnection(first: 3, orderBy: {score: ASC}) { edges { cursor node {…} } pageInfo { … } totalCount }
    let key = CursorKey::random();
    let page = |after: Option<String>| {
        Root::Connection(Connection {
            relation: posts.clone(),
            filter: Filter::all(),
            order: vec![OrderBy::asc(score.clone())],
            page: Page::Forward { first: 3, after },
            cursor_key: key.clone(),
            fields: vec![
                (
                    name("edges"),
                    ConnectionField::Edges(vec![
                        (name("cursor"), EdgeField::Cursor),
                        (name("node"), EdgeField::Node(projection.clone())),
                    ]),
                ),
                (
                    name("pageInfo"),
                    ConnectionField::PageInfo(vec![
                        (name("hasNextPage"), Ok(PageInfoField::HasNextPage)),
                        (name("endCursor"), Ok(PageInfoField::EndCursor)),
                    ]),
                ),
                (name("totalCount"), ConnectionField::TotalCount),
            ],
        })
    };
    let first = run(&client, "postsConnection", page(None)).await?;
    let first: serde_json::Value = serde_json::from_str(&first)?;
    let end = first["postsConnection"]["pageInfo"]["endCursor"]
        .as_str()
        .map(str::to_owned);
    run(&client, "postsConnection", page(end)).await?;

    // A tampered cursor is refused before any SQL runs.
    match Statement::select(&[(
        name("postsConnection"),
        page(Some("eyJ4Ijo0Mn0.AAAA".into())),
    )]) {
        Err(error) => println!("tampered cursor: {error}"),
        Ok(_) => return Err("a tampered cursor was accepted".into()),
    }
    Ok(())
}
