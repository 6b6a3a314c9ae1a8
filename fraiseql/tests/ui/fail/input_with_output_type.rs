use fraiseql::{FraiseInput, FraiseType};

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    name: String,
}

#[derive(FraiseInput)]
struct CreatePostInput {
    title: String,
    author: User,
}

fn main() {}
