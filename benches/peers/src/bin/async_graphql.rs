//! The benchmark blog as an async-graphql 7 app, the usual Rust choice: types derived from the
//! rows, nested fields through DataLoaders (a post's author and a comment's author by user key,
//! a post's comments by post key) so that each level of a page is one batched query, served with
//! `async-graphql-axum` and a deadpool of 16 tokio-postgres connections. The loaders are the
//! schema's data, as async-graphql's book shows them, with their default 1 ms batching delay.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{
    ComplexObject, Context, EmptyMutation, EmptySubscription, Enum, ID, InputObject, Object,
    Schema, SimpleObject,
};
use async_graphql_axum::GraphQL;
use axum::Router;
use axum::routing::post_service;
use deadpool_postgres::Pool;
use fraiseql_bench_peers as db;

#[derive(SimpleObject, Clone)]
struct User {
    id: ID,
    identifier: String,
    name: String,
    email: String,
    age: Option<i32>,
}

impl From<db::User> for User {
    fn from(user: db::User) -> User {
        User {
            id: ID(user.id.to_string()),
            identifier: user.identifier,
            name: user.name,
            email: user.email,
            age: user.age,
        }
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
struct Post {
    id: ID,
    identifier: String,
    title: String,
    tags: Vec<String>,
    published: bool,
    #[graphql(skip)]
    key: i32,
    #[graphql(skip)]
    author_key: i32,
}

#[ComplexObject]
impl Post {
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let users = ctx.data_unchecked::<DataLoader<Users>>();
        Ok(users.load_one(self.author_key).await?.ok_or("no author")?)
    }

    async fn comments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Comment>> {
        let comments = ctx.data_unchecked::<DataLoader<Comments>>();
        Ok(comments.load_one(self.key).await?.unwrap_or_default())
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
struct Comment {
    id: ID,
    content: String,
    #[graphql(skip)]
    author_key: i32,
}

#[ComplexObject]
impl Comment {
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let users = ctx.data_unchecked::<DataLoader<Users>>();
        Ok(users.load_one(self.author_key).await?.ok_or("no author")?)
    }
}

/// Users by key.
struct Users(Pool);

impl Loader<i32> for Users {
    type Value = User;
    type Error = String;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, User>, String> {
        let users = db::users_by_keys(&self.0, keys).await?;
        Ok(users.into_iter().map(|u| (u.pk, u.into())).collect())
    }
}

/// Each post's comments, by post key.
struct Comments(Pool);

impl Loader<i32> for Comments {
    type Value = Vec<Comment>;
    type Error = String;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Vec<Comment>>, String> {
        let mut by_post: HashMap<i32, Vec<Comment>> = HashMap::new();
        for comment in db::comments_of_posts(&self.0, keys).await? {
            by_post.entry(comment.post).or_default().push(Comment {
                id: ID(comment.id.to_string()),
                content: comment.content,
                author_key: comment.author,
            });
        }
        Ok(by_post)
    }
}

#[derive(InputObject, Default)]
struct IntFilter {
    eq: Option<i32>,
    gt: Option<i32>,
    gte: Option<i32>,
    lt: Option<i32>,
    lte: Option<i32>,
}

impl From<IntFilter> for db::IntFilter {
    fn from(f: IntFilter) -> db::IntFilter {
        db::IntFilter {
            eq: f.eq,
            gt: f.gt,
            gte: f.gte,
            lt: f.lt,
            lte: f.lte,
        }
    }
}

#[derive(InputObject, Default)]
struct StringFilter {
    eq: Option<String>,
    contains: Option<String>,
}

impl From<StringFilter> for db::StringFilter {
    fn from(f: StringFilter) -> db::StringFilter {
        db::StringFilter {
            eq: f.eq,
            contains: f.contains,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
enum SortDirection {
    #[default]
    Asc,
    Desc,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
enum UserOrderField {
    Id,
    Identifier,
    Name,
    Email,
    Age,
    CreatedAt,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
enum PostOrderField {
    Id,
    Identifier,
    Title,
    CreatedAt,
}

#[derive(InputObject)]
struct UserOrderBy {
    field: UserOrderField,
    #[graphql(default)]
    direction: SortDirection,
}

#[derive(InputObject)]
struct PostOrderBy {
    field: PostOrderField,
    #[graphql(default)]
    direction: SortDirection,
}

#[derive(InputObject)]
struct UserWhereInput {
    name: Option<StringFilter>,
    email: Option<StringFilter>,
    age: Option<IntFilter>,
}

#[derive(InputObject)]
struct PostWhereInput {
    title: Option<StringFilter>,
}

struct Query;

#[Object]
impl Query {
    async fn user(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<User>> {
        let id = id.parse().map_err(|_| "not a UUID")?;
        Ok(db::user(ctx.data_unchecked::<Pool>(), id)
            .await?
            .map(User::from))
    }

    async fn users(
        &self,
        ctx: &Context<'_>,
        r#where: Option<UserWhereInput>,
        order_by: Option<Vec<UserOrderBy>>,
        limit: Option<i32>,
        offset: Option<i32>,
    ) -> async_graphql::Result<Vec<User>> {
        let mut list = db::List {
            limit,
            offset,
            ..Default::default()
        };
        if let Some(filter) = r#where {
            for (column, f) in [("name", filter.name), ("email", filter.email)] {
                list.strings.extend(f.map(|f| (column, f.into())));
            }
            list.ints.extend(filter.age.map(|f| ("age", f.into())));
        }
        for order in order_by.unwrap_or_default() {
            let column = match order.field {
                UserOrderField::Id => "id",
                UserOrderField::Identifier => "identifier",
                UserOrderField::Name => "name",
                UserOrderField::Email => "email",
                UserOrderField::Age => "age",
                UserOrderField::CreatedAt => "created_at",
            };
            list.order
                .push((column, order.direction == SortDirection::Desc));
        }
        let users = db::users(ctx.data_unchecked::<Pool>(), list).await?;
        Ok(users.into_iter().map(User::from).collect())
    }

    async fn posts(
        &self,
        ctx: &Context<'_>,
        r#where: Option<PostWhereInput>,
        order_by: Option<Vec<PostOrderBy>>,
        limit: Option<i32>,
        offset: Option<i32>,
    ) -> async_graphql::Result<Vec<Post>> {
        let mut list = db::List {
            limit,
            offset,
            ..Default::default()
        };
        if let Some(filter) = r#where {
            list.strings
                .extend(filter.title.map(|f| ("title", f.into())));
        }
        for order in order_by.unwrap_or_default() {
            let column = match order.field {
                PostOrderField::Id => "id",
                PostOrderField::Identifier => "identifier",
                PostOrderField::Title => "title",
                PostOrderField::CreatedAt => "created_at",
            };
            list.order
                .push((column, order.direction == SortDirection::Desc));
        }
        let posts = db::posts(ctx.data_unchecked::<Pool>(), list).await?;
        Ok(posts
            .into_iter()
            .map(|p| Post {
                id: ID(p.id.to_string()),
                identifier: p.identifier,
                title: p.title,
                tags: p.tags,
                published: p.published,
                key: p.pk,
                author_key: p.author,
            })
            .collect())
    }
}

#[tokio::main]
async fn main() {
    let pool = db::pool();
    let schema = Schema::build(Query, EmptyMutation, EmptySubscription)
        .data(DataLoader::new(Users(pool.clone()), tokio::spawn))
        .data(DataLoader::new(Comments(pool.clone()), tokio::spawn))
        .data(pool)
        .finish();
    let router = Router::new().route("/graphql", post_service(GraphQL::new(schema)));
    db::serve(router).await;
}
