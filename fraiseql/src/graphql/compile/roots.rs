//! The root fields: one object, a list or a connection of an entity, and the projection of
//! the JSON each builds.

use super::*;

impl<'e> Compiler<'e> {
    /// The root for one root field, or `None` for a field this compiler does not answer.
    pub fn root(&self, fields: &[FieldNode<'e>]) -> Result<Option<Root>, Failure> {
        let field = &fields[0];
        let name = field.name;
        if name == "__typename" {
            return Ok(Some(Root::Typename(name_of(names::QUERY)?)));
        }
        for (index, entity) in self.schema.entities.iter().enumerate() {
            let Some(roots) = &entity.roots else { continue };
            let descriptor = entity.descriptor;
            let relation = relation(descriptor)?;
            let subs = Self::sub_selections(fields);
            let served = [&roots.one, &roots.list, &roots.connection, &roots.aggregate];
            if !served.iter().any(|root| root.as_deref() == Some(name)) {
                continue;
            }
            if let Some(refusal) = self.grants.refuse_root(name, descriptor) {
                return Err(refusal);
            }
            if roots.one.as_deref() == Some(name) {
                // Which of the two keys is given shapes the statement; the key's value is a
                // slot when it is a variable.
                let given = |name| {
                    let written = self.written(field, name)?;
                    let present = match &written {
                        InputValue::Variable(variable) => self
                            .variables
                            .get(variable)
                            .is_some_and(|v| !matches!(v, InputValue::Null)),
                        value => !matches!(value, InputValue::Null),
                    };
                    present.then_some(written)
                };
                let key = |column_name, kind, written: &InputValue<S>| {
                    let by = descriptor
                        .fields
                        .iter()
                        .find(|f| f.source.key() == column_name);
                    let refusal =
                        by.and_then(|by| self.grants.refuse_field("look up by", descriptor, by));
                    if let Some(refusal) = refusal {
                        return Err(refusal);
                    }
                    let operand = Operand::scalar(Kind::Scalar(kind));
                    self.condition(column(column_name, kind)?, "eq", operand, written)
                };
                let filter = match (given("id"), given("identifier")) {
                    (Some(id), None) => key(descriptor.key, ScalarKind::Uuid, &id)?,
                    (None, Some(identifier)) => {
                        let column_name = descriptor
                            .identifier
                            .ok_or_else(|| bad_input("this type has no identifier"))?;
                        key(column_name, ScalarKind::Text, &identifier)?
                    }
                    _ => {
                        return Err(bad_input(format!(
                            "{name} needs exactly one of `id` and `identifier`"
                        )));
                    }
                };
                let Some(projection) = self.projection(index, &subs, false, None)? else {
                    return Ok(Some(Root::Null));
                };
                return Ok(Some(Root::One {
                    relation,
                    filter,
                    projection,
                }));
            }
            if roots.list.as_deref() == Some(name) {
                let limit = self
                    .page_size(field, "limit")?
                    .unwrap_or(self.schema.limits.default_page_size);
                let offset = self.offset(field)?;
                let (filter, order) = (self.where_filter(index, field)?, self.order(index, field)?);
                let Some(projection) = self.projection(index, &subs, false, None)? else {
                    return Ok(Some(Root::Null));
                };
                return Ok(Some(Root::List {
                    relation,
                    filter,
                    order,
                    limit: Some(limit),
                    offset,
                    projection,
                }));
            }
            if roots.connection.as_deref() == Some(name) {
                return self.connection(index, relation, field, &subs).map(Some);
            }
            if roots.aggregate.as_deref() == Some(name) {
                return Ok(Some(Root::Aggregate {
                    relation,
                    filter: self.where_filter(index, field)?,
                    aggregation: self.aggregation(index, &subs, &Base::row())?,
                }));
            }
        }
        Ok(None)
    }

    /// Whether the root field `name` may be null (only the one-object fields may: lists,
    /// connections and `__typename` are non-null), so a failure nulls it rather than `data`.
    pub fn root_is_nullable(&self, name: &str) -> bool {
        (self.schema.entities.iter())
            .filter_map(|entity| entity.roots.as_ref())
            .any(|roots| roots.one.as_deref() == Some(name))
    }

    pub(super) fn page_size(
        &self,
        field: &FieldNode<'e>,
        name: &str,
    ) -> Result<Option<u32>, Failure> {
        let max = self.schema.limits.max_page_size;
        match self.argument(field, name) {
            None => Ok(None),
            Some(InputValue::Scalar(S::Int(n))) if n < 0 => {
                Err(bad_input(format!("{name} cannot be negative")))
            }
            Some(InputValue::Scalar(S::Int(n))) if n as u32 > max => Err(bad_input(format!(
                "{name} exceeds the maximum page size of {max}"
            ))),
            Some(InputValue::Scalar(S::Int(n))) => Ok(Some(n as u32)),
            Some(_) => Err(bad_input(format!("{name} must be an integer"))),
        }
    }

    /// The `offset` argument of `field` (absent: 0).
    pub(super) fn offset(&self, field: &FieldNode<'e>) -> Result<u64, Failure> {
        match self.argument(field, "offset") {
            None => Ok(0),
            Some(InputValue::Scalar(S::Int(n))) if n >= 0 => Ok(n as u64),
            Some(_) => Err(bad_input("offset must be a non-negative integer")),
        }
    }

    pub(super) fn connection(
        &self,
        index: usize,
        relation: Relation,
        field: &FieldNode<'e>,
        subs: &[&'e [Selection<'e, S>]],
    ) -> Result<Root, Failure> {
        let cursor = |name| match self.argument(field, name) {
            None => Ok(None),
            Some(InputValue::Scalar(S::String(s))) => Ok(Some(s)),
            Some(_) => Err(bad_input(format!("{name} must be a cursor string"))),
        };
        let (after, before) = (cursor("after")?, cursor("before")?);
        let page = match (
            self.page_size(field, "first")?,
            self.page_size(field, "last")?,
        ) {
            (Some(_), Some(_)) => return Err(bad_input("use either first or last, not both")),
            (_, Some(last)) if after.is_none() => Page::Backward { last, before },
            (None, None) if before.is_some() && after.is_none() => Page::Backward {
                last: self.schema.limits.default_page_size,
                before,
            },
            (first, None) if before.is_none() => Page::Forward {
                first: first.unwrap_or(self.schema.limits.default_page_size),
                after,
            },
            _ => {
                return Err(bad_input(
                    "page forwards with first/after or backwards with last/before",
                ));
            }
        };
        let entity_name = self.schema.entities[index].descriptor.name;
        let mut fields = Vec::new();
        // A node nulled by a non-null field it may not read nulls its edge, the edges and the
        // connection: all non-null.
        let mut nulled = false;
        for (key, group) in self.group(subs)? {
            let inner = Self::sub_selections(&group);
            let value = match group[0].name {
                "__typename" => {
                    ConnectionField::Typename(name_of(&Derived::Connection.of(entity_name))?)
                }
                "totalCount" => ConnectionField::TotalCount,
                "edges" => {
                    let edges = At::field(None, key, "edges");
                    let mut edge = Vec::new();
                    for (edge_key, edge_group) in self.group(&inner)? {
                        let field = match edge_group[0].name {
                            "cursor" => EdgeField::Cursor,
                            "__typename" => {
                                EdgeField::Typename(name_of(&Derived::Edge.of(entity_name))?)
                            }
                            "node" => {
                                let node = At::field(Some(&edges), edge_key, "node");
                                let subs = Self::sub_selections(&edge_group);
                                match self.projection(index, &subs, false, Some(&node))? {
                                    Some(projection) => EdgeField::Node(projection),
                                    None => {
                                        nulled = true;
                                        EdgeField::Cursor
                                    }
                                }
                            }
                            other => return Err(bad_input(format!("unknown edge field {other}"))),
                        };
                        edge.push((name_of(edge_key)?, field));
                    }
                    ConnectionField::Edges(edge)
                }
                "pageInfo" => {
                    let mut info = Vec::new();
                    for (info_key, info_group) in self.group(&inner)? {
                        let field = match info_group[0].name {
                            "hasNextPage" => Ok(PageInfoField::HasNextPage),
                            "hasPreviousPage" => Ok(PageInfoField::HasPreviousPage),
                            "startCursor" => Ok(PageInfoField::StartCursor),
                            "endCursor" => Ok(PageInfoField::EndCursor),
                            "__typename" => Err(name_of(names::PAGE_INFO)?),
                            other => {
                                return Err(bad_input(format!("unknown pageInfo field {other}")));
                            }
                        };
                        info.push((name_of(info_key)?, field));
                    }
                    ConnectionField::PageInfo(info)
                }
                other => return Err(bad_input(format!("unknown connection field {other}"))),
            };
            fields.push((name_of(key)?, value));
        }
        let (filter, order) = (self.where_filter(index, field)?, self.order(index, field)?);
        if nulled {
            return Ok(Root::Null);
        }
        Ok(Root::Connection(Connection {
            relation,
            filter,
            order,
            page,
            cursor_key: self.cursor_key.clone(),
            fields,
        }))
    }

