use fraiseql::FraiseInput;

#[derive(FraiseInput)]
struct CreateManyInput<T> {
    items: Vec<T>,
}

fn main() {}
