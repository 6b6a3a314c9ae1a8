//! Relaying PostgreSQL's JSON: the fast path copies the statement's JSON into the response body
//! without insignificant whitespace and, in the same pass over the bytes, checks each value
//! against the type the schema declares for it (never decoding it into values).
//!
//! A document may break the schema's promises: lack a key, hold null or a value of another type
//! where the type says otherwise. The statement carries that through as it is (a null, the
//! other value; see `Compiler::projection`), the relay finds it, and the request is answered by
//! juniper's executor instead, which reports it as GraphQL says (a field error, null up to the
//! nearest nullable ancestor).

use juniper::meta::MetaType;
use juniper::{DefaultScalarValue as S, SchemaType};

use super::compile::{Compiler, FieldNode};
use super::names::QUERY;
use super::walk::{Declared, Scalar};

/// What the JSON at one place of the response must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Check {
    /// Anything (a field the statement answers itself, or one that failed to compile).
    Any,
    /// A scalar or enum value.
    Value {
        nullable: bool,
        scalar: Scalar,
    },
    /// An object with exactly these keys, in this order.
    Object {
        nullable: bool,
        fields: Vec<(String, Check)>,
    },
    List {
        nullable: bool,
        item: Box<Check>,
    },
}

static ANY: Check = Check::Any;

impl Check {
    /// The check of an operation's `data`: one entry per root key, in order, with the root's
    /// merged fields; `Any` for a root that failed (its null is expected).
    pub fn operation<'e>(
        schema: &SchemaType<S>,
        compiler: &Compiler<'e>,
        roots: &[(&'e str, &[FieldNode<'e>], bool)],
    ) -> Check {
        let fields = roots
            .iter()
            .map(|(key, fields, answered)| {
                let check = if *answered {
                    Check::field(schema, compiler, QUERY, fields)
                } else {
                    Check::Any
                };
                ((*key).to_owned(), check)
            })
            .collect();
        Check::Object {
            nullable: false,
            fields,
        }
    }

    /// The check of the merged `fields` (one response key) of an object of type `parent`.
    fn field<'e>(
        schema: &SchemaType<S>,
        compiler: &Compiler<'e>,
        parent: &str,
        fields: &[FieldNode<'e>],
    ) -> Check {
        let name = fields[0].name;
        let meta = schema.concrete_type_by_name(parent);
        match meta.and_then(|parent| parent.field_by_name(name)) {
            Some(field) if name != "__typename" => {
                let declared = Declared::parse(&field.field_type.to_string());
                Check::declared(schema, compiler, &declared, fields)
            }
            _ => Check::Any,
        }
    }

    fn declared<'e>(
        schema: &SchemaType<S>,
        compiler: &Compiler<'e>,
        declared: &Declared,
        fields: &[FieldNode<'e>],
    ) -> Check {
        match declared {
            Declared::List { nullable, item } => Check::List {
                nullable: *nullable,
                item: Box::new(Check::declared(schema, compiler, item, fields)),
            },
            Declared::Named { nullable, name } => {
                let nullable = *nullable;
                let meta = schema.concrete_type_by_name(name);
                if let Some(scalar) = meta.and_then(Scalar::of) {
                    return Check::Value { nullable, scalar };
                }
                if !matches!(meta, Some(MetaType::Object(_))) {
                    return Check::Any;
                }
                let Ok(grouped) = compiler.group(&Compiler::sub_selections(fields)) else {
                    return Check::Any;
                };
                let fields = grouped
                    .iter()
                    .map(|(key, fields)| {
                        let check = Check::field(schema, compiler, name, fields);
                        ((*key).to_owned(), check)
                    })
                    .collect();
                Check::Object { nullable, fields }
            }
        }
    }

    fn nullable(&self) -> bool {
        match self {
            Check::Any => true,
            Check::Value { nullable, .. }
            | Check::Object { nullable, .. }
            | Check::List { nullable, .. } => *nullable,
        }
    }
}

