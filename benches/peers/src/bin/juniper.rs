//! The benchmark blog as a juniper 0.18 app, as a juniper user writes it first: plain async
//! resolvers, each nested field running its own query (a post's author, a post's comments, a
//! comment's author: the N+1 pattern, 141 queries for the 20 latest posts with their comments),
//! served by a small axum handler with `juniper_axum`'s extractor and a deadpool of 16
//! tokio-postgres connections.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use deadpool_postgres::Pool;
use fraiseql_bench_peers as db;
use juniper::{
    EmptyMutation, EmptySubscription, FieldResult, GraphQLEnum, GraphQLInputObject, ID, RootNode,
    graphql_object,
};
use juniper_axum::extract::JuniperRequest;
use juniper_axum::response::JuniperResponse;

/// Per request: the pool.
struct Ctx {
    pool: Pool,
}

impl juniper::Context for Ctx {}

struct User(db::User);

#[graphql_object(context = Ctx)]
impl User {
    fn id(&self) -> ID {
        ID::new(self.0.id.to_string())
    }
    fn identifier(&self) -> &str {
        &self.0.identifier
    }
    fn name(&self) -> &str {
        &self.0.name
    }
    fn email(&self) -> &str {
        &self.0.email
    }
    fn age(&self) -> Option<i32> {
        self.0.age
    }
}

struct Post(db::Post);

#[graphql_object(context = Ctx)]
impl Post {
    fn id(&self) -> ID {
        ID::new(self.0.id.to_string())
    }
    fn identifier(&self) -> &str {
        &self.0.identifier
    }
    fn title(&self) -> &str {
        &self.0.title
    }
    fn tags(&self) -> &[String] {
        &self.0.tags
    }
    fn published(&self) -> bool {
        self.0.published
    }
    async fn author(&self, ctx: &Ctx) -> FieldResult<User> {
        Ok(User(db::user_by_key(&ctx.pool, self.0.author).await?))
    }
    async fn comments(&self, ctx: &Ctx) -> FieldResult<Vec<Comment>> {
        let comments = db::comments_of_post(&ctx.pool, self.0.pk).await?;
        Ok(comments.into_iter().map(Comment).collect())
    }
}

struct Comment(db::Comment);

#[graphql_object(context = Ctx)]
impl Comment {
    fn id(&self) -> ID {
        ID::new(self.0.id.to_string())
    }
    fn content(&self) -> &str {
        &self.0.content
    }
    async fn author(&self, ctx: &Ctx) -> FieldResult<User> {
        Ok(User(db::user_by_key(&ctx.pool, self.0.author).await?))
    }
}

#[derive(GraphQLInputObject)]
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

#[derive(GraphQLInputObject)]
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

#[derive(GraphQLEnum, Clone, Copy, PartialEq, Eq)]
enum SortDirection {
    Asc,
    Desc,
}

#[derive(GraphQLEnum, Clone, Copy)]
enum UserOrderField {
    Id,
    Identifier,
    Name,
    Email,
    Age,
    CreatedAt,
}

#[derive(GraphQLEnum, Clone, Copy)]
enum PostOrderField {
    Id,
    Identifier,
    Title,
    CreatedAt,
}

#[derive(GraphQLInputObject)]
struct UserOrderBy {
    field: UserOrderField,
    direction: Option<SortDirection>,
}

#[derive(GraphQLInputObject)]
struct PostOrderBy {
    field: PostOrderField,
    direction: Option<SortDirection>,
}

#[derive(GraphQLInputObject)]
struct UserWhereInput {
    name: Option<StringFilter>,
    email: Option<StringFilter>,
    age: Option<IntFilter>,
}

#[derive(GraphQLInputObject)]
struct PostWhereInput {
    title: Option<StringFilter>,
}

struct Query;

#[graphql_object(context = Ctx)]
impl Query {
    async fn user(ctx: &Ctx, id: ID) -> FieldResult<Option<User>> {
        let id = id.parse()?;
        Ok(db::user(&ctx.pool, id).await?.map(User))
    }

    async fn users(
        ctx: &Ctx,
        r#where: Option<UserWhereInput>,
        order_by: Option<Vec<UserOrderBy>>,
        limit: Option<i32>,
        offset: Option<i32>,
    ) -> FieldResult<Vec<User>> {
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
                .push((column, order.direction == Some(SortDirection::Desc)));
        }
        Ok(db::users(&ctx.pool, list)
            .await?
            .into_iter()
            .map(User)
            .collect())
    }

    async fn posts(
        ctx: &Ctx,
        r#where: Option<PostWhereInput>,
        order_by: Option<Vec<PostOrderBy>>,
        limit: Option<i32>,
        offset: Option<i32>,
    ) -> FieldResult<Vec<Post>> {
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
                .push((column, order.direction == Some(SortDirection::Desc)));
        }
        Ok(db::posts(&ctx.pool, list)
            .await?
            .into_iter()
            .map(Post)
            .collect())
    }
}

type Schema = RootNode<Query, EmptyMutation<Ctx>, EmptySubscription<Ctx>>;

struct App {
    schema: Schema,
    pool: Pool,
}

async fn graphql(
    State(app): State<Arc<App>>,
    JuniperRequest(request): JuniperRequest,
) -> JuniperResponse {
    let ctx = Ctx {
        pool: app.pool.clone(),
    };
    JuniperResponse(request.execute(&app.schema, &ctx).await)
}

#[tokio::main]
async fn main() {
    let app = App {
        schema: Schema::new(Query, EmptyMutation::new(), EmptySubscription::new()),
        pool: db::pool(),
    };
    let router = Router::new()
        .route("/graphql", post(graphql))
        .with_state(Arc::new(app));
    db::serve(router).await;
}
