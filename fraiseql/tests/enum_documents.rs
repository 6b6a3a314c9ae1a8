//! Enum fields stored in documents by their stored text (`open`, `on_hold`) are answered by
//! their GraphQL names (`OPEN`, `ON_HOLD`) wherever they appear: a root list, a single object,
//! a nullable field, a list of enums, an embedded object, an embedded list, a group key — and
//! a stored text the enum does not know is a field error, never a wrong name. Every answer is
//! checked byte for byte against juniper's executor and against plain SQL.

use fraiseql::graphql::{Context, Schema, SchemaBuilder};
use fraiseql::{Database, FraiseEnum, FraiseType, RequestContext};
use juniper::{DefaultScalarValue, Variables};
use serde_json::{Value as Json, json};
use uuid::Uuid;

mod support;

/// Where a ticket stands.
#[derive(FraiseEnum, Debug, Clone, Copy, PartialEq)]
enum Status {
    Open,
    #[fraiseql(json = "hold")]
    OnHold,
    Closed,
}

/// A label on a ticket.
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_label")]
struct Label {
    id: Uuid,
    status: Status,
}

/// A ticket.
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_ticket")]
struct Ticket {
    id: Uuid,
    title: String,
    status: Status,
    previous: Option<Status>,
    history: Vec<Status>,
    label: Label,
    labels: Vec<Label>,
}

const SQL: &str = r#"
CREATE TABLE tv_label (id uuid PRIMARY KEY, data jsonb NOT NULL);
CREATE TABLE tv_ticket (id uuid PRIMARY KEY, data jsonb NOT NULL);
INSERT INTO tv_ticket VALUES
 ('00000000-0000-0000-0000-000000000001', '{"id": "00000000-0000-0000-0000-000000000001", "title": "a",
   "status": "open", "previous": null, "history": ["open"],
   "label": {"id": "00000000-0000-0000-0000-0000000000a1", "status": "hold"},
   "labels": [{"id": "00000000-0000-0000-0000-0000000000a1", "status": "hold"},
              {"id": "00000000-0000-0000-0000-0000000000a2", "status": "closed"}]}'),
 ('00000000-0000-0000-0000-000000000002', '{"id": "00000000-0000-0000-0000-000000000002", "title": "b",
   "status": "hold", "previous": "open", "history": ["open", "hold"],
   "label": {"id": "00000000-0000-0000-0000-0000000000a2", "status": "closed"}, "labels": []}'),
 ('00000000-0000-0000-0000-000000000003', '{"id": "00000000-0000-0000-0000-000000000003", "title": "c",
   "status": "closed", "previous": "hold", "history": ["open", "hold", "closed"],
   "label": {"id": "00000000-0000-0000-0000-0000000000a1", "status": "open"},
   "labels": [{"id": "00000000-0000-0000-0000-0000000000a3", "status": "open"}]}');
"#;

struct Fixture {
    _db: fraiseql_tempdb::TestDb,
    client: tokio_postgres::Client,
    schema: Schema,
    context: Context,
}

async fn fixture() -> Fixture {
    let db = fraiseql_tempdb::TestDb::new()
        .await
        .expect("a test database");
    db.execute_script(SQL).await.expect("the tickets");
    let client = db.connect().await.unwrap();
    let database = Database::connect(db.config(), 2).unwrap();
    let schema = SchemaBuilder::new().query::<Ticket>().build().unwrap();
    let context = Context::new(database, RequestContext::new());
    Fixture {
        _db: db,
        client,
        schema,
        context,
    }
}

impl Fixture {
    /// The answer, checked byte for byte against juniper's executor.
    async fn run(&self, query: &str) -> Json {
        let variables: Variables<DefaultScalarValue> = Variables::new();
        let body = fraiseql::graphql::execute(&self.schema, query, None, &variables, &self.context)
            .await
            .into_body();
        let reference = support::juniper_body(&self.schema, &self.context, query, &variables).await;
        assert_eq!(body, reference, "fast path and juniper differ for {query}");
        serde_json::from_str(&body).unwrap()
    }
}

/// Stored text → GraphQL name, as a SQL expression (the plain-SQL side of the comparison).
const NAME_OF: &str =
    "CASE %s WHEN 'open' THEN 'OPEN' WHEN 'hold' THEN 'ON_HOLD' WHEN 'closed' THEN 'CLOSED' END";

