//! Every input attribute and field type, on inputs that nest.
use chrono::{DateTime, NaiveDate, Utc};
use fraiseql::{FieldType, FraiseEnum, FraiseInput};
use uuid::Uuid;

/// What creating an author needs.
#[derive(FraiseInput)]
#[fraiseql(name = "NewWriter", json_case = "camelCase", rename_all = "snake_case", description = "Explicit")]
pub struct CreateAuthorInput {
    id: Option<Uuid>,
    #[fraiseql(rename = "displayName", json = "display", description = "Shown on posts")]
    display_name: String,
    birth_date: Option<NaiveDate>,
    joined_at: DateTime<Utc>,
    small: i16,
    count: i32,
    big: i64,
    ratio: f32,
    score: f64,
    active: bool,
    /// Free-form settings.
    settings: serde_json::Value,
    role: Role,
    roles: Vec<Role>,
    tags: Vec<String>,
    grid: Vec<Vec<Option<i32>>>,
    address: Option<AddressInput>,
    previous: Vec<AddressInput>,
    #[fraiseql(skip)]
    cache: Vec<u8>,
    r#type: Option<String>,
}

#[derive(FraiseInput, Clone, Debug)]
struct AddressInput {
    city: String,
}

#[derive(FraiseEnum, Clone, Copy)]
enum Role {
    Admin,
}

fn main() {
    let input = <CreateAuthorInput as FraiseInput>::descriptor();
    assert_eq!((input.name, input.description), ("NewWriter", Some("Explicit")));
    let field = input.field("display_name").unwrap();
    assert_eq!((field.name, field.key), ("displayName", "display"));
    assert_eq!(input.field("birth_date").unwrap().key, "birthDate");
    assert_eq!(input.field("birth_date").unwrap().name, "birth_date");
    assert!(input.field("cache").is_none());
    assert!(matches!(input.field("address").unwrap().ty, FieldType::Nullable(FieldType::Input(_))));
}