    /// The projection of an entity for the merged sub-selections, below the root field at
    /// `at`; `None` when a non-null field the request may not read nulls the object (see
    /// `authz`).
    pub(crate) fn projection(
        &self,
        index: usize,
        subs: &[&'e [Selection<'e, S>]],
        embedded: bool,
        at: Option<&At<'_>>,
    ) -> Result<Option<Projection>, Failure> {
        Ok(self
            .projection_of(index, subs, embedded, at)?
            .map(|(projection, _)| projection))
    }

    /// [`projection`](Self::projection), and whether it exposes an object that is not there.
    ///
    /// Where the document breaks a non-null promise the fast path must see it in the JSON it
    /// relays (see `relay`). A non-null scalar reads as null, a non-null list of objects fails
    /// the statement; an embedded object or list element is projected with no type test only
    /// when it holds one of those (read from a missing object, each would break its own
    /// promise), otherwise it is tested and reads as null.
    ///
    /// A field the request may not read is a constant null, and a denial; a non-null one nulls
    /// the object instead (`None`), whose parent field takes the null if it may, or passes it on.
    pub(super) fn projection_of(
        &self,
        index: usize,
        subs: &[&'e [Selection<'e, S>]],
        embedded: bool,
        at: Option<&At<'_>>,
    ) -> Result<Option<(Projection, bool)>, Failure> {
        let descriptor = self.schema.entities[index].descriptor;
        let mut projection = Projection::new();
        let mut exposes = false;
        let mut nulled = false;
        for (key, group) in self.group(subs)? {
            let name = group[0].name;
            if name == "__typename" {
                projection.push(
                    name_of(key)?,
                    Projected::Typename(name_of(descriptor.name)?),
                );
                continue;
            }
            let Some(field) = descriptor.graphql_field(name) else {
                match self.element_aggregate(index, name, &group)? {
                    Some(aggregate) => projection.push(name_of(key)?, aggregate),
                    None => {
                        return Err(bad_input(format!(
                            "{} has no field {name}",
                            descriptor.name
                        )));
                    }
                }
                continue;
            };
            let here = At::field(at, key, name);
            let value = match self.grants.refuse_field("read", descriptor, field) {
                Some(refusal) => {
                    self.denied.record(Some(&here), group[0].position, refusal);
                    Some(Projected::Null)
                }
                None => self.field_projection(field, &group, embedded, &here, &mut exposes)?,
            };
            match value {
                // A null this field may not hold nulls the object.
                Some(Projected::Null) | None if !field.ty.is_nullable() => nulled = true,
                Some(value) => projection.push(name_of(key)?, value),
                None => projection.push(name_of(key)?, Projected::Null),
            }
        }
        Ok((!nulled).then_some((projection, exposes)))
    }

    /// How the readable `field` (its merged selections `group`, at `here`) is projected;
    /// `None` when a non-null field the request may not read, below it, nulls it.
    pub(super) fn field_projection(
        &self,
        field: &'static FieldDescriptor,
        group: &[FieldNode<'e>],
        embedded: bool,
        here: &At<'_>,
        exposes: &mut bool,
    ) -> Result<Option<Projected>, Failure> {
        let path = || fraiseql_sql::JsonPath::parse(field.source.key()).map_err(bad_input);
        let nested = |ty: &FieldType| match ty {
            FieldType::Object(o) => Some(o()),
            _ => None,
        };
        let inner = |object| {
            let subs = Self::sub_selections(group);
            self.projection_of(self.index_of(object)?, &subs, true, Some(here))
        };
        // A null this field may not hold shows: as null (tested, or a scalar), or as an
        // error (a lean list).
        let non_null = !field.ty.is_nullable();
        *exposes |= non_null;
        // A non-null object or list of objects needs no type test in the SQL.
        Ok(Some(
            match (field.ty.non_null(), nested(field.ty.non_null())) {
                (_, Some(object)) => {
                    let Some((inner, inner_exposes)) = inner(object)? else {
                        return Ok(None);
                    };
                    let lean = non_null && inner_exposes && !self.walked;
                    (if lean {
                        Projected::NonNullObject
                    } else {
                        Projected::Object
                    })(path()?, inner)
                }
                (FieldType::List(item), _) if nested(item.non_null()).is_some() => {
                    let object = nested(item.non_null()).expect("checked");
                    let Some((inner, inner_exposes)) = inner(object)? else {
                        // Each element is null if it may be (as many as the arguments pick),
                        // else the list is.
                        if !item.is_nullable() {
                            return Ok(None);
                        }
                        return Ok(Some(match self.elements(field, &group[0])? {
                            Some(elements) => {
                                self.element_list(field, elements, Element::Null, false)?
                            }
                            None => Projected::Nulls(path()?),
                        }));
                    };
                    let lean = non_null && !item.is_nullable() && inner_exposes && !self.walked;
                    if let Some(elements) = self.elements(field, &group[0])? {
                        let element = if lean {
                            Element::Object(inner)
                        } else {
                            Element::NullableObject(inner)
                        };
                        return self.element_list(field, elements, element, lean).map(Some);
                    }
                    (if lean {
                        Projected::NonNullList
                    } else {
                        Projected::List
                    })(path()?, inner)
                }
                (FieldType::List(item), _) => {
                    let renamed = renames(item);
                    match (self.elements(field, &group[0])?, field.source, renamed) {
                        (None, FieldSource::Column(c), _) if !embedded => {
                            Projected::Column(fraiseql_sql::Ident::new(c).map_err(bad_input)?)
                        }
                        (None, _, None) => Projected::Value(path()?),
                        // Enum values stored under other texts are renamed one by one, so
                        // the list goes through the elements' expansion even without arguments.
                        (elements, _, renamed) => {
                            let lean = non_null && !self.walked;
                            let element = renamed.map_or(Element::Value, Element::Renamed);
                            let elements = elements.unwrap_or_default();
                            self.element_list(field, elements, element, lean)?
                        }
                    }
                }
                _ => match (field.source, renames(&field.ty)) {
                    (FieldSource::Column(c), _) if !embedded => {
                        Projected::Column(fraiseql_sql::Ident::new(c).map_err(bad_input)?)
                    }
                    (_, Some(renamed)) => Projected::Renamed(path()?, renamed),
                    (_, None) => Projected::Value(path()?),
                },
            },
        ))
    }

    pub(super) fn index_of(&self, descriptor: &TypeDescriptor) -> Result<usize, Failure> {
        self.schema
            .entity_index(descriptor.name)
            .ok_or_else(|| bad_input(format!("type {} is not served", descriptor.name)))
    }
}
