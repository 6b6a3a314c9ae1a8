use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    position: (f64, f64),
}

fn main() {}
