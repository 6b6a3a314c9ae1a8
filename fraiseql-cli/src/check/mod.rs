//! `fraiseql check`: drift between the Rust types (the application's schema description) and a
//! live database. Each root type's relation exists; its key, identifier, document and declared
//! columns exist with fitting types; sampled documents hold the keys and kinds the types read;
//! each mutation's function takes one `jsonb` and returns `fraiseql_mutation_result`. Every
//! difference is one line; reading the catalog and sampling rows change nothing.

mod description;
mod documents;

use fraiseql::sql::{Ident, QualifiedName};
use tokio_postgres::Client;

pub use description::Description;
use description::{Entity, Ty};
use documents::Findings;

use crate::error::{CliError, Result};

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    /// Each difference, one line.
    pub drift: Vec<String>,
    /// Relations checked.
    pub relations: usize,
    /// Functions checked.
    pub functions: usize,
    /// Documents sampled.
    pub rows: usize,
}

/// Checks `description` against the database `client` is connected to, sampling up to `sample`
/// documents of each relation.
pub async fn check(client: &Client, description: &Description, sample: i64) -> Result<Report> {
    let mut report = Report::default();
    let mut checked: Vec<&str> = Vec::new();
    for entity in description.entities.iter().filter(|e| e.root) {
        if checked.contains(&entity.relation.as_str()) {
            continue;
        }
        checked.push(&entity.relation);
        report.relations += 1;
        relation(client, description, entity, sample, &mut report).await?;
    }
    for mutation in &description.mutations {
        report.functions += 1;
        function(client, &mutation.name, &mutation.function, &mut report).await?;
    }
    Ok(report)
}

fn name(text: &str, what: &str) -> Result<QualifiedName> {
    QualifiedName::parse(text)
        .map_err(|e| CliError::Input(format!("the description names the {what} {text:?}: {e}")))
}

/// One column of a relation: its name, type (`regtype`), whether that type is an enum, and
/// its element type when it is an array.
struct Column {
    name: String,
    ty: String,
    is_enum: bool,
    element: Option<String>,
}

async fn relation(
    client: &Client,
    description: &Description,
    entity: &Entity,
    sample: i64,
    report: &mut Report,
) -> Result<()> {
    let relation = name(&entity.relation, "relation")?;
    let rel = &entity.relation;
    let found = client
        .query_opt(
            "SELECT 1 FROM pg_class WHERE oid = to_regclass($1)",
            &[&relation.to_string()],
        )
        .await?;
    if found.is_none() {
        report.drift.push(format!(
            "{rel}: relation not found ({} reads it)",
            entity.name
        ));
        return Ok(());
    }
    let columns: Vec<Column> = client
        .query(
            "SELECT a.attname::text, a.atttypid::regtype::text, t.typtype = 'e', \
                    NULLIF(t.typelem, 0)::regtype::text \
             FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
             WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
            &[&relation.to_string()],
        )
        .await?
        .iter()
        .map(|row| Column {
            name: row.get(0),
            ty: row.get(1),
            is_enum: row.get(2),
            element: row.get(3),
        })
        .collect();
    let mut expect = |column: &str, ty: &Ty, reader: String| {
        let line = match columns.iter().find(|c| c.name == column) {
            None => Some(format!(
                "{rel}.{column}: column not found ({reader} reads it)"
            )),
            Some(found) if !column_fits(ty, found) => Some(format!(
                "{rel}.{column}: expected {}, found {}",
                column_expected(ty),
                found.ty
            )),
            Some(_) => None,
        };
        report.drift.extend(line);
    };
    let scalar = |sql: &str| Ty::Scalar(sql.to_owned());
    expect(
        &entity.key,
        &scalar("uuid"),
        format!("{}'s key", entity.name),
    );
    if let Some(identifier) = &entity.identifier {
        expect(
            identifier,
            &scalar("text"),
            format!("{}'s identifier", entity.name),
        );
    }
    expect(
        &entity.data,
        &scalar("jsonb"),
        format!("{}'s document", entity.name),
    );
    for field in entity.fields.iter().filter(|f| f.source == "column") {
        expect(
            &field.key,
            &field.ty,
            format!("{}.{}", entity.name, field.name),
        );
    }
    let data_ok = columns
        .iter()
        .any(|c| c.name == entity.data && matches!(c.ty.as_str(), "jsonb" | "json"));
    if !data_ok || sample <= 0 {
        return Ok(());
    }
    let data = Ident::new(&entity.data).map_err(|e| {
        CliError::Input(format!(
            "the description names the column {:?}: {e}",
            entity.data
        ))
    })?;
    let rows = client
        .query(
            &format!("SELECT {data}::text FROM {relation} LIMIT $1"),
            &[&sample],
        )
        .await?;
    let mut findings = Findings::default();
    let path = format!("{rel}.{}", entity.data);
    for row in &rows {
        let text: Option<String> = row.get(0);
        let doc = match text {
            Some(text) => serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
            None => serde_json::Value::Null,
        };
        findings.row(description, entity, &path, &doc);
    }
    let total = rows.len();
    report.rows += total;
    for ((path, problem), count) in findings.0 {
        report.drift.push(format!(
            "{path}: {problem} in {count} of {total} sampled rows"
        ));
    }
    Ok(())
}

