//! A table read as a FraiseQL entity: its Trinity keys (`pk_*`, `id`, `identifier`), its data
//! columns with their kinds, and the tables it embeds. Everything that does not fit is an
//! `Input` error naming the table and column, before anything is written.

use crate::catalog::{Catalog, Column, Oid, Table};
use crate::error::{CliError, Result};
use crate::names::camel;

/// The scalar kinds generated code handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// `boolean`.
    Bool,
    /// `smallint`.
    Int2,
    /// `integer`.
    Int4,
    /// `bigint`.
    Int8,
    /// `real`.
    Float4,
    /// `double precision`.
    Float8,
    /// `numeric` (a JSON number; `f64` in Rust).
    Numeric,
    /// `text`, `varchar`, `char`, `citext`, `time`, enums: a JSON string.
    Text,
    /// `uuid`.
    Uuid,
    /// `date`.
    Date,
    /// `timestamptz`, and `timestamp` read as UTC.
    Timestamp,
    /// `json` or `jsonb`.
    Json,
}

/// A column's kind: a scalar, or an array of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// The scalar (the element's, for an array).
    pub scalar: Scalar,
    /// An array column.
    pub array: bool,
}

/// The types `codegen` accepts, for messages.
pub const SUPPORTED: &str = "boolean, smallint, integer, bigint, real, double precision, numeric, \
    text, varchar, char, citext, enums, uuid, date, time, timestamp, timestamptz, json, jsonb, \
    and one-dimensional arrays of these";

impl Kind {
    /// The kind of `column`, when generated code handles its type.
    pub fn of(column: &Column) -> Option<Kind> {
        let scalar = match column.base.as_str() {
            _ if column.is_enum => Scalar::Text,
            "bool" => Scalar::Bool,
            "int2" => Scalar::Int2,
            "int4" => Scalar::Int4,
            "int8" => Scalar::Int8,
            "float4" => Scalar::Float4,
            "float8" => Scalar::Float8,
            "numeric" => Scalar::Numeric,
            "text" | "varchar" | "bpchar" | "citext" | "time" => Scalar::Text,
            "uuid" => Scalar::Uuid,
            "date" => Scalar::Date,
            "timestamptz" | "timestamp" => Scalar::Timestamp,
            "json" | "jsonb" => Scalar::Json,
            _ => return None,
        };
        Some(Kind {
            scalar,
            array: column.is_array,
        })
    }
}

/// A data column: one key of the document, one key of the functions' input.
#[derive(Debug, Clone)]
pub struct Field {
    /// The column.
    pub column: Column,
    /// Its kind.
    pub kind: Kind,
    /// Its key in the document (camelCase).
    pub key: String,
}

impl Field {
    /// Whether a create must be given it: `NOT NULL` without a default.
    pub fn required(&self) -> bool {
        self.column.not_null && self.column.default.is_none()
    }
}

/// A foreign key of an entity, to another entity's `pk_*`.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The `fk_*` column.
    pub column: Column,
    /// Its name without `fk_` (`author`): the embedded object's key, `<name>_id` in inputs.
    pub name: String,
    /// The referenced table.
    pub parent: Oid,
}

/// A table that fits the FraiseQL pattern.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The table.
    pub table: Table,
    /// The entity's name: the table's without `tb_` (`post`).
    pub entity: String,
    /// The `pk_*` column.
    pub pk: Column,
    /// The `identifier` column, when there is one.
    pub identifier: Option<Field>,
    /// The other columns but foreign keys.
    pub fields: Vec<Field>,
    /// The foreign keys.
    pub references: Vec<Reference>,
}

