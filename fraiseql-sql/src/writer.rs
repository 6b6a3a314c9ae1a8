//! The SQL text buffer every renderer writes into, with its bound parameters.

use std::fmt::Write as _;

use crate::error::{Error, Result};
use crate::ident::Ident;
use crate::value::Param;

/// Accumulates SQL text and the params its placeholders refer to.
///
/// Placeholders are numbered in order of appearance, and local aliases come from a counter, so
/// the same query shape always renders the same text.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    pub(crate) sql: String,
    pub(crate) params: Vec<Param>,
    /// Each slot's parameters, as a range of `params` (see `Filter::Slot`).
    pub(crate) slots: Vec<(u32, std::ops::Range<usize>)>,
    aliases: usize,
    /// Only the params are wanted (see [`Writer::params_only`]): no text is written.
    params_only: bool,
}

impl Writer {
    /// A writer that keeps the params a rendering binds and writes no text: for the params of
    /// a statement whose text is already known (`Statement::rebind`), by the same rendering
    /// code that wrote the text, so the two cannot disagree.
    pub(crate) fn params_only() -> Self {
        Self {
            params_only: true,
            ..Self::default()
        }
    }

    /// Whether text is written (not a [`Writer::params_only`] writer).
    pub(crate) fn writes_text(&self) -> bool {
        !self.params_only
    }

    pub(crate) fn push(&mut self, text: &str) {
        if !self.params_only {
            self.sql.push_str(text);
        }
    }

    /// Writes any displayable piece (identifiers and keys render themselves safely).
    pub(crate) fn put(&mut self, piece: impl std::fmt::Display) {
        if !self.params_only {
            let _ = write!(self.sql, "{piece}");
        }
    }

    /// Binds `param` and writes its placeholder with the cast that fixes its type.
    pub(crate) fn param(&mut self, param: Param) {
        let placeholder = self.bind(param);
        self.push(&placeholder);
    }

    /// Binds `param` and returns its placeholder (with cast) to be written, possibly many times.
    pub(crate) fn bind(&mut self, param: Param) -> String {
        let cast = param.cast();
        self.params.push(param);
        if self.params_only {
            return String::new();
        }
        format!("${}::{cast}", self.params.len())
    }

    /// Runs `render` and returns the text it wrote instead of keeping it in the buffer; its
    /// params stay bound, so the text can be written several times.
    pub(crate) fn capture(
        &mut self,
        render: impl FnOnce(&mut Self) -> Result<()>,
    ) -> Result<String> {
        let start = self.sql.len();
        render(self)?;
        Ok(self.sql.split_off(start))
    }

    /// A fresh local alias such as `e3`, unique within the statement.
    pub(crate) fn alias(&mut self, prefix: &str) -> String {
        self.aliases += 1;
        if self.params_only {
            return String::new();
        }
        format!("{prefix}{}", self.aliases)
    }

    /// Writes `items` separated by `sep`, each through `each`.
    pub(crate) fn join<T>(
        &mut self,
        items: &[T],
        sep: &str,
        mut each: impl FnMut(&mut Self, &T) -> Result<()>,
    ) -> Result<()> {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.push(sep);
            }
            each(self, item)?;
        }
        Ok(())
    }
}

/// Where filter targets and projected fields are resolved: the current JSON document, and the
/// table alias whose real columns are reachable (none inside an embedded list element).
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    /// SQL expression of the current `jsonb` document (`t."data"`, `e1.v`).
    pub(crate) doc: String,
    /// Alias of the row whose columns may be addressed.
    pub(crate) table: Option<String>,
}

impl Scope {
    /// The scope of a row of a relation aliased `table`, whose document is `data`.
    pub(crate) fn row(table: &str, data: &Ident) -> Self {
        Self {
            doc: format!("{table}.{data}"),
            table: Some(table.to_owned()),
        }
    }

    /// The scope of a JSON value with no columns around it.
    pub(crate) fn document(doc: String) -> Self {
        Self { doc, table: None }
    }

    /// `alias.column`, when columns are in scope.
    pub(crate) fn column(&self, column: &Ident) -> Result<String> {
        Ok(format!("{}.{column}", self.table_of(column)?))
    }

    /// Refuses `column` where no columns are in scope, as [`column`](Self::column) would.
    pub(crate) fn check_column(&self, column: &Ident) -> Result<()> {
        self.table_of(column).map(drop)
    }

    fn table_of(&self, column: &Ident) -> Result<&str> {
        (self.table.as_deref()).ok_or_else(|| Error::ColumnOutOfScope(column.as_str().to_owned()))
    }
}
