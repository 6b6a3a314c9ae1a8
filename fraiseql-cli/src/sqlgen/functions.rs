//! The write side: `fn_create_x`, `fn_update_x`, `fn_delete_x`, each taking one `jsonb` input
//! and returning `fraiseql_mutation_result` with the library's statuses (`success:created`,
//! `not_found:x`, `conflict:<column>`, `validation:x`).

use std::fmt::Write;

use crate::model::{Field, Plan, Scalar};
use crate::names::{ident, literal, qualified};

/// The three mutation functions.
pub fn write_side(plan: &Plan) -> String {
    let mut out = String::new();
    out.push_str(&create(plan));
    out.push_str(&update(plan));
    out.push_str(&delete(plan));
    out
}

struct Names {
    entity: String,
    tb: String,
    tv: String,
    sync: String,
}

fn names(plan: &Plan) -> Names {
    let shape = &plan.shape;
    let schema = &shape.table.schema;
    Names {
        entity: shape.entity.clone(),
        tb: qualified(schema, &shape.table.name),
        tv: qualified(schema, &shape.tv()),
        sync: qualified(schema, &format!("fn_sync_tv_{}", shape.entity)),
    }
}

/// The value of `field` read from the input, cast to the column's type.
fn cast(field: &Field) -> String {
    let key = literal(&field.column.name);
    let ty = &field.column.type_name;
    match (field.kind.scalar, field.kind.array) {
        (Scalar::Json, false) if field.column.base == "jsonb" => format!("input->{key}"),
        (Scalar::Json, false) => format!("(input->{key})::json"),
        (Scalar::Json, true) => format!(
            "CASE WHEN coalesce(jsonb_typeof(input->{key}), 'null') = 'null' THEN NULL \
             ELSE ARRAY(SELECT jsonb_array_elements(input->{key}))::{ty} END"
        ),
        (_, true) => format!(
            "CASE WHEN coalesce(jsonb_typeof(input->{key}), 'null') = 'null' THEN NULL \
             ELSE ARRAY(SELECT jsonb_array_elements_text(input->{key}))::{ty} END"
        ),
        (_, false) => format!("(input->>{key})::{ty}"),
    }
}

/// `IF … THEN RETURN validation END IF` when the input is no JSON object.
fn object_check(entity: &str) -> String {
    format!(
        "    IF jsonb_typeof(input) IS DISTINCT FROM 'object' THEN
        RETURN fraiseql_refusal('validation:{entity}', 'the input must be a JSON object',
            jsonb_build_array(jsonb_build_object('field', 'input', 'code', 'invalid',
                                                 'message', 'not a JSON object')));
    END IF;
"
    )
}

fn absent(key: &str) -> String {
    format!(
        "coalesce(jsonb_typeof(input->{}), 'null') = 'null'",
        literal(key)
    )
}

fn required_check(key: &str) -> String {
    format!(
        "    IF {} THEN
        v_problems := v_problems || jsonb_build_object('field', {k}, 'code', 'required',
                                                       'message', {m});
    END IF;
",
        absent(key),
        k = literal(key),
        m = literal(&format!("{key} is required")),
    )
}

