//! pgTAP tests for the generated functions: each function's happy path, and its refusals
//! (not found, conflict, validation), plus a check that every document is what
//! `fn_sync_tv_*` builds. Each test file runs in a transaction it rolls back.

use std::fmt::Write;

use crate::catalog::{Catalog, Column, Oid};
use crate::error::{CliError, Result};
use crate::model::{Kind, Plan, Scalar};
use crate::names::{ident, literal, qualified};

/// A SQL expression of a value of `column`'s type, different for each `n` (so unique columns
/// get distinct values); `None` for a type generated code does not handle.
fn sample(column: &Column, n: u32) -> Option<String> {
    let kind = Kind::of(column)?;
    let ty = &column.type_name;
    if kind.array {
        return Some(format!("'{{}}'::{ty}"));
    }
    if column.is_enum {
        return Some(format!("(enum_range(NULL::{ty}))[1]"));
    }
    Some(match kind.scalar {
        Scalar::Bool => (n % 2 == 1).to_string(),
        Scalar::Int2 | Scalar::Int4 | Scalar::Int8 | Scalar::Numeric => format!("{n}::{ty}"),
        Scalar::Float4 | Scalar::Float8 => format!("{n}.5::{ty}"),
        Scalar::Text if column.base == "time" => format!("'12:{:02}:00'::{ty}", n % 60),
        Scalar::Text => format!("'v{n}'::{ty}"),
        Scalar::Uuid => format!("'{}'::uuid", uuid(n)),
        Scalar::Date => format!("(date '2024-01-01' + {n})"),
        Scalar::Timestamp => {
            format!("(timestamptz '2024-01-01 00:00:00+00' + interval '1 hour' * {n})::{ty}")
        }
        Scalar::Json => format!("'{{\"n\": {n}}}'::{ty}"),
    })
}

/// A fixed uuid for fixture `n`.
fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// `jsonb_build_object(…)` of SQL expressions, in 50-pair chunks.
fn jsonb_object(pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return "'{}'::jsonb".into();
    }
    let parts: Vec<String> = pairs
        .chunks(50)
        .map(|c| {
            let body: Vec<String> = c
                .iter()
                .map(|(k, v)| format!("{}, {v}", literal(k)))
                .collect();
            format!("jsonb_build_object({})", body.join(", "))
        })
        .collect();
    parts.join(" || ")
}

/// Fixture rows: inserts a row of table `oid` straight into it (its `NOT NULL` foreign keys
/// first), returning its `id`.
struct Fixtures<'c> {
    catalog: &'c Catalog,
    next: u32,
    statements: Vec<String>,
}

impl Fixtures<'_> {
    fn row(&mut self, oid: Oid, depth: usize) -> Result<String> {
        let table = self.catalog.table(oid);
        if depth > 8 {
            return Err(CliError::Input(format!(
                "table {}: its NOT NULL foreign keys form a cycle, so no test fixture can be inserted",
                table.display()
            )));
        }
        self.next += 1;
        let n = self.next;
        let id = format!("'{}'::uuid", uuid(n));
        let mut columns = Vec::new();
        let mut values = Vec::new();
        for column in &table.columns {
            let fk = table
                .foreign_keys
                .iter()
                .find(|fk| fk.columns == [column.name.clone()]);
            if column.name == "id" {
                columns.push(ident("id"));
                values.push(id.clone());
                continue;
            }
            if !column.not_null || column.default.is_some() || column.identity || column.generated {
                continue;
            }
            let value = match fk {
                Some(fk) => {
                    let parent = self.row(fk.references, depth + 1)?;
                    let p = self.catalog.table(fk.references);
                    format!(
                        "(SELECT {} FROM {} WHERE \"id\" = {parent})",
                        ident(&fk.referenced_columns[0]),
                        qualified(&p.schema, &p.name)
                    )
                }
                None => sample(column, n).ok_or_else(|| {
                    CliError::Input(format!(
                        "table {}, column {}: type {} is not supported, so no test fixture can be inserted",
                        table.display(),
                        column.name,
                        column.type_name
                    ))
                })?,
            };
            columns.push(ident(&column.name));
            values.push(value);
        }
        if table.column("id").is_none() {
            return Err(CliError::Input(format!(
                "table {} has no id column, so test fixtures cannot reference it",
                table.display()
            )));
        }
        self.statements.push(format!(
            "INSERT INTO {} ({}) VALUES ({});",
            qualified(&table.schema, &table.name),
            columns.join(", "),
            values.join(", ")
        ));
        Ok(id)
    }
}

