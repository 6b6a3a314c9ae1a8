use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    #[fraiseql(rename = "first-name")]
    first_name: String,
}

fn main() {}
