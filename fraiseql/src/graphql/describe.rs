//! A schema's description as JSON: what each served type reads from the database (relation,
//! key columns, real columns, document keys and their kinds) and which function each mutation
//! calls. Tools compare it with a live database (`fraiseql check`); nothing here reads one.

use serde_json::{Value, json};

use super::root::Schema;
use crate::descriptor::{FieldSource, FieldType, InputDescriptor, TypeDescriptor};

/// The version of [`describe`]'s format (its `"version"` key).
pub const DESCRIPTION_VERSION: u32 = 1;

/// `schema`'s description as pretty-printed JSON, for tools that check the database against
/// the Rust types (`fraiseql check`). An application exposes it the way it exposes its SDL: by
/// answering a command-line flag before connecting to anything.
///
/// ```
/// # use fraiseql::{FraiseType, graphql::{SchemaBuilder, describe}};
/// # #[derive(FraiseType)] struct User { id: uuid::Uuid, name: String, age: Option<i32> }
/// let schema = SchemaBuilder::new().query::<User>().build()?;
/// if std::env::args().any(|arg| arg == "--describe-schema") {
///     println!("{}", describe(&schema));
///     return Ok(());
/// }
/// let description: serde_json::Value = serde_json::from_str(&describe(&schema)).unwrap();
/// assert_eq!(description["entities"][0]["relation"], "tv_user");
/// assert_eq!(description["entities"][0]["fields"][2]["type"], serde_json::json!({"nullable": {"scalar": "integer"}}));
/// # Ok::<(), fraiseql::Error>(())
/// ```
///
/// The format (version 1): `{"version": 1, "entities": [...], "enums": [...], "mutations":
/// [...]}`. An entity: `name` (GraphQL), `relation`, `data` (the document column), `key`,
/// `identifier` (column or null), `root` (served at the root, so read from its relation;
/// otherwise only embedded in other documents), `fields`: each `name`, `source` (`"document"`
/// or `"column"`), `key` (document key or column) and `type`. A type is `{"scalar": "<SQL
/// type>"}` (`text`, `integer`, `bigint`, `double precision`, `numeric`, `boolean`, `uuid`,
/// `date`, `timestamptz`, `jsonb`), `{"enum": "Name"}`, `{"object": "Name"}`, `{"input":
/// "Name"}`, `{"list": type}` or `{"nullable": type}`. An enum: `name` and `values` (the
/// stored texts). A mutation: `name`, `function` (`fn_x` or
/// `schema.fn_x`, unquoted), `entity`, `input` and its `fields` (`key`,
/// `type`).
pub fn describe(schema: &Schema) -> String {
    let info = &schema.query_info;
    let entities: Vec<Value> = info
        .entities
        .iter()
        .map(|entity| entity_json(entity.descriptor, entity.roots.is_some()))
        .collect();
    let enums: Vec<Value> = info
        .enums
        .iter()
        .map(|e| json!({"name": e.name, "values": e.values.iter().map(|v| v.stored).collect::<Vec<_>>()}))
        .collect();
    let mutations: Vec<Value> = info
        .mutations
        .iter()
        .map(|m| {
            let input: &InputDescriptor = (m.input)();
            json!({
                "name": m.name,
                "function": match m.function.schema() {
                    Some(schema) => format!("{}.{}", schema.as_str(), m.function.name().as_str()),
                    None => m.function.name().as_str().to_owned(),
                },
                "entity": info.entities[m.entity].descriptor.name,
                "input": input.name,
                "fields": input.fields.iter().map(|f| json!({"key": f.key, "type": type_json(&f.ty)})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let description = json!({
        "version": DESCRIPTION_VERSION,
        "entities": entities,
        "enums": enums,
        "mutations": mutations,
    });
    serde_json::to_string_pretty(&description).expect("a JSON value prints")
}

fn entity_json(descriptor: &TypeDescriptor, root: bool) -> Value {
    let fields: Vec<Value> = descriptor
        .fields
        .iter()
        .map(|field| {
            let (source, key) = match field.source {
                FieldSource::Json(key) => ("document", key),
                FieldSource::Column(column) => ("column", column),
            };
            json!({"name": field.name, "source": source, "key": key, "type": type_json(&field.ty)})
        })
        .collect();
    json!({
        "name": descriptor.name,
        "relation": descriptor.view,
        "data": descriptor.data,
        "key": descriptor.key,
        "identifier": descriptor.identifier,
        "root": root,
        "fields": fields,
    })
}

fn type_json(ty: &FieldType) -> Value {
    match ty {
        FieldType::Scalar(kind) => json!({"scalar": kind.sql_type()}),
        FieldType::Enum(e) => json!({"enum": e().name}),
        FieldType::Object(o) => json!({"object": o().name}),
        FieldType::Input(i) => json!({"input": i().name}),
        FieldType::List(inner) => json!({"list": type_json(inner)}),
        FieldType::Nullable(inner) => json!({"nullable": type_json(inner)}),
    }
}
