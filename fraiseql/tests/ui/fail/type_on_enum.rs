use fraiseql::FraiseType;

#[derive(FraiseType)]
enum Role {
    Admin,
}

fn main() {}
