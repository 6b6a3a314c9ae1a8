//! Every fenced code block of the README and of `docs/**/*.md` is checked by a test, and this
//! file proves it: each block must carry a language, and each language must be one a test reads
//! in that document —
//!
//! | language | checked by |
//! |---|---|
//! | `rust` | a doc test: the page is included by `src/lib.rs` (`#[doc = include_str!(…)]`); `ignore` is refused |
//! | `sql` | `tests/docs_sql.rs` (pages under `docs/` only), run in order on a real PostgreSQL |
//! | `graphql` | [`every_graphql_block_runs_on_the_blog`] below, on a real PostgreSQL |
//! | `json` | [`every_json_block_parses`] below (they show answers' shapes) |
//! | `sh` | `tests/deploy.rs` (`bash -n`, and the paths it names exist) |
//! | `dockerfile`, `yaml` | `tests/deploy.rs` (pages under `docs/` only): excerpts of `deploy/` |
//! | `text`, `console` | not run: diagrams and transcripts of a command's output |
//!
//! A new block without a language, in a language not in the table, a `rust` block on a page
//! `src/lib.rs` does not include, or an `sql` block outside `docs/` fails
//! [`every_block_has_a_language_a_test_checks`].

#[path = "../examples/blog/mod.rs"]
mod blog;
#[path = "doc_blocks/mod.rs"]
mod doc_blocks;

use std::path::Path;

use doc_blocks::{documents, fences, language, root};
use fraiseql::RequestContext;
use fraiseql::http::{Endpoint, Format, GraphQLRequest, Method};
use fraiseql_tempdb::TestDb;
use serde_json::{Value, json};

/// The languages blocks may have, and where a test reads them: in every document, or only in
/// the pages under `docs/` ([`doc_blocks::pages`], which `tests/docs_sql.rs` and
/// `tests/deploy.rs` walk).
const LANGUAGES: &[(&str, Scope)] = &[
    ("rust", Scope::IncludedBySrcLib),
    ("sql", Scope::DocsPages),
    ("graphql", Scope::Everywhere),
    ("json", Scope::Everywhere),
    ("sh", Scope::Everywhere),
    ("dockerfile", Scope::DocsPages),
    ("yaml", Scope::DocsPages),
    ("text", Scope::Everywhere),
    ("console", Scope::Everywhere),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Scope {
    /// README.md and every page.
    Everywhere,
    /// Only the pages under `docs/`.
    DocsPages,
    /// Pages `src/lib.rs` includes as documentation, so rustdoc runs their blocks.
    IncludedBySrcLib,
}

/// The documents `src/lib.rs` includes as doc comments (their Rust blocks are doc tests):
/// paths relative to the repository root, from `#[doc = include_str!("../…")]` and
/// `#![doc = include_str!("../…")]` lines.
fn included_by_src_lib() -> Vec<String> {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    lib.lines()
        .map(str::trim)
        .filter_map(|l| {
            l.strip_prefix("#[doc = include_str!(\"../")
                .or_else(|| l.strip_prefix("#![doc = include_str!(\"../"))
                .and_then(|rest| rest.strip_suffix("\")]"))
                .map(str::to_owned)
        })
        .collect()
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap().display().to_string()
}

#[test]
fn every_block_has_a_language_a_test_checks() {
    let included = included_by_src_lib();
    let docs_pages: Vec<String> = doc_blocks::pages().iter().map(|p| relative(p)).collect();
    let mut counted = std::collections::BTreeMap::<&str, usize>::new();
    for document in documents() {
        let name = relative(&document);
        let text = std::fs::read_to_string(&document).unwrap();
        for (line, info, _) in fences(&text) {
            let lang = language(&info);
            assert!(
                !lang.is_empty(),
                "{name}:{line}: a code block without a language"
            );
            let Some(&(lang, scope)) = LANGUAGES.iter().find(|(l, _)| *l == lang) else {
                panic!(
                    "{name}:{line}: ```{info}: no test checks {lang:?} blocks (see {LANGUAGES:?})"
                )
            };
            match scope {
                Scope::Everywhere => {}
                Scope::DocsPages => assert!(
                    docs_pages.contains(&name),
                    "{name}:{line}: ```{lang} blocks are only checked in docs/**/*.md"
                ),
                Scope::IncludedBySrcLib => {
                    assert!(
                        included.contains(&name),
                        "{name}:{line}: a Rust block on a page src/lib.rs does not include \
                         (add `#[doc = include_str!(\"../{name}\")]` to its docs module)"
                    );
                    let attributes: Vec<&str> = info.split([',', ' ']).skip(1).collect();
                    assert!(
                        attributes
                            .iter()
                            .all(|a| ["no_run", "should_panic", "compile_fail"].contains(a)
                                || a.is_empty()),
                        "{name}:{line}: ```{info}: a Rust block that is not compiled"
                    );
                }
            }
            *counted.entry(lang).or_default() += 1;
        }
    }
    // The readers found what the documents hold (guards against a reader that finds nothing).
    assert!(counted["rust"] >= 20, "{counted:?}");
    assert!(counted["sql"] >= 10, "{counted:?}");
    assert!(counted["graphql"] >= 3, "{counted:?}");
}

#[test]
fn the_block_walker_refuses_what_no_test_reads() {
    // The same rules, on pages that break them: the walker sees every block, with its info.
    let page = "```\nuntagged\n```\n  ```rust,ignore\n  fn x() {}\n  ```\n";
    let found = fences(page);
    assert_eq!(found.len(), 2);
    assert_eq!(language(&found[0].1), "");
    assert_eq!((found[1].0, found[1].1.as_str()), (4, "rust,ignore"));
    assert!(std::panic::catch_unwind(|| fences("~~~sql\nSELECT 1;\n~~~\n")).is_err());
    assert!(std::panic::catch_unwind(|| fences("```sql\nSELECT 1;\n")).is_err());
}

#[test]
fn every_json_block_parses() {
    let blocks = doc_blocks::all_document_blocks("json");
    assert!(!blocks.is_empty());
    for (page, block) in blocks {
        if let Err(e) = serde_json::from_str::<Value>(&block) {
            panic!("{page}: {e}\n{block}");
        }
    }
}

/// The values the GraphQL blocks' variables take, by the variable's declared type.
fn variable_value(declared: &str) -> Value {
    match declared {
        "CreateUserInput!" => json!({
            "identifier": "docs-block",
            "name": "Docs Block",
            "email": "docs-block@example.com",
        }),
        other => panic!("no value for a variable of type {other}; add one here"),
    }
}

/// Every ```graphql block of the README and the pages runs on the blog (schema, seed and
/// mutations) without an error; a block that declares variables gets values by their types.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_graphql_block_runs_on_the_blog() {
    let db = TestDb::new().await.unwrap();
    for script in [
        blog::SCHEMA,
        blog::SEED,
        fraiseql::MUTATION_RESULT_SQL,
        blog::MUTATIONS,
    ] {
        db.execute_script(script).await.unwrap();
    }
    let database = fraiseql::Database::connect(db.config(), 2).unwrap();
    let endpoint = Endpoint::new(blog::schema(), database);
    let blocks = doc_blocks::all_document_blocks("graphql");
    assert!(!blocks.is_empty());
    for (page, block) in blocks {
        let mut variables = serde_json::Map::new();
        // The operation's variable definitions: `($a: T, $b: U = …)` before its selection.
        let head = block.split('{').next().unwrap();
        let definitions = head.split_once('(').map_or("", |(_, d)| d);
        for declaration in definitions.split('$').skip(1) {
            let (name, rest) = declaration.split_once(':').expect("a variable's type");
            let declared = rest.split([')', ',', '=']).next().unwrap().trim();
            variables.insert(name.trim().to_owned(), variable_value(declared));
        }
        let body = json!({ "query": block, "variables": variables }).to_string();
        let request = GraphQLRequest::from_json(body.as_bytes()).unwrap();
        let context = RequestContext::new().tenant_id("aaaaaaaa-0000-0000-0000-000000000000");
        let reply = endpoint
            .execute(Method::Post, Format::Json, &request, context)
            .await;
        let answer: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(reply.status, 200, "{page}:\n{block}\n{answer}");
        assert!(answer.get("errors").is_none(), "{page}:\n{block}\n{answer}");
        let data = answer["data"].as_object().expect("data");
        assert!(
            data.values().all(|v| !v.is_null()),
            "{page}:\n{block}\n{answer}"
        );
    }
}

