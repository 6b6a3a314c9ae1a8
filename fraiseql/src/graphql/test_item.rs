//! The entity the unit tests of the schema's pieces (plans, persisted queries, variables) build
//! their schemas from.

/// Read only through its descriptor.
#[derive(crate::FraiseType)]
#[allow(dead_code)]
pub(crate) struct Item {
    id: uuid::Uuid,
    name: String,
}