/// The exception handlers shared by create and update: unique violations are conflicts named
/// after the constraint's columns, bad values and broken constraints are validation errors
/// naming the input field being read.
fn handlers(plan: &Plan) -> String {
    let entity = &plan.shape.entity;
    let mut cases = String::new();
    for unique in &plan.shape.table.uniques {
        let detail = if unique.columns.is_empty() {
            entity.clone()
        } else {
            unique.columns.join("_")
        };
        let _ = write!(
            cases,
            "\n                WHEN {} THEN {}",
            literal(&unique.name),
            literal(&format!("conflict:{detail}"))
        );
    }
    let mut checks = String::new();
    for (constraint, column) in &plan.shape.table.checks {
        let _ = write!(
            checks,
            " WHEN {} THEN {}",
            literal(constraint),
            literal(column)
        );
    }
    let check_field = if checks.is_empty() {
        String::new()
    } else {
        format!("\n                             CASE v_constraint{checks} END,")
    };
    format!(
        "    EXCEPTION
        WHEN unique_violation THEN
            GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
            RETURN fraiseql_refusal(CASE v_constraint{cases}
                ELSE 'conflict:{entity}' END, 'the {entity} conflicts with an existing one');
        WHEN not_null_violation OR check_violation OR data_exception THEN
            GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_column = COLUMN_NAME,
                                    v_constraint = CONSTRAINT_NAME;
            RETURN fraiseql_refusal('validation:{entity}', 'the {entity} is not valid',
                jsonb_build_array(jsonb_build_object(
                    'field', coalesce(v_field,{check_field} nullif(v_column, ''), 'input'),
                    'code', 'invalid', 'message', v_message)));
    END;
"
    )
}

const COMMON_DECLARATIONS: &str = "    v_field text;
    v_column text;
    v_constraint text;
    v_message text;
";

/// Declarations of one variable per writable field (`v_f1`, …) and per parent (`v_p1` its
/// key, `v_p1_id` its id, `v_old_p1_id` the id before the write).
fn declarations(plan: &Plan) -> String {
    let mut out = String::from(COMMON_DECLARATIONS);
    for (i, field) in plan.shape.writable_fields().enumerate() {
        let _ = writeln!(
            out,
            "    v_f{} {}; -- {}",
            i + 1,
            field.column.type_name,
            field.column.name.replace('\n', " ")
        );
    }
    for (i, parent) in plan.parents.iter().enumerate() {
        let _ = writeln!(
            out,
            "    v_p{n} {}; -- {}\n    v_p{n}_id uuid;\n    v_old_p{n}_id uuid;",
            parent.reference.column.type_name,
            parent.reference.column.name.replace('\n', " "),
            n = i + 1
        );
    }
    out
}

/// Reads parent `i`'s id from the input and finds and locks its row (`not_found:<name>` when
/// none): a parent's row is locked before the child is written, so the child's document never
/// embeds a parent that a concurrent write is changing, and rebuilds of the parent queue.
fn resolve_parent(plan: &Plan, i: usize) -> String {
    let parent = &plan.parents[i];
    let key = parent.id_name();
    let t = &parent.shape.table;
    format!(
        "        v_field := {k};
        IF {absent} THEN
            v_p{n} := NULL;
            v_p{n}_id := NULL;
        ELSE
            v_p{n}_id := (input->>{k})::uuid;
            SELECT {pk} INTO v_p{n} FROM {table} WHERE \"id\" = v_p{n}_id FOR NO KEY UPDATE;
            IF NOT FOUND THEN
                RETURN fraiseql_refusal({status}, {message},
                    jsonb_build_array(jsonb_build_object('field', {k}, 'code', 'not_found',
                                                         'message', {message})));
            END IF;
        END IF;
",
        k = literal(&key),
        absent = absent(&key),
        n = i + 1,
        pk = ident(&parent.shape.pk.name),
        table = qualified(&t.schema, &t.name),
        status = literal(&format!("not_found:{}", parent.reference.name)),
        message = literal(&format!("no such {}", parent.reference.name)),
    )
}

fn sync_if_present(schema: &str, entity: &str, call: (&str, &str), indent: &str) -> String {
    let function = qualified(schema, &format!("fn_sync_tv_{entity}"));
    let (arg, tail) = call;
    format!(
        "{indent}IF to_regprocedure({}) IS NOT NULL THEN
{indent}    PERFORM {function}({arg}){tail};
{indent}END IF;
",
        literal(&format!("{function}(uuid)"))
    )
}

