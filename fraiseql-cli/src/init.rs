//! `fraiseql init NAME`: a new Cargo project that builds and serves one example entity.

use std::path::{Path, PathBuf};

use crate::error::{CliError, Result};
use crate::files::{self, Files};

/// Where the project's `fraiseql` comes from.
pub enum Source {
    /// A path to the `fraiseql` crate's directory.
    Path(PathBuf),
    /// A crates.io version requirement.
    Version(String),
}

/// Writes the project `name` into `dir`.
pub fn init(name: &str, dir: &Path, source: &Source, force: bool) -> Result<()> {
    let valid = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !valid {
        return Err(CliError::Input(format!(
            "{name:?} is not a package name: use lower-case letters, digits, - and _, starting with a letter"
        )));
    }
    let fraiseql = match source {
        Source::Path(path) => {
            if !path.join("Cargo.toml").is_file() {
                return Err(CliError::Input(format!(
                    "--fraiseql-path {}: no Cargo.toml there (give the fraiseql crate's directory)",
                    path.display()
                )));
            }
            let absolute = std::fs::canonicalize(path)?;
            format!("path = {:?}", absolute.display().to_string())
        }
        Source::Version(version) => format!("version = {version:?}"),
    };
    let fill = |template: &str| {
        template
            .replace("{{name}}", name)
            .replace("{{fraiseql}}", &fraiseql)
    };
    let files: Files = vec![
        (
            dir.join("Cargo.toml"),
            fill(include_str!("../templates/Cargo.toml.tmpl")),
        ),
        (
            dir.join("src/main.rs"),
            fill(include_str!("../templates/main.rs.tmpl")),
        ),
        (
            dir.join("db/schema/000_fraiseql.sql"),
            fraiseql::MUTATION_RESULT_SQL.to_owned(),
        ),
        (
            dir.join("db/schema/010_note.sql"),
            include_str!("../templates/note.sql").to_owned(),
        ),
        (
            dir.join("db/seed.sql"),
            include_str!("../templates/seed.sql").to_owned(),
        ),
        (
            dir.join("db/tests/note.sql"),
            include_str!("../templates/note_test.sql").to_owned(),
        ),
        (
            dir.join("README.md"),
            fill(include_str!("../templates/README.md.tmpl")),
        ),
        (dir.join(".gitignore"), "/target\n".to_owned()),
    ];
    files::write_all(&files, force)
}
