use fraiseql::{FraiseInput, FraiseType};

#[derive(FraiseInput)]
struct AddressInput {
    city: String,
}

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    address: AddressInput,
}

fn main() {}
