//! Renamed values: stored texts answered under other names, such as an enum whose documents
//! hold `open` and whose GraphQL values are `OPEN`.

use crate::writer::Writer;

/// Stored texts and the names they are answered as. A value not listed (another text, a
/// number, null) is answered as stored, so a document holding a value the enum does not know
/// still shows it, and the response's check reports it.
///
/// ```
/// use fraiseql_sql::*;
/// let status = Renames::new([("open", "OPEN"), ("hold", "ON_HOLD"), ("CLOSED", "CLOSED")]);
/// let ticket = Projection::new().field(
///     Name::new("status")?,
///     Projected::Renamed(JsonPath::parse("status")?, status),
/// );
/// let one = Root::One { relation: Relation::new("tv_ticket")?, filter: Filter::all(), projection: ticket };
/// let sql = Statement::value(&one)?.sql().to_owned();
/// assert!(sql.contains(r#"CASE t."data"->'status' WHEN to_jsonb('open'::text) THEN to_jsonb('OPEN'::text)"#));
/// assert!(!sql.contains("'CLOSED'"), "a text answered as stored needs no branch");
/// # Ok::<(), fraiseql_sql::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Renames(Vec<(String, String)>);

impl Renames {
    /// `stored → name` pairs; those whose name is the stored text are left out.
    pub fn new<S: Into<String>, N: Into<String>>(pairs: impl IntoIterator<Item = (S, N)>) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(stored, name)| (stored.into(), name.into()))
                .filter(|(stored, name)| stored != name)
                .collect(),
        )
    }

    /// `true` when every value is answered as stored.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `CASE <json> WHEN to_jsonb('stored'::text) THEN to_jsonb('name'::text) … ELSE <json>
    /// END`: `json` (a `jsonb` expression) with each stored text renamed.
    pub(crate) fn render_json(&self, w: &mut Writer, json: &str) {
        self.render(w, json, "to_jsonb(", "::text)");
    }

    /// The same over a `text` expression.
    pub(crate) fn render_text(&self, w: &mut Writer, text: &str) {
        self.render(w, text, "", "::text");
    }

    fn render(&self, w: &mut Writer, expression: &str, open: &str, close: &str) {
        if self.is_empty() {
            w.push(expression);
            return;
        }
        w.put(format_args!("CASE {expression}"));
        for (stored, name) in &self.0 {
            w.put(format_args!(
                " WHEN {open}{}{close} THEN {open}{}{close}",
                literal(stored),
                literal(name)
            ));
        }
        w.put(format_args!(" ELSE {expression} END"));
    }
}

/// `text` as a SQL string literal. The texts come from the application's types (enum values),
/// never from a request; quoting them still keeps any text from ending the literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
