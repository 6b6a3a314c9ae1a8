use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    tags: Vec<String>,
}

fn main() {
    let _ = User::filter().tags().any(|tag| tag.eq("x"));
}
