use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    name: String,
}

fn main() {
    let _ = User::filter().name().has_key("x");
}
