//! The README's crate table has one row per workspace member, each with its one line.

#[test]
fn the_crate_table_lists_every_workspace_crate() {
    let root = env!("CARGO_MANIFEST_DIR");
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
    let members_line = manifest
        .lines()
        .find(|l| l.trim_start().starts_with("members"))
        .expect("a members line in Cargo.toml");
    let members: Vec<&str> = members_line.split('"').skip(1).step_by(2).collect();
    assert!(members.len() >= 5, "{members:?}");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let section = readme
        .split("\n## Crates\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a Crates section");
    let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| [`")).collect();
    let named: Vec<&str> = rows
        .iter()
        .map(|row| row["| [`".len()..].split('`').next().unwrap())
        .collect();
    let mut expected = members.clone();
    expected.sort_unstable();
    let mut listed = named.clone();
    listed.sort_unstable();
    assert_eq!(listed, expected, "the README's crate table:\n{section}");
    for row in rows {
        let description = row.rsplit_once(") | ").map(|(_, d)| d).unwrap_or("");
        assert!(
            description.trim_end_matches(" |").len() > 20,
            "a crate without its line: {row}"
        );
    }
}
