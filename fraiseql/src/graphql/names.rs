//! The names a schema's GraphQL types and values get: the library's own types, the types
//! generated per entity, enum, scalar and mutation, and the spelling rules between Rust, JSON
//! and GraphQL names. The bottom of `graphql/`: it imports nothing beside it.

use fraiseql_sql::ScalarKind;

/// The types fraiseql itself defines, by name.
pub(crate) const QUERY: &str = "Query";
pub(crate) const MUTATION: &str = "Mutation";
pub(crate) const PAGE_INFO: &str = "PageInfo";
pub(crate) const SORT_DIRECTION: &str = "SortDirection";
pub(crate) const NULLS_ORDER: &str = "NullsOrder";
pub(crate) const FIELD_ERROR: &str = "FieldError";
pub(crate) const DATE_TRUNC: &str = "DateTrunc";
/// A type generated for an entity, an enum, a scalar or a mutation, named `<base><suffix>`:
/// every such name is made here, for the types that define them and for the clash check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Derived {
    Connection,
    Edge,
    WhereInput,
    OrderBy,
    OrderField,
    Filter,
    ListFilter,
    Result,
    Success,
    Error,
    Aggregate,
    SumFields,
    AvgFields,
    MinFields,
    MaxFields,
    AggregateGroup,
    GroupKeys,
    GroupBy,
    GroupField,
}

impl Derived {
    /// The types each entity gets.
    pub(crate) const OF_ENTITY: [(Derived, &str); 14] = [
        (Derived::Connection, "connection type"),
        (Derived::Edge, "edge type"),
        (Derived::WhereInput, "filter input"),
        (Derived::OrderBy, "order input"),
        (Derived::OrderField, "order field enum"),
        (Derived::Aggregate, "aggregate type"),
        (Derived::SumFields, "sum type"),
        (Derived::AvgFields, "average type"),
        (Derived::MinFields, "minimum type"),
        (Derived::MaxFields, "maximum type"),
        (Derived::AggregateGroup, "aggregate group type"),
        (Derived::GroupKeys, "group keys type"),
        (Derived::GroupBy, "group input"),
        (Derived::GroupField, "group field enum"),
    ];
    /// The types each scalar and enum gets.
    pub(crate) const OF_VALUE: [Derived; 2] = [Derived::Filter, Derived::ListFilter];
    /// The types each mutation gets, from its prefix (`createUser` → `CreateUser`).
    pub(crate) const OF_MUTATION: [(Derived, &str); 3] = [
        (Derived::Result, "result union"),
        (Derived::Success, "success"),
        (Derived::Error, "refusal"),
    ];

    /// The type's name for `base`.
    pub(crate) fn of(self, base: &str) -> String {
        let suffix = match self {
            Derived::Connection => "Connection",
            Derived::Edge => "Edge",
            Derived::WhereInput => "WhereInput",
            Derived::OrderBy => "OrderBy",
            Derived::OrderField => "OrderField",
            Derived::Filter => "Filter",
            Derived::ListFilter => "ListFilter",
            Derived::Result => "Result",
            Derived::Success => "Success",
            Derived::Error => "Error",
            Derived::Aggregate => "Aggregate",
            Derived::SumFields => "SumFields",
            Derived::AvgFields => "AvgFields",
            Derived::MinFields => "MinFields",
            Derived::MaxFields => "MaxFields",
            Derived::AggregateGroup => "AggregateGroup",
            Derived::GroupKeys => "GroupKeys",
            Derived::GroupBy => "GroupBy",
            Derived::GroupField => "GroupField",
        };
        format!("{base}{suffix}")
    }
}

/// The type of an entity's `sum`, `avg`, `min` or `max` object (`PostSumFields`).
pub(crate) fn aggregate_values(function: fraiseql_sql::Function) -> Derived {
    use fraiseql_sql::Function;
    match function {
        Function::Sum => Derived::SumFields,
        Function::Avg => Derived::AvgFields,
        Function::Min => Derived::MinFields,
        Function::Max => Derived::MaxFields,
    }
}

/// The aggregate field beside an embedded list field (`comments` → `commentsAggregate`), and
/// the root aggregate field beside a root list (`posts` → `postsAggregate`).
pub(crate) fn aggregate_field(list: &str) -> String {
    format!("{list}Aggregate")
}

/// The filter input's own fields, beside one per entity field.
pub(crate) const COMBINATORS: [&str; 3] = ["_and", "_or", "_not"];

/// The GraphQL scalar serving a kind.
pub(crate) fn scalar_name(kind: ScalarKind) -> &'static str {
    match kind {
        ScalarKind::Bool => "Boolean",
        ScalarKind::Int => "Int",
        ScalarKind::BigInt => "BigInt",
        ScalarKind::Float => "Float",
        ScalarKind::Numeric => "Decimal",
        ScalarKind::Text => "String",
        ScalarKind::Uuid => "UUID",
        ScalarKind::Date => "Date",
        ScalarKind::Timestamp => "DateTime",
        ScalarKind::Json => "JSON",
    }
}

/// The filter input type for a scalar kind (`StringFilter`, `IntFilter`, …).
pub(crate) fn filter_name(kind: ScalarKind) -> String {
    Derived::Filter.of(scalar_name(kind))
}

/// `createdAt` → `CREATED_AT`.
pub(crate) fn screaming(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}
