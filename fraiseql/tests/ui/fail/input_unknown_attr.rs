use fraiseql::FraiseInput;

#[derive(FraiseInput)]
struct CreateUserInput {
    #[fraiseql(default = "x")]
    name: String,
}

fn main() {}
