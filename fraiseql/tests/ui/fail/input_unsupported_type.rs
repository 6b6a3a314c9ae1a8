use fraiseql::FraiseInput;

#[derive(FraiseInput)]
struct CreateUserInput {
    name: String,
    scores: std::collections::HashMap<String, i32>,
}

fn main() {}
