use fraiseql::FraiseInput;

#[derive(FraiseInput)]
struct CreateUserInput {
    name: String,
    #[fraiseql(column)]
    tenant_id: uuid::Uuid,
}

fn main() {}
