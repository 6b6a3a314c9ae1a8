//! The documentation's SQL: every ```sql block of each `docs/**/*.md` page runs, in the order
//! written, in a fresh database per page that holds `fraiseql::MUTATION_RESULT_SQL` (the pages
//! say so), on a real PostgreSQL. Blocks check their own claims with `ASSERT` (a failed one is an
//! error) or pgTAP (every `not ok` fails, and the `1..N` plan must be met).

use std::path::{Path, PathBuf};

use fraiseql_tempdb::TestDb;
use tokio_postgres::SimpleQueryMessage;

/// The pages under `docs/`, sorted.
fn pages(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            pages(&path, into);
        } else if path.extension().is_some_and(|e| e == "md") {
            into.push(path);
        }
    }
    into.sort();
}

/// The bodies of a page's fenced blocks whose info string starts with `lang`, in order.
fn blocks(markdown: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        match current.as_mut() {
            None if trimmed.starts_with("```") => {
                let info = trimmed.trim_start_matches('`').trim();
                if info.split([',', ' ']).next() == Some(lang) {
                    current = Some(String::new());
                }
            }
            Some(_) if trimmed.starts_with("```") => out.push(current.take().unwrap()),
            Some(body) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    assert!(current.is_none(), "an unclosed ```{lang} block");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sql_block_of_the_docs_runs_in_order() {
    let mut files = Vec::new();
    pages(&Path::new(env!("CARGO_MANIFEST_DIR")).join("docs"), &mut files);
    assert!(!files.is_empty(), "no pages in docs/");
    let mut ran = 0;
    for file in files {
        let page = file.display().to_string();
        let sql = blocks(&std::fs::read_to_string(&file).unwrap(), "sql");
        if sql.is_empty() {
            continue;
        }
        let db = TestDb::new().await.unwrap();
        db.execute_script(fraiseql::MUTATION_RESULT_SQL)
            .await
            .unwrap();
        let client = db.connect().await.unwrap();
        for (n, block) in sql.iter().enumerate() {
            let messages = client
                .simple_query(block)
                .await
                .unwrap_or_else(|e| panic!("{page}, SQL block {}: {e:?}\n{block}", n + 1));
            let lines: Vec<String> = messages
                .iter()
                .filter_map(|m| match m {
                    SimpleQueryMessage::Row(row) => row.try_get(0).ok().flatten().map(str::to_owned),
                    _ => None,
                })
                .flat_map(|t| t.lines().map(str::to_owned).collect::<Vec<_>>())
                .collect();
            assert!(
                !lines.iter().any(|l| l.starts_with("not ok")),
                "{page}, SQL block {}:\n{}",
                n + 1,
                lines.join("\n")
            );
            if let Some(planned) = lines
                .iter()
                .find_map(|l| l.strip_prefix("1..").and_then(|n| n.parse::<usize>().ok()))
            {
                let passed = lines.iter().filter(|l| l.starts_with("ok ")).count();
                assert_eq!(passed, planned, "{page}, SQL block {}", n + 1);
            }
            ran += 1;
        }
    }
    assert!(ran >= 10, "only {ran} SQL blocks found in docs/");
}

#[test]
fn the_block_reader_finds_blocks_in_order() {
    let page = "a\n```sql\nSELECT 1;\n```\n```rust\nfn x() {}\n```\n  ```sql\n  SELECT 2;\n  ```\n";
    assert_eq!(blocks(page, "sql"), ["SELECT 1;\n", "  SELECT 2;\n"]);
    assert_eq!(blocks(page, "rust"), ["fn x() {}\n"]);
}
