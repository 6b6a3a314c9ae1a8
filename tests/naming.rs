//! `docs/architecture/naming.md` lists what the library generates in GraphQL with an example
//! name for each (the second column of its GraphQL table): every such name is in the SDL of the
//! schemas the page names — the blog's and the event log's, and for a list of enums (neither
//! example has one) a type holding a list of the event log's `EventKind`.

#[path = "../examples/blog/mod.rs"]
mod blog;
#[path = "doc_blocks/mod.rs"]
mod doc_blocks;
#[path = "../examples/events/app.rs"]
mod events;

use fraiseql::FraiseType;
use fraiseql::graphql::SchemaBuilder;

/// A type with a list of an enum, for `<Enum>ListFilter` (only its schema is built).
#[derive(FraiseType)]
#[allow(dead_code)]
struct Ledger {
    id: uuid::Uuid,
    kinds: Vec<events::EventKind>,
}

/// The backticked names of the second column of the page's GraphQL table, without arguments.
fn listed_names(page: &str) -> Vec<String> {
    let section = page
        .split("## What the library generates in GraphQL")
        .nth(1)
        .expect("the GraphQL section");
    let section = section.split("\n## ").next().unwrap();
    let mut names = Vec::new();
    for row in section.lines().filter(|l| l.starts_with('|')).skip(2) {
        let example = row.split('|').nth(2).expect("a second column");
        for (i, part) in example.split('`').enumerate() {
            if i % 2 == 1 {
                names.push(part.split('(').next().unwrap().trim().to_owned());
            }
        }
    }
    names
}

/// Whether `sdl` defines `name`: a type (`type X`, `input X`, …), a field or argument (`x:` or
/// `x(`), or an enum value (a line `  X`).
fn defines(sdl: &str, name: &str) -> bool {
    let first = name.chars().next().unwrap();
    if name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
        && sdl.lines().any(|l| l.starts_with("  ") && l.trim() == name)
    {
        return true;
    }
    if first.is_ascii_uppercase() {
        return ["type", "input", "enum", "union", "scalar"]
            .iter()
            .any(|kind| {
                sdl.lines().any(|l| {
                    l.strip_prefix(kind)
                        .and_then(|r| r.strip_prefix(' '))
                        .and_then(|r| r.split([' ', '{']).next())
                        == Some(name)
                })
            });
    }
    [":", "("].iter().any(|after| {
        sdl.match_indices(&format!("{name}{after}")).any(|(at, _)| {
            at == 0 || !sdl[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

#[test]
fn every_generated_name_the_naming_page_lists_is_in_the_sdl() {
    let page =
        std::fs::read_to_string(doc_blocks::root().join("docs/architecture/naming.md")).unwrap();
    let names = listed_names(&page);
    assert!(names.len() >= 60, "{names:?}");
    let sdl = [
        blog::schema().as_sdl(),
        events::schema().as_sdl(),
        SchemaBuilder::new()
            .query::<Ledger>()
            .build()
            .unwrap()
            .as_sdl(),
    ]
    .join("\n");
    let missing: Vec<&String> = names.iter().filter(|n| !defines(&sdl, n)).collect();
    assert!(missing.is_empty(), "not in the SDL: {missing:?}");
}

#[test]
fn the_checker_tells_names_apart() {
    let sdl = "type PostEdge {\n  cursor: String!\n}\nenum F {\n  CREATED_AT\n}\ntype Q {\n  postsAggregate(where: X): Y\n}\n";
    let sdl = &format!("{sdl}scalar UUID\n");
    for name in ["PostEdge", "cursor", "CREATED_AT", "postsAggregate", "UUID"] {
        assert!(defines(sdl, name), "{name}");
    }
    for name in ["Post", "Edge", "posts", "CREATED", "ursor", "String", "F {"] {
        assert!(!defines(sdl, name), "{name}");
    }
}
