//! Persisted-query manifests: the documents a production client may send, by their SHA-256, in
//! the JSON that Apollo's and graphql-codegen's persisted-document tooling write.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::hash::DocumentHash;

/// The `format` of Apollo's manifest.
const APOLLO_FORMAT: &str = "apollo-persisted-query-manifest";

/// The documents an allow-list lets run ([`super::PersistedQueries::allow_list`]), by their
/// SHA-256. Read once, at start-up; cheap to clone.
///
/// Two formats are read:
///
/// - Apollo's `persisted-query-manifest.json` (`npx generate-persisted-query-manifest`):
///   `{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "name",
///   "type", "body"}, …]}`;
/// - graphql-codegen's `persisted-documents.json` (client preset, `persistedDocuments:
///   { hashAlgorithm: 'sha256' }`): `{"<hash>": "<document>", …}`.
///
/// Each id must be the SHA-256 of its document, exactly as written (64 hexadecimal digits, as
/// both tools write by default with SHA-256): that is the hash a client sends, and it lets a
/// document sent in full be recognised. An id listed twice with the same document is accepted
/// (once); with another document it is an error. A manifest that does not hold to this is
/// refused, naming the line.
///
/// ```
/// use fraiseql::graphql::{DocumentHash, Manifest};
/// let document = "query Me { user(id: \"1\") { name } }";
/// let hash = DocumentHash::of(document);
/// let apollo = format!(
///     r#"{{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [
///         {{"id": "{hash}", "name": "Me", "type": "query", "body": {document:?}}}
///     ]}}"#
/// );
/// let codegen = format!(r#"{{"{hash}": {document:?}}}"#);
/// for text in [apollo, codegen] {
///     let manifest = Manifest::from_json(&text)?;
///     assert_eq!(manifest.get(&hash), Some(document));
/// }
/// let wrong = format!("{{\n  \"{}\": {document:?}\n}}", DocumentHash::of("another"));
/// let error = Manifest::from_json(&wrong).unwrap_err();
/// assert_eq!(error.line(), Some(2));
/// # Ok::<(), fraiseql::graphql::ManifestError>(())
/// ```
#[derive(Clone, Default)]
pub struct Manifest {
    documents: Arc<HashMap<DocumentHash, Arc<str>>>,
}

impl std::fmt::Debug for Manifest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manifest")
            .field("documents", &self.documents.len())
            .finish()
    }
}

/// Why a manifest was refused: the file, the line, and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    file: Option<String>,
    line: Option<usize>,
    message: String,
}

impl ManifestError {
    fn at(line: usize, message: impl Into<String>) -> Self {
        Self {
            file: None,
            line: Some(line),
            message: message.into(),
        }
    }

    /// The line of the manifest at fault (1-based), when the manifest could be read.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("persisted-query manifest")?;
        if let Some(file) = &self.file {
            write!(f, " {file}")?;
        }
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ManifestError {}

impl Manifest {
    /// Reads the manifest at `path` (either format).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, ManifestError> {
        let path = path.as_ref();
        let file = Some(path.display().to_string());
        let text = std::fs::read_to_string(path).map_err(|error| ManifestError {
            file: file.clone(),
            line: None,
            message: format!("cannot be read: {error}"),
        })?;
        Self::from_json(&text).map_err(|error| ManifestError { file, ..error })
    }

    /// Reads a manifest from its JSON text (either format).
    pub fn from_json(text: &str) -> Result<Self, ManifestError> {
        let entries = serde_json::from_str::<Entries<'_>>(text)
            .map_err(|error| ManifestError::at(error.line().max(1), without_position(&error)))?;
        let mut documents = Documents::default();
        if entries.get("format").is_some() {
            documents.read_apollo(text, &entries)?;
        } else {
            for (id, raw) in &entries.0 {
                let line = line_of(text, raw);
                let body = String::deserialize(&**raw).map_err(|_| {
                    ManifestError::at(line, format!("the document of {} is not a string (a graphql-codegen manifest maps each hash to its document; Apollo's names its \"format\")", shorten(id)))
                })?;
                documents.add(line, id, body)?;
            }
        }
        let documents = documents.by_hash.into_iter();
        let documents = documents.map(|(hash, (document, _))| (hash, document));
        Ok(Self {
            documents: Arc::new(documents.collect()),
        })
    }

