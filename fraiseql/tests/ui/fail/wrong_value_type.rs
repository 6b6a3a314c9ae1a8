use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    age: i32,
}

fn main() {
    let _ = User::filter().age().eq("forty");
}
