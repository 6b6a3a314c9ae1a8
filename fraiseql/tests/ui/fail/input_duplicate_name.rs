use fraiseql::FraiseInput;

#[derive(FraiseInput)]
struct CreateUserInput {
    full_name: String,
    #[fraiseql(rename = "fullName")]
    name: String,
}

fn main() {}
