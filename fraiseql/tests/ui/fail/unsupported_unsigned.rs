use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    age: Option<u32>,
}

fn main() {}