    /// The document whose SHA-256 is `hash`, if listed.
    pub fn get(&self, hash: &DocumentHash) -> Option<&str> {
        self.documents.get(hash).map(|document| &**document)
    }

    pub(crate) fn shared(&self, hash: &DocumentHash) -> Option<&Arc<str>> {
        self.documents.get(hash)
    }

    /// How many documents are listed.
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    /// Whether no document is listed (then every request is refused).
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }
}

/// The documents read so far, with the line each was listed at.
#[derive(Default)]
struct Documents {
    by_hash: HashMap<DocumentHash, (Arc<str>, usize)>,
}

impl Documents {
    fn read_apollo(&mut self, text: &str, entries: &Entries<'_>) -> Result<(), ManifestError> {
        for key in ["format", "version", "operations"] {
            let mut found = entries.0.iter().filter(|(k, _)| k == key);
            if let (Some(_), Some((_, again))) = (found.next(), found.next()) {
                return Err(ManifestError::at(
                    line_of(text, again),
                    format!("\"{key}\" is given twice"),
                ));
            }
        }
        let format = entries.get("format").expect("checked by the caller");
        if String::deserialize(format).ok().as_deref() != Some(APOLLO_FORMAT) {
            return Err(ManifestError::at(
                line_of(text, format),
                format!(
                    "\"format\" is {}, not \"{APOLLO_FORMAT}\"",
                    cut(format.get())
                ),
            ));
        }
        let Some(version) = entries.get("version") else {
            return Err(ManifestError::at(1, "\"version\" is missing (1)"));
        };
        if u64::deserialize(version).ok() != Some(1) {
            return Err(ManifestError::at(
                line_of(text, version),
                format!(
                    "version {} is not supported: only version 1",
                    cut(version.get())
                ),
            ));
        }
        let Some(operations) = entries.get("operations") else {
            return Err(ManifestError::at(1, "\"operations\" is missing"));
        };
        let base = line_of(text, operations);
        let operations = <Vec<&RawValue>>::deserialize(operations).map_err(|error| {
            ManifestError::at(
                base + error.line().max(1) - 1,
                format!("\"operations\": {}", without_position(&error)),
            )
        })?;
        for operation in operations {
            let line = line_of(text, operation);
            let operation = Operation::deserialize(operation).map_err(|error| {
                ManifestError::at(
                    line + error.line().max(1) - 1,
                    format!("an operation: {}", without_position(&error)),
                )
            })?;
            self.add(line, &operation.id, operation.body)?;
        }
        Ok(())
    }

    /// Lists `body` under `id`, listed at `line`.
    fn add(&mut self, line: usize, id: &str, body: String) -> Result<(), ManifestError> {
        let hash = DocumentHash::from_hex(id).map_err(|reason| {
            // 40 hexadecimal digits: SHA-1, graphql-codegen's default.
            let hint = if id.len() == 40 {
                " (SHA-1? generate it with hashAlgorithm: 'sha256')"
            } else {
                ""
            };
            ManifestError::at(
                line,
                format!(
                    "the id {} is not a SHA-256 hash: {reason}{hint}",
                    shorten(id)
                ),
            )
        })?;
        match self.by_hash.entry(hash) {
            Entry::Occupied(listed) if *listed.get().0 == *body => Ok(()),
            Entry::Occupied(listed) => Err(ManifestError::at(
                line,
                format!(
                    "{hash} is listed at line {} with another document",
                    listed.get().1
                ),
            )),
            Entry::Vacant(_) if !hash.matches(&body) => Err(ManifestError::at(
                line,
                format!(
                    "{hash} is not the SHA-256 of its document ({}): ids must be the SHA-256 of \
                     the document exactly as written",
                    DocumentHash::of(&body)
                ),
            )),
            Entry::Vacant(vacant) => {
                vacant.insert((body.into(), line));
                Ok(())
            }
        }
    }
}

