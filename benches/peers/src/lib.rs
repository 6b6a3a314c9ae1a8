//! What the two peer servers share: the pool, the listener, and the data layer over the
//! benchmark database's normalized tables (`tb_user`, `tb_post`, `tb_comment`: integer `pk_*` and
//! `fk_*` keys, a public `uuid` id), as an application keeps its SQL apart from its GraphQL
//! types. Every statement is prepared once per connection (`prepare_cached`).
//!
//! Each binary is started by `benches/http` with the database's connection string in
//! [`DATABASE`], listens on an ephemeral loopback port and prints `listening <addr>` first.

use deadpool_postgres::{Manager, Object, Pool};
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

/// The environment variable holding the database's connection string.
pub const DATABASE: &str = "FRAISEQL_BENCH_DATABASE";
/// Pooled connections, as fraiseql's server has.
pub const POOL_SIZE: usize = 16;

/// A pool of [`POOL_SIZE`] connections to [`DATABASE`]'s database.
pub fn pool() -> Pool {
    let url = std::env::var(DATABASE).expect("the database's connection string");
    let config: tokio_postgres::Config = url.parse().expect("a connection string");
    Pool::builder(Manager::new(config, tokio_postgres::NoTls))
        .max_size(POOL_SIZE)
        .build()
        .expect("a pool")
}

/// Serves `router` on an ephemeral loopback port, printing `listening <addr>` first.
pub async fn serve(router: axum::Router) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    println!("listening {}", listener.local_addr().expect("an address"));
    axum::serve(listener, router).await.expect("serving");
}

/// A data-layer failure, as the GraphQL error's message.
pub type Result<T> = std::result::Result<T, String>;

async fn client(pool: &Pool) -> Result<Object> {
    pool.get().await.map_err(|e| e.to_string())
}

async fn query(pool: &Pool, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
    let client = client(pool).await?;
    let statement = client
        .prepare_cached(sql)
        .await
        .map_err(|e| e.to_string())?;
    client
        .query(&statement, params)
        .await
        .map_err(|e| e.to_string())
}

/// A `tb_user` row.
#[derive(Clone, Debug)]
pub struct User {
    pub pk: i32,
    pub id: Uuid,
    pub identifier: String,
    pub name: String,
    pub email: String,
    pub age: Option<i32>,
}

const USER_COLUMNS: &str = "pk_user, id, identifier, name, email, age";

impl User {
    fn from_row(row: &Row) -> User {
        User {
            pk: row.get(0),
            id: row.get(1),
            identifier: row.get(2),
            name: row.get(3),
            email: row.get(4),
            age: row.get(5),
        }
    }
}

/// A `tb_post` row.
#[derive(Clone, Debug)]
pub struct Post {
    pub pk: i32,
    pub id: Uuid,
    pub identifier: String,
    pub author: i32,
    pub title: String,
    pub tags: Vec<String>,
    pub published: bool,
}

const POST_COLUMNS: &str = "pk_post, id, identifier, fk_author, title, tags, published";

impl Post {
    fn from_row(row: &Row) -> Post {
        Post {
            pk: row.get(0),
            id: row.get(1),
            identifier: row.get(2),
            author: row.get(3),
            title: row.get(4),
            tags: row.get(5),
            published: row.get(6),
        }
    }
}

/// A `tb_comment` row.
#[derive(Clone, Debug)]
pub struct Comment {
    pub id: Uuid,
    pub post: i32,
    pub author: i32,
    pub content: String,
}

/// A post's comments come in the order they were written.
const COMMENT_COLUMNS: &str = "id, fk_post, fk_author, content";

impl Comment {
    fn from_row(row: &Row) -> Comment {
        Comment {
            id: row.get(0),
            post: row.get(1),
            author: row.get(2),
            content: row.get(3),
        }
    }
}

/// `eq`, `gt`, `gte`, `lt`, `lte` on an integer column.
#[derive(Default, Debug)]
pub struct IntFilter {
    pub eq: Option<i32>,
    pub gt: Option<i32>,
    pub gte: Option<i32>,
    pub lt: Option<i32>,
    pub lte: Option<i32>,
}

/// `eq` and `contains` (a substring) on a text column.
#[derive(Default, Debug)]
pub struct StringFilter {
    pub eq: Option<String>,
    pub contains: Option<String>,
}

