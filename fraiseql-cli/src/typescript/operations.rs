//! Per-operation types: for each named operation of a folder's `.graphql` files, the type of
//! its variables (`<Name>QueryVariables`) and of its result (`<Name>Query`; `Mutation` and
//! `Subscription` likewise), the selection resolved against the schema (aliases, fragments,
//! inline fragments, `__typename`, unions and interfaces as unions of their possible objects).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use graphql_parser::query::{
    Definition, Document, FragmentDefinition, OperationDefinition, Selection, SelectionSet,
    TypeCondition, VariableDefinition,
};

use super::model::{Kind, Model, TypeRef};
use super::{named_ts, type_ts};
use crate::error::{CliError, Result};

/// Appends the types of every operation in `documents` to `out`.
pub fn write(model: &Model, documents: &[(PathBuf, String)], out: &mut String) -> Result<()> {
    let mut parsed = Vec::new();
    for (path, text) in documents {
        let document = graphql_parser::parse_query::<String>(text)
            .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?
            .into_static();
        parsed.push((path, document));
    }
    let mut fragments: HashMap<&str, &FragmentDefinition<'static, String>> = HashMap::new();
    for (path, document) in &parsed {
        for definition in &document.definitions {
            if let Definition::Fragment(fragment) = definition
                && fragments.insert(&fragment.name, fragment).is_some()
            {
                return Err(CliError::Input(format!(
                    "{}: the fragment {} is defined twice",
                    path.display(),
                    fragment.name
                )));
            }
        }
    }
    let mut names: HashSet<String> = model.types.iter().map(|t| t.name.clone()).collect();
    for (path, document) in &parsed {
        write_document(model, &fragments, path, document, &mut names, out)?;
    }
    Ok(())
}

fn write_document(
    model: &Model,
    fragments: &HashMap<&str, &FragmentDefinition<'static, String>>,
    path: &std::path::Path,
    document: &Document<'static, String>,
    names: &mut HashSet<String>,
    out: &mut String,
) -> Result<()> {
    for definition in &document.definitions {
        let Definition::Operation(operation) = definition else {
            continue;
        };
        let (name, kind, root, variables, selection) = match operation {
            OperationDefinition::Query(q) => (
                &q.name,
                "Query",
                Some(&model.query),
                &q.variable_definitions,
                &q.selection_set,
            ),
            OperationDefinition::Mutation(m) => (
                &m.name,
                "Mutation",
                model.mutation.as_ref(),
                &m.variable_definitions,
                &m.selection_set,
            ),
            OperationDefinition::Subscription(s) => (
                &s.name,
                "Subscription",
                model.subscription.as_ref(),
                &s.variable_definitions,
                &s.selection_set,
            ),
            OperationDefinition::SelectionSet(_) => (&None, "Query", None, &Vec::new(), &EMPTY),
        };
        let name = name.as_ref().ok_or_else(|| {
            CliError::Input(format!(
                "{}: every operation needs a name (its types are named after it)",
                path.display()
            ))
        })?;
        let root = root.ok_or_else(|| {
            CliError::Input(format!(
                "{}: {name}: the schema has no {} type",
                path.display(),
                kind.to_ascii_lowercase()
            ))
        })?;
        let result_name = format!("{name}{kind}");
        let variables_name = format!("{result_name}Variables");
        for generated in [&result_name, &variables_name] {
            if !names.insert(generated.clone()) {
                return Err(CliError::Input(format!(
                    "{}: {name}: the type {generated} would be generated twice (rename the operation)",
                    path.display()
                )));
            }
        }
        let resolver = Resolver {
            model,
            fragments,
            at: format!("{}: {name}", path.display()),
        };
        let _ = writeln!(out, "/** The variables of the {kind} `{name}`. */");
        out.push_str(&resolver.variables(&variables_name, variables)?);
        let _ = writeln!(out, "/** The `data` of the {kind} `{name}`. */");
        let result = resolver.selection(root, &[selection], 0)?;
        let _ = writeln!(out, "export type {result_name} = {result};\n");
    }
    Ok(())
}

