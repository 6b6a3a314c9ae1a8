use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    age: Option<i32>,
}

fn main() {
    let _ = User::filter().age().starts_with("4");
}