/// The README's "Tests and CI" section says what `.ci/run` runs: every `cargo …` command of its
/// list of steps is in the script (or, for the build stage, the Dockerfile's `RUN` line the
/// script reads), and every `cargo` command the script announces (`echo "== …"`) is in the
/// section.
#[test]
fn the_readmes_ci_section_is_what_ci_runs() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("## Tests and CI")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a Tests and CI section");
    let script = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    let dockerfile = std::fs::read_to_string(root().join("deploy/Dockerfile")).unwrap();
    let section_flat = section.split_whitespace().collect::<Vec<_>>().join(" ");
    // The list of what the script runs: from "Then it runs" to "How long it takes".
    let steps = section_flat
        .split("Then it runs")
        .nth(1)
        .and_then(|s| s.split("How long it takes").next())
        .expect("the list of steps");
    let mut checked = 0;
    for (i, part) in steps.split('`').enumerate() {
        if i % 2 == 1 && part.starts_with("cargo ") {
            // The test command is the script's TEST_COMMAND; the build stage's is the
            // Dockerfile's RUN line, which the script reads.
            let in_script = if part == "cargo test --workspace" {
                script.contains("TEST_COMMAND=(cargo test --workspace)")
            } else {
                script.contains(part) || dockerfile.contains(&format!("RUN {part}"))
            };
            assert!(
                in_script,
                "the README says CI runs `{part}`; .ci/run does not"
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "{checked}");
    for line in script.lines() {
        let Some(command) = line
            .trim()
            .strip_prefix("echo \"== ")
            .and_then(|l| l.strip_suffix('"'))
        else {
            continue;
        };
        if command.starts_with("cargo ") && !command.contains('$') {
            assert!(
                steps.contains(command),
                ".ci/run runs `{command}`; the README's section does not say so"
            );
        }
    }
}