/// A list's filters, order and page.
#[derive(Default, Debug)]
pub struct List {
    pub ints: Vec<(&'static str, IntFilter)>,
    pub strings: Vec<(&'static str, StringFilter)>,
    /// Columns, each descending or not; the id breaks ties.
    pub order: Vec<(&'static str, bool)>,
    pub limit: Option<i32>,
    pub offset: Option<i32>,
}

impl List {
    /// ` WHERE … ORDER BY … LIMIT … OFFSET …` and its parameters; `default_order` when no order
    /// is asked for (the id, so that a page is the same rows on every server, fraiseql ordering
    /// every list by its key when nothing else).
    fn suffix(self, default_order: &str) -> (String, Vec<Box<dyn ToSql + Sync + Send>>) {
        let mut params: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
        let mut conditions = Vec::new();
        let mut param = |value: Box<dyn ToSql + Sync + Send>| {
            params.push(value);
            format!("${}", params.len())
        };
        for (column, filter) in self.ints {
            for (op, value) in [
                ("=", filter.eq),
                (">", filter.gt),
                (">=", filter.gte),
                ("<", filter.lt),
                ("<=", filter.lte),
            ] {
                if let Some(value) = value {
                    conditions.push(format!("{column} {op} {}", param(Box::new(value))));
                }
            }
        }
        for (column, filter) in self.strings {
            if let Some(value) = filter.eq {
                conditions.push(format!("{column} = {}", param(Box::new(value))));
            }
            if let Some(value) = filter.contains {
                let escaped = value
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                conditions.push(format!(
                    "{column} LIKE '%' || {} || '%'",
                    param(Box::new(escaped))
                ));
            }
        }
        let mut sql = String::new();
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        if self.order.is_empty() {
            sql.push_str(" ORDER BY ");
            sql.push_str(default_order);
        } else {
            let keys: Vec<String> = self
                .order
                .iter()
                .map(|(column, desc)| format!("{column} {}", if *desc { "DESC" } else { "ASC" }))
                .chain(["id".to_owned()])
                .collect();
            sql.push_str(" ORDER BY ");
            sql.push_str(&keys.join(", "));
        }
        if let Some(limit) = self.limit {
            sql.push_str(&format!(" LIMIT {}", param(Box::new(i64::from(limit)))));
        }
        if let Some(offset) = self.offset {
            sql.push_str(&format!(" OFFSET {}", param(Box::new(i64::from(offset)))));
        }
        (sql, params)
    }
}

fn refs(params: &[Box<dyn ToSql + Sync + Send>]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

/// One user by its public id.
pub async fn user(pool: &Pool, id: Uuid) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM tb_user WHERE id = $1");
    Ok(query(pool, &sql, &[&id]).await?.first().map(User::from_row))
}

/// Users filtered, ordered and paged.
pub async fn users(pool: &Pool, list: List) -> Result<Vec<User>> {
    let (suffix, params) = list.suffix("id");
    let sql = format!("SELECT {USER_COLUMNS} FROM tb_user{suffix}");
    let rows = query(pool, &sql, &refs(&params)).await?;
    Ok(rows.iter().map(User::from_row).collect())
}

/// One user by its key (a post's or a comment's author).
pub async fn user_by_key(pool: &Pool, key: i32) -> Result<User> {
    let sql = format!("SELECT {USER_COLUMNS} FROM tb_user WHERE pk_user = $1");
    let rows = query(pool, &sql, &[&key]).await?;
    rows.first()
        .map(User::from_row)
        .ok_or_else(|| format!("no user {key}"))
}

/// Users by their keys, in no particular order (a DataLoader's batch).
pub async fn users_by_keys(pool: &Pool, keys: &[i32]) -> Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM tb_user WHERE pk_user = ANY($1)");
    let rows = query(pool, &sql, &[&keys]).await?;
    Ok(rows.iter().map(User::from_row).collect())
}

/// Posts filtered, ordered and paged.
pub async fn posts(pool: &Pool, list: List) -> Result<Vec<Post>> {
    let (suffix, params) = list.suffix("id");
    let sql = format!("SELECT {POST_COLUMNS} FROM tb_post{suffix}");
    let rows = query(pool, &sql, &refs(&params)).await?;
    Ok(rows.iter().map(Post::from_row).collect())
}

/// One post's comments, oldest first.
pub async fn comments_of_post(pool: &Pool, post: i32) -> Result<Vec<Comment>> {
    let sql = format!(
        "SELECT {COMMENT_COLUMNS} FROM tb_comment WHERE fk_post = $1 \
         ORDER BY created_at, pk_comment"
    );
    let rows = query(pool, &sql, &[&post]).await?;
    Ok(rows.iter().map(Comment::from_row).collect())
}

/// The comments of several posts, each post's oldest first (a DataLoader's batch).
pub async fn comments_of_posts(pool: &Pool, posts: &[i32]) -> Result<Vec<Comment>> {
    let sql = format!(
        "SELECT {COMMENT_COLUMNS} FROM tb_comment WHERE fk_post = ANY($1) \
         ORDER BY fk_post, created_at, pk_comment"
    );
    let rows = query(pool, &sql, &[&posts]).await?;
    Ok(rows.iter().map(Comment::from_row).collect())
}
