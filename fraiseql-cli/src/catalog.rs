//! What PostgreSQL's catalog says about tables: columns, keys, foreign keys, and the tables
//! that reference them. Read-only; every value is a bind parameter.

use std::collections::{BTreeMap, VecDeque};

use tokio_postgres::Client;

use crate::error::{CliError, Result};

/// A table's object id.
pub type Oid = u32;

/// One column as the catalog describes it.
#[derive(Debug, Clone)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its position (`attnum`).
    pub number: i16,
    /// Its type without modifiers (`character varying`, `integer[]`), for casts.
    pub type_name: String,
    /// The type's (or, for an array, the element type's) `typname` (`varchar`, `int4`).
    pub base: String,
    /// Whether the base type is an enum.
    pub is_enum: bool,
    /// Whether it is an array.
    pub is_array: bool,
    /// `NOT NULL`.
    pub not_null: bool,
    /// Its default expression, if any.
    pub default: Option<String>,
    /// An identity column (`GENERATED … AS IDENTITY`).
    pub identity: bool,
    /// A generated column (`GENERATED ALWAYS AS (…) STORED`).
    pub generated: bool,
}

/// A foreign key of one column.
#[derive(Debug, Clone)]
pub struct ForeignKey {
    /// The constraint's name.
    pub name: String,
    /// The referencing columns (one for a key FraiseQL can follow).
    pub columns: Vec<String>,
    /// The referenced table.
    pub references: Oid,
    /// The referenced columns.
    pub referenced_columns: Vec<String>,
}

/// A unique index (a `UNIQUE` constraint has one) other than the primary key.
#[derive(Debug, Clone)]
pub struct Unique {
    /// The index's name (the constraint's, for a constraint).
    pub name: String,
    /// Its columns (empty for an expression index).
    pub columns: Vec<String>,
}

/// A table as the catalog describes it.
#[derive(Debug, Clone)]
pub struct Table {
    /// Its object id.
    pub oid: Oid,
    /// Its schema.
    pub schema: String,
    /// Its name.
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<Column>,
    /// The primary key's columns (empty without one).
    pub primary_key: Vec<String>,
    /// Unique indexes but the primary key.
    pub uniques: Vec<Unique>,
    /// Foreign keys from this table.
    pub foreign_keys: Vec<ForeignKey>,
    /// `CHECK` constraints on one column: (constraint, column).
    pub checks: Vec<(String, String)>,
    /// Foreign keys of other tables referencing this one: (table, key).
    pub referenced_by: Vec<(Oid, ForeignKey)>,
}

impl Table {
    /// A column by name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// `schema.name` for messages.
    pub fn display(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }
}

/// The tables a generation needs: the one asked for, the tables its foreign keys reach (all
/// the way up), and the tables that reference it.
#[derive(Debug)]
pub struct Catalog {
    /// The table asked for.
    pub root: Oid,
    /// Every table loaded, by object id.
    pub tables: BTreeMap<Oid, Table>,
}

impl Catalog {
    /// A loaded table (every `Oid` a loaded table mentions is loaded).
    pub fn table(&self, oid: Oid) -> &Table {
        &self.tables[&oid]
    }

    /// Loads `schema.name` and its neighbourhood; `Input` error when it is no table.
    pub async fn load(client: &Client, schema: &str, name: &str) -> Result<Catalog> {
        let row = client
            .query_opt(
                "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')",
                &[&schema, &name],
            )
            .await?;
        let Some(row) = row else {
            return Err(CliError::Input(format!(
                "table {schema}.{name} does not exist in this database"
            )));
        };
        let root: Oid = row.get(0);
        let mut tables = BTreeMap::new();
        let mut queue = VecDeque::from([root]);
        while let Some(oid) = queue.pop_front() {
            if tables.contains_key(&oid) {
                continue;
            }
            let table = load_table(client, oid).await?;
            queue.extend(table.foreign_keys.iter().map(|fk| fk.references));
            if oid == root {
                queue.extend(table.referenced_by.iter().map(|(child, _)| *child));
            }
            tables.insert(oid, table);
        }
        Ok(Catalog { root, tables })
    }

    /// The table asked for.
    pub fn root(&self) -> &Table {
        self.table(self.root)
    }
}

