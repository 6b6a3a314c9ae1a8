//! Sampled documents against the fields the Rust types read from them: a key a non-null field
//! needs that is missing, a null where none may be, a value of another kind (text vs number vs
//! boolean vs object vs array), an enum's text that is none of its values.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::description::{Description, Entity, Ty};

/// Each (path, problem) found, with the number of sampled rows showing it.
#[derive(Debug, Default)]
pub struct Findings(pub BTreeMap<(String, String), usize>);

impl Findings {
    /// Checks one row's document of `entity` (its top-level document fields; every field of
    /// the objects embedded in it), `path` naming the document (`tv_user.data`).
    pub fn row(&mut self, description: &Description, entity: &Entity, path: &str, doc: &Value) {
        let mut seen = BTreeSet::new();
        match doc {
            Value::Object(object) => {
                let walk = Walk {
                    description,
                    seen: &mut seen,
                };
                walk.fields(entity, object, path, true);
            }
            other => {
                seen.insert((
                    path.to_owned(),
                    format!("expected object, found {}", kind(other)),
                ));
            }
        }
        for finding in seen {
            *self.0.entry(finding).or_default() += 1;
        }
    }
}

struct Walk<'a, 's> {
    description: &'a Description,
    seen: &'s mut BTreeSet<(String, String)>,
}

impl Walk<'_, '_> {
    fn fields(
        mut self,
        entity: &Entity,
        object: &Map<String, Value>,
        path: &str,
        top: bool,
    ) -> Self {
        for field in &entity.fields {
            if top && field.source != "document" {
                continue;
            }
            let path = format!("{path}.{}", field.key);
            self = self.value(&field.ty, object.get(&field.key), &path);
        }
        self
    }

    fn problem(self, path: &str, problem: String) -> Self {
        self.seen.insert((path.to_owned(), problem));
        self
    }

    fn value(self, ty: &Ty, value: Option<&Value>, path: &str) -> Self {
        match (ty, value) {
            (Ty::Nullable(_), None | Some(Value::Null)) => self,
            (Ty::Nullable(inner), Some(value)) => self.value(inner, Some(value), path),
            (_, None) => self.problem(path, "missing".into()),
            (ty, Some(Value::Null)) => {
                let expected = expected(ty);
                self.problem(path, format!("expected {expected}, found null"))
            }
            (ty, Some(value)) => self.present(ty, value, path),
        }
    }

    fn present(self, ty: &Ty, value: &Value, path: &str) -> Self {
        let mismatch = |walk: Self| {
            let problem = format!("expected {}, found {}", expected(ty), kind(value));
            walk.problem(path, problem)
        };
        match (ty, value) {
            (Ty::Scalar(sql), value) if scalar_fits(sql, value) => self,
            (Ty::Enum(name), Value::String(text)) => match self.description.enum_values(name) {
                Some(values) if !values.contains(text) => self.problem(
                    path,
                    format!("expected a value of {name}, found another string"),
                ),
                _ => self,
            },
            (Ty::Object(name), Value::Object(object)) => match self.description.entity(name) {
                Some(entity) => self.fields(entity, object, path, false),
                None => self,
            },
            (Ty::List(item), Value::Array(items)) => {
                let path = format!("{path}[]");
                items
                    .iter()
                    .fold(self, |walk, element| walk.value(item, Some(element), &path))
            }
            (Ty::Input(_), _) => self,
            _ => mismatch(self),
        }
    }
}

/// Whether a JSON value holds a scalar of the SQL type `sql` as the library reads it.
fn scalar_fits(sql: &str, value: &Value) -> bool {
    match sql {
        "integer" | "double precision" => value.is_number(),
        "bigint" | "numeric" => value.is_number() || value.is_string(),
        "boolean" => value.is_boolean(),
        "jsonb" => true,
        _ => value.is_string(),
    }
}

/// What a type needs, in JSON's words.
fn expected(ty: &Ty) -> String {
    match ty {
        Ty::Scalar(sql) => match sql.as_str() {
            "integer" | "double precision" => "number".into(),
            "bigint" | "numeric" => "number or string".into(),
            "boolean" => "boolean".into(),
            "jsonb" => "any JSON value".into(),
            "text" => "string".into(),
            other => format!("string ({other})"),
        },
        Ty::Enum(name) => format!("string ({name})"),
        Ty::Object(_) | Ty::Input(_) => "object".into(),
        Ty::List(_) => "array".into(),
        Ty::Nullable(inner) => expected(inner),
    }
}

/// A JSON value's kind.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
