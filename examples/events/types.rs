//! The event log's GraphQL types and the input of its one mutation.

use chrono::{DateTime, Utc};
use fraiseql::{FraiseEnum, FraiseInput, FraiseType};
use uuid::Uuid;

/// What happened to an account (stored in documents and inputs as its GraphQL name).
#[derive(FraiseEnum, Debug, Clone, Copy, PartialEq)]
#[fraiseql(json_case = "SCREAMING_SNAKE_CASE")]
pub enum EventKind {
    /// Money in.
    Deposited,
    /// Money out.
    Withdrawn,
}

/// An account as embedded in its events.
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(view = "tv_account")]
pub struct AccountRef {
    pub id: Uuid,
    pub identifier: String,
}

/// One event of the log, newest first unless asked otherwise (by `tv_event.pk_event`, a real
/// column its index serves, so keyset cursors never read the document to order).
#[derive(FraiseType, Debug, Clone, PartialEq)]
#[fraiseql(default_order = "pk_event: bigint desc")]
pub struct Event {
    pub id: Uuid,
    /// The position in the log (`pk_event`); a GraphQL `Int` holds the example's scale.
    pub sequence: i32,
    pub kind: EventKind,
    pub amount: i32,
    pub occurred_at: DateTime<Utc>,
    pub account: AccountRef,
}

/// An account with its events folded in.
#[derive(FraiseType, Debug, Clone, PartialEq)]
pub struct Account {
    pub id: Uuid,
    pub identifier: String,
    pub balance: i32,
    pub event_count: i32,
    /// The sequence of its latest event.
    pub last_sequence: Option<i32>,
}

/// One new event at the end of the log.
#[derive(FraiseInput)]
pub struct AppendEventInput {
    pub account_id: Uuid,
    pub kind: EventKind,
    /// 1 to 1,000,000; a withdrawal at most the balance.
    pub amount: i32,
}
