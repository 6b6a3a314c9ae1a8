use fraiseql::FraiseInput;

#[derive(FraiseInput)]
struct CreateUserInput {
    #[fraiseql(rename = "fullName", deprecated = "use name")]
    name: String,
}

fn main() {}
