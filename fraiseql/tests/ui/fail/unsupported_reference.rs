use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    name: &'static str,
}

fn main() {}
