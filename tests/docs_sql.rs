//! The documentation's SQL: every ```sql block of each `docs/**/*.md` page runs, in the order
//! written, in a fresh database per page that holds `fraiseql::MUTATION_RESULT_SQL` (the pages
//! say so), on a real PostgreSQL. Blocks check their own claims with `ASSERT` (a failed one is an
//! error) or pgTAP (every `not ok` fails, and the `1..N` plan must be met).

#[path = "doc_blocks/mod.rs"]
mod doc_blocks;

use fraiseql_tempdb::TestDb;
use tokio_postgres::SimpleQueryMessage;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sql_block_of_the_docs_runs_in_order() {
    let mut ran = 0;
    for file in doc_blocks::pages() {
        let page = file.display().to_string();
        let sql = doc_blocks::blocks(&std::fs::read_to_string(&file).unwrap(), "sql");
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
                    SimpleQueryMessage::Row(row) => {
                        row.try_get(0).ok().flatten().map(str::to_owned)
                    }
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
