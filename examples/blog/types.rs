//! The blog's types: its entities (each read from its `tv_*` table) and the inputs of its
//! mutation functions. Needs only `fraiseql` itself, so the runtime's own tests share them
//! (`fraiseql/tests/support`) with the examples and benches.

use chrono::{DateTime, Utc};
use fraiseql::{FraiseInput, FraiseType};
use uuid::Uuid;

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

/// A blog post, with its author and comments embedded.
#[derive(FraiseType, Debug, Clone, PartialEq)]
pub struct Post {
    pub id: Uuid,
    pub identifier: String,
    pub title: String,
    pub tags: Vec<String>,
    pub published: bool,
    /// Read, filtered and sorted through `tv_post.created_at`, which an index serves; embedded
    /// posts and mutation results read the document's copy.
    #[fraiseql(column)]
    pub created_at: DateTime<Utc>,
    pub author: Author,
    pub comments: Vec<Comment>,
}

/// A post's or comment's author, as embedded in its document.
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_user")]
pub struct Author {
    pub id: Uuid,
    pub name: String,
}

/// A comment on a post.
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_comment")]
pub struct Comment {
    pub id: Uuid,
    pub content: String,
    pub created_at: DateTime<Utc>,
    pub author: Author,
}

/// A new user, in the request's tenant.
#[derive(FraiseInput)]
pub struct CreateUserInput {
    /// A unique slug.
    pub identifier: String,
    pub name: String,
    pub email: String,
    pub age: Option<i32>,
}

/// Changes to a user; fields left out stay as they are.
#[derive(FraiseInput)]
pub struct UpdateUserInput {
    pub id: Uuid,
    pub name: Option<String>,
    pub email: Option<String>,
    pub age: Option<i32>,
}

/// The user to delete (one without posts).
#[derive(FraiseInput)]
pub struct DeleteUserInput {
    pub id: Uuid,
}

/// A new post by an existing user.
#[derive(FraiseInput)]
pub struct CreatePostInput {
    pub identifier: String,
    pub title: String,
    pub body: Option<String>,
    pub author_id: Uuid,
    pub tags: Option<Vec<String>>,
    pub published: Option<bool>,
}