/// Whether a column's type serves a field of type `ty`.
fn column_fits(ty: &Ty, column: &Column) -> bool {
    match ty {
        Ty::Nullable(inner) => column_fits(inner, column),
        Ty::Scalar(sql) => scalar_column_fits(sql, &column.ty),
        Ty::Enum(_) => column.is_enum || scalar_column_fits("text", &column.ty),
        Ty::List(item) => match (&**item, &column.element) {
            (Ty::Scalar(sql), Some(element)) => scalar_column_fits(sql, element),
            (Ty::Enum(_), Some(_)) => true,
            (_, _) => matches!(column.ty.as_str(), "jsonb" | "json"),
        },
        Ty::Object(_) | Ty::Input(_) => matches!(column.ty.as_str(), "jsonb" | "json"),
    }
}

fn scalar_column_fits(sql: &str, found: &str) -> bool {
    let accepted: &[&str] = match sql {
        "text" => &["text", "character varying", "character", "citext", "name"],
        "integer" => &["integer", "smallint"],
        "bigint" => &["bigint", "integer", "smallint"],
        "double precision" => &["double precision", "real"],
        "numeric" => &["numeric"],
        "boolean" => &["boolean"],
        "uuid" => &["uuid"],
        "date" => &["date"],
        "timestamptz" => &["timestamp with time zone", "timestamp without time zone"],
        "jsonb" => &["jsonb", "json"],
        other => return other == found,
    };
    accepted.contains(&found)
}

fn column_expected(ty: &Ty) -> String {
    match ty {
        Ty::Nullable(inner) => column_expected(inner),
        Ty::Scalar(sql) => sql.clone(),
        Ty::Enum(name) => format!("text or an enum type ({name})"),
        Ty::List(item) => format!("{}[]", column_expected(item)),
        Ty::Object(_) | Ty::Input(_) => "jsonb".into(),
    }
}

async fn function(
    client: &Client,
    mutation: &str,
    function: &str,
    report: &mut Report,
) -> Result<()> {
    let qualified = name(function, "function")?;
    let signature = format!("{function}(jsonb)");
    let returns: Option<String> = client
        .query_opt(
            "SELECT prorettype::regtype::text FROM pg_proc WHERE oid = to_regprocedure($1)",
            &[&format!("{qualified}(jsonb)")],
        )
        .await?
        .map(|row| row.get(0));
    match returns {
        Some(returns) if returns == "fraiseql_mutation_result" => {}
        Some(returns) => report.drift.push(format!(
            "{signature}: returns {returns}, expected fraiseql_mutation_result (mutation {mutation})"
        )),
        None => {
            let others: Vec<String> = client
                .query(
                    "SELECT p.oid::regprocedure::text FROM pg_proc p \
                     JOIN pg_namespace n ON n.oid = p.pronamespace \
                     WHERE p.proname = $1 AND ($2::text IS NULL OR n.nspname = $2) \
                     ORDER BY 1",
                    &[
                        &qualified.name().as_str(),
                        &qualified.schema().map(|s| s.as_str()),
                    ],
                )
                .await?
                .iter()
                .map(|row| row.get(0))
                .collect();
            let found = match others.as_slice() {
                [] => String::new(),
                others => format!("; found {}", others.join(", ")),
            };
            report.drift.push(format!(
                "{signature}: function not found (mutation {mutation}){found}"
            ));
        }
    }
    Ok(())
}
