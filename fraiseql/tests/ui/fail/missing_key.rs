use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    uuid: uuid::Uuid,
    name: String,
}

fn main() {}
