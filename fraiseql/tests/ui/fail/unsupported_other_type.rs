use fraiseql::FraiseType;

#[derive(serde::Deserialize)]
struct Point {
    x: f64,
}

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    home: Point,
}

fn main() {}
