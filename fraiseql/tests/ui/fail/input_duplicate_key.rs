use fraiseql::FraiseInput;

#[derive(FraiseInput)]
struct CreateUserInput {
    name: String,
    #[fraiseql(json = "name")]
    display_name: String,
}

fn main() {}
