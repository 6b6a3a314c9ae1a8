//! Handles on single values: scalars and enums.

use std::marker::PhantomData;

use fraiseql_sql::{Filter, Ident, Kind, Op, OrderBy, ScalarKind, Value};

use super::kind::{Operand, Ordered, Scalar, Sortable, Text};
use super::{Base, Handle};
use crate::field::FraiseEnum;

/// A handle on a scalar field of kind `K`.
///
/// Every kind has `eq`, `neq`, `in_`, `nin`, `is_null`; ordered kinds add `gt`, `gte`, `lt`, `lte`;
/// text adds the pattern operators; JSON adds key and containment operators; every kind but
/// JSON can be sorted with `asc` / `desc`.
#[derive(Debug, Clone)]
pub struct ScalarHandle<K> {
    base: Base,
    kind: PhantomData<K>,
}

impl<K> Handle for ScalarHandle<K> {
    fn at(base: Base) -> Self {
        Self {
            base,
            kind: PhantomData,
        }
    }
}

impl<K: Scalar> ScalarHandle<K> {
    /// The value's target, of kind `kind`.
    pub(super) fn target(&self, kind: Kind) -> fraiseql_sql::Target {
        self.base.target(kind)
    }

    fn cond(&self, op: Op) -> Filter {
        Filter::cond(self.base.target(Kind::Scalar(K::KIND)), op)
    }

    fn values(values: impl IntoIterator<Item = impl Operand<K>>) -> Vec<Value> {
        values.into_iter().map(Operand::into_value).collect()
    }

    /// Equal to `value` (never matches null).
    pub fn eq(&self, value: impl Operand<K>) -> Filter {
        self.cond(Op::Eq(value.into_value()))
    }

    /// Not equal to `value` (matches null).
    pub fn neq(&self, value: impl Operand<K>) -> Filter {
        self.cond(Op::Neq(value.into_value()))
    }

    /// Equal to one of `values`.
    pub fn in_(&self, values: impl IntoIterator<Item = impl Operand<K>>) -> Filter {
        self.cond(Op::In(Self::values(values)))
    }

    /// Equal to none of `values` (matches null).
    pub fn nin(&self, values: impl IntoIterator<Item = impl Operand<K>>) -> Filter {
        self.cond(Op::Nin(Self::values(values)))
    }

    /// Null or absent (`true`), or present (`false`).
    pub fn is_null(&self, null: bool) -> Filter {
        self.cond(Op::IsNull(null))
    }
}

impl<K: Ordered> ScalarHandle<K> {
    /// Greater than `value`.
    pub fn gt(&self, value: impl Operand<K>) -> Filter {
        self.cond(Op::Gt(value.into_value()))
    }

    /// Greater than or equal to `value`.
    pub fn gte(&self, value: impl Operand<K>) -> Filter {
        self.cond(Op::Gte(value.into_value()))
    }

    /// Less than `value`.
    pub fn lt(&self, value: impl Operand<K>) -> Filter {
        self.cond(Op::Lt(value.into_value()))
    }

    /// Less than or equal to `value`.
    pub fn lte(&self, value: impl Operand<K>) -> Filter {
        self.cond(Op::Lte(value.into_value()))
    }
}

impl<K: Sortable> ScalarHandle<K> {
    /// Sorts ascending (nulls last unless `.nulls_first()`).
    pub fn asc(&self) -> OrderBy {
        OrderBy::asc(self.base.target(Kind::Scalar(K::KIND)))
    }

    /// Sorts descending (nulls first unless `.nulls_last()`).
    pub fn desc(&self) -> OrderBy {
        OrderBy::desc(self.base.target(Kind::Scalar(K::KIND)))
    }
}

macro_rules! text_ops {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self, text: impl Into<String>) -> Filter {
            self.cond(Op::$op(text.into()))
        }
    )*};
}

