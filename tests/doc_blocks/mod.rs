//! Reading the fenced code blocks of the pages under `docs/`, for the tests that run them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `docs/**/*.md` page, sorted.
pub fn pages() -> Vec<PathBuf> {
    fn walk(dir: &Path, into: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, into);
            } else if path.extension().is_some_and(|e| e == "md") {
                into.push(path);
            }
        }
    }
    let mut pages = Vec::new();
    walk(&root().join("docs"), &mut pages);
    pages.sort();
    assert!(!pages.is_empty(), "no pages in docs/");
    pages
}

/// The README and every `docs/**/*.md` page: every document whose code blocks are tested.
pub fn documents() -> Vec<PathBuf> {
    let mut all = vec![root().join("README.md")];
    all.extend(pages());
    all
}

/// The fenced blocks of a page: each one's line number, info string and body, in order. Only
/// backtick fences are allowed (a `~~~` fence fails), so no block escapes the readers here.
pub fn fences(markdown: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String, String)> = None;
    for (n, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        assert!(
            !trimmed.starts_with("~~~"),
            "line {}: a ~~~ fence (use backticks)",
            n + 1
        );
        match current.as_mut() {
            None if trimmed.starts_with("```") => {
                let info = trimmed.trim_start_matches('`').trim().to_owned();
                current = Some((n + 1, info, String::new()));
            }
            Some(_) if trimmed.starts_with("```") => out.push(current.take().unwrap()),
            Some((_, _, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
    }
    assert!(current.is_none(), "an unclosed block");
    out
}

/// A block's language: the first word of its info string (`rust` for `rust,no_run`).
pub fn language(info: &str) -> &str {
    info.split([',', ' ']).next().unwrap_or("")
}

/// Every `lang` block of the README and every page, with the document's path.
pub fn all_document_blocks(lang: &str) -> Vec<(String, String)> {
    documents()
        .into_iter()
        .flat_map(|page| {
            let text = std::fs::read_to_string(&page).unwrap();
            let name = page.strip_prefix(root()).unwrap().display().to_string();
            blocks(&text, lang)
                .into_iter()
                .map(move |b| (name.clone(), b))
        })
        .collect()
}

/// The bodies of a page's fenced blocks whose info string starts with `lang`, in order.
pub fn blocks(markdown: &str, lang: &str) -> Vec<String> {
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

/// Every `lang` block of every page, with the page's path.
pub fn all_blocks(lang: &str) -> Vec<(String, String)> {
    pages()
        .into_iter()
        .flat_map(|page| {
            let text = std::fs::read_to_string(&page).unwrap();
            let name = page.strip_prefix(root()).unwrap().display().to_string();
            blocks(&text, lang)
                .into_iter()
                .map(move |b| (name.clone(), b))
        })
        .collect()
}

#[test]
fn the_block_reader_finds_blocks_in_order() {
    let page = "a\n```sql\nSELECT 1;\n```\n```rust\nfn x() {}\n```\n  ```sql\n  SELECT 2;\n  ```\n";
    assert_eq!(blocks(page, "sql"), ["SELECT 1;\n", "  SELECT 2;\n"]);
    assert_eq!(blocks(page, "rust"), ["fn x() {}\n"]);
}
