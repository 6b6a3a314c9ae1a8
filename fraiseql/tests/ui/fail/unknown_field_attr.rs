use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    #[fraiseql(colum)]
    tenant_id: uuid::Uuid,
}

fn main() {}
