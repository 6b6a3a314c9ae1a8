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
    for command in ["init", "codegen", "schema"] {
        assert!(help.contains(command), "{help}");
    }
}