/// Why [`relay`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// A value breaks the type the schema declares for it.
    Broken,
    /// The JSON is not shaped as the check (keys, nesting): a bug, not the documents' doing.
    Unexpected,
}

/// Appends `json` to `out` with insignificant whitespace removed (as `compact_into` does),
/// checking every value against `check`; stops at the first value that fails it.
pub(crate) fn relay(json: &str, check: &Check, out: &mut String) -> Result<(), Stop> {
    let mut scan = Scan {
        text: json,
        bytes: json.as_bytes(),
        at: 0,
        out,
    };
    scan.value(check)?;
    scan.skip_whitespace();
    if scan.at == scan.bytes.len() {
        Ok(())
    } else {
        Err(Stop::Unexpected)
    }
}

struct Scan<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    out: &'a mut String,
}

type Step = Result<(), Stop>;

impl<'a> Scan<'a> {
    #[inline]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// The next significant byte.
    #[inline]
    fn peek(&mut self) -> Result<u8, Stop> {
        self.skip_whitespace();
        self.bytes.get(self.at).copied().ok_or(Stop::Unexpected)
    }

    /// Copies the punctuation byte at the cursor.
    #[inline]
    fn punctuation(&mut self, byte: u8) {
        self.out.push(byte as char);
        self.at += 1;
    }

    fn value(&mut self, check: &Check) -> Step {
        use Scalar as K;
        let scalar = match check {
            Check::Value { scalar, .. } => Some(scalar),
            _ => None,
        };
        let any = matches!(check, Check::Any) || scalar == Some(&K::Any);
        match self.peek()? {
            b'n' => {
                self.literal("null")?;
                if check.nullable() {
                    Ok(())
                } else {
                    Err(Stop::Broken)
                }
            }
            b'{' => match check {
                Check::Object { fields, .. } => self.object(Some(fields)),
                _ if any => self.object(None),
                _ => Err(Stop::Broken),
            },
            b'[' => match check {
                Check::List { item, .. } => self.list(item),
                _ if any => self.list(&ANY),
                _ => Err(Stop::Broken),
            },
            b'"' => {
                let text = self.string()?;
                match scalar {
                    _ if any => Ok(()),
                    Some(K::String | K::NumberOrString) => Ok(()),
                    Some(K::Enum(values)) if values.iter().any(|v| v == text) => Ok(()),
                    _ => Err(Stop::Broken),
                }
            }
            b't' | b'f' => {
                if self.bytes[self.at] == b't' {
                    self.literal("true")?;
                } else {
                    self.literal("false")?;
                }
                match scalar {
                    _ if any => Ok(()),
                    Some(K::Boolean) => Ok(()),
                    _ => Err(Stop::Broken),
                }
            }
            b'-' | b'0'..=b'9' => {
                let number = self.number();
                match scalar {
                    _ if any => Ok(()),
                    Some(K::Float | K::NumberOrString) => Ok(()),
                    Some(K::Int) if number.parse::<i32>().is_ok() => Ok(()),
                    _ => Err(Stop::Broken),
                }
            }
            _ => Err(Stop::Unexpected),
        }
    }

    fn object(&mut self, fields: Option<&[(String, Check)]>) -> Step {
        self.punctuation(b'{');
        let expected = fields.map_or(0, <[_]>::len);
        if self.peek()? == b'}' {
            self.punctuation(b'}');
            return if expected == 0 {
                Ok(())
            } else {
                Err(Stop::Unexpected)
            };
        }
        let mut n = 0;
        loop {
            if self.peek()? != b'"' {
                return Err(Stop::Unexpected);
            }
            let check = match fields {
                None => {
                    self.string()?;
                    &ANY
                }
                Some(fields) => match fields.get(n) {
                    Some((name, check)) if self.key(name) => check,
                    _ => return Err(Stop::Unexpected),
                },
            };
            if self.peek()? != b':' {
                return Err(Stop::Unexpected);
            }
            self.punctuation(b':');
            self.value(check)?;
            n += 1;
            match self.peek()? {
                b',' => self.punctuation(b','),
                b'}' => {
                    self.punctuation(b'}');
                    break;
                }
                _ => return Err(Stop::Unexpected),
            }
        }
        if fields.is_none() || n == expected {
            Ok(())
        } else {
            Err(Stop::Unexpected)
        }
    }

