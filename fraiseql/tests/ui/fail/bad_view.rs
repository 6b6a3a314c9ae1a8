use fraiseql::FraiseType;

#[derive(FraiseType)]
#[fraiseql(view = "tv user; drop table x")]
struct User {
    id: uuid::Uuid,
}

fn main() {}
