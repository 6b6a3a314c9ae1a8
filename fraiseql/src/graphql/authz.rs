//! Field-level authorization: which fields, types and mutations a request may use, from the
//! roles of its context ([`RequestContext::granted_roles`]) against `#[fraiseql(requires =
//! "…")]` and [`MutationField::requires`](super::MutationField::requires).
//!
//! The compiler decides from the request alone, never from the data. A selected field the
//! request may not read is not read: the statement holds a constant null in its place (or in
//! place of its nearest nullable ancestor, when the field is non-null), and its error —
//! `FORBIDDEN` at the field's path — is recorded as a [`Denial`]. The fast path writes the
//! denials among the response's errors; on juniper's executor the root field pushes them at
//! their paths ([`push`]) before juniper walks the JSON, so both answer alike. A filter, an
//! order or a lookup by such a field, a root field of a type the request may not read and a
//! mutation it may not call fail their root field instead, like any argument that fails.

use std::fmt::Display;
use std::sync::Mutex;

use juniper::parser::SourcePosition;
use juniper::{DefaultScalarValue as S, Executor, FieldError, graphql_value};

use super::context::Context;
use super::info::SchemaInfo;
use crate::context::RequestContext;
use crate::descriptor::{FieldDescriptor, TypeDescriptor};

/// The roles of one request that a schema's requirements name: all a compile depends on, so
/// the plan cache keeps compiles by them ([`key`](Self::key)).
#[derive(Debug, Default)]
pub(crate) struct Grants<'s> {
    held: Vec<&'s str>,
}

impl<'s> Grants<'s> {
    /// The roles of `schema` that `request` holds.
    pub fn new(schema: &'s SchemaInfo, request: &RequestContext) -> Self {
        if schema.roles.is_empty() {
            return Self::default();
        }
        let roles: Vec<&str> = request.granted_roles().collect();
        let held = (schema.roles.iter().map(String::as_str))
            .filter(|role| roles.contains(role))
            .collect();
        Self { held }
    }

    /// Whether a request with these roles meets `requires` (any one of the roles; nothing
    /// required: yes).
    pub fn allows<R: AsRef<str>>(&self, requires: &[R]) -> bool {
        requires.is_empty() || requires.iter().any(|r| self.held.contains(&r.as_ref()))
    }

    /// The held roles as one text (roles hold no commas): requests with the same key compile
    /// alike. Empty when the schema requires no role, or the request holds none of them.
    pub fn key(&self) -> String {
        self.held.join(",")
    }

    /// Why the request may not `verb` `field` of `parent`: the field's own requirement, then
    /// its type's (an embedded `FraiseType` that requires a role).
    pub fn refuse_field(
        &self,
        verb: &str,
        parent: &TypeDescriptor,
        field: &FieldDescriptor,
    ) -> Option<FieldError<S>> {
        let action = || format!("{verb} {}.{}", parent.name, field.name);
        if !self.allows(field.requires) {
            return Some(forbidden(action(), "it", field.requires));
        }
        let object = field.ty.object()?;
        (!self.allows(object.requires)).then(|| forbidden(action(), object.name, object.requires))
    }

    /// Why the request may not read the root field `name`, whose objects are `descriptor`s.
    pub fn refuse_root(&self, name: &str, descriptor: &TypeDescriptor) -> Option<FieldError<S>> {
        (!self.allows(descriptor.requires)).then(|| {
            let action = format!("read {}.{name}", super::names::QUERY);
            forbidden(action, descriptor.name, descriptor.requires)
        })
    }
}

/// `FORBIDDEN`: "Not allowed to `action`: `subject` needs the role … (one of the roles …)."
pub(crate) fn forbidden<R: AsRef<str>>(
    action: impl Display,
    subject: &str,
    requires: &[R],
) -> FieldError<S> {
    let roles: Vec<&str> = requires.iter().map(AsRef::as_ref).collect();
    let needs = match roles.as_slice() {
        [role] => format!("the role {role}"),
        roles => format!("one of the roles {}", roles.join(", ")),
    };
    FieldError::new(
        format!("Not allowed to {action}: {subject} needs {needs}."),
        graphql_value!({"code": "FORBIDDEN"}),
    )
}

