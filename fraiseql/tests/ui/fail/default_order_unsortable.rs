use fraiseql::FraiseType;

#[derive(FraiseType)]
#[fraiseql(view = "tv_user")]
struct Author {
    id: uuid::Uuid,
    name: String,
}

#[derive(FraiseType)]
#[fraiseql(default_order = "author")]
struct Post {
    id: uuid::Uuid,
    author: Author,
}

fn main() {}
