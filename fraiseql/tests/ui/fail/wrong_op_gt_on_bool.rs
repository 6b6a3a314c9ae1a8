use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    active: bool,
}

fn main() {
    let _ = User::filter().active().gt(true);
}