/// The pgTAP test file of the plan's functions.
pub fn tests(plan: &Plan, catalog: &Catalog) -> Result<String> {
    let shape = &plan.shape;
    let entity = &shape.entity;
    let schema = &shape.table.schema;
    let f = |name: &str| qualified(schema, &format!("fn_{name}_{entity}"));
    let (create, update, delete) = (f("create"), f("update"), f("delete"));
    let sync = qualified(schema, &format!("fn_sync_tv_{entity}"));
    let tb = qualified(schema, &shape.table.name);
    let tv = qualified(schema, &shape.tv());

    let mut fixtures = Fixtures {
        catalog,
        next: 0,
        statements: Vec::new(),
    };
    let mut parent_ids = Vec::new();
    for parent in &plan.parents {
        parent_ids.push(fixtures.row(parent.reference.parent, 0)?);
    }
    // Inputs: every writable field with a sample value, every parent by id.
    let input = |n: u32| -> String {
        let mut pairs: Vec<(String, String)> = shape
            .writable_fields()
            .filter_map(|f| sample(&f.column, n).map(|v| (f.column.name.clone(), v)))
            .collect();
        pairs.extend(
            plan.parents
                .iter()
                .zip(&parent_ids)
                .map(|(p, id)| (p.id_name(), id.clone())),
        );
        jsonb_object(&pairs)
    };
    let uniques: Vec<&str> = shape
        .table
        .uniques
        .iter()
        .filter_map(|u| match u.columns.as_slice() {
            [c] if c != "id" && shape.writable_fields().any(|f| &f.column.name == c) => {
                Some(c.as_str())
            }
            _ => None,
        })
        .collect();
    let required = shape.writable_fields().any(|f| f.required())
        || plan.parents.iter().any(|p| p.reference.column.not_null);

    let mut t: Vec<String> = Vec::new();
    let q = |text: &str| literal(text);
    let status = |call: &str, expected: &str, what: &str| {
        format!("SELECT is(({call}).status, {}, {});", q(expected), q(what))
    };
    // fn_create
    t.push(format!(
        "SELECT is((SELECT status FROM fraiseql_t_created), 'success:created', {});",
        q(&format!("fn_create_{entity} creates a {entity}"))
    ));
    t.push(format!(
        "SELECT is((SELECT \"data\" FROM {tv} WHERE \"id\" = (SELECT entity_id FROM fraiseql_t_created)), (SELECT entity FROM fraiseql_t_created), {});",
        q(&format!("fn_create_{entity} returns the document it wrote to tv_{entity}"))
    ));
    t.push(status(
        &format!("{create}('[]'::jsonb)"),
        &format!("validation:{entity}"),
        &format!("fn_create_{entity} refuses an input that is no object"),
    ));
    if required {
        t.push(status(
            &format!("{create}('{{}}'::jsonb)"),
            &format!("validation:{entity}"),
            &format!("fn_create_{entity} refuses an input without its required fields"),
        ));
    }
    if let [only] = uniques.as_slice() {
        t.push(status(
            &format!("{create}({})", input(101)),
            &format!("conflict:{only}"),
            &format!("fn_create_{entity} refuses a taken {only}"),
        ));
    } else if !uniques.is_empty() {
        t.push(format!(
            "SELECT matches(({create}({})).status, '^conflict:', {});",
            input(101),
            q(&format!("fn_create_{entity} refuses taken unique values"))
        ));
    }
    for parent in &plan.parents {
        t.push(status(
            &format!(
                "{create}({} || jsonb_build_object({}, gen_random_uuid()))",
                input(103),
                q(&parent.id_name())
            ),
            &format!("not_found:{}", parent.reference.name),
            &format!(
                "fn_create_{entity} refuses an unknown {}",
                parent.reference.name
            ),
        ));
    }
    // fn_update
    let created = "(SELECT entity_id FROM fraiseql_t_created)";
    let change: Option<(String, String)> = shape
        .writable_fields()
        .filter(|f| !uniques.contains(&f.column.name.as_str()))
        .find_map(|f| sample(&f.column, 102).map(|v| (f.column.name.clone(), v)));
    let (change_input, fields) = match &change {
        Some((key, value)) => (
            format!("jsonb_build_object('id', {created}, {}, {value})", q(key)),
            format!("ARRAY[{}]::text[]", q(key)),
        ),
        None => (
            format!("jsonb_build_object('id', {created})"),
            "'{}'::text[]".into(),
        ),
    };
    t.push(format!(
        "CREATE TEMP TABLE fraiseql_t_updated ON COMMIT DROP AS SELECT * FROM {update}({change_input});"
    ));
    t.push(format!(
        "SELECT is((SELECT status FROM fraiseql_t_updated), 'success', {});",
        q(&format!("fn_update_{entity} updates a {entity}"))
    ));
    t.push(format!(
        "SELECT is((SELECT updated_fields FROM fraiseql_t_updated), {fields}, {});",
        q(&format!("fn_update_{entity} reports the fields it changed"))
    ));
    t.push(format!(
        "SELECT is((SELECT \"data\" FROM {tv} WHERE \"id\" = {created}), (SELECT entity FROM fraiseql_t_updated), {});",
        q(&format!("fn_update_{entity} returns the refreshed document"))
    ));
    t.push(status(
        &format!("{update}(jsonb_build_object('id', gen_random_uuid()))"),
        &format!("not_found:{entity}"),
        &format!("fn_update_{entity} refuses an unknown id"),
    ));
    t.push(status(
        &format!("{update}('{{\"id\": \"not a uuid\"}}'::jsonb)"),
        &format!("validation:{entity}"),
        &format!("fn_update_{entity} refuses an id that is no uuid"),
    ));
    if let Some(unique) = uniques.first() {
        t.push(format!(
            "CREATE TEMP TABLE fraiseql_t_other ON COMMIT DROP AS SELECT * FROM {create}({});",
            input(104)
        ));
        t.push(format!(
            "SELECT is((SELECT status FROM fraiseql_t_other), 'success:created', {});",
            q(&format!("fn_create_{entity} creates a second {entity}"))
        ));
        t.push(format!(
            "SELECT matches(({update}(jsonb_build_object('id', (SELECT entity_id FROM fraiseql_t_other), {k}, (SELECT {c} FROM {tb} WHERE \"id\" = {created})))).status, '^conflict:', {});",
            q(&format!("fn_update_{entity} refuses a taken {unique}")),
            k = q(unique),
            c = ident(unique),
        ));
    }
    // Every document is what fn_sync_tv_* builds now.
    let sync_check = format!(
        "CREATE TEMP TABLE fraiseql_t_before ON COMMIT DROP AS SELECT \"id\", \"data\" FROM {tv};
DO $fraiseql$ BEGIN PERFORM {sync}(\"id\") FROM {tb}; END $fraiseql$;
SELECT is((SELECT count(*) FROM fraiseql_t_before b JOIN {tv} v USING (\"id\") WHERE b.\"data\" = v.\"data\"),
          (SELECT count(*) FROM {tb}), {});",
        q(&format!(
            "every tv_{entity} document is what fn_sync_tv_{entity} builds from {}",
            shape.table.name
        ))
    );
    // fn_delete
    t.push(status(
        &format!("{delete}(jsonb_build_object('id', {created}))"),
        "success:deleted",
        &format!("fn_delete_{entity} deletes a {entity}"),
    ));
    t.push(format!(
        "SELECT is((SELECT count(*) FROM {tv} WHERE \"id\" = {created}), 0::bigint, {});",
        q(&format!("fn_delete_{entity} removes its document"))
    ));
    t.push(status(
        &format!("{delete}(jsonb_build_object('id', {created}))"),
        &format!("not_found:{entity}"),
        &format!("fn_delete_{entity} refuses an unknown id"),
    ));
    t.push(status(
        &format!("{delete}('{{\"id\": 42}}'::jsonb)"),
        &format!("validation:{entity}"),
        &format!("fn_delete_{entity} refuses an id that is no uuid"),
    ));
    t.push(sync_check);

    let plan_count = t
        .iter()
        .filter(|s| s.contains("SELECT is(") || s.contains("SELECT matches("))
        .count();
    let mut out = String::new();
    let _ = write!(
        out,
        "-- pgTAP tests of the functions `fraiseql codegen functions` generated for {table}.
-- Run with pg_prove, or with psql (every line must start with \"ok\"). Fixtures are sample
-- values: edit them if CHECK constraints of your own refuse them.
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan({plan_count});

-- Fixtures: the parents a {entity} needs.
{fixtures}
CREATE TEMP TABLE fraiseql_t_created ON COMMIT DROP AS SELECT * FROM {create}({input});
{tests}

SELECT * FROM finish();
ROLLBACK;
",
        table = shape.table.name.replace('\n', " "),
        fixtures = fixtures.statements.join("\n"),
        input = input(101),
        tests = t.join("\n"),
    );
    Ok(out)
}
