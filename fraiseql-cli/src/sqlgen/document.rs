//! The read side: the `tv_*` table and `fn_sync_tv_*`, which builds each document from `tb_*`.

use std::fmt::Write;

use crate::model::{Field, Plan, Scalar, Shape};
use crate::names::{ident, literal, qualified};

/// `json_build_object(k, v, …)`; past PostgreSQL's 100 arguments, 50-pair objects joined as
/// `jsonb` (which orders keys its own way anyway once stored).
pub fn build_object(pairs: &[(String, String)], indent: &str) -> String {
    let chunk = |pairs: &[(String, String)]| {
        let inner = format!("{indent}    ");
        let body: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{inner}{}, {v}", literal(k)))
            .collect();
        format!("json_build_object(\n{}\n{indent})", body.join(",\n"))
    };
    if pairs.len() <= 50 {
        return chunk(pairs);
    }
    let parts: Vec<String> = pairs
        .chunks(50)
        .map(|c| format!("{}::jsonb", chunk(c)))
        .collect();
    format!("({})::json", parts.join(" || "))
}

/// The JSON value of a field of the row `alias`.
fn value(field: &Field, alias: &str) -> String {
    let column = format!("{alias}.{}", ident(&field.column.name));
    if field.kind.scalar == Scalar::Timestamp
        && !field.kind.array
        && field.column.base == "timestamp"
    {
        // A timestamp without zone is read as UTC, so every document holds an instant.
        format!("({column} AT TIME ZONE 'UTC')")
    } else {
        column
    }
}

/// The keys an embedded object of `shape` holds (`id`, `identifier`, data columns).
pub fn flat_pairs(shape: &Shape, alias: &str) -> Vec<(String, String)> {
    let mut pairs = vec![("id".to_owned(), format!("{alias}.\"id\""))];
    pairs.extend(
        shape
            .document_fields()
            .map(|f| (f.key.clone(), value(f, alias))),
    );
    pairs
}

/// The whole document of the entity row `t`, its parents joined as `p1`, `p2`, ….
pub fn document(plan: &Plan) -> String {
    let mut pairs = flat_pairs(&plan.shape, "t");
    for (i, parent) in plan.parents.iter().enumerate() {
        let alias = format!("p{}", i + 1);
        let value = if parent.embed {
            let object = build_object(&flat_pairs(&parent.shape, &alias), "               ");
            if parent.reference.column.not_null {
                object
            } else {
                format!(
                    "CASE WHEN {alias}.{} IS NULL THEN NULL ELSE {object} END",
                    ident(&parent.shape.pk.name)
                )
            }
        } else {
            format!("{alias}.\"id\"")
        };
        pairs.push((parent.key(), value));
    }
    for (i, child) in plan.children.iter().enumerate().filter(|(_, c)| c.embed) {
        let alias = format!("c{}", i + 1);
        let object = build_object(&flat_pairs(&child.shape, &alias), "                   ");
        let table = &child.shape.table;
        pairs.push((
            child.key.clone(),
            format!(
                "coalesce((\n               SELECT json_agg({object} ORDER BY {alias}.{pk})\n               FROM {table} {alias} WHERE {alias}.{fk} = t.{tpk}), '[]'::json)",
                pk = ident(&child.shape.pk.name),
                table = qualified(&table.schema, &table.name),
                fk = ident(&child.column),
                tpk = ident(&plan.shape.pk.name),
            ),
        ));
    }
    build_object(&pairs, "           ")
}

/// `CREATE TABLE tv_x`, its indexes, `fn_sync_tv_x`, and the backfill of existing rows.
pub fn read_side(plan: &Plan) -> String {
    let shape = &plan.shape;
    let table = &shape.table;
    let schema = &table.schema;
    let tb = qualified(schema, &table.name);
    let tv = qualified(schema, &shape.tv());
    let sync = qualified(schema, &format!("fn_sync_tv_{}", shape.entity));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "-- The read side of {name}: one row per entity, the entity as one jsonb document.",
        name = table.name
    );
    let mut columns = vec!["    \"id\" uuid PRIMARY KEY".to_owned()];
    let mut sync_columns = vec!["\"id\"".to_owned()];
    let mut sync_values = vec!["t.\"id\"".to_owned()];
    if let Some(identifier) = &shape.identifier {
        let unique = table
            .uniques
            .iter()
            .any(|u| u.columns == ["identifier".to_owned()]);
        columns.push(format!(
            "    \"identifier\" {}{}{}",
            identifier.column.type_name,
            if identifier.column.not_null {
                " NOT NULL"
            } else {
                ""
            },
            if unique { " UNIQUE" } else { "" }
        ));
        sync_columns.push("\"identifier\"".into());
        sync_values.push("t.\"identifier\"".into());
    }
    for (i, parent) in plan.parents.iter().enumerate() {
        let name = ident(&parent.id_name());
        columns.push(format!(
            "    {name} uuid{}",
            if parent.reference.column.not_null {
                " NOT NULL"
            } else {
                ""
            }
        ));
        sync_columns.push(name);
        sync_values.push(format!("p{}.\"id\"", i + 1));
    }
    columns.push("    \"data\" jsonb NOT NULL".into());
    let _ = writeln!(out, "CREATE TABLE {tv} (\n{}\n);", columns.join(",\n"));
    for parent in &plan.parents {
        let _ = writeln!(
            out,
            "CREATE INDEX {} ON {tv} ({});",
            ident(&format!("tv_{}_{}", shape.entity, parent.id_name())),
            ident(&parent.id_name())
        );
    }
    let joins: String = plan
        .parents
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let t = &p.shape.table;
            format!(
                "\n    LEFT JOIN {} p{n} ON p{n}.{} = t.{}",
                qualified(&t.schema, &t.name),
                ident(&p.shape.pk.name),
                ident(&p.reference.column.name),
                n = i + 1
            )
        })
        .collect();
    let updates: Vec<String> = sync_columns[1..]
        .iter()
        .chain(std::iter::once(&"\"data\"".to_owned()))
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect();
    sync_columns.push("\"data\"".into());
    sync_values.push(format!("{}::jsonb", document(plan)));
    let _ = write!(
        out,
        "
-- Rebuilds one document from {name} (and deletes it when the entity is gone). Rebuilds of one
-- entity are serialized by a lock on its {name} row, taken before the document is read: a
-- rebuild that waited reads, in a fresh snapshot, everything the one before it committed, so
-- concurrent writes to its children never leave it with a document missing one of them.
CREATE OR REPLACE FUNCTION {sync}(p_id uuid) RETURNS void
LANGUAGE plpgsql AS $fraiseql$
BEGIN
    PERFORM 1 FROM {tb} WHERE \"id\" = p_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        DELETE FROM {tv} WHERE \"id\" = p_id;
        RETURN;
    END IF;
    INSERT INTO {tv} ({cols})
    SELECT {vals}
    FROM {tb} t{joins}
    WHERE t.\"id\" = p_id
    ON CONFLICT (\"id\") DO UPDATE SET {updates};
END
$fraiseql$;

-- Documents for the rows already there.
DO $fraiseql$ BEGIN PERFORM {sync}(\"id\") FROM {tb}; END $fraiseql$;
",
        name = table.name,
        cols = sync_columns.join(", "),
        vals = sync_values.join(",\n           "),
        updates = updates.join(", "),
    );
    out
}
