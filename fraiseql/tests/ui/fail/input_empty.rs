use fraiseql::FraiseInput;

#[derive(FraiseInput)]
struct NothingInput {
    #[fraiseql(skip)]
    note: String,
}

fn main() {}
