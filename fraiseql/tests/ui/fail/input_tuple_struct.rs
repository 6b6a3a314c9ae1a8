use fraiseql::FraiseInput;

#[derive(FraiseInput)]
struct CreateUserInput(String, i32);

fn main() {}
