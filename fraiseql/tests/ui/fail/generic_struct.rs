use fraiseql::FraiseType;

#[derive(FraiseType)]
struct Page<T> {
    id: uuid::Uuid,
    items: Vec<T>,
}

fn main() {}
