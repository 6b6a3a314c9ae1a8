//! Variables whose values juniper's check accepts by their kind alone.
//!
//! Every request's variables are checked against their declared types as juniper's executor
//! would (`juniper::validation::validate_input_values`). For the commonest declarations — a
//! built-in `String`, `ID`, `Int` or `Boolean`, not in a list — a value of the right kind always
//! passes that check, so telling so takes one lookup per variable; anything else (another kind,
//! an enum, an input object, a custom scalar, a list) is left to juniper, whose errors are the
//! ones a client gets.

use juniper::{DefaultScalarValue as S, InputValue, Operation, Variables};

/// An operation's declared variables, when all of them are plain.
#[derive(Debug)]
pub(crate) struct PlainVariables(Box<[Plain]>);

/// One declared variable of a built-in scalar type, not in a list.
#[derive(Debug)]
struct Plain {
    name: String,
    scalar: Builtin,
    non_null: bool,
    /// Declared with a default value, used when the variable is absent.
    defaulted: bool,
}

#[derive(Debug, Clone, Copy)]
enum Builtin {
    String,
    Id,
    Int,
    Boolean,
}

impl PlainVariables {
    /// The declared variables of `operation`; `None` when one of them is not plain.
    pub fn of(operation: &Operation<'_, S>) -> Option<Self> {
        let definitions = operation.variables_definition.iter();
        let plain = definitions
            .flat_map(|d| &d.item.items)
            .map(|(name, definition)| {
                let declared = &definition.var_type.item;
                // No modifier, or only the outermost `!`: not in a list.
                let non_null = match declared.modifiers().len() {
                    0 => false,
                    1 if declared.is_non_null() => true,
                    _ => return None,
                };
                let scalar = match declared.innermost_name() {
                    "String" => Builtin::String,
                    "ID" => Builtin::Id,
                    "Int" => Builtin::Int,
                    "Boolean" => Builtin::Boolean,
                    _ => return None,
                };
                Some(Plain {
                    name: name.item.to_owned(),
                    scalar,
                    non_null,
                    defaulted: definition.default_value.is_some(),
                })
            });
        plain.collect::<Option<_>>().map(PlainVariables)
    }

    /// Whether juniper's check surely accepts `variables`; `false` means it must be asked.
    pub fn accept(&self, variables: &Variables<S>) -> bool {
        self.0
            .iter()
            .all(|plain| plain.accepts(variables.get(&plain.name)))
    }
}

impl Plain {
    fn accepts(&self, value: Option<&InputValue<S>>) -> bool {
        use Builtin as B;
        match value {
            // An absent variable takes its default, whatever its type says.
            None => self.defaulted || !self.non_null,
            Some(InputValue::Null) => !self.non_null,
            Some(InputValue::Scalar(scalar)) => matches!(
                (self.scalar, scalar),
                (B::String | B::Id, S::String(_))
                    | (B::Id | B::Int, S::Int(_))
                    | (B::Boolean, S::Boolean(_))
            ),
            Some(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use juniper::{DefaultScalarValue as S, Definition, InputValue, Variables};

    use super::PlainVariables;
    use crate::graphql::SchemaBuilder;
    use crate::graphql::test_item::Item;

    /// Differential: wherever the plain check accepts, juniper's own check finds nothing; and it
    /// does accept the values of the right kind (else it would be a check that never skips).
    #[test]
    fn accepts_only_what_juniper_accepts() {
        let schema = SchemaBuilder::new().query::<Item>().build().unwrap();
        let declarations = [
            "String",
            "String!",
            "ID",
            "ID!",
            "Int",
            "Int!",
            "Boolean",
            "Boolean!",
            "Float",
            "[String]",
            "[String]!",
            "[ID!]!",
            "ItemWhere",
            "String = \"d\"",
            "Int! = 3",
            "ID! = 7",
        ];
        let values: Vec<Option<InputValue<S>>> = [
            None,
            Some(serde_json::json!(null)),
            Some(serde_json::json!("text")),
            Some(serde_json::json!("")),
            Some(serde_json::json!(7)),
            Some(serde_json::json!(-2147483648)),
            Some(serde_json::json!(2147483648_i64)),
            Some(serde_json::json!(1.5)),
            Some(serde_json::json!(3.0)),
            Some(serde_json::json!(true)),
            Some(serde_json::json!(["a"])),
            Some(serde_json::json!({"id": {"eq": "x"}})),
        ]
        .into_iter()
        .map(|value| value.map(|value| serde_json::from_value(value).unwrap()))
        .collect();
        let mut accepted = 0;
        for declared in declarations {
            let document = format!("query ($v: {declared}) {{ items {{ id }} }}");
            let parsed = juniper::parser::parse_document_source(&document, &schema.schema)
                .unwrap_or_else(|error| panic!("{document}: {error:?}"));
            let Some(Definition::Operation(operation)) = parsed.first() else {
                panic!("{document}: no operation");
            };
            let plain = PlainVariables::of(&operation.item);
            let plain_type = !declared.contains(['[', 'F', 'W']);
            assert_eq!(plain.is_some(), plain_type, "{declared}");
            let Some(plain) = plain else { continue };
            for value in &values {
                let mut variables = Variables::new();
                if let Some(value) = value {
                    variables.insert("v".to_owned(), value.clone());
                }
                if plain.accept(&variables) {
                    accepted += 1;
                    let errors = juniper::validation::validate_input_values(
                        &variables,
                        operation,
                        &schema.schema,
                    );
                    assert!(errors.is_empty(), "{declared} with {value:?}: {errors:?}");
                }
            }
        }
        // Per declaration, the values of its kind, null where nullable, absence where allowed.
        assert_eq!(accepted, 38);
    }
}
