//! Every attribute of `#[derive(FraiseType)]`, `#[derive(FraiseInput)]` and `#[derive(FraiseEnum)]`,
//! with an example each.
//!
//! # Type attributes: `#[fraiseql(...)]` on the struct
//!
//! | attribute | default | meaning |
//! |---|---|---|
//! | `view = "app.tv_user"` | `tv_<snake_case(type name)>` | the read relation, optionally schema-qualified |
//! | `data = "doc"` | `data` | the JSONB document column |
//! | `key = "uuid"` | `id` | the field holding the public UUID key (a column of the relation) |
//! | `identifier = "slug"` | the `identifier` field, when there is one | the field holding the human key |
//! | `json_case = "camelCase"` | `snake_case` | how field names become document keys |
//! | `rename_all = "snake_case"` | `camelCase` | how field names become GraphQL names |
//! | `description = "…"` | the doc comment | the GraphQL description |
//! | `name = "Person"` | the struct name | the GraphQL type name |
//! | `requires = "hr, admin"` | every request | only requests holding one of the roles read objects of the type (see below) |
//!
//! ```
//! use fraiseql::FraiseType;
//! use uuid::Uuid;
//!
//! /// Shown in GraphQL unless `description` says otherwise.
//! #[derive(FraiseType)]
//! #[fraiseql(
//!     view = "blog.tv_author",
//!     data = "doc",
//!     key = "uuid",
//!     identifier = "slug",
//!     json_case = "camelCase",
//!     rename_all = "snake_case",
//!     description = "Somebody who writes.",
//!     name = "Writer",
//! )]
//! struct Author {
//!     uuid: Uuid,
//!     slug: String,
//!     display_name: String,
//! }
//!
//! let author = <Author as FraiseType>::descriptor();
//! assert_eq!((author.name, author.view, author.data), ("Writer", "blog.tv_author", "doc"));
//! assert_eq!((author.key, author.identifier), ("uuid", Some("slug")));
//! assert_eq!(author.description, Some("Somebody who writes."));
//! let field = author.field("display_name").unwrap();
//! assert_eq!(field.name, "display_name");                                   // rename_all
//! assert_eq!(field.source, fraiseql::FieldSource::Json("displayName"));     // json_case
//! ```
//!
//! # Field attributes: `#[fraiseql(...)]` on a field
//!
//! | attribute | meaning |
//! |---|---|
//! | `rename = "fullName"` | the GraphQL field name |
//! | `json = "full_name"` | the key inside the document |
//! | `column` or `column = "tenant"` | a real column of the relation, not a document key (filters and ordering use its indexes) |
//! | `skip` | not served; deserialized as `Default::default()` |
//! | `description = "…"` | the GraphQL description (default: the doc comment) |
//! | `deprecated` or `deprecated = "reason"` | marks the field deprecated |
//! | `requires = "admin"` or `requires = "admin, auditor"` | only requests holding one of the roles read the field, filter or sort by it (see below) |
//!
//! ```
//! use fraiseql::{FieldSource, FraiseType};
//! use uuid::Uuid;
//!
//! #[derive(FraiseType)]
//! struct User {
//!     id: Uuid,
//!     #[fraiseql(rename = "fullName", json = "full_name")]
//!     name: String,
//!     #[fraiseql(column = "tenant")]
//!     tenant_id: Uuid,
//!     /// Documented fields describe themselves.
//!     email: String,
//!     #[fraiseql(description = "Explicit description")]
//!     bio: Option<String>,
//!     #[fraiseql(deprecated = "use fullName")]
//!     nick: Option<String>,
//!     #[fraiseql(skip)]
//!     cached_score: Option<f64>,
//! }
//!
//! let user = <User as FraiseType>::descriptor();
//! let name = user.field("name").unwrap();
//! assert_eq!((name.name, name.source), ("fullName", FieldSource::Json("full_name")));
//! assert_eq!(user.field("tenant_id").unwrap().source, FieldSource::Column("tenant"));
//! assert_eq!(user.field("email").unwrap().description, Some("Documented fields describe themselves."));
//! assert_eq!(user.field("bio").unwrap().description, Some("Explicit description"));
//! assert_eq!(user.field("nick").unwrap().deprecation.unwrap().reason, Some("use fullName"));
//! assert!(user.field("cached_score").is_none());
//!
//! // A column is filtered as a column: `t."tenant" = $1`.
//! let same_tenant = User::filter().tenant_id().eq(Uuid::nil());
//! # let _ = same_tenant;
//! ```
//!
//! # Roles: `requires`
//!
//! `requires` names roles, comma-separated, any one of which a request must hold
//! ([`RequestContext::roles`](crate::RequestContext::roles)) to read a field, or any object of a
//! type. A GraphQL request that selects what it may not read gets `null` there and a
//! `FORBIDDEN` error at that path (a non-null field nulls its nearest nullable parent); a
//! filter or an order by it refuses its root field. The README's "Field-level authorization"
//! says it all. The key cannot require a role (every request reads it), nor can a field of
//! the type's `default_order`, nor a skipped field or an input's.
//!
//! ```
//! use fraiseql::FraiseType;
//!
//! #[derive(FraiseType)]
//! struct Employee {
//!     id: uuid::Uuid,
//!     name: String,
//!     #[fraiseql(requires = "hr, payroll")]
//!     salary: Option<i32>,
//! }
//!
//! /// Only HR reads reviews, wherever they are embedded.
//! #[derive(FraiseType)]
//! #[fraiseql(requires = "hr")]
//! struct Review {
//!     id: uuid::Uuid,
//!     text: String,
//! }
//!
//! assert_eq!(Employee::descriptor().field("salary").unwrap().requires, ["hr", "payroll"]);
//! assert!(Employee::descriptor().field("name").unwrap().requires.is_empty());
//! assert_eq!(Review::descriptor().requires, ["hr"]);
//! ```
//!
//! # Field types
//!
//! `bool`, `i16`, `i32`, `i64`, `f32`, `f64`, `String`, `uuid::Uuid`, `chrono::NaiveDate`,
//! `chrono::DateTime<Utc>` (or `<FixedOffset>`), `serde_json::Value` (a JSON scalar), `Option<T>`
//! (nullable; may be absent from the document), `Vec<T>` (a JSON array), other `FraiseType`
//! structs (embedded objects and lists) and `FraiseEnum` enums. Anything else is a compile error
//! naming the supported types.
//!
//! # Enum attributes: `#[derive(FraiseEnum)]`
//!
//! A fieldless enum is a GraphQL enum whose values are stored as text in the document.
//!
//! | on | attribute | default |
//! |---|---|---|
//! | enum | `name = "…"` | the enum name |
//! | enum | `description = "…"` | the doc comment |
//! | enum | `rename_all = "…"` (GraphQL values) | `SCREAMING_SNAKE_CASE` |
//! | enum | `json_case = "…"` (stored text) | `snake_case` |
//! | variant | `rename = "…"`, `json = "…"`, `description = "…"`, `deprecated` | |
//!
//! ```
//! use fraiseql::{FraiseEnum, FraiseType};
//!
//! /// Who may do what.
//! #[derive(FraiseEnum, Debug, Clone, Copy, PartialEq)]
//! enum Role {
//!     Admin,
//!     SuperUser,
//!     #[fraiseql(rename = "GUEST", json = "anon", deprecated = "sign in instead")]
//!     Anonymous,
//! }
//!
//! let values: Vec<_> = <Role as FraiseEnum>::descriptor().values.iter().map(|v| (v.name, v.stored)).collect();
//! assert_eq!(values, [("ADMIN", "admin"), ("SUPER_USER", "super_user"), ("GUEST", "anon")]);
//! assert_eq!(serde_json::from_str::<Role>(r#""super_user""#).unwrap(), Role::SuperUser);
//! assert_eq!(serde_json::to_string(&Role::Anonymous).unwrap(), r#""anon""#);
//! ```
//!
//! The derive implements serde's `Serialize` and `Deserialize` as the stored text; do not derive
//! them as well.
//!
//! # Input attributes: `#[derive(FraiseInput)]`
//!
//! A struct with named fields passed to a mutation function: a GraphQL input object, and (through
//! the `Serialize` the derive implements) the JSON object the function receives as `jsonb`.
//! Fields take the same types as `FraiseType` fields, with nested `FraiseInput` structs in place
//! of `FraiseType` ones.
//!
//! | on | attribute | default | meaning |
//! |---|---|---|---|
//! | struct | `name = "NewUser"` | the struct name | the GraphQL input object name |
//! | struct | `description = "…"` | the doc comment | the GraphQL description |
//! | struct | `rename_all = "snake_case"` | `camelCase` | how field names become GraphQL names |
//! | struct | `json_case = "camelCase"` | `snake_case` | how field names become JSON keys |
//! | field | `rename = "fullName"` | | the GraphQL field name |
//! | field | `json = "full_name"` | | the JSON key |
//! | field | `skip` | | neither in GraphQL nor in the JSON; deserialized as `Default::default()` |
//! | field | `description = "…"` | the doc comment | the GraphQL description |
//!
//! - A field of type `T` is required (`T!` in GraphQL); `Option<T>` may be omitted.
//! - `None` is **left out** of the JSON, never sent as `null`; a client's explicit `null` is left
//!   out too, so the function sees one thing, an absent key (`input ? 'age'` is false), and
//!   `jsonb_populate_record` reads it as `NULL`. Inside lists, `None` is `null`.
//! - Enums are sent as their stored text, nested inputs as nested objects, timestamps in UTC.
//! - `view`, `data`, `key`, `identifier`, `column`, `deprecated` and `requires` do not apply to
//!   inputs and do not compile (a mutation's roles are `MutationField::requires`); neither do output types (`FraiseType`) as input fields, nor inputs as output
//!   fields. Default values are not supported.
//!
//! ```
//! use fraiseql::{FraiseEnum, FraiseInput};
//! use serde_json::json;
//!
//! /// What creating a user needs.
//! #[derive(FraiseInput)]
//! struct CreateUserInput {
//!     /// Shown to other users.
//!     display_name: String,
//!     #[fraiseql(rename = "born", json = "birth_date")]
//!     birthday: Option<chrono::NaiveDate>,
//!     role: Role,
//!     addresses: Vec<AddressInput>,
//!     #[fraiseql(skip)]
//!     note: String,
//! }
//!
//! #[derive(FraiseInput)]
//! #[fraiseql(name = "NewAddress", json_case = "camelCase")]
//! struct AddressInput {
//!     street_line: String,
//!     zip_code: Option<String>,
//! }
//!
//! #[derive(FraiseEnum)]
//! enum Role { Admin, #[fraiseql(json = "ro")] ReadOnly }
//!
//! let input = CreateUserInput {
//!     display_name: "Ada".into(),
//!     birthday: None,
//!     role: Role::ReadOnly,
//!     addresses: vec![AddressInput { street_line: "1 Rue".into(), zip_code: None }],
//!     note: "kept in Rust".into(),
//! };
//! assert_eq!(
//!     serde_json::to_value(&input)?,
//!     json!({"display_name": "Ada", "role": "ro", "addresses": [{"streetLine": "1 Rue"}]}),
//! );
//!
//! let descriptor = CreateUserInput::descriptor();
//! let born = descriptor.field("birthday").unwrap();
//! assert_eq!((born.name, born.key, born.ty.is_nullable()), ("born", "birth_date", true));
//! assert_eq!(descriptor.field("display_name").unwrap().description, Some("Shown to other users."));
//! assert_eq!(AddressInput::descriptor().name, "NewAddress");
//! # Ok::<(), serde_json::Error>(())
//! ```
