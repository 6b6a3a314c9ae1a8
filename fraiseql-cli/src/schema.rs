//! The application's schema, read from the application itself: its SDL (`fraiseql schema
//! sdl`, `schema typescript`) by answering `--print-schema` with `Schema::as_sdl()`, its
//! description (`fraiseql check`) by answering `--describe-schema` with
//! `fraiseql::graphql::describe` (as `fraiseql init`'s main.rs does) — no server, no database.

use std::process::Command;

use crate::error::{CliError, Result};

/// Runs `app --print-schema` (with `DATABASE_URL` removed from its environment, so it cannot
/// reach a database) and returns what it printed.
pub fn sdl(app: &str) -> Result<String> {
    hook(app, "--print-schema", "type Query")
}

/// Runs `app --describe-schema` (without `DATABASE_URL`) and returns the schema's description
/// (`fraiseql::graphql::describe`) it printed.
pub fn description(app: &str) -> Result<String> {
    hook(app, "--describe-schema", "\"entities\"")
}

/// Runs `app flag` without `DATABASE_URL`; what it printed, if it contains `expected`.
fn hook(app: &str, flag: &str, expected: &str) -> Result<String> {
    let mut words = app.split_whitespace();
    let program = words
        .next()
        .ok_or_else(|| CliError::Input("--app is empty".into()))?;
    let output = Command::new(program)
        .args(words)
        .arg(flag)
        .env_remove("DATABASE_URL")
        .output()
        .map_err(|e| CliError::Input(format!("--app {app}: cannot run {program}: {e}")))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() || !stdout.contains(expected) {
        return Err(CliError::Failed(format!(
            "`{app} {flag}` did not print the schema ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(stdout)
}
