//! Handles on lists: arrays of scalars or enums, and embedded lists of objects.

use std::marker::PhantomData;

use fraiseql_sql::{Filter, Kind, Op, ScalarKind, Value};

use super::kind::{Operand, Scalar};
use super::{Base, Handle};
use crate::field::FraiseEnum;

/// A handle on a list of scalars of kind `K` (a JSON array, or an array column).
#[derive(Debug, Clone)]
pub struct ArrayHandle<K> {
    base: Base,
    kind: PhantomData<K>,
}

impl<K> Handle for ArrayHandle<K> {
    fn at(base: Base) -> Self {
        Self {
            base,
            kind: PhantomData,
        }
    }
}

impl<K: Scalar> ArrayHandle<K> {
    fn cond(&self, op: Op) -> Filter {
        Filter::cond(self.base.target(Kind::Array(K::KIND)), op)
    }

    fn values(values: impl IntoIterator<Item = impl Operand<K>>) -> Vec<Value> {
        values.into_iter().map(Operand::into_value).collect()
    }

    /// Contains every one of `values`.
    pub fn contains(&self, values: impl IntoIterator<Item = impl Operand<K>>) -> Filter {
        self.cond(Op::ArrayContains(Self::values(values)))
    }

    /// Shares at least one element with `values`.
    pub fn overlaps(&self, values: impl IntoIterator<Item = impl Operand<K>>) -> Filter {
        self.cond(Op::Overlaps(Self::values(values)))
    }

    /// Some element equals `value`.
    pub fn any_eq(&self, value: impl Operand<K>) -> Filter {
        self.cond(Op::AnyEq(value.into_value()))
    }

    /// The list is null or absent (`true`), or present (`false`).
    pub fn is_null(&self, null: bool) -> Filter {
        self.cond(Op::IsNull(null))
    }
}

/// A handle on a list of [`FraiseEnum`] values.
#[derive(Debug, Clone)]
pub struct EnumArrayHandle<E> {
    base: Base,
    kind: PhantomData<E>,
}

impl<E> Handle for EnumArrayHandle<E> {
    fn at(base: Base) -> Self {
        Self {
            base,
            kind: PhantomData,
        }
    }
}

impl<E: FraiseEnum> EnumArrayHandle<E> {
    fn cond(&self, op: Op) -> Filter {
        Filter::cond(self.base.target(Kind::Array(ScalarKind::Text)), op)
    }

    fn values(values: impl IntoIterator<Item = E>) -> Vec<Value> {
        values
            .into_iter()
            .map(|v| Value::from(v.stored()))
            .collect()
    }

    /// Contains every one of `values`.
    pub fn contains(&self, values: impl IntoIterator<Item = E>) -> Filter {
        self.cond(Op::ArrayContains(Self::values(values)))
    }

    /// Shares at least one element with `values`.
    pub fn overlaps(&self, values: impl IntoIterator<Item = E>) -> Filter {
        self.cond(Op::Overlaps(Self::values(values)))
    }

    /// Some element equals `value`.
    pub fn any_eq(&self, value: E) -> Filter {
        self.cond(Op::AnyEq(value.stored().into()))
    }

    /// The list is null or absent (`true`), or present (`false`).
    pub fn is_null(&self, null: bool) -> Filter {
        self.cond(Op::IsNull(null))
    }
}

/// A handle on an embedded list of objects whose fields handle `F` describes.
#[derive(Debug, Clone)]
pub struct ObjectListHandle<F> {
    base: Base,
    fields: PhantomData<F>,
}

impl<F> Handle for ObjectListHandle<F> {
    fn at(base: Base) -> Self {
        Self {
            base,
            fields: PhantomData,
        }
    }
}

impl<F: Handle> ObjectListHandle<F> {
    /// Some element satisfies the filter `build` makes from the element's fields.
    ///
    /// `User::filter().posts().any(|post| post.title().contains("rust"))`
    pub fn any(&self, build: impl FnOnce(F) -> Filter) -> Filter {
        Filter::any(self.base.json_path(), build(F::at(Base::element())))
    }

    /// Every element satisfies the filter (vacuously true for an empty or absent list).
    pub fn all(&self, build: impl FnOnce(F) -> Filter) -> Filter {
        self.any(|fields| build(fields).not()).not()
    }

    /// No element satisfies the filter.
    pub fn none(&self, build: impl FnOnce(F) -> Filter) -> Filter {
        self.any(build).not()
    }

    /// The list is null or absent (`true`), or present (`false`).
    pub fn is_null(&self, null: bool) -> Filter {
        Filter::cond(
            self.base.target(Kind::Scalar(ScalarKind::Json)),
            Op::IsNull(null),
        )
    }
}

/// The handle of fields that cannot be filtered (lists of lists): it has no operators.
#[derive(Debug, Clone)]
pub struct NoHandle;

impl Handle for NoHandle {
    fn at(_: Base) -> Self {
        NoHandle
    }
}
