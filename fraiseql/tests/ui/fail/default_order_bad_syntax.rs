use fraiseql::FraiseType;

#[derive(FraiseType)]
#[fraiseql(default_order = "name downwards")]
struct Tag {
    id: uuid::Uuid,
    name: String,
}

#[derive(FraiseType)]
#[fraiseql(default_order = "pk_label: smallint desc")]
struct Label {
    id: uuid::Uuid,
    name: String,
}

fn main() {}
