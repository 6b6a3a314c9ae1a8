use fraiseql::FraiseType;

#[derive(FraiseType)]
#[fraiseql(json_case = "kebab-case")]
struct User {
    id: uuid::Uuid,
}

fn main() {}
