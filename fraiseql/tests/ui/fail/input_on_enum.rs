use fraiseql::FraiseInput;

#[derive(FraiseInput)]
enum Role {
    Admin,
}

fn main() {}