fn name_of(expression: &str) -> String {
    NAME_OF.replace("%s", expression)
}

#[tokio::test]
async fn enum_fields_are_answered_by_their_graphql_names_everywhere() {
    let f = fixture().await;
    let answer = f
        .run("{ tickets(orderBy: [{field: TITLE}]) { title status previous history label { status } labels { status } } }")
        .await;
    assert!(answer.get("errors").is_none(), "{answer}");
    let expected = support::plain(
        &f.client,
        &format!(
            "SELECT data->>'title' AS title, {status} AS status, {previous} AS previous,
                    (SELECT coalesce(json_agg({h} ORDER BY o), '[]') FROM jsonb_array_elements_text(data->'history') WITH ORDINALITY AS e(h, o)) AS history,
                    json_build_object('status', {label}) AS label,
                    (SELECT coalesce(json_agg(json_build_object('status', {l}) ORDER BY o), '[]') FROM jsonb_array_elements(data->'labels') WITH ORDINALITY AS e(l, o)) AS labels
             FROM tv_ticket ORDER BY data->>'title' COLLATE \"C\"",
            status = name_of("data->>'status'"),
            previous = name_of("data->>'previous'"),
            h = name_of("h"),
            label = name_of("data->'label'->>'status'"),
            l = name_of("l->>'status'"),
        ),
    )
    .await;
    assert_eq!(answer["data"]["tickets"], expected);
    assert_eq!(answer["data"]["tickets"][1]["status"], "ON_HOLD");
    assert_eq!(answer["data"]["tickets"][0]["previous"], Json::Null);

    let one = f
        .run(r#"{ ticket(id: "00000000-0000-0000-0000-000000000002") { status previous } }"#)
        .await;
    assert_eq!(
        one["data"]["ticket"],
        json!({"status": "ON_HOLD", "previous": "OPEN"})
    );

    // A list of enums with arguments: filtered by GraphQL name, answered by GraphQL name.
    let paged = f
        .run(r#"{ ticket(id: "00000000-0000-0000-0000-000000000003") { history(offset: 1) later: history(where: {eq: CLOSED}) } }"#)
        .await;
    assert_eq!(
        paged["data"]["ticket"],
        json!({"history": ["ON_HOLD", "CLOSED"], "later": ["CLOSED"]}),
        "{paged}"
    );
}

#[tokio::test]
async fn enum_filters_and_orders_use_the_stored_text() {
    let f = fixture().await;
    let held = f
        .run("{ tickets(where: {status: {eq: ON_HOLD}}) { title status } }")
        .await;
    assert_eq!(
        held["data"]["tickets"],
        json!([{"title": "b", "status": "ON_HOLD"}])
    );
    let embedded = f
        .run("{ tickets(orderBy: [{field: TITLE}]) { title labels(where: {status: {in: [CLOSED, OPEN]}}) { status } } }")
        .await;
    assert_eq!(
        embedded["data"]["tickets"],
        json!([
            {"title": "a", "labels": [{"status": "CLOSED"}]},
            {"title": "b", "labels": []},
            {"title": "c", "labels": [{"status": "OPEN"}]},
        ])
    );
}

#[tokio::test]
async fn group_keys_of_an_enum_are_graphql_names() {
    let f = fixture().await;
    let groups = f
        .run(
            "{ ticketsAggregate { groups(groupBy: [{field: STATUS}]) { keys { status } count } } }",
        )
        .await;
    assert!(groups.get("errors").is_none(), "{groups}");
    let mut keys: Vec<String> = groups["data"]["ticketsAggregate"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["keys"]["status"].as_str().unwrap().to_owned())
        .collect();
    keys.sort();
    assert_eq!(keys, ["CLOSED", "ON_HOLD", "OPEN"]);
}

#[tokio::test]
async fn a_stored_text_the_enum_does_not_know_is_a_field_error() {
    let f = fixture().await;
    f.client
        .execute(
            "UPDATE tv_ticket SET data = jsonb_set(data, '{status}', '\"archived\"') WHERE data->>'title' = 'a'",
            &[],
        )
        .await
        .unwrap();
    let answer = f
        .run(r#"{ ticket(id: "00000000-0000-0000-0000-000000000001") { title status } }"#)
        .await;
    assert_eq!(answer["data"], json!({"ticket": null}), "{answer}");
    let error = &answer["errors"][0];
    assert_eq!(error["path"], json!(["ticket", "status"]), "{answer}");
}