/// One step below a root field: a field (response key and name), or the member of a union
/// (a mutation's result) the fields below belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step<T> {
    Field { key: T, name: T },
    Member(T),
}

/// Where the compiler is below the root field: borrowed steps, made into a path only when a
/// field is refused.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub step: Step<&'a str>,
    pub up: Option<&'a At<'a>>,
}

impl<'a> At<'a> {
    /// The field `key` (named `name`) below `up`.
    pub fn field(up: Option<&'a At<'a>>, key: &'a str, name: &'a str) -> Self {
        Self {
            step: Step::Field { key, name },
            up,
        }
    }

    fn path(here: Option<&At<'_>>) -> Vec<Step<String>> {
        let mut path = Vec::new();
        let mut at = here;
        while let Some(frame) = at {
            path.push(match frame.step {
                Step::Field { key, name } => Step::Field {
                    key: key.to_owned(),
                    name: name.to_owned(),
                },
                Step::Member(member) => Step::Member(member.to_owned()),
            });
            at = frame.up;
        }
        path.reverse();
        path
    }
}

/// A selected field the request may not read.
#[derive(Debug, Clone)]
pub(crate) struct Denial {
    /// Below the root field, down to the field.
    pub path: Vec<Step<String>>,
    /// Where the field is written in the document.
    pub position: SourcePosition,
    pub error: FieldError<S>,
}

impl Denial {
    /// The response keys from the root field's key down to the field: the error's `path`.
    pub fn keys<'d>(&'d self, root: &'d str) -> Vec<&'d str> {
        let below = self.path.iter().filter_map(|step| match step {
            Step::Field { key, .. } => Some(key.as_str()),
            Step::Member(_) => None,
        });
        std::iter::once(root).chain(below).collect()
    }
}

/// The denials one compile records.
#[derive(Debug, Default)]
pub(crate) struct Denials(Mutex<Vec<Denial>>);

impl Denials {
    /// Records that the field at `here` (written at `position`) is refused for `error`.
    pub fn record(&self, here: Option<&At<'_>>, position: SourcePosition, error: FieldError<S>) {
        let denial = Denial {
            path: At::path(here),
            position,
            error,
        };
        self.lock().push(denial);
    }

    /// The denials recorded since the last call.
    pub fn take(&self) -> Vec<Denial> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Denial>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Pushes `denial` on juniper's executor of its root field, at the denial's path, as juniper
/// pushes a field's error (so a null the denial causes is not reported again).
pub(crate) fn push<'x>(executor: &'x Executor<'x, 'x, Context, S>, denial: &'x Denial) {
    push_below(executor, &denial.path, denial);
}

fn push_below<'x>(
    executor: &'x Executor<'x, 'x, Context, S>,
    path: &'x [Step<String>],
    denial: &'x Denial,
) {
    let here = || executor.push_error_at(denial.error.clone(), denial.position);
    let Some((step, below)) = path.split_first() else {
        return here();
    };
    // juniper's sub-executors (public, hidden from its docs) are the one way to push an error
    // at a path below the current field. The steps come from the validated document: each
    // names a field of its parent, or a member of its union; checked anyway, since juniper
    // panics on anything else.
    match step {
        Step::Field { key, name } => {
            let parent = executor.current_type().innermost_concrete();
            if parent.field_by_name(name).is_none() {
                return here();
            }
            let sub = executor.field_sub_executor(key, name, denial.position, None);
            push_below(&sub, below, denial)
        }
        Step::Member(member) => {
            if executor.schema().concrete_type_by_name(member).is_none() {
                return here();
            }
            let sub = executor.type_sub_executor(Some(member), None);
            push_below(&sub, below, denial)
        }
    }
}
