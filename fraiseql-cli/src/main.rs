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

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
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
