//! `--pgbench`: PostgreSQL alone on each read, the floor's hand-written SQL
//! (`benches/support/floor_sql.rs`) against the statement fraiseql compiles for the same
//! operation (`fraiseql::graphql::statement`), each run by `pgbench` (from `pg_config
//! --bindir`) as a prepared statement with its parameters, at 1 and 8 clients, the two taking
//! turns `--runs` times (default 3). Prints a Markdown table of the median run's transactions
//! per second and average latency; each statement's script and `EXPLAIN ANALYZE` go to
//! `target/pgbench/`.

use std::path::Path;
use std::process::Command;

use fraiseql::Database;
use fraiseql_sql::Param;

use crate::{blog, workload};

/// Clients per pgbench run (`-j` is at most 2, the cores of the machine the figures are from).
const CLIENTS: [usize; 2] = [1, 8];

/// Runs the comparison on `db`, `runs` turns of `seconds` (rounded up) per statement.
pub async fn compare(db: &fraiseql_tempdb::TestDb, seconds: f64, runs: usize) {
    let pgbench = match pgbench() {
        Ok(path) => path,
        Err(reason) => {
            eprintln!("pgbench not found: {reason}");
            return;
        }
    };
    let client = db.connect().await.expect("a connection");
    let schema = blog::schema();
    let database = Database::connect(db.config(), 1).expect("a pool");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pgbench");
    std::fs::create_dir_all(&dir).expect("target/pgbench");
    let seconds = seconds.ceil().max(1.0) as u64;
    let mut table = String::from(
        "| operation | clients | fraiseql's statement TPS | its latency ms | hand-written TPS \
         | its latency ms | hand-written / fraiseql's TPS |\n|---|--:|--:|--:|--:|--:|--:|\n",
    );
    for (index, query) in workload::queries(db).await.iter().enumerate() {
        let statement = fraiseql::graphql::statement(
            &schema,
            query.document,
            None,
            &query.juniper_variables(),
            &database,
        )
        .expect("a statement");
        let floor_params: Vec<Param> = query
            .floor_params
            .iter()
            .map(|id| Param::Uuid(*id))
            .collect();
        let scripts = [
            ("fraiseql", statement.sql(), statement.params()),
            ("floor", query.floor_sql, &floor_params[..]),
        ]
        .map(|(who, sql, params)| {
            let path = dir.join(format!("q{}-{who}.sql", index + 1));
            std::fs::write(&path, format!("{};\n", placeholders(sql))).expect("a script");
            eprintln!("{} {who}: {}", query.name, path.display());
            (path, variables(params), sql.to_owned(), params.to_vec())
        });
        for (script, _, sql, params) in &scripts {
            let params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = params
                .iter()
                .map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync))
                .collect();
            let plan: Vec<String> = client
                .query(&format!("EXPLAIN (ANALYZE, BUFFERS) {sql}"), &params)
                .await
                .expect("EXPLAIN")
                .iter()
                .map(|row| row.get(0))
                .collect();
            std::fs::write(script.with_extension("plan"), plan.join("\n")).expect("a plan");
        }
        for clients in CLIENTS {
            let mut turns: [Vec<(f64, f64)>; 2] = [Vec::new(), Vec::new()];
            for _ in 0..runs {
                for (turn, (script, variables, ..)) in turns.iter_mut().zip(&scripts) {
                    let connection = db.connection_string();
                    turn.extend(run(
                        &pgbench,
                        &connection,
                        script,
                        variables,
                        clients,
                        seconds,
                    ));
                }
            }
            let [fraiseql, floor] = turns.map(|mut turn| {
                turn.sort_by(|a, b| a.0.total_cmp(&b.0));
                turn.get(turn.len().saturating_sub(1) / 2).copied()
            });
            let cell = |r: &Option<(f64, f64)>| match r {
                Some((tps, latency)) => format!("{tps:.0} | {latency:.3}"),
                None => "failed | –".into(),
            };
            let ratio = match (fraiseql, floor) {
                (Some((a, _)), Some((b, _))) => format!("{:.2}×", b / a),
                _ => "–".into(),
            };
            table.push_str(&format!(
                "| {} | {clients} | {} | {} | {ratio} |\n",
                query.name,
                cell(&fraiseql),
                cell(&floor)
            ));
        }
    }
    println!("{table}");
}

/// `pgbench` beside the server binaries `pg_config --bindir` names.
fn pgbench() -> Result<std::path::PathBuf, String> {
    let out = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .map_err(|e| format!("pg_config: {e}"))?;
    let bin = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let path = Path::new(&bin).join("pgbench");
    if path.exists() {
        Ok(path)
    } else {
        Err(format!("no {}", path.display()))
    }
}

/// `sql` with each `$n` written as pgbench's `:pn` (pgbench makes them parameters again with
/// `-M prepared`).
fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push_str(":p");
        } else {
            out.push(c);
        }
    }
    out
}

/// pgbench's `-D pn=value` for each parameter, as text (PostgreSQL infers each one's type).
fn variables(params: &[Param]) -> Vec<String> {
    params
        .iter()
        .enumerate()
        .map(|(i, param)| {
            let text = match param {
                Param::Bool(b) => b.to_string(),
                Param::Int4(n) => n.to_string(),
                Param::Int8(n) => n.to_string(),
                Param::Float8(x) => x.to_string(),
                Param::Numeric(s) | Param::Text(s) => s.clone(),
                Param::Uuid(u) => u.to_string(),
                Param::Jsonb(v) => v.to_string(),
                other => panic!("no text form here for {other:?}"),
            };
            format!("p{}={text}", i + 1)
        })
        .collect()
}

/// One pgbench run: (TPS, average latency in ms), or `None` if it failed.
fn run(
    pgbench: &Path,
    connection: &str,
    script: &Path,
    variables: &[String],
    clients: usize,
    seconds: u64,
) -> Option<(f64, f64)> {
    let mut command = Command::new(pgbench);
    command
        .args(["-n", "-M", "prepared", "-c", &clients.to_string()])
        .args([
            "-j",
            &clients.min(2).to_string(),
            "-T",
            &seconds.to_string(),
        ])
        .arg("-f")
        .arg(script);
    for variable in variables {
        command.arg("-D").arg(variable);
    }
    let out = command.arg(connection).output().ok()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        eprintln!(
            "pgbench failed on {}: {}{}",
            script.display(),
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    let figure = |prefix: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
    };
    Some((figure("tps = ")?, figure("latency average = ")?))
}
