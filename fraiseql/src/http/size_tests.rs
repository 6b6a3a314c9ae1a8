//! The size of a request's future. Every wrapper around it (the request span, the timeout, the
//! web framework's box) moves it, and each request allocates it: a few KiB is what the work
//! needs, and a regression here (an `async fn` that takes a future as a parameter holds it
//! twice; a pool's checkout future holding the connect state inline) cost a tenth of the
//! throughput on the lightest reads.

use super::{Endpoint, Format, GraphQLRequest, Method};
use crate::RequestContext;
use crate::graphql::SchemaBuilder;

/// Read only through its descriptor.
#[derive(crate::FraiseType)]
#[allow(dead_code)]
struct Item {
    id: uuid::Uuid,
    name: String,
}

/// The bound a request's whole future stays under: it is 3.2 KiB in a test build (18 KiB
/// before the two causes above were fixed), and smaller when optimized.
const REQUEST_FUTURE_BOUND: usize = 8 * 1024;

#[test]
fn a_request_future_stays_small() {
    let schema = SchemaBuilder::new().query::<Item>().build().unwrap();
    // Never connected: the future is built, measured and dropped unpolled.
    let config: tokio_postgres::Config = "host=/nonexistent user=nobody".parse().unwrap();
    let endpoint = Endpoint::new(schema, crate::Database::connect(config, 1).unwrap());
    let request =
        GraphQLRequest::from_json(br#"{"query":"query($n:Int){items(limit:$n){id}}"}"#).unwrap();
    let future = endpoint.execute(Method::Post, Format::Json, &request, RequestContext::new());
    let size = std::mem::size_of_val(&future);
    assert!(
        size < REQUEST_FUTURE_BOUND,
        "a request's future is {size} bytes (bound {REQUEST_FUTURE_BOUND})"
    );
}
