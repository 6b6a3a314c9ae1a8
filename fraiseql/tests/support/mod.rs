//! The blog the runtime tests and benches share: its FraiseQL types and its fixture database.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use fraiseql::FraiseType;
use fraiseql_tempdb::TestDb;
use uuid::Uuid;

/// tb_user/tb_post/tb_comment with Trinity keys, tv_user/tv_post refreshed by fn_sync_tv_*.
pub const BLOG: &str = include_str!("../fixtures/blog.sql");

/// A registered user.
#[derive(FraiseType, Debug, Clone, PartialEq)]
pub struct User {
    pub id: Uuid,
    pub identifier: String,
    /// Display name.
    pub name: String,
    pub email: String,
    pub age: Option<i32>,
    pub created_at: DateTime<Utc>,
    #[fraiseql(column)]
    pub tenant_id: Uuid,
}

#[derive(FraiseType, Debug, Clone, PartialEq)]
pub struct Post {
    pub id: Uuid,
    pub identifier: String,
    pub title: String,
    pub tags: Vec<String>,
    pub published: bool,
    pub created_at: DateTime<Utc>,
    pub author: Author,
    pub comments: Vec<Comment>,
}

/// A post's author, as embedded in its document.
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_user")]
pub struct Author {
    pub id: Uuid,
    pub name: String,
}

#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_comment")]
pub struct Comment {
    pub id: Uuid,
    pub content: String,
    pub author: Author,
}

/// A fresh database holding the blog, and a plain connection to it.
pub async fn blog_db() -> (TestDb, tokio_postgres::Client) {
    let db = TestDb::new().await.expect("a test database");
    db.execute_script(BLOG).await.expect("the blog fixture");
    let client = db.connect().await.expect("a connection");
    (db, client)
}
