//! The blog's SQL tests: every `examples/blog/tests/*.sql` pgTAP file passes on a real
//! PostgreSQL holding the blog's schema, mutation functions and seed.

use fraiseql_tempdb::TestDb;

#[tokio::test]
async fn the_blog_functions_pass_their_pgtap_tests() {
    let db = TestDb::new().await.unwrap();
    for script in [
        include_str!("../examples/blog/schema.sql"),
        fraiseql::MUTATION_RESULT_SQL,
        include_str!("../examples/blog/mutations.sql"),
        include_str!("../examples/blog/seed.sql"),
    ] {
        db.execute_script(script).await.unwrap();
    }
    let client = db.connect().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/blog/tests");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no tests in {}", dir.display());
    for file in files {
        let name = file.display().to_string();
        let messages = client
            .simple_query(&std::fs::read_to_string(&file).unwrap())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let lines: Vec<String> = messages
            .iter()
            .filter_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
                _ => None,
            })
            .flat_map(|text| text.lines().map(str::to_owned).collect::<Vec<_>>())
            .collect();
        let planned: usize = lines
            .iter()
            .find_map(|l| l.strip_prefix("1..").and_then(|n| n.parse().ok()))
            .unwrap_or_else(|| panic!("{name}: no plan in\n{}", lines.join("\n")));
        let passed = lines.iter().filter(|l| l.starts_with("ok ")).count();
        let failed = lines.iter().any(|l| l.starts_with("not ok"));
        assert!(
            !failed && passed == planned && planned > 0,
            "{name}: {passed} of {planned} passed:\n{}",
            lines.join("\n")
        );
    }
}
