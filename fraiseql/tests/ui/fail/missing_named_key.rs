use fraiseql::FraiseType;

#[derive(FraiseType)]
#[fraiseql(key = "user_id")]
struct User {
    id: uuid::Uuid,
}

fn main() {}