/// An operation of Apollo's manifest (`name` and `type` are not needed).
#[derive(Deserialize)]
struct Operation {
    id: String,
    body: String,
}

/// A JSON object's members in order, duplicates kept, each value still as written.
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'a> Entries<'a> {
    fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Entries<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a JSON object: Apollo's {\"format\": \"apollo-persisted-query-manifest\", …} \
                     or graphql-codegen's {\"<sha256>\": \"<document>\", …}",
                )
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut members = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    members.push((key, map.next_value::<&'de RawValue>()?));
                }
                Ok(Entries(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// The line (1-based) at which `raw`, a slice of `text`, starts.
fn line_of(text: &str, raw: &RawValue) -> usize {
    let offset = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    let before = text.as_bytes().get(..offset).unwrap_or_default();
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

/// serde_json's message without its " at line … column …" (the line is given apart).
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rsplit_once(" at line ") {
        Some((message, _)) => message.to_owned(),
        None => message,
    }
}

/// `text` quoted, cut to a readable length.
fn shorten(text: &str) -> String {
    cut(&format!("{text:?}"))
}

/// `text` cut to a readable length.
fn cut(text: &str) -> String {
    let mut chars = text.chars();
    let short: String = chars.by_ref().take(72).collect();
    let more = if chars.next().is_some() { "…" } else { "" };
    format!("{short}{more}")
}

#[cfg(test)]
mod tests {
    use super::{DocumentHash, Manifest};

    const ME: &str = "query Me { user(id: \"1\") { name } }";
    const POSTS: &str = "query Posts { posts { title } }";

    fn apollo(operations: &[String]) -> String {
        format!(
            "{{\n  \"format\": \"apollo-persisted-query-manifest\",\n  \"version\": 1,\n  \"operations\": [\n{}\n  ]\n}}",
            operations.join(",\n")
        )
    }

    fn operation(id: &str, body: &str) -> String {
        format!(
            "    {{\"id\": \"{id}\", \"name\": \"X\", \"type\": \"query\", \"body\": {body:?}}}"
        )
    }

    fn error(text: &str) -> (Option<usize>, String) {
        let error = Manifest::from_json(text).expect_err(text);
        (error.line(), error.message().to_owned())
    }

    #[test]
    fn both_formats_are_read() {
        let (me, posts) = (DocumentHash::of(ME), DocumentHash::of(POSTS));
        let text = apollo(&[
            operation(&me.to_string(), ME),
            operation(&posts.to_string().to_uppercase(), POSTS),
        ]);
        let manifest = Manifest::from_json(&text).unwrap();
        assert_eq!((manifest.len(), manifest.get(&posts)), (2, Some(POSTS)));
        let codegen = format!("{{\n  \"{me}\": {ME:?},\n  \"{posts}\": {POSTS:?}\n}}");
        let manifest = Manifest::from_json(&codegen).unwrap();
        assert_eq!((manifest.len(), manifest.get(&me)), (2, Some(ME)));
        for empty in ["{}", &apollo(&[])] {
            assert!(Manifest::from_json(empty).unwrap().is_empty());
        }
    }

    #[test]
    fn duplicates_are_accepted_when_identical_and_refused_when_not() {
        let me = DocumentHash::of(ME).to_string();
        let twice = apollo(&[operation(&me, ME), operation(&me, ME)]);
        assert_eq!(Manifest::from_json(&twice).unwrap().len(), 1);
        let codegen = format!("{{\n  \"{me}\": {ME:?},\n  \"{me}\": {ME:?}\n}}");
        assert_eq!(Manifest::from_json(&codegen).unwrap().len(), 1);
        let conflict = apollo(&[operation(&me, ME), operation(&me, POSTS)]);
        let (line, message) = error(&conflict);
        assert_eq!(line, Some(6));
        assert!(
            message.contains("listed at line 5 with another document"),
            "{message}"
        );
        let codegen = format!("{{\n  \"{me}\": {ME:?},\n  \"{me}\": {POSTS:?}\n}}");
        assert_eq!(error(&codegen).0, Some(3));
    }

    #[test]
    fn malformed_manifests_name_the_line() {
        let me = DocumentHash::of(ME).to_string();
        let good = operation(&me, ME);
        let one = apollo(std::slice::from_ref(&good));
        let cases: Vec<(String, usize, &str)> = vec![
            // JSON syntax, and JSON that is no manifest.
            ("{\n  \"a\": \n".into(), 3, "EOF"),
            ("[1, 2]".into(), 1, "a JSON object"),
            ("\"text\"".into(), 1, "a JSON object"),
            // graphql-codegen's map.
            (format!("{{\n  \"{me}\": 1\n}}"), 2, "is not a string"),
            (
                format!("{{\n\n  \"{}\": {ME:?}\n}}", &me[..40]),
                3,
                "64 hexadecimal digits, not 40 (SHA-1? generate it with hashAlgorithm: 'sha256')",
            ),
            (
                format!("{{\n  \"{}zz\": {ME:?}\n}}", &me[..62]),
                2,
                "only hexadecimal digits",
            ),
            (
                format!("{{\n  \"{me}\": {POSTS:?}\n}}"),
                2,
                "is not the SHA-256 of its document",
            ),
            // Apollo's.
            (
                one.replace("apollo-persisted-query-manifest", "other"),
                2,
                "\"format\" is \"other\", not",
            ),
            (
                one.replace("\"version\": 1", "\"version\": 2"),
                3,
                "version 2 is not supported",
            ),
            (
                one.replace("\"version\": 1", "\"version\": \"1\""),
                3,
                "not supported",
            ),
            (
                one.replace("  \"version\": 1,\n", ""),
                1,
                "\"version\" is missing",
            ),
            (
                one.replace("\"format\"", "\"format\": 1, \"format\""),
                2,
                "given twice",
            ),
            (
                apollo(&[]).replace("[\n\n  ]", "{}"),
                4,
                "\"operations\": invalid type: map",
            ),
            (
                apollo(&[good.clone(), "    {\"id\": 1, \"body\": \"{ a }\"}".into()]),
                6,
                "an operation: invalid type: integer",
            ),
            (
                apollo(&[good.clone(), "    {\"id\": \"x\"}".into()]),
                6,
                "missing field `body`",
            ),
            (
                apollo(&[good.clone(), operation("abc", ME)]),
                6,
                "not a SHA-256 hash: a SHA-256 hash is 64",
            ),
            (
                apollo(&[good, operation(&DocumentHash::of(POSTS).to_string(), ME)]),
                6,
                "not the SHA-256",
            ),
        ];
        for (text, line, expected) in cases {
            let (at, message) = error(&text);
            assert_eq!(at, Some(line), "{message}\n{text}");
            assert!(
                message.contains(expected),
                "{message:?} lacks {expected:?}\n{text}"
            );
        }
    }

    #[test]
    fn files_are_read_and_named_in_errors() {
        let dir = std::env::temp_dir().join(format!("fraiseql-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("persisted-documents.json");
        let me = DocumentHash::of(ME);
        std::fs::write(&path, format!("{{\"{me}\": {ME:?}}}")).unwrap();
        assert_eq!(Manifest::from_path(&path).unwrap().get(&me), Some(ME));
        std::fs::write(&path, "{\n\"x\": \"y\"}").unwrap();
        let error = Manifest::from_path(&path).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!(
                "persisted-query manifest {}, line 2: the id \"x\"",
                path.display()
            )),
            "{error}"
        );
        let missing = Manifest::from_path(dir.join("nope.json")).unwrap_err();
        assert_eq!(missing.line(), None);
        assert!(missing.to_string().contains("cannot be read"), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
