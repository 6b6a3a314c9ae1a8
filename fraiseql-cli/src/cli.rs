//! The commands, their arguments and help (clap's derive API), and what each one runs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::catalog::Catalog;
use crate::db;
use crate::error::{CliError, Result};
use crate::files::{self, Files};
use crate::model::{Embed, Plan};
use crate::{check, init, rustgen, schema, sqlgen, typescript};

/// The FraiseQL command line: new projects, SQL and Rust generated from tables, schema export,
/// TypeScript types and drift checks.
#[derive(Debug, Parser)]
#[command(name = "fraiseql", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new Cargo project that serves GraphQL from PostgreSQL: Cargo.toml, src/main.rs
    /// (the schema mounted in axum), db/schema/ with one example entity (tb_note, tv_note,
    /// fn_sync_tv_note, fn_create_note), db/tests/ with its pgTAP test, and a README.
    #[command(after_help = concat!("\
Example:
  fraiseql init notes
  cd notes && createdb notes
  for f in db/schema/*.sql db/seed.sql; do psql -d notes -f \"$f\"; done
  DATABASE_URL=postgres:///notes cargo run

The generated Cargo.toml depends on fraiseql by version by default, this command line's own:
  fraiseql = { version = \"", env!("CARGO_PKG_VERSION"), "\", features = [\"axum\"] }
--fraiseql-version picks another version; --fraiseql-path DIR depends on a local fraiseql
crate by path instead (fraiseql = { path = \"/absolute/DIR\", ... }).

Touches no database. Existing files are left alone unless --force."))]
    Init(InitArgs),
    /// Export the application's GraphQL schema.
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// Generate SQL or Rust from a live table.
    #[command(subcommand)]
    Codegen(Codegen),
    /// Compare the Rust types with a live database: each root type's tv_* relation, its key,
    /// identifier, document and #[fraiseql(column)] columns, the keys and kinds of sampled
    /// documents, and each mutation's function. Prints one line per difference; exit 1 on any.
    #[command(after_help = "\
Example:
  fraiseql check --app target/debug/blog --database-url postgres://me@localhost/blog
  fraiseql check --description schema.json --sample 1000

The application answers --describe-schema by printing fraiseql::graphql::describe(&schema)
(fraiseql init's main.rs does). A line reads like
  tv_user.data.email: expected string, found number in 3 of 100 sampled rows
Only reads the catalog and samples rows; changes nothing. Meant for CI: exit 0 without drift,
1 with drift, 2 on anything else (bad arguments, a description that cannot be read, a database
that cannot be reached), with a one-line message.")]
    Check(CheckArgs),
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// The application's command; it is run with --describe-schema appended and without
    /// DATABASE_URL.
    #[arg(long, default_value = "cargo run --quiet --")]
    app: String,
    /// Read the description (fraiseql::graphql::describe's JSON) from this file instead.
    #[arg(long)]
    description: Option<PathBuf>,
    /// How many documents of each relation to sample (0: check no documents).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(0..))]
    sample: i64,
    #[command(flatten)]
    database: Database,
}

#[derive(Debug, Subcommand)]
enum Codegen {
    /// Generate tv_<entity>, fn_sync_tv_<entity>, fn_create/update/delete_<entity> and their
    /// pgTAP tests from a tb_<entity> table's columns, keys and foreign keys.
    #[command(after_help = "\
Example:
  fraiseql codegen functions --table tb_post --database-url postgres://me@localhost/blog
  # writes db/schema/post.sql and db/tests/post.sql

  fraiseql codegen functions --table app.tb_post --embed fk_author,tb_comment --out db --force

The table needs a single integer primary key named pk_<entity>, an id uuid column, and
optionally an identifier column; fk_* columns referencing other tables' pk_* become embedded
objects (or <name>Id with --no-embed). Only the given database is read; nothing is changed
there. Exit status 2, with nothing written, when the table does not fit.")]
    Functions(FunctionsArgs),
    /// Generate the #[derive(FraiseType)] struct of a tv_<entity> document (with its embedded
    /// objects) and the #[derive(FraiseInput)]s of its generated functions, rustfmt-formatted.
    #[command(after_help = "\
Example:
  fraiseql codegen types --table tv_post --embed fk_author,tb_comment --out src/post.rs

The document's shape is read from tb_<entity>'s catalog, the way `codegen functions` builds
it: pass the same --embed/--no-embed. Needs the dependencies uuid, chrono and serde_json in the
application. Exit status 2, with nothing written, when the table does not fit.")]
    Types(TypesArgs),
}

/// Where the database is.
#[derive(Debug, Args)]
struct Database {
    /// The database to read the catalog from (only read, never changed).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
}

/// The table and how to embed.
#[derive(Debug, Args)]
struct Table {
    /// The table, as tb_<entity> or schema.tb_<entity>.
    #[arg(long)]
    table: String,
    /// The schema of an unqualified --table.
    #[arg(long, default_value = "public")]
    schema: String,
    /// Embed only these: fk_* columns (parents as objects) and child tables (tb_comment, or
    /// tb_comment.fk_post) as lists, comma-separated. Default: every parent, no child list.
    #[arg(long, value_delimiter = ',', conflicts_with = "no_embed")]
    embed: Option<Vec<String>>,
    /// Embed nothing: parents appear as <name>Id.
    #[arg(long)]
    no_embed: bool,
}

impl Table {
    fn embed(&self) -> Embed {
        match (&self.embed, self.no_embed) {
            (_, true) => Embed::Nothing,
            (Some(names), false) => Embed::Only(names.clone()),
            (None, false) => Embed::Parents,
        }
    }

    async fn plan(&self, database: &Database) -> Result<(Catalog, Plan)> {
        let client = db::connect(database.database_url.as_deref()).await?;
        let (schema, name) = db::split_table(&self.table, &self.schema);
        let catalog = Catalog::load(&client, &schema, &name).await?;
        let plan = Plan::new(&catalog, &self.embed())?;
        Ok((catalog, plan))
    }
}

#[derive(Debug, Args)]
struct FunctionsArgs {
    #[command(flatten)]
    table: Table,
    #[command(flatten)]
    database: Database,
    /// The directory to write into: <out>/schema/<entity>.sql and <out>/tests/<entity>.sql.
    #[arg(long, default_value = "db")]
    out: PathBuf,
    /// Overwrite existing files.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct TypesArgs {
    #[command(flatten)]
    table: Table,
    #[command(flatten)]
    database: Database,
    /// The file to write (default: src/<entity>.rs).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Overwrite an existing file.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Subcommand)]
enum SchemaCommand {
    /// Print (or write) the application's schema as SDL. The application answers
    /// --print-schema by printing `schema.as_sdl()` and exiting (fraiseql init's main.rs does):
    /// no server runs and no database is touched.
    #[command(after_help = "\
Example:
  fraiseql schema sdl --app target/debug/notes --out schema.graphql
  fraiseql schema sdl --app 'cargo run --quiet --'")]
    Sdl(SdlArgs),
    /// Write TypeScript types for the application's schema: a type for every object, input,
    /// enum, union and custom scalar, and, with --operations, each operation's variables and
    /// result (`<Name>Query`, `<Name>QueryVariables`; `Mutation` likewise).
    #[command(after_help = "\
Example:
  fraiseql schema typescript --app target/debug/blog --operations src/graphql --out src/schema.ts
  fraiseql schema typescript --sdl schema.graphql > schema.ts

Scalars: ID, String, UUID, DateTime, Date, BigInt and Decimal are string; Int and Float
number; Boolean boolean; JSON (and any other custom scalar) unknown. A nullable type is
`T | null`; a nullable input field or variable may also be left out. Touches no database.")]
    Typescript(TypescriptArgs),
}

/// Where the schema comes from: the application (`--app`) or an SDL file (`--sdl`).
#[derive(Debug, Args)]
struct SchemaSource {
    /// The application's command; it is run with --print-schema appended and without
    /// DATABASE_URL.
    #[arg(long, default_value = "cargo run --quiet --")]
    app: String,
    /// Read the schema from this SDL file instead of running the application.
    #[arg(long)]
    sdl: Option<PathBuf>,
}

impl SchemaSource {
    /// The SDL, and where it came from (for messages).
    fn read(&self) -> Result<(String, String)> {
        match &self.sdl {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    CliError::Input(format!("--sdl {}: cannot read it: {e}", path.display()))
                })?;
                Ok((text, path.display().to_string()))
            }
            None => Ok((
                schema::sdl(&self.app)?,
                format!("`{} --print-schema`", self.app),
            )),
        }
    }
}

#[derive(Debug, Args)]
struct TypescriptArgs {
    #[command(flatten)]
    source: SchemaSource,
    /// A folder of .graphql files (searched recursively) whose named operations get their
    /// variables' and result's types.
    #[arg(long)]
    operations: Option<PathBuf>,
    /// Write the types to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Overwrite an existing --out file.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct SdlArgs {
    /// The application's command; it is run with --print-schema appended and without
    /// DATABASE_URL.
    #[arg(long, default_value = "cargo run --quiet --")]
    app: String,
    /// Write the SDL to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Overwrite an existing --out file.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// The package's name (and, without --dir, its directory).
    name: String,
    /// The directory to create the project in (default: ./NAME).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Depend on fraiseql by path, at this directory (the fraiseql crate's, holding its
    /// Cargo.toml), instead of by version.
    #[arg(long, conflicts_with = "fraiseql_version")]
    fraiseql_path: Option<PathBuf>,
    /// The fraiseql version (a crates.io requirement) to depend on; the default is this
    /// command line's own version.
    #[arg(long, default_value = env!("CARGO_PKG_VERSION"))]
    fraiseql_version: String,
    /// Overwrite existing files.
    #[arg(long)]
    force: bool,
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Init(args) => {
            let source = match args.fraiseql_path {
                Some(path) => init::Source::Path(path),
                None => init::Source::Version(args.fraiseql_version),
            };
            let dir = args.dir.unwrap_or_else(|| PathBuf::from(&args.name));
            init::init(&args.name, &dir, &source, args.force)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema(SchemaCommand::Sdl(args)) => {
            let sdl = schema::sdl(&args.app)?;
            match args.out {
                Some(path) => files::write_all(&vec![(path, sdl)], args.force)?,
                None => print!("{sdl}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema(SchemaCommand::Typescript(args)) => {
            let (sdl, origin) = args.source.read()?;
            let documents = match &args.operations {
                Some(dir) => files::graphql_documents(dir)?,
                None => Vec::new(),
            };
            let ts = typescript::generate(&sdl, &origin, &documents)?;
            match args.out {
                Some(path) => files::write_all(&vec![(path, ts)], args.force)?,
                None => print!("{ts}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        // For check, exit status 1 means drift: every failure is 2.
        Command::Check(args) => check(args).await.map_err(|e| match e {
            CliError::Failed(message) => CliError::Input(message),
            input => input,
        }),
        Command::Codegen(Codegen::Functions(args)) => functions(args).await,
        Command::Codegen(Codegen::Types(mut args)) => {
            let (schema, name) = db::split_table(&args.table.table, &args.table.schema);
            let entity = name.strip_prefix("tv_").ok_or_else(|| {
                CliError::Input(format!(
                    "--table {name}: give the read table, tv_<entity>; its tb_<entity> is read"
                ))
            })?;
            args.table.table = format!("{schema}.tb_{entity}");
            types(args).await
        }
    }
}

async fn functions(args: FunctionsArgs) -> Result<ExitCode> {
    let (catalog, plan) = args.table.plan(&args.database).await?;
    let entity = &plan.shape.entity;
    let files: Files = vec![
        (
            args.out.join("schema").join(format!("{entity}.sql")),
            sqlgen::schema_file(&plan),
        ),
        (
            args.out.join("tests").join(format!("{entity}.sql")),
            sqlgen::tests(&plan, &catalog)?,
        ),
    ];
    files::write_all(&files, args.force)?;
    Ok(ExitCode::SUCCESS)
}

async fn types(args: TypesArgs) -> Result<ExitCode> {
    let (_, plan) = args.table.plan(&args.database).await?;
    let path = args
        .out
        .unwrap_or_else(|| PathBuf::from("src").join(format!("{}.rs", plan.shape.entity)));
    let source = rustgen::rustfmt(rustgen::types_file(&plan));
    files::write_all(&vec![(path, source)], args.force)?;
    Ok(ExitCode::SUCCESS)
}

async fn check(args: CheckArgs) -> Result<ExitCode> {
    let (text, origin) = match &args.description {
        Some(path) => (
            std::fs::read_to_string(path).map_err(|e| {
                CliError::Input(format!(
                    "--description {}: cannot read it: {e}",
                    path.display()
                ))
            })?,
            path.display().to_string(),
        ),
        None => (
            schema::description(&args.app)?,
            format!("`{} --describe-schema`", args.app),
        ),
    };
    let description = check::Description::parse(&text, &origin)?;
    let client = db::connect(args.database.database_url.as_deref()).await?;
    let report = check::check(&client, &description, args.sample).await?;
    for line in &report.drift {
        println!("{line}");
    }
    let checked = format!(
        "{} relations, {} functions, {} sampled documents",
        report.relations, report.functions, report.rows
    );
    if report.drift.is_empty() {
        println!("no drift ({checked})");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "error: {} difference(s) between the Rust types and the database ({checked})",
            report.drift.len()
        );
        Ok(ExitCode::from(1))
    }
}
