//! Every attribute and field type, on types that refer to each other.
use chrono::{DateTime, NaiveDate, Utc};
use fraiseql::{FieldSource, FraiseEnum, FraiseType};
use uuid::Uuid;

/// A person who writes.
#[derive(FraiseType)]
#[fraiseql(view = "blog.tv_author", data = "doc", key = "uuid", identifier = "slug", json_case = "camelCase", rename_all = "snake_case", name = "Writer", requires = "staff")]
struct Author {
    uuid: Uuid,
    slug: String,
    #[fraiseql(rename = "displayName", description = "Shown on posts")]
    display_name: String,
    #[fraiseql(json = "born")]
    birth_date: Option<NaiveDate>,
    #[fraiseql(column = "tenant")]
    tenant_id: Uuid,
    #[fraiseql(column)]
    created_at: DateTime<Utc>,
    /// Free-form settings.
    #[fraiseql(requires = "admin, auditor")]
    settings: serde_json::Value,
    #[fraiseql(deprecated = "use displayName")]
    nick: Option<String>,
    #[fraiseql(deprecated)]
    old: Option<bool>,
    #[fraiseql(skip)]
    cache: Vec<u8>,
    posts: Vec<Post>,
}

#[derive(FraiseType)]
struct Post {
    id: Uuid,
    title: String,
    score: f64,
    views: i64,
    rank: i16,
    ratio: f32,
    tags: Vec<String>,
    scores: Vec<i32>,
    status: Status,
    labels: Vec<Status>,
    author: Option<Author>,
    nested: Vec<Vec<String>>,
}

/// Publication state.
#[derive(FraiseEnum, Clone, Copy, Debug, PartialEq)]
#[fraiseql(name = "PostStatus", rename_all = "PascalCase", json_case = "SCREAMING_SNAKE_CASE")]
enum Status {
    /// Visible to all.
    Published,
    #[fraiseql(rename = "DRAFT", json = "wip", description = "Not yet visible")]
    Draft,
    #[fraiseql(deprecated = "no longer used")]
    Archived,
}

fn main() {
    let author = <Author as FraiseType>::descriptor();
    assert_eq!(author.name, "Writer");
    assert_eq!(author.view, "blog.tv_author");
    assert_eq!(author.data, "doc");
    assert_eq!(author.key, "uuid");
    assert_eq!(author.identifier, Some("slug"));
    assert_eq!(author.field("tenant_id").unwrap().source, FieldSource::Column("tenant"));
    assert!(author.field("cache").is_none());
    assert_eq!(author.requires, ["staff"]);
    assert_eq!(author.field("settings").unwrap().requires, ["admin", "auditor"]);
    assert!(author.field("slug").unwrap().requires.is_empty());
    let _ = Author::filter().posts().any(|p| p.status().eq(Status::Draft).and(p.labels().any_eq(Status::Published)));
    let _ = Post::order().author().display_name().desc().nulls_last();
    let _ = Post::filter().scores().overlaps([1, 2]);
    let _ = Post::filter().title().search("rust", "english");
    let _ = <Status as FraiseEnum>::descriptor();
}
