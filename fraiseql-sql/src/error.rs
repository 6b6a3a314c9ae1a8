//! The one error type of this crate: everything that can be wrong with a query *before* it
//! reaches PostgreSQL.

use crate::kind::Kind;

/// Why a piece of SQL could not be built.
///
/// Every variant describes bad input (from a schema or from a user); none carries SQL text, so
/// the message is safe to show to an API client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A table, column or schema name that PostgreSQL would not accept unquoted-and-quoted alike.
    #[error("invalid identifier {ident:?}: {reason}")]
    InvalidIdentifier {
        /// The rejected text.
        ident: String,
        /// What rule it breaks.
        reason: &'static str,
    },
    /// A key inside a JSON document that this crate does not write into SQL.
    #[error("invalid JSON key {key:?}: {reason}")]
    InvalidJsonKey {
        /// The rejected key.
        key: String,
        /// What rule it breaks.
        reason: &'static str,
    },
    /// An output name (GraphQL field, alias or type name) that is not a GraphQL name.
    #[error("invalid GraphQL name {name:?}: names match /[_A-Za-z][_0-9A-Za-z]*/")]
    InvalidName {
        /// The rejected name.
        name: String,
    },
    /// A name a schema would define (a type, field, argument or enum value) that starts with
    /// `__`, which GraphQL reserves for introspection.
    #[error("reserved GraphQL name {name:?}: names starting with __ belong to introspection")]
    ReservedName {
        /// The rejected name.
        name: String,
    },
    /// An operator used on a target whose kind does not have it (`gt` on a boolean).
    #[error("operator `{op}` is not available on {kind} values")]
    UnsupportedOperator {
        /// The operator's name.
        op: &'static str,
        /// The kind of the target it was applied to.
        kind: Kind,
    },
    /// A value that cannot stand for the target's kind (`"abc"` for an integer field).
    #[error("invalid value for {kind}: {reason}")]
    InvalidValue {
        /// The kind that was expected.
        kind: Kind,
        /// Why the value does not fit.
        reason: String,
    },
    /// Text containing a NUL character, which PostgreSQL cannot store in `text` or `jsonb`.
    #[error("text values cannot contain the NUL character (U+0000)")]
    NulCharacter,
    /// A real column was addressed where only the document is in scope (inside a list element).
    #[error("column {0:?} cannot be addressed inside an embedded list")]
    ColumnOutOfScope(String),
    /// A cursor that this relation and ordering did not issue, or that was altered.
    #[error("invalid cursor: {0}")]
    InvalidCursor(&'static str),
    /// A page request that makes no sense (`first` and `last` together, a zero-size key, …).
    #[error("invalid page: {0}")]
    InvalidPage(&'static str),
    /// A slot a statement does not have, or a filter for it that binds another number of
    /// parameters than the slot holds ([`Statement::rebind`](crate::Statement::rebind)).
    #[error("slot {0} does not fit the statement")]
    SlotMismatch(u32),
    /// A group's keys object names a key the rows are not grouped by.
    #[error("group key {0} is not among the keys grouped by")]
    NoGroupKey(usize),
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