async fn load_table(client: &Client, oid: Oid) -> Result<Table> {
    let head = client
        .query_one(
            "SELECT n.nspname::text, c.relname::text FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1",
            &[&oid],
        )
        .await?;
    let columns: Vec<Column> = client
        .query(
            "SELECT a.attname::text, a.attnum, format_type(a.atttypid, NULL),
                    coalesce(et.typname, t.typname)::text, coalesce(et.typtype, t.typtype) = 'e',
                    et.oid IS NOT NULL, a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                    a.attidentity <> '', a.attgenerated <> ''
             FROM pg_attribute a
             JOIN pg_type t ON t.oid = a.atttypid
             LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum",
            &[&oid],
        )
        .await?
        .iter()
        .map(|r| Column {
            name: r.get(0),
            number: r.get(1),
            // `character` without a length is char(1) in a cast; bpchar keeps every character.
            type_name: r
                .get::<_, String>(2)
                .replace("character", "bpchar")
                .replace("bpchar varying", "character varying"),
            base: r.get(3),
            is_enum: r.get(4),
            is_array: r.get(5),
            not_null: r.get(6),
            default: r.get(7),
            identity: r.get(8),
            generated: r.get(9),
        })
        .collect();
    let names = |numbers: &[i16]| -> Vec<String> {
        numbers
            .iter()
            .filter_map(|n| columns.iter().find(|c| c.number == *n))
            .map(|c| c.name.clone())
            .collect()
    };
    let indexes = client
        .query(
            "SELECT i.relname::text, ix.indkey::int2[], ix.indisprimary FROM pg_index ix
             JOIN pg_class i ON i.oid = ix.indexrelid
             WHERE ix.indrelid = $1 AND ix.indisunique ORDER BY i.relname",
            &[&oid],
        )
        .await?;
    let mut primary_key = Vec::new();
    let mut uniques = Vec::new();
    for index in &indexes {
        let keys: Vec<i16> = index.get(1);
        if index.get::<_, bool>(2) {
            primary_key = names(&keys);
        } else {
            let columns = if keys.contains(&0) {
                Vec::new()
            } else {
                names(&keys)
            };
            uniques.push(Unique {
                name: index.get(0),
                columns,
            });
        }
    }
    let mut foreign_keys = Vec::new();
    for r in client
        .query(
            "SELECT conname::text, conkey, confrelid, confkey FROM pg_constraint
             WHERE conrelid = $1 AND contype = 'f' ORDER BY conname",
            &[&oid],
        )
        .await?
    {
        let references: Oid = r.get(2);
        let referenced = column_names(client, references, &r.get::<_, Vec<i16>>(3)).await?;
        foreign_keys.push(ForeignKey {
            name: r.get(0),
            columns: names(&r.get::<_, Vec<i16>>(1)),
            references,
            referenced_columns: referenced,
        });
    }
    let checks = client
        .query(
            "SELECT conname::text, conkey FROM pg_constraint
             WHERE conrelid = $1 AND contype = 'c' AND cardinality(conkey) = 1 ORDER BY conname",
            &[&oid],
        )
        .await?
        .iter()
        .filter_map(|r| {
            let column = names(&r.get::<_, Vec<i16>>(1)).pop()?;
            Some((r.get(0), column))
        })
        .collect();
    let mut referenced_by = Vec::new();
    for r in client
        .query(
            "SELECT conname::text, conrelid, conkey, confkey FROM pg_constraint
             WHERE confrelid = $1 AND contype = 'f' ORDER BY conrelid::regclass::text, conname",
            &[&oid],
        )
        .await?
    {
        let child: Oid = r.get(1);
        referenced_by.push((
            child,
            ForeignKey {
                name: r.get(0),
                columns: column_names(client, child, &r.get::<_, Vec<i16>>(2)).await?,
                references: oid,
                referenced_columns: names(&r.get::<_, Vec<i16>>(3)),
            },
        ));
    }
    Ok(Table {
        oid,
        schema: head.get(0),
        name: head.get(1),
        columns,
        primary_key,
        uniques,
        foreign_keys,
        checks,
        referenced_by,
    })
}

async fn column_names(client: &Client, oid: Oid, numbers: &[i16]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for n in numbers {
        let row = client
            .query_one(
                "SELECT attname::text FROM pg_attribute WHERE attrelid = $1 AND attnum = $2",
                &[&oid, n],
            )
            .await?;
        out.push(row.get(0));
    }
    Ok(out)
}
