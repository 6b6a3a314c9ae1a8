use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    name: String,
    active: bool,
}

fn main() {
    let _ = User::aggregate().name().sum();
    let _ = User::aggregate().active().max();
}
