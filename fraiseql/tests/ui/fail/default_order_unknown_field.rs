use fraiseql::FraiseType;

#[derive(FraiseType)]
#[fraiseql(default_order = "created desc, name")]
struct Post {
    id: uuid::Uuid,
    name: String,
    created_at: String,
}

fn main() {}