impl Shape {
    /// Reads `table` as an entity, or says which column does not fit.
    pub fn new(table: &Table) -> Result<Shape> {
        let t = table.display();
        let entity = table.name.strip_prefix("tb_").filter(|e| !e.is_empty()).ok_or_else(|| {
            CliError::Input(format!(
                "table {t}: FraiseQL tables are named tb_<entity> (tb_post), so the entity's name cannot be read from \"{}\"",
                table.name
            ))
        })?;
        let pk = match table.primary_key.as_slice() {
            [] => {
                return Err(CliError::Input(format!(
                    "table {t} has no primary key: FraiseQL tables need one pk_{entity} column (int GENERATED ALWAYS AS IDENTITY PRIMARY KEY)"
                )));
            }
            [one] => table.column(one).cloned().expect("a key column exists"),
            many => {
                return Err(CliError::Input(format!(
                    "table {t} has a composite primary key ({}): FraiseQL tables need one pk_{entity} column",
                    many.join(", ")
                )));
            }
        };
        if !pk.name.starts_with("pk_") {
            return Err(CliError::Input(format!(
                "table {t}, column {}: the primary key must be named pk_{entity}",
                pk.name
            )));
        }
        if !matches!(pk.base.as_str(), "int2" | "int4" | "int8") || pk.is_array {
            return Err(CliError::Input(format!(
                "table {t}, column {}: the primary key must be an integer, not {}",
                pk.name, pk.type_name
            )));
        }
        let id = table.column("id").ok_or_else(|| {
            CliError::Input(format!(
                "table {t} has no id column: FraiseQL tables need id uuid NOT NULL UNIQUE, the public key"
            ))
        })?;
        if id.base != "uuid" || id.is_array {
            return Err(CliError::Input(format!(
                "table {t}, column id: the public key must be uuid, not {}",
                id.type_name
            )));
        }
        let fk_columns: Vec<&str> = table
            .foreign_keys
            .iter()
            .flat_map(|fk| fk.columns.iter().map(String::as_str))
            .collect();
        let mut references = Vec::new();
        for fk in &table.foreign_keys {
            let [column] = fk.columns.as_slice() else {
                return Err(CliError::Input(format!(
                    "table {t}: foreign key {} has several columns ({}); FraiseQL follows one fk_* column to a pk_* key",
                    fk.name,
                    fk.columns.join(", ")
                )));
            };
            if !fk.referenced_columns.iter().all(|c| c.starts_with("pk_")) {
                return Err(CliError::Input(format!(
                    "table {t}, column {column}: the foreign key must reference a pk_* column, not {}",
                    fk.referenced_columns.join(", ")
                )));
            }
            let column = table.column(column).cloned().expect("a key column exists");
            let name = column
                .name
                .strip_prefix("fk_")
                .unwrap_or(&column.name)
                .to_owned();
            references.push(Reference {
                column,
                name,
                parent: fk.references,
            });
        }
        let mut identifier = None;
        let mut fields = Vec::new();
        for column in &table.columns {
            if column.name == pk.name
                || column.name == "id"
                || fk_columns.contains(&column.name.as_str())
            {
                continue;
            }
            let kind = Kind::of(column).ok_or_else(|| {
                CliError::Input(format!(
                    "table {t}, column {}: type {} is not supported (supported: {SUPPORTED})",
                    column.name, column.type_name
                ))
            })?;
            let field = Field {
                column: column.clone(),
                kind,
                key: camel(&column.name),
            };
            if column.name == "identifier" {
                identifier = Some(field);
            } else {
                fields.push(field);
            }
        }
        Ok(Shape {
            table: table.clone(),
            entity: entity.to_owned(),
            pk,
            identifier,
            fields,
            references,
        })
    }

    /// The `tv_*` read table's name.
    pub fn tv(&self) -> String {
        format!("tv_{}", self.entity)
    }

    /// The fields a document holds (identifier first, when present), foreign keys aside.
    pub fn document_fields(&self) -> impl Iterator<Item = &Field> {
        self.identifier.iter().chain(&self.fields)
    }

    /// The fields writes take (generated and identity columns are PostgreSQL's).
    pub fn writable_fields(&self) -> impl Iterator<Item = &Field> {
        self.document_fields()
            .filter(|f| !f.column.generated && !f.column.identity)
    }
}

/// A child: a table with a foreign key to the entity.
#[derive(Debug, Clone)]
pub struct Child {
    /// The child's shape.
    pub shape: Shape,
    /// Its column referencing the entity.
    pub column: String,
    /// The list's key in the entity's document (`comments`).
    pub key: String,
    /// Whether the entity's document embeds the list.
    pub embed: bool,
}

/// A parent: the entity's foreign key and the table it reaches.
#[derive(Debug, Clone)]
pub struct Parent {
    /// The foreign key.
    pub reference: Reference,
    /// The parent's shape.
    pub shape: Shape,
    /// Whether the document embeds the parent (`author: {…}`) or only its id (`authorId`).
    pub embed: bool,
}

impl Parent {
    /// The document key: `author` embedded, `authorId` otherwise.
    pub fn key(&self) -> String {
        if self.embed {
            camel(&self.reference.name)
        } else {
            camel(&format!("{}_id", self.reference.name))
        }
    }

    /// The real column of the `tv_*` and the input key: `author_id`.
    pub fn id_name(&self) -> String {
        format!("{}_id", self.reference.name)
    }
}

/// What to embed: every parent and no child (the default), a chosen list, or nothing.
#[derive(Debug, Clone)]
pub enum Embed {
    /// Each foreign key's object, no child list.
    Parents,
    /// `fk_*` columns and child tables (`tb_comment`, or `tb_comment.fk_post` when a child has
    /// several keys to the entity) by name.
    Only(Vec<String>),
    /// Ids only.
    Nothing,
}

/// The entity to generate for, with its parents and children.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The entity.
    pub shape: Shape,
    /// Its foreign keys' tables, in the order generated functions lock them.
    pub parents: Vec<Parent>,
    /// Tables with a key to it that fit the pattern.
    pub children: Vec<Child>,
}

