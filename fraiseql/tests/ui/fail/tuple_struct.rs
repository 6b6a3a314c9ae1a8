use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User(uuid::Uuid, String);

fn main() {}
