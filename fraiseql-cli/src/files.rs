//! Writing generated files: all of them or none, never over an existing file without `--force`.

use std::path::{Path, PathBuf};

use crate::error::{CliError, Result};

/// Files to write, with their contents.
pub type Files = Vec<(PathBuf, String)>;

/// Writes every file, creating directories; refuses (exit 2, nothing written) when one exists
/// and `force` is not set.
pub fn write_all(files: &Files, force: bool) -> Result<()> {
    if !force {
        let existing: Vec<String> = files
            .iter()
            .filter(|(path, _)| path.exists())
            .map(|(path, _)| path.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(CliError::Input(format!(
                "would overwrite {}; nothing was written (pass --force to overwrite)",
                existing.join(", ")
            )));
        }
    }
    for (path, contents) in files {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| CliError::Failed(format!("cannot create {}: {e}", dir.display())))?;
        }
        std::fs::write(path, contents)
            .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// The `.graphql` files under `dir` (recursively), sorted by path, with their text.
pub fn graphql_documents(dir: &Path) -> Result<Files> {
    fn walk(dir: &Path, out: &mut Files) -> Result<()> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            CliError::Input(format!("{}: cannot read the folder: {e}", dir.display()))
        })?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, out)?;
            } else if path
                .extension()
                .is_some_and(|e| e == "graphql" || e == "gql")
            {
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    CliError::Input(format!("{}: cannot read it: {e}", path.display()))
                })?;
                out.push((path, text));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    if out.is_empty() {
        return Err(CliError::Input(format!(
            "--operations {}: no .graphql files there",
            dir.display()
        )));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}
