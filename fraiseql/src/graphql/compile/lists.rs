//! Embedded lists with arguments: `comments(where:, orderBy:, limit:, offset:)` on a list
//! inside the document, read as the root lists read theirs, at the list's elements.

use fraiseql_sql::{ElementList, Elements};

use super::filters::{Operand, direction};
use super::*;

/// The arguments an embedded list field may be given.
const LIST_ARGUMENTS: [&str; 4] = ["where", "orderBy", "limit", "offset"];

impl<'e> Compiler<'e> {
    /// The elements `node` (a selection of the embedded list `field`) asks for; `None` when it
    /// gives no argument (every element, stored order).
    pub(super) fn elements(
        &self,
        field: &'static FieldDescriptor,
        node: &FieldNode<'e>,
    ) -> Result<Option<Elements>, Failure> {
        if !LIST_ARGUMENTS
            .iter()
            .any(|name| self.written(node, name).is_some())
        {
            return Ok(None);
        }
        let FieldType::List(item) = field.ty.non_null() else {
            return Err(bad_input(format!("{} is not a list", field.name)));
        };
        if matches!(field.source, FieldSource::Column(_)) {
            return Err(bad_input(format!(
                "{} is a column: its elements cannot be filtered, ordered or paged",
                field.name
            )));
        }
        let item = item.non_null();
        let element = Base::element();
        let (filter, order) = match item {
            FieldType::Object(object) => {
                let index = self.index_of(object())?;
                let filter = self.element_filter(index, node)?;
                let order = self.order_keys(index, node, &element)?;
                (filter, order.unwrap_or_default())
            }
            FieldType::Scalar(_) | FieldType::Enum(_) => {
                let operand = match item {
                    FieldType::Enum(e) => Operand {
                        kind: Kind::Scalar(ScalarKind::Text),
                        enum_values: Some(e()),
                    },
                    FieldType::Scalar(kind) => Operand::scalar(Kind::Scalar(*kind)),
                    _ => unreachable!("matched above"),
                };
                let filter = match self.argument(node, "where") {
                    Some(value) => self.operators(&element, operand, &value, field.name)?,
                    None => Filter::all(),
                };
                let order = match self.argument(node, "orderBy") {
                    None => Vec::new(),
                    Some(InputValue::Enum(d) | InputValue::Scalar(S::String(d))) => {
                        let target = element.target(operand.kind);
                        vec![OrderBy::new(target, direction(Some(&d))?)]
                    }
                    Some(_) => return Err(bad_input("orderBy must be a SortDirection")),
                };
                (filter, order)
            }
            _ => return Err(bad_input(format!("{} cannot take arguments", field.name))),
        };
        Ok(Some(Elements {
            filter,
            order,
            limit: self.page_size(node, "limit")?,
            offset: self.offset(node)?,
        }))
    }

    /// The `where` of `node` over elements of entity `index` (absent or null: all of them).
    pub(super) fn element_filter(
        &self,
        index: usize,
        node: &FieldNode<'e>,
    ) -> Result<Filter, Failure> {
        Ok(match self.written(node, "where") {
            Some(written) => match &*self.shallow(&written) {
                InputValue::Null => Filter::all(),
                value => self.filter(index, value, Base::element())?,
            },
            None => Filter::all(),
        })
    }

    /// The list `field` projected with the `elements` its selection asks for, each as
    /// `element`: `lean` when the document holds an array there (no type test of the list).
    pub(super) fn element_list(
        &self,
        field: &'static FieldDescriptor,
        elements: Elements,
        element: Element,
        lean: bool,
    ) -> Result<Projected, Failure> {
        Ok(Projected::Elements(Box::new(ElementList {
            path: fraiseql_sql::JsonPath::parse(field.source.key()).map_err(bad_input)?,
            nullable: !lean,
            element,
            elements,
        })))
    }
}