static EMPTY: SelectionSet<'static, String> = SelectionSet {
    span: (
        graphql_parser::Pos { line: 0, column: 0 },
        graphql_parser::Pos { line: 0, column: 0 },
    ),
    items: Vec::new(),
};

struct Resolver<'a> {
    model: &'a Model,
    fragments: &'a HashMap<&'a str, &'a FragmentDefinition<'static, String>>,
    /// Where errors point: the file and the operation.
    at: String,
}

/// One response key of an object and the fields selected under it.
struct Selected<'s> {
    key: String,
    fields: Vec<&'s graphql_parser::query::Field<'static, String>>,
    optional: bool,
}

impl Resolver<'_> {
    fn error(&self, message: String) -> CliError {
        CliError::Input(format!("{}: {message}", self.at))
    }

    fn variables(
        &self,
        name: &str,
        variables: &[VariableDefinition<'static, String>],
    ) -> Result<String> {
        if variables.is_empty() {
            return Ok(format!("export type {name} = Record<string, never>;\n\n"));
        }
        let mut out = format!("export interface {name} {{\n");
        for variable in variables {
            let ty = TypeRef::from_ast(&variable.var_type);
            match self.model.get(ty.name()).map(|t| &t.kind) {
                Some(Kind::Scalar | Kind::Enum(_) | Kind::Input(_)) => {}
                _ => {
                    return Err(self.error(format!(
                        "the variable ${} has type {}, which is no input type of the schema",
                        variable.name,
                        ty.name()
                    )));
                }
            }
            let optional = !matches!(ty, TypeRef::NonNull(_)) || variable.default_value.is_some();
            let ty = match (&variable.default_value, ty) {
                (Some(_), TypeRef::NonNull(inner)) => *inner,
                (_, ty) => ty,
            };
            let mark = if optional { "?" } else { "" };
            let _ = writeln!(out, "  {}{mark}: {};", variable.name, type_ts(&ty));
        }
        out.push_str("}\n\n");
        Ok(out)
    }

    /// The type of `sets` (merged) selected on a value of type `parent`.
    fn selection(
        &self,
        parent: &str,
        sets: &[&SelectionSet<'static, String>],
        depth: usize,
    ) -> Result<String> {
        let possible = self.model.possible_types(parent);
        let mut variants: Vec<String> = Vec::new();
        for object in possible {
            let variant = self.object(object, sets, depth)?;
            if !variants.contains(&variant) {
                variants.push(variant);
            }
        }
        Ok(match variants.len() {
            0 => "never".to_owned(),
            1 => variants.remove(0),
            _ => format!("({})", variants.join(" | ")),
        })
    }

    /// The object type literal of `sets` selected on the object type `object`.
    fn object(
        &self,
        object: &str,
        sets: &[&SelectionSet<'static, String>],
        depth: usize,
    ) -> Result<String> {
        let mut selected = Vec::new();
        for set in sets {
            self.collect(object, set, false, &mut selected, &mut Vec::new())?;
        }
        let Some(Kind::Object(fields, _)) = self.model.get(object).map(|t| &t.kind) else {
            return Err(self.error(format!("{object} is no object type")));
        };
        let indent = "  ".repeat(depth + 1);
        let mut out = String::from("{\n");
        for Selected {
            key,
            fields: same_key,
            optional,
        } in selected
        {
            let first = same_key[0];
            if let Some(other) = same_key.iter().find(|f| f.name != first.name) {
                return Err(self.error(format!(
                    "`{key}` selects both {object}.{} and {object}.{}",
                    first.name, other.name
                )));
            }
            let ty = if first.name == "__typename" {
                format!("\"{object}\"")
            } else {
                let field = (fields.iter().find(|f| f.name == first.name))
                    .ok_or_else(|| self.error(format!("{object} has no field `{}`", first.name)))?;
                let sets: Vec<_> = same_key.iter().map(|f| &f.selection_set).collect();
                self.field_type(&field.ty, object, &first.name, &sets, depth + 1, true)?
            };
            let mark = if optional { "?" } else { "" };
            let _ = writeln!(out, "{indent}{key}{mark}: {ty};");
        }
        let _ = write!(out, "{}}}", "  ".repeat(depth));
        Ok(out)
    }

    fn field_type(
        &self,
        ty: &TypeRef,
        object: &str,
        field: &str,
        sets: &[&SelectionSet<'static, String>],
        depth: usize,
        nullable: bool,
    ) -> Result<String> {
        let base = match ty {
            TypeRef::NonNull(inner) => {
                return self.field_type(inner, object, field, sets, depth, false);
            }
            TypeRef::List(item) => format!(
                "Array<{}>",
                self.field_type(item, object, field, sets, depth, true)?
            ),
            TypeRef::Named(name) => {
                let selects = sets.iter().any(|s| !s.items.is_empty());
                match self.model.get(name).map(|t| &t.kind) {
                    Some(Kind::Scalar | Kind::Enum(_)) if selects => {
                        return Err(self.error(format!(
                            "{object}.{field} is a {name}, which has no fields to select"
                        )));
                    }
                    Some(Kind::Scalar | Kind::Enum(_)) => named_ts(name),
                    Some(_) if !selects => {
                        return Err(
                            self.error(format!("{object}.{field} is a {name}: select its fields"))
                        );
                    }
                    Some(_) => self.selection(name, sets, depth)?,
                    None => return Err(self.error(format!("the schema has no type {name}"))),
                }
            }
        };
        Ok(if nullable {
            format!("{base} | null")
        } else {
            base
        })
    }

    /// Adds the fields of `set` that apply to `object` to `out`, following fragments.
    fn collect<'s>(
        &'s self,
        object: &str,
        set: &'s SelectionSet<'static, String>,
        optional: bool,
        out: &mut Vec<Selected<'s>>,
        spreading: &mut Vec<&'s str>,
    ) -> Result<()> {
        for item in &set.items {
            match item {
                Selection::Field(field) => {
                    let optional = optional || conditional(&field.directives);
                    let key = field.alias.as_ref().unwrap_or(&field.name);
                    match out.iter_mut().find(|s| &s.key == key) {
                        Some(selected) => {
                            selected.fields.push(field);
                            selected.optional &= optional;
                        }
                        None => out.push(Selected {
                            key: key.clone(),
                            fields: vec![field],
                            optional,
                        }),
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let applies = match &fragment.type_condition {
                        Some(TypeCondition::On(condition)) => {
                            self.check_condition(condition)?;
                            self.model.applies(condition, object)
                        }
                        None => true,
                    };
                    if applies {
                        let optional = optional || conditional(&fragment.directives);
                        self.collect(object, &fragment.selection_set, optional, out, spreading)?;
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.fragment_name.as_str();
                    let fragment = self
                        .fragments
                        .get(name)
                        .ok_or_else(|| self.error(format!("no fragment named {name}")))?;
                    if spreading.contains(&name) {
                        return Err(self.error(format!("the fragment {name} spreads itself")));
                    }
                    let TypeCondition::On(condition) = &fragment.type_condition;
                    self.check_condition(condition)?;
                    if self.model.applies(condition, object) {
                        spreading.push(&fragment.name);
                        let optional = optional || conditional(&spread.directives);
                        self.collect(object, &fragment.selection_set, optional, out, spreading)?;
                        spreading.pop();
                    }
                }
            }
        }
        Ok(())
    }

    fn check_condition(&self, condition: &str) -> Result<()> {
        match self.model.get(condition).map(|t| &t.kind) {
            Some(Kind::Object(..) | Kind::Interface(_) | Kind::Union(_)) => Ok(()),
            _ => Err(self.error(format!(
                "a fragment on {condition}, which is no object, interface or union of the schema"
            ))),
        }
    }
}

/// Whether `@include` or `@skip` may leave the selection out.
fn conditional(directives: &[graphql_parser::query::Directive<'static, String>]) -> bool {
    directives
        .iter()
        .any(|d| d.name == "include" || d.name == "skip")
}
