use fraiseql::sql::{Direction, Nulls, ScalarKind};
use fraiseql::{FraiseEnum, FraiseType, OrderKeyDescriptor, OrderSource};

#[derive(FraiseEnum)]
enum Status {
    Draft,
    Published,
}

#[derive(FraiseType)]
#[fraiseql(default_order = "status, created_at DESC NULLS LAST, pk_post: bigint desc")]
struct Post {
    id: uuid::Uuid,
    status: Status,
    created_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn main() {
    use fraiseql::FraiseType as _;
    assert_eq!(
        Post::descriptor().default_order,
        [
            OrderKeyDescriptor { by: OrderSource::Field("status"), direction: Direction::Asc, nulls: None },
            OrderKeyDescriptor {
                by: OrderSource::Field("created_at"),
                direction: Direction::Desc,
                nulls: Some(Nulls::Last),
            },
            OrderKeyDescriptor {
                by: OrderSource::Column("pk_post", ScalarKind::BigInt),
                direction: Direction::Desc,
                nulls: None,
            },
        ]
    );
    assert_eq!(Post::descriptor().default_order_by().unwrap().len(), 3);
}