impl Plan {
    /// Reads the catalog's root table as an entity and chooses what to embed.
    pub fn new(catalog: &Catalog, embed: &Embed) -> Result<Plan> {
        let root = catalog.root();
        let shape = Shape::new(root)?;
        let t = root.display();
        let wants = |name: &str| match embed {
            Embed::Parents => None,
            Embed::Only(names) => Some(names.iter().any(|n| n == name)),
            Embed::Nothing => Some(false),
        };
        let mut parents = Vec::new();
        for reference in &shape.references {
            let parent = Shape::new(catalog.table(reference.parent)).map_err(|e| {
                CliError::Input(format!(
                    "table {t}, column {}: it references a table that does not fit: {e}",
                    reference.column.name
                ))
            })?;
            let embed = wants(&reference.column.name).unwrap_or(true);
            parents.push(Parent {
                reference: reference.clone(),
                shape: parent,
                embed,
            });
        }
        // The order every generated function locks parents in: a table before the tables it
        // references (deepest first), then by column, so writes to children of one parent
        // queue on the same rows in the same order.
        parents.sort_by(|a, b| {
            let height = |p: &Parent| height(catalog, p.reference.parent, 0);
            height(b)
                .cmp(&height(a))
                .then_with(|| a.reference.column.name.cmp(&b.reference.column.name))
        });
        let mut children = Vec::new();
        for (oid, fk) in &root.referenced_by {
            let child_table = catalog.table(*oid);
            let [column] = fk.columns.as_slice() else {
                continue;
            };
            let full = format!("{}.{column}", child_table.name);
            let asked = wants(&child_table.name).unwrap_or(false) || wants(&full).unwrap_or(false);
            let child = match Shape::new(child_table) {
                Ok(child) => child,
                Err(e) if asked => return Err(e),
                Err(_) => continue,
            };
            children.push(Child {
                key: String::new(),
                column: column.clone(),
                shape: child,
                embed: asked,
            });
        }
        // A list is named after the child (`comments`), and after the key as well when one
        // child table references the entity more than once (`messagesBySender`).
        for i in 0..children.len() {
            let oid = children[i].shape.table.oid;
            let several = children.iter().filter(|c| c.shape.table.oid == oid).count() > 1;
            let plural = plural(&children[i].shape.entity);
            children[i].key = if several {
                let by = children[i]
                    .column
                    .strip_prefix("fk_")
                    .unwrap_or(&children[i].column);
                camel(&format!("{plural}_by_{by}"))
            } else {
                camel(&plural)
            };
        }
        if let Embed::Only(names) = embed {
            for name in names {
                let known = shape.references.iter().any(|r| &r.column.name == name)
                    || children.iter().any(|c| {
                        &c.shape.table.name == name
                            || &format!("{}.{}", c.shape.table.name, c.column) == name
                    });
                if !known {
                    return Err(CliError::Input(format!(
                        "--embed {name}: table {t} has no foreign key column {name} and no child table {name} (name fk_* columns or tables referencing {})",
                        root.name
                    )));
                }
            }
        }
        let plan = Plan {
            shape,
            parents,
            children,
        };
        plan.check_names()?;
        Ok(plan)
    }

    /// Two document keys or two `tv_*` columns with one name would make broken SQL.
    fn check_names(&self) -> Result<()> {
        let t = self.shape.table.display();
        let mut keys: Vec<(String, String)> = vec![("id".into(), "id".into())];
        keys.extend(
            self.shape
                .document_fields()
                .map(|f| (f.key.clone(), f.column.name.clone())),
        );
        keys.extend(
            self.parents
                .iter()
                .map(|p| (p.key(), p.reference.column.name.clone())),
        );
        keys.extend(
            self.children
                .iter()
                .filter(|c| c.embed)
                .map(|c| (c.key.clone(), c.shape.table.name.clone())),
        );
        for (i, (key, from)) in keys.iter().enumerate() {
            if let Some((_, other)) = keys[..i].iter().find(|(k, _)| k == key) {
                return Err(CliError::Input(format!(
                    "table {t}, column {from}: its document key \"{key}\" is also the key of {other}"
                )));
            }
        }
        let mut inputs: Vec<&str> = self
            .shape
            .document_fields()
            .map(|f| f.column.name.as_str())
            .collect();
        let ids: Vec<String> = self.parents.iter().map(Parent::id_name).collect();
        for (id, parent) in ids.iter().zip(&self.parents) {
            if inputs.contains(&id.as_str()) || id == "id" {
                return Err(CliError::Input(format!(
                    "table {t}, column {}: its input and tv_ column {id} would be the column {id} too",
                    parent.reference.column.name
                )));
            }
            inputs.push(id);
        }
        Ok(())
    }
}

/// The longest chain of foreign keys from `oid` (a table referencing nothing: 0).
fn height(catalog: &Catalog, oid: Oid, depth: usize) -> usize {
    if depth > 16 {
        return depth;
    }
    catalog
        .table(oid)
        .foreign_keys
        .iter()
        .filter(|fk| fk.references != oid)
        .map(|fk| 1 + height(catalog, fk.references, depth + 1))
        .max()
        .unwrap_or(0)
}

/// `comment` → `comments`, `category` → `categories`, `box` → `boxes`.
pub fn plural(word: &str) -> String {
    if let Some(stem) = word.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    if word.ends_with(['s', 'x', 'z']) || word.ends_with("ch") || word.ends_with("sh") {
        return format!("{word}es");
    }
    format!("{word}s")
}
