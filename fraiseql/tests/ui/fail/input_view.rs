use fraiseql::FraiseInput;

#[derive(FraiseInput)]
#[fraiseql(view = "tv_user")]
struct CreateUserInput {
    name: String,
}

fn main() {}
