use fraiseql::FraiseType;

#[derive(FraiseType)]
#[fraiseql(view = "tv_user", view = "tv_person")]
struct User {
    id: uuid::Uuid,
}

fn main() {}
