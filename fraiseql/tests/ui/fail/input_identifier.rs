use fraiseql::FraiseInput;

#[derive(FraiseInput)]
#[fraiseql(name = "NewUser", identifier = "slug")]
struct CreateUserInput {
    slug: String,
}

fn main() {}
