use fraiseql::FraiseType;

#[derive(FraiseType)]
#[fraiseql(viwe = "tv_user")]
struct User {
    id: uuid::Uuid,
}

fn main() {}
