use fraiseql::{FraiseInput, FraiseType};

#[derive(FraiseType)]
struct NoRole {
    id: uuid::Uuid,
    #[fraiseql(requires = "admin, ")]
    name: String,
}

#[derive(FraiseType)]
#[fraiseql(requires = "admin, auditor, admin")]
struct RoleTwice {
    id: uuid::Uuid,
}

#[derive(FraiseType)]
struct RequiresTwice {
    id: uuid::Uuid,
    #[fraiseql(requires = "admin", requires = "auditor")]
    name: String,
}

#[derive(FraiseType)]
struct RestrictedKey {
    #[fraiseql(requires = "admin")]
    id: uuid::Uuid,
}

#[derive(FraiseType)]
struct RestrictedSkip {
    id: uuid::Uuid,
    #[fraiseql(skip, requires = "admin")]
    cache: String,
}

#[derive(FraiseType)]
#[fraiseql(default_order = "salary desc")]
struct RestrictedOrder {
    id: uuid::Uuid,
    #[fraiseql(requires = "hr")]
    salary: i32,
}

#[derive(FraiseInput)]
struct RestrictedInput {
    #[fraiseql(requires = "admin")]
    name: String,
}

fn main() {}