/// Refreshes the parents' documents (they may embed this entity), old and new ids, in the
/// fixed order every generated function locks them in.
fn refresh_parents(plan: &Plan) -> String {
    let mut out = String::new();
    for (i, parent) in plan.parents.iter().enumerate() {
        let n = i + 1;
        let schema = &parent.shape.table.schema;
        let _ = write!(
            out,
            "    IF v_old_p{n}_id IS NOT NULL THEN\n{}    END IF;\n    IF v_p{n}_id IS NOT NULL AND v_p{n}_id IS DISTINCT FROM v_old_p{n}_id THEN\n{}    END IF;\n",
            sync_if_present(
                schema,
                &parent.shape.entity,
                (&format!("v_old_p{n}_id"), ""),
                "        "
            ),
            sync_if_present(
                schema,
                &parent.shape.entity,
                (&format!("v_p{n}_id"), ""),
                "        "
            ),
        );
    }
    out
}

fn create(plan: &Plan) -> String {
    let Names {
        entity,
        tb,
        tv,
        sync,
    } = names(plan);
    let shape = &plan.shape;
    let function = qualified(&shape.table.schema, &format!("fn_create_{entity}"));
    let mut checks = String::new();
    for field in shape.writable_fields().filter(|f| f.required()) {
        checks.push_str(&required_check(&field.column.name));
    }
    for parent in plan.parents.iter().filter(|p| p.reference.column.not_null) {
        checks.push_str(&required_check(&parent.id_name()));
    }
    let mut reads = String::new();
    let mut columns = vec!["\"id\"".to_owned()];
    let mut values = vec!["v_id".to_owned()];
    for (i, field) in shape.writable_fields().enumerate() {
        let _ = writeln!(
            reads,
            "        v_field := {};\n        v_f{} := {};",
            literal(&field.column.name),
            i + 1,
            cast(field)
        );
        columns.push(ident(&field.column.name));
        values.push(match &field.column.default {
            Some(default) => format!(
                "CASE WHEN input ? {} THEN v_f{} ELSE {default} END",
                literal(&field.column.name),
                i + 1
            ),
            None => format!("v_f{}", i + 1),
        });
    }
    for i in 0..plan.parents.len() {
        reads.push_str(&resolve_parent(plan, i));
        columns.push(ident(&plan.parents[i].reference.column.name));
        values.push(format!("v_p{}", i + 1));
    }
    format!(
        "
-- Creates a {entity} from its input (keys: the columns' names, parents by id as <name>_id).
CREATE OR REPLACE FUNCTION {function}(input jsonb) RETURNS fraiseql_mutation_result
LANGUAGE plpgsql AS $fraiseql$
DECLARE
    v_id uuid := gen_random_uuid();
    v_problems jsonb := '[]';
{declarations}BEGIN
{object_check}{checks}    IF jsonb_array_length(v_problems) > 0 THEN
        RETURN fraiseql_refusal('validation:{entity}', 'the {entity} is not valid', v_problems);
    END IF;
    BEGIN
{reads}        v_field := NULL;
        INSERT INTO {tb} ({columns})
        VALUES ({values});
{handlers}    PERFORM {sync}(v_id);
{parents}    RETURN fraiseql_success(v_id, (SELECT \"data\" FROM {tv} WHERE \"id\" = v_id),
                            '{entity} created', status => 'success:created');
END
$fraiseql$;
",
        declarations = declarations(plan),
        object_check = object_check(&entity),
        columns = columns.join(", "),
        values = values.join(", "),
        handlers = handlers(plan),
        parents = refresh_parents(plan),
    )
}

/// Lines selecting the entity's key and its parents' current ids into variables, locking the
/// entity's row: `SELECT … INTO … FROM tb t LEFT JOIN … WHERE t.id = v_id FOR … OF t`.
fn lock_row(plan: &Plan, lock: &str) -> String {
    let shape = &plan.shape;
    let mut targets = vec!["v_pk".to_owned()];
    let mut values = vec![format!("t.{}", ident(&shape.pk.name))];
    let mut joins = String::new();
    for (i, parent) in plan.parents.iter().enumerate() {
        let n = i + 1;
        let t = &parent.shape.table;
        targets.push(format!("v_old_p{n}_id"));
        values.push(format!("p{n}.\"id\""));
        let _ = write!(
            joins,
            " LEFT JOIN {} p{n} ON p{n}.{} = t.{}",
            qualified(&t.schema, &t.name),
            ident(&parent.shape.pk.name),
            ident(&parent.reference.column.name)
        );
    }
    format!(
        "SELECT {} INTO {} FROM {} t{joins} WHERE t.\"id\" = v_id FOR {lock} OF t",
        values.join(", "),
        targets.join(", "),
        qualified(&shape.table.schema, &shape.table.name),
    )
}

/// Refreshes the documents of the entity's children (they may embed it), those whose
/// `fn_sync_tv_*` exists when the function runs.
fn refresh_children(plan: &Plan, from_arrays: bool) -> String {
    let mut out = String::new();
    for (i, child) in plan.children.iter().enumerate() {
        let t = &child.shape.table;
        let (arg, tail) = if from_arrays {
            ("c", format!(" FROM unnest(v_children{}) AS c", i + 1))
        } else {
            (
                "c.\"id\"",
                format!(
                    " FROM {} c WHERE c.{} = v_pk",
                    qualified(&t.schema, &t.name),
                    ident(&child.column)
                ),
            )
        };
        out.push_str(&sync_if_present(
            &t.schema,
            &child.shape.entity,
            (arg, &tail),
            "    ",
        ));
    }
    out
}

fn update(plan: &Plan) -> String {
    let Names {
        entity,
        tb,
        tv,
        sync,
    } = names(plan);
    let shape = &plan.shape;
    let function = qualified(&shape.table.schema, &format!("fn_update_{entity}"));
    let mut keys: Vec<String> = shape
        .writable_fields()
        .map(|f| literal(&f.column.name))
        .collect();
    keys.extend(plan.parents.iter().map(|p| literal(&p.id_name())));
    let mut reads = String::new();
    let mut sets = Vec::new();
    for (i, field) in shape.writable_fields().enumerate() {
        let _ = writeln!(
            reads,
            "        v_field := {};\n        v_f{} := {};",
            literal(&field.column.name),
            i + 1,
            cast(field)
        );
        let column = ident(&field.column.name);
        sets.push(format!(
            "{column} = CASE WHEN input ? {} THEN v_f{} ELSE {column} END",
            literal(&field.column.name),
            i + 1
        ));
    }
    for (i, parent) in plan.parents.iter().enumerate() {
        let n = i + 1;
        let _ = write!(
            reads,
            "        IF input ? {k} THEN\n{resolve}        ELSE\n            v_p{n}_id := v_old_p{n}_id;\n        END IF;\n",
            k = literal(&parent.id_name()),
            resolve = resolve_parent(plan, i)
                .lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>(),
        );
        let column = ident(&parent.reference.column.name);
        sets.push(format!(
            "{column} = CASE WHEN input ? {} THEN v_p{n} ELSE {column} END",
            literal(&parent.id_name())
        ));
    }
    if sets.is_empty() {
        sets.push("\"id\" = \"id\"".into());
    }
    format!(
        "
-- Changes a {entity}: the keys given are written (null clears), the keys left out stay.
CREATE OR REPLACE FUNCTION {function}(input jsonb) RETURNS fraiseql_mutation_result
LANGUAGE plpgsql AS $fraiseql$
DECLARE
    v_id uuid;
    v_pk {pk_type};
    v_problems jsonb := '[]';
    v_fields text[];
{declarations}BEGIN
{object_check}{id_check}    IF jsonb_array_length(v_problems) > 0 THEN
        RETURN fraiseql_refusal('validation:{entity}', 'the {entity} is not valid', v_problems);
    END IF;
    v_fields := ARRAY(SELECT key FROM jsonb_object_keys(input) AS key
                      WHERE key IN ({keys}) ORDER BY key);
    BEGIN
        v_field := 'id';
        v_id := (input->>'id')::uuid;
        {lock};
        IF NOT FOUND THEN
            RETURN fraiseql_refusal('not_found:{entity}', 'no such {entity}');
        END IF;
{reads}        v_field := NULL;
        UPDATE {tb} SET {sets}
        WHERE {pk} = v_pk;
{handlers}    PERFORM {sync}(v_id);
{children}{parents}    RETURN fraiseql_success(v_id, (SELECT \"data\" FROM {tv} WHERE \"id\" = v_id),
                            '{entity} updated', v_fields);
END
$fraiseql$;
",
        pk_type = shape.pk.type_name,
        pk = ident(&shape.pk.name),
        declarations = declarations(plan),
        object_check = object_check(&entity),
        id_check = required_check("id"),
        keys = if keys.is_empty() {
            "NULL".to_owned()
        } else {
            keys.join(", ")
        },
        lock = lock_row(plan, "NO KEY UPDATE"),
        sets = sets.join(",\n            "),
        handlers = handlers(plan),
        children = refresh_children(plan, false),
        parents = refresh_parents(plan),
    )
}

fn delete(plan: &Plan) -> String {
    let Names {
        entity,
        tb,
        tv,
        sync,
    } = names(plan);
    let shape = &plan.shape;
    let function = qualified(&shape.table.schema, &format!("fn_delete_{entity}"));
    let mut children_declarations = String::new();
    let mut children_reads = String::new();
    for (i, child) in plan.children.iter().enumerate() {
        let t = &child.shape.table;
        let _ = writeln!(children_declarations, "    v_children{} uuid[];", i + 1);
        let _ = writeln!(
            children_reads,
            "    v_children{} := ARRAY(SELECT c.\"id\" FROM {} c WHERE c.{} = v_pk);",
            i + 1,
            qualified(&t.schema, &t.name),
            ident(&child.column)
        );
    }
    let mut parents = String::new();
    for (i, _) in plan.parents.iter().enumerate() {
        let _ = writeln!(
            parents,
            "    v_p{n}_id uuid;\n    v_old_p{n}_id uuid;",
            n = i + 1
        );
    }
    format!(
        "
-- Deletes a {entity}; refused as conflict:referenced while other rows still reference it.
CREATE OR REPLACE FUNCTION {function}(input jsonb) RETURNS fraiseql_mutation_result
LANGUAGE plpgsql AS $fraiseql$
DECLARE
    v_id uuid;
    v_pk {pk_type};
    v_document jsonb;
    v_problems jsonb := '[]';
    v_message text;
{children_declarations}{parents}BEGIN
{object_check}{id_check}    IF jsonb_array_length(v_problems) > 0 THEN
        RETURN fraiseql_refusal('validation:{entity}', 'the {entity} is not valid', v_problems);
    END IF;
    BEGIN
        v_id := (input->>'id')::uuid;
    EXCEPTION WHEN data_exception THEN
        GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT;
        RETURN fraiseql_refusal('validation:{entity}', 'the {entity} is not valid',
            jsonb_build_array(jsonb_build_object('field', 'id', 'code', 'invalid',
                                                 'message', v_message)));
    END;
    {lock};
    IF NOT FOUND THEN
        RETURN fraiseql_refusal('not_found:{entity}', 'no such {entity}');
    END IF;
    v_document := (SELECT \"data\" FROM {tv} WHERE \"id\" = v_id);
{children_reads}    BEGIN
        DELETE FROM {tb} WHERE {pk} = v_pk;
    EXCEPTION WHEN foreign_key_violation THEN
        RETURN fraiseql_refusal('conflict:referenced', 'the {entity} is still referenced');
    END;
    PERFORM {sync}(v_id);
{children}{refresh}    RETURN fraiseql_success(v_id, v_document, '{entity} deleted', status => 'success:deleted');
END
$fraiseql$;
",
        pk_type = shape.pk.type_name,
        pk = ident(&shape.pk.name),
        object_check = object_check(&entity),
        id_check = required_check("id"),
        lock = lock_row(plan, "UPDATE"),
        children = refresh_children(plan, true),
        refresh = refresh_parents(plan),
    )
}
