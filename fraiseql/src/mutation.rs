//! Writes from application code: a PostgreSQL mutation function called with its input as one
//! `jsonb` argument, in one read-write transaction under the request's context (one round
//! trip), answering with a `fraiseql_mutation_result` (see [`MUTATION_RESULT_SQL`]).
//!
//! [`MUTATION_RESULT_SQL`]: crate::MUTATION_RESULT_SQL

use fraiseql_sql::{QualifiedName, Statement};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::context::RequestContext;
use crate::database::Database;
use crate::error::{Error, Result};

/// What a mutation function answered.
#[derive(Debug, Clone, PartialEq)]
pub enum MutationOutcome<T> {
    /// The write happened (`status` is `success` or `success:<detail>`).
    Success(MutationSuccess<T>),
    /// The function refused (`status` is `<kind>:<detail>`); nothing was written.
    Refused(MutationRefusal),
}

/// A write that happened, with the entity as the function read it back after refreshing it.
#[derive(Debug, Clone, PartialEq)]
pub struct MutationSuccess<T> {
    /// `success` or `success:<detail>` (`success:created`, `success:deleted`, …).
    pub status: String,
    /// The function's message, if any.
    pub message: Option<String>,
    /// The entity's public id.
    pub entity_id: Option<Uuid>,
    /// The entity's refreshed document (for a delete, its last one), typed.
    pub entity: Option<T>,
    /// The fields the write changed, as the function reports them.
    pub updated_fields: Vec<String>,
}

/// A refusal, with the stable code its status names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MutationRefusal {
    /// The status as the function returned it (`not_found:user`).
    pub status: String,
    /// The status' kind in upper case (`NOT_FOUND`, `CONFLICT`, `VALIDATION`, `FORBIDDEN`, …).
    pub code: String,
    /// The function's message, if any.
    pub message: Option<String>,
    /// Per-field problems.
    pub field_errors: Vec<FieldError>,
}

/// One field's problem in a refused input.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FieldError {
    /// The input field (as the function names it).
    pub field: String,
    /// A short machine-readable code (`required`, `invalid`, …), if given.
    #[serde(default)]
    pub code: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// The result row as `to_json` writes it.
#[derive(Deserialize)]
struct ResultRow {
    status: Option<String>,
    message: Option<String>,
    entity_id: Option<Uuid>,
    entity: Option<serde_json::Value>,
    updated_fields: Option<Vec<String>>,
    errors: Option<Vec<FieldError>>,
}

/// Calls the mutation function `function` (optionally schema-qualified) with `input`.
pub(crate) async fn call<T: DeserializeOwned>(
    db: &Database,
    context: &RequestContext,
    function: &str,
    input: serde_json::Value,
) -> Result<MutationOutcome<T>> {
    #[cfg(feature = "metrics")]
    let name = function;
    let function = QualifiedName::parse(function)?;
    let statement = Statement::call(&function, input);
    let json = db.write_json(context, &statement).await;
    let outcome = json.and_then(|json| outcome(&function, &json));
    #[cfg(feature = "metrics")]
    db.record_mutation(
        name,
        match &outcome {
            Ok(MutationOutcome::Success(_)) => "SUCCESS",
            Ok(MutationOutcome::Refused(refusal)) => &refusal.code,
            Err(error) => error.code(),
        },
    );
    outcome
}

fn outcome<T: DeserializeOwned>(
    function: &QualifiedName,
    json: &str,
) -> Result<MutationOutcome<T>> {
    let unexpected = |why: &dyn std::fmt::Display| {
        tracing::error!(%function, %why, "a mutation function did not return a fraiseql_mutation_result");
        Error::Internal
    };
    let row: ResultRow = serde_json::from_str(json).map_err(|e| unexpected(&e))?;
    let status = row.status.ok_or_else(|| unexpected(&"no status"))?;
    let (kind, _) = status.split_once(':').unwrap_or((&status, ""));
    if kind == "success" {
        let entity = row
            .entity
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| unexpected(&e))?;
        return Ok(MutationOutcome::Success(MutationSuccess {
            message: row.message,
            entity_id: row.entity_id,
            entity,
            updated_fields: row.updated_fields.unwrap_or_default(),
            status,
        }));
    }
    let valid_kind = !kind.is_empty()
        && kind
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid_kind {
        return Err(unexpected(&format!("status {status:?}")));
    }
    Ok(MutationOutcome::Refused(MutationRefusal {
        code: kind.to_ascii_uppercase(),
        message: row.message,
        field_errors: row.errors.unwrap_or_default(),
        status,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(json: serde_json::Value) -> Result<MutationOutcome<serde_json::Value>> {
        let function = QualifiedName::parse("fn_test").unwrap();
        super::outcome(&function, &json.to_string())
    }

    #[test]
    fn statuses_become_outcomes_and_codes() {
        let refused = outcome(serde_json::json!({
            "status": "not_found:user", "message": "no such user",
            "errors": [{"field": "id", "message": "unknown"}]
        }))
        .unwrap();
        let MutationOutcome::Refused(refusal) = refused else {
            panic!("{refused:?}")
        };
        assert_eq!(refusal.code, "NOT_FOUND");
        assert_eq!(refusal.field_errors[0].field, "id");
        assert_eq!(refusal.field_errors[0].code, None);
        for (status, code) in [("conflict", "CONFLICT"), ("validation:email", "VALIDATION")] {
            let MutationOutcome::Refused(refusal) =
                outcome(serde_json::json!({ "status": status })).unwrap()
            else {
                panic!("{status}")
            };
            assert_eq!(refusal.code, code);
        }
        let success = outcome(serde_json::json!({
            "status": "success:created", "entity_id": "00000000-0000-0000-0000-000000000001",
            "entity": {"a": 1}, "updated_fields": ["a"]
        }))
        .unwrap();
        let MutationOutcome::Success(success) = success else {
            panic!("{success:?}")
        };
        assert_eq!(success.entity, Some(serde_json::json!({"a": 1})));
        assert_eq!(success.updated_fields, ["a"]);
    }

    #[test]
    fn anything_but_a_result_is_an_internal_error() {
        for json in [
            serde_json::json!(null),
            serde_json::json!({"message": "no status"}),
            serde_json::json!({"status": "NOT FOUND"}),
            serde_json::json!({"status": ""}),
            serde_json::json!({"status": "success", "entity_id": "not a uuid"}),
        ] {
            let error = outcome(json.clone()).unwrap_err();
            assert_eq!(error.code(), "INTERNAL_SERVER_ERROR", "{json}");
        }
    }
}
