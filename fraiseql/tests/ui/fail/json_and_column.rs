use fraiseql::FraiseType;

#[derive(FraiseType)]
struct User {
    id: uuid::Uuid,
    #[fraiseql(column, json = "tenant")]
    tenant_id: uuid::Uuid,
}

fn main() {}
