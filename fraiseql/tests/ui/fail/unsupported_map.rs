use fraiseql::FraiseType;
use std::collections::HashMap;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    settings: HashMap<String, String>,
}

fn main() {}
