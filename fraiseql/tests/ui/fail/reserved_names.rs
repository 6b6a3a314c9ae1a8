use fraiseql::{FraiseEnum, FraiseType};

#[derive(FraiseType)]
#[fraiseql(view = "tv_user", name = "__User")]
struct User {
    id: uuid::Uuid,
}

#[derive(FraiseType)]
#[fraiseql(view = "tv_post")]
struct Post {
    id: uuid::Uuid,
    #[fraiseql(rename = "__title")]
    title: String,
}

#[derive(FraiseEnum)]
enum Role {
    #[fraiseql(rename = "__ADMIN")]
    Admin,
}

fn main() {}
