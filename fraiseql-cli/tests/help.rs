//! Every command has --help with an example, and reads no database to show it.

mod support;

use support::{Scratch, fraiseql, ok};

#[test]
fn every_command_has_help_with_an_example() {
    let dir = Scratch::new();
    for command in [
        &["init"][..],
        &["codegen", "functions"],
        &["codegen", "types"],
        &["schema", "sdl"],
        &["schema", "typescript"],
        &["check"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let help = ok(&fraiseql(
            &dir.0,
            Some("host=/nonexistent dbname=none"),
            &args,
        ));
        assert!(help.contains("Example:"), "{command:?}: {help}");
        assert!(help.contains("fraiseql "), "{command:?}: {help}");
    }
    let help = ok(&fraiseql(&dir.0, None, &["--help"]));
    for command in ["init", "codegen", "schema", "check"] {
        assert!(help.contains(command), "{help}");
    }
}

/// Every `$ fraiseql … --help` shown in the README prints what the README shows (each line
/// shown is a line of the real help).
#[test]
fn the_readme_shows_real_help() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the README");
    let dir = Scratch::new();
    let mut shown = 0;
    let mut lines = readme.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(command) = line.trim().strip_prefix("$ fraiseql ") else {
            continue;
        };
        if !command.ends_with("--help") {
            continue;
        }
        let args: Vec<&str> = command.split_whitespace().collect();
        let help = ok(&fraiseql(&dir.0, None, &args));
        let help_lines: Vec<&str> = help.lines().map(str::trim).collect();
        while let Some(next) = lines.peek() {
            let next = next.trim();
            if next.starts_with("$ ") || next.starts_with("```") {
                break;
            }
            if !next.is_empty() {
                assert!(
                    help_lines.contains(&next),
                    "`fraiseql {command}` does not print {next:?}:\n{help}"
                );
            }
            lines.next();
        }
        shown += 1;
    }
    assert!(shown >= 2, "the README shows {shown} --help outputs");
}
