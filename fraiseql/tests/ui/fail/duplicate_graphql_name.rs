use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    first_name: String,
    #[fraiseql(rename = "firstName")]
    given_name: String,
}

fn main() {}
