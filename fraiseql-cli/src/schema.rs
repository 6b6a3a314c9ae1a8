//! `fraiseql schema sdl`: the application's schema, read from the application itself. The app
//! exposes it by answering `--print-schema` with `Schema::as_sdl()` (as `fraiseql init`'s
//! main.rs does) — no server, no database.

use std::process::Command;

use crate::error::{CliError, Result};

/// Runs `app --print-schema` (with `DATABASE_URL` removed from its environment, so it cannot
/// reach a database) and returns what it printed.
pub fn sdl(app: &str) -> Result<String> {
    let mut words = app.split_whitespace();
    let program = words
        .next()
        .ok_or_else(|| CliError::Input("--app is empty".into()))?;
    let output = Command::new(program)
        .args(words)
        .arg("--print-schema")
        .env_remove("DATABASE_URL")
        .output()
        .map_err(|e| CliError::Input(format!("--app {app}: cannot run {program}: {e}")))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() || !stdout.contains("type Query") {
        return Err(CliError::Failed(format!(
            "`{app} --print-schema` did not print a schema ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(stdout)
}
