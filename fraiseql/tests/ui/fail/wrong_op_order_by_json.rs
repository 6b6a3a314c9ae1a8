use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    settings: serde_json::Value,
}

fn main() {
    let _ = User::order().settings().asc();
}
