//! `fraiseql`: the FraiseQL command line.
//!
//! New projects (`init`), SQL and Rust generated from a live table (`codegen functions`,
//! `codegen types`), the application's schema as SDL or TypeScript types (`schema sdl`,
//! `schema typescript`), and drift between the application's types and a live database
//! (`check`). Every command that reads a database reads only the one given by `--database-url`
//! or `DATABASE_URL`.

mod catalog;
mod check;
mod cli;
mod db;
mod error;
mod files;
mod init;
mod model;
mod names;
mod rustgen;
mod schema;
mod sqlgen;
mod typescript;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        // --help, --version, and the help shown for a bare `fraiseql`.
        Err(e)
            if !e.use_stderr()
                || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            e.exit()
        }
        Err(e) => {
            eprintln!("{}", one_line(&e.render().to_string()));
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Clap's message about bad arguments as one line: the lines before its usage, without tips,
/// and where to read more.
fn one_line(rendered: &str) -> String {
    let message: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:"))
        .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
        .collect();
    let message = message.join(" ");
    if message.is_empty() {
        "error: bad arguments (see fraiseql --help)".to_owned()
    } else {
        format!("{message} (see --help)")
    }
}