    fn list(&mut self, item: &Check) -> Step {
        self.punctuation(b'[');
        if self.peek()? == b']' {
            self.punctuation(b']');
            return Ok(());
        }
        loop {
            self.value(item)?;
            match self.peek()? {
                b',' => self.punctuation(b','),
                b']' => {
                    self.punctuation(b']');
                    return Ok(());
                }
                _ => return Err(Stop::Unexpected),
            }
        }
    }

    /// Copies the key at the cursor when it is `"name"` exactly (the names the compiler gives
    /// keys need no escapes, and the statement writes them as given).
    fn key(&mut self, name: &str) -> bool {
        let end = self.at + name.len() + 2;
        let Some(key) = self.bytes.get(self.at..end) else {
            return false;
        };
        if key[key.len() - 1] != b'"' || &key[1..key.len() - 1] != name.as_bytes() {
            return false;
        }
        self.out.push_str(&self.text[self.at..end]);
        self.at = end;
        true
    }

    /// Copies the string at the cursor; returns its text as written (escapes kept).
    fn string(&mut self) -> Result<&'a str, Stop> {
        let start = self.at;
        let mut i = start + 1;
        // Most strings hold no escape: one search finds their end.
        loop {
            let rest = self.bytes.get(i..).ok_or(Stop::Unexpected)?;
            i += memchr::memchr2(b'"', b'\\', rest).ok_or(Stop::Unexpected)?;
            if self.bytes[i] == b'"' {
                break;
            }
            i += 2;
        }
        self.at = i + 1;
        let text = self.text;
        self.out.push_str(&text[start..self.at]);
        Ok(&text[start + 1..i])
    }

    /// Copies the number at the cursor and returns it.
    fn number(&mut self) -> &'a str {
        let start = self.at;
        while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
        }
        let text = self.text;
        self.out.push_str(&text[start..self.at]);
        &text[start..self.at]
    }

    fn literal(&mut self, literal: &str) -> Step {
        let end = self.at + literal.len();
        if self.bytes.get(self.at..end) == Some(literal.as_bytes()) {
            self.out.push_str(literal);
            self.at = end;
            Ok(())
        } else {
            Err(Stop::Unexpected)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(nullable: bool, scalar: Scalar) -> Check {
        Check::Value { nullable, scalar }
    }

    fn object(nullable: bool, fields: &[(&str, Check)]) -> Check {
        Check::Object {
            nullable,
            fields: fields
                .iter()
                .map(|(k, c)| ((*k).to_owned(), c.clone()))
                .collect(),
        }
    }

    fn list(nullable: bool, item: Check) -> Check {
        Check::List {
            nullable,
            item: Box::new(item),
        }
    }

    fn post() -> Check {
        object(
            false,
            &[
                ("title", value(false, Scalar::String)),
                ("views", value(true, Scalar::Int)),
                ("score", value(false, Scalar::Float)),
                ("ok", value(false, Scalar::Boolean)),
                (
                    "state",
                    value(false, Scalar::Enum(vec!["DRAFT".into(), "LIVE".into()])),
                ),
                ("meta", value(true, Scalar::Any)),
                ("tags", list(false, value(false, Scalar::String))),
                (
                    "author",
                    object(false, &[("name", value(false, Scalar::String))]),
                ),
                (
                    "editor",
                    object(true, &[("name", value(false, Scalar::String))]),
                ),
            ],
        )
    }

    fn data() -> Check {
        object(false, &[("posts", list(false, post())), ("n", Check::Any)])
    }

    const GOOD: &str = r#"{"posts" : [{"title" : "a \"b\" , c", "views" : null, "score" : 1.5e3, "ok" : true, "state" : "LIVE", "meta" : {"x" : [1, null, "y"]}, "tags" : ["t" , "ü"], "author" : {"name" : "n"}, "editor" : null}], "n" : "Query"}"#;

    #[test]
    fn relays_as_compaction_does() {
        let mut out = String::new();
        assert_eq!(relay(GOOD, &data(), &mut out), Ok(()));
        let mut compact = String::new();
        super::super::response::compact_into(GOOD, &mut compact);
        assert_eq!(out, compact);
    }

    #[test]
    fn finds_values_that_break_their_type() {
        for (from, to) in [
            (r#""title" : "a \"b\" , c""#, r#""title" : null"#),
            (r#""title" : "a \"b\" , c""#, r#""title" : 5"#),
            (r#""views" : null"#, r#""views" : 1.5"#),
            (r#""views" : null"#, r#""views" : 3000000000"#),
            (r#""views" : null"#, r#""views" : "1""#),
            (r#""score" : 1.5e3"#, r#""score" : "1""#),
            (r#""ok" : true"#, r#""ok" : 1"#),
            (r#""state" : "LIVE""#, r#""state" : "GONE""#),
            (r#""state" : "LIVE""#, r#""state" : null"#),
            (r#""tags" : ["t" , "ü"]"#, r#""tags" : ["t", null]"#),
            (r#""tags" : ["t" , "ü"]"#, r#""tags" : null"#),
            (r#""tags" : ["t" , "ü"]"#, r#""tags" : "t""#),
            (r#"{"name" : "n"}"#, r#"{"name" : null}"#),
            (r#""author" : {"name" : "n"}"#, r#""author" : null"#),
            (r#""author" : {"name" : "n"}"#, r#""author" : [1]"#),
        ] {
            let json = GOOD.replacen(from, to, 1);
            assert_ne!(json, GOOD);
            let mut out = String::new();
            assert_eq!(relay(&json, &data(), &mut out), Err(Stop::Broken), "{json}");
        }
        // Nullable places and unchecked ones take anything.
        for (from, to) in [
            (r#""views" : null"#, r#""views" : -7"#),
            (r#""meta" : {"x" : [1, null, "y"]}"#, r#""meta" : null"#),
            (r#""meta" : {"x" : [1, null, "y"]}"#, r#""meta" : 5"#),
            (r#""editor" : null"#, r#""editor" : {"name" : "e"}"#),
            (r#""n" : "Query""#, r#""n" : null"#),
            (r#""posts" : ["#, r#""posts" : [ "#),
        ] {
            let json = GOOD.replacen(from, to, 1);
            let mut out = String::new();
            assert_eq!(relay(&json, &data(), &mut out), Ok(()), "{json}");
        }
    }

    #[test]
    fn finds_json_not_shaped_as_compiled() {
        for (from, to) in [
            (r#""title" : "#, r#""name" : "#),
            (r#""title" : "#, r#""titles" : "#),
            (r#""title" : "#, r#""titl" : "#),
            (r#""title" : "#, r#""tit\u006ce" : "#),
            (r#""n" : "Query"}"#, r#""n" : "Que"#),
            (r#""n" : "Query"}"#, r#""n" : "Query\"#),
            (r#""n" : "Query"}"#, r#""n" : "Query\""#),
            (r#", "n" : "Query"}"#, r#", "n"#),
            (r#", "editor" : null"#, ""),
            (r#", "editor" : null"#, r#", "editor" : null, "x" : 1"#),
            (r#""n" : "Query"}"#, r#""n" : "Query"} x"#),
            (r#""n" : "Query"}"#, r#""n" : "Query""#),
        ] {
            let json = GOOD.replacen(from, to, 1);
            let mut out = String::new();
            assert_eq!(
                relay(&json, &data(), &mut out),
                Err(Stop::Unexpected),
                "{json}"
            );
        }
    }
}
