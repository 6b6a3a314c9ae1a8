use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    #[fraiseql(json = "it's")]
    name: String,
}

fn main() {}