impl ScalarHandle<Text> {
    text_ops! {
        /// Contains `text` literally (`%`, `_` and `\` match themselves).
        contains => Contains;
        /// Contains `text`, ignoring ASCII case.
        icontains => IContains;
        /// Starts with `text` literally.
        starts_with => StartsWith;
        /// Starts with `text`, ignoring ASCII case.
        istarts_with => IStartsWith;
        /// Ends with `text` literally.
        ends_with => EndsWith;
        /// Ends with `text`, ignoring ASCII case.
        iends_with => IEndsWith;
        /// SQL `LIKE` pattern (`%` and `_` are wildcards).
        like => Like;
        /// SQL `ILIKE` pattern.
        ilike => ILike;
        /// POSIX regular expression.
        matches => Matches;
        /// Case-insensitive POSIX regular expression.
        imatches => IMatches;
    }

    /// Full-text match of a web-search query (`"exact phrase" -not or`) in the text search
    /// configuration `config` (`simple`, `english`, …).
    pub fn search(&self, query: impl Into<String>, config: &str) -> fraiseql_sql::Result<Filter> {
        Ok(self.cond(Op::Search {
            query: query.into(),
            config: Ident::new(config)?,
        }))
    }
}

impl ScalarHandle<super::kind::Json> {
    /// Is a JSON object with the top-level key `key`.
    pub fn has_key(&self, key: impl Into<String>) -> Filter {
        self.cond(Op::HasKey(key.into()))
    }

    /// Has at least one of `keys`.
    pub fn has_any_keys(&self, keys: impl IntoIterator<Item = impl Into<String>>) -> Filter {
        self.cond(Op::HasAnyKeys(keys.into_iter().map(Into::into).collect()))
    }

    /// Has all of `keys`.
    pub fn has_all_keys(&self, keys: impl IntoIterator<Item = impl Into<String>>) -> Filter {
        self.cond(Op::HasAllKeys(keys.into_iter().map(Into::into).collect()))
    }

    /// Contains `json` (`@>`).
    pub fn contains(&self, json: serde_json::Value) -> Filter {
        self.cond(Op::JsonContains(json))
    }

    /// Is contained in `json` (`<@`).
    pub fn contained_in(&self, json: serde_json::Value) -> Filter {
        self.cond(Op::ContainedIn(json))
    }
}

/// A handle on a [`FraiseEnum`] field, compared by the values' stored text.
#[derive(Debug, Clone)]
pub struct EnumHandle<E> {
    base: Base,
    kind: PhantomData<E>,
}

impl<E> Handle for EnumHandle<E> {
    fn at(base: Base) -> Self {
        Self {
            base,
            kind: PhantomData,
        }
    }
}

impl<E: FraiseEnum> EnumHandle<E> {
    fn cond(&self, op: Op) -> Filter {
        Filter::cond(self.base.target(Kind::Scalar(ScalarKind::Text)), op)
    }

    fn values(values: impl IntoIterator<Item = E>) -> Vec<Value> {
        values
            .into_iter()
            .map(|v| Value::from(v.stored()))
            .collect()
    }

    /// Equal to `value`.
    pub fn eq(&self, value: E) -> Filter {
        self.cond(Op::Eq(value.stored().into()))
    }

    /// Not equal to `value` (matches null).
    pub fn neq(&self, value: E) -> Filter {
        self.cond(Op::Neq(value.stored().into()))
    }

    /// One of `values`.
    pub fn in_(&self, values: impl IntoIterator<Item = E>) -> Filter {
        self.cond(Op::In(Self::values(values)))
    }

    /// None of `values` (matches null).
    pub fn nin(&self, values: impl IntoIterator<Item = E>) -> Filter {
        self.cond(Op::Nin(Self::values(values)))
    }

    /// Null or absent (`true`), or present (`false`).
    pub fn is_null(&self, null: bool) -> Filter {
        self.cond(Op::IsNull(null))
    }

    /// Sorts ascending by stored text.
    pub fn asc(&self) -> OrderBy {
        OrderBy::asc(self.base.target(Kind::Scalar(ScalarKind::Text)))
    }

    /// Sorts descending by stored text.
    pub fn desc(&self) -> OrderBy {
        OrderBy::desc(self.base.target(Kind::Scalar(ScalarKind::Text)))
    }
}
