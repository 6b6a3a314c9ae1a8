//! Writing generated files: all of them or none, never over an existing file without `--force`.

use std::path::PathBuf;

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
