//! The results table (Markdown), with each row's ratios to the runs of the same operation and
//! connection count: throughput over each peer (async-graphql, juniper, Strawberry with
//! DataLoader) and over the floor, and p50 against the floor; then a summary of fraiseql's
//! throughput over each.

use std::fmt::Write;
use std::time::Duration;

use crate::load::Measured;
use crate::process::Memory;

/// One timed run (or the median of several).
#[derive(Clone)]
pub struct Row {
    operation: &'static str,
    connections: usize,
    server: &'static str,
    p50: Duration,
    p99: Duration,
    throughput: f64,
    requests: usize,
    failures: usize,
    cpu: Duration,
    database_cpu: Option<Duration>,
    memory: Memory,
    /// Half the range of req/s over the runs this row is the median of, over the median.
    spread: Option<f64>,
    /// The median over turns of this server's req/s over the floor's in the same turn.
    paired_floor: Option<f64>,
}

impl Row {
    /// `cpu` is the server's CPU time during the run, `database_cpu` PostgreSQL's (when it is
    /// on this machine), `memory` the server's after it.
    pub fn new(
        operation: &'static str,
        connections: usize,
        server: &'static str,
        measured: &Measured,
        cpu: Duration,
        database_cpu: Option<Duration>,
        memory: Memory,
    ) -> Row {
        Row {
            operation,
            connections,
            server,
            p50: measured.percentile(0.5),
            p99: measured.percentile(0.99),
            throughput: measured.throughput(),
            requests: measured.latencies.len(),
            database_cpu,
            failures: measured.failures,
            cpu,
            memory,
            spread: None,
            paired_floor: None,
        }
    }

    /// `self` with the median over turns of `runs`' req/s over `floor`'s, turn by turn (runs
    /// seconds apart: steadier than a ratio of medians on a machine that drifts).
    pub fn paired_with(mut self, runs: &[Row], floor: &[Row]) -> Row {
        let mut ratios: Vec<f64> = (runs.iter().zip(floor))
            .filter(|(_, floor)| floor.throughput > 0.0)
            .map(|(run, floor)| run.throughput / floor.throughput)
            .collect();
        ratios.sort_by(f64::total_cmp);
        self.paired_floor = ratios.get((ratios.len().max(1) - 1) / 2).copied();
        self
    }

    /// The median run by requests per second (the lower middle one of an even count), with the
    /// spread of req/s and the failures over all of them. In a closed loop p50 and req/s move
    /// together, so the median run by one is, all but always, the median run by the other.
    pub fn median(mut runs: Vec<Row>) -> Row {
        assert!(!runs.is_empty(), "at least one run");
        runs.sort_by(|a, b| a.throughput.total_cmp(&b.throughput));
        let (low, high) = (runs[0].throughput, runs[runs.len() - 1].throughput);
        let several = runs.len() > 1;
        let failures = runs.iter().map(|r| r.failures).sum();
        let mut median = runs.swap_remove((runs.len() - 1) / 2);
        median.failures = failures;
        median.spread =
            (several && median.throughput > 0.0).then(|| (high - low) / 2.0 / median.throughput);
        median
    }
}

/// All runs, and the servers that could not run.
#[derive(Default)]
pub struct Table {
    rows: Vec<Row>,
    skipped: Vec<(&'static str, String)>,
}

impl Table {
    pub fn push(&mut self, row: Row) {
        self.rows.push(row);
    }

    pub fn skipped(&mut self, server: &'static str, reason: String) {
        eprintln!("{server} skipped: {reason}");
        self.skipped.push((server, reason));
    }

    pub fn render(&self) -> String {
        let mut out = String::from(
            "| operation | conns | server | p50 ms | p99 ms | req/s | ± req/s \
             | × async-graphql | × juniper | × Strawberry+DL | × floor | p50 − floor ms \
             | server CPU µs/req | PostgreSQL CPU µs/req | RSS MiB | PSS MiB | failed |\n\
             |---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n",
        );
        for row in &self.rows {
            let ratios: Vec<String> = RATIOS.iter().map(|peer| self.ratio(row, peer)).collect();
            let versus_floor = self
                .peer(row, "floor")
                .map(|f| format!("{:+.3}", millis(row.p50) - millis(f.p50)))
                .unwrap_or_else(|| "–".into());
            let database_per_request = row
                .database_cpu
                .map(|cpu| format!("{:.0}", per_request(row, cpu)))
                .unwrap_or_else(|| "–".into());
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.3} | {:.3} | {:.0} | {} | {} | {} | {:.0} | {} | {:.0} | {:.0} | {} |",
                row.operation,
                row.connections,
                row.server,
                millis(row.p50),
                millis(row.p99),
                row.throughput,
                row.spread
                    .map(|s| format!("{:.0} %", s * 100.0))
                    .unwrap_or_else(|| "–".into()),
                ratios.join(" | "),
                versus_floor,
                per_request(row, row.cpu),
                database_per_request,
                mebibytes(row.memory.rss),
                mebibytes(row.memory.pss),
                row.failures,
            );
        }
        out.push_str(&self.summary());
        for (server, reason) in &self.skipped {
            let _ = writeln!(out, "\n{server} skipped: {reason}");
        }
        out
    }

    /// fraiseql's rows alone: its req/s over each peer and the floor, `fraiseql-tenant`'s over
    /// its own (the cost of a request context), and PostgreSQL's CPU per request of every
    /// server.
    fn summary(&self) -> String {
        let servers: Vec<&str> = SUMMARY
            .iter()
            .copied()
            .filter(|s| self.rows.iter().any(|r| r.server == *s))
            .collect();
        let mut out = String::from(
            "\nfraiseql (no request context): req/s and its ratio over each server; \
             fraiseql-tenant's and fraiseql+otel+metrics' req/s over fraiseql's; PostgreSQL CPU \
             µs per request of each server:\n\n| operation | conns | fraiseql req/s",
        );
        for peer in RATIOS {
            let _ = write!(out, " | × {peer}");
        }
        out.push_str(" | × floor, paired by turn");
        for (_, heading) in VARIANTS {
            let _ = write!(out, " | {heading}");
        }
        for server in &servers {
            let _ = write!(out, " | PG µs/req {server}");
        }
        out.push_str(" |\n|---|--:|--:");
        out.push_str(&"|--:".repeat(RATIOS.len() + 1 + VARIANTS.len() + servers.len()));
        out.push_str("|\n");
        for row in self.rows.iter().filter(|r| r.server == "fraiseql") {
            let _ = write!(
                out,
                "| {} | {} | {:.0}",
                row.operation, row.connections, row.throughput
            );
            for peer in RATIOS {
                let _ = write!(out, " | {}", self.ratio(row, peer));
            }
            let paired = row.paired_floor.map(|r| format!("{r:.2}×"));
            let _ = write!(out, " | {}", paired.as_deref().unwrap_or("–"));
            for (variant, _) in VARIANTS {
                let share = self
                    .peer(row, variant)
                    .filter(|_| row.throughput > 0.0)
                    .map(|t| format!("{:.0} %", t.throughput / row.throughput * 100.0))
                    .unwrap_or_else(|| "–".into());
                let _ = write!(out, " | {share}");
            }
            for server in &servers {
                let cpu = self
                    .peer(row, server)
                    .and_then(|r| Some(format!("{:.0}", per_request(r, r.database_cpu?))))
                    .unwrap_or_else(|| "–".into());
                let _ = write!(out, " | {cpu}");
            }
            out.push_str(" |\n");
        }
        out
    }

    /// The row of `server` for `row`'s operation and connection count.
    fn peer(&self, row: &Row, server: &str) -> Option<&Row> {
        self.rows.iter().find(|r| {
            r.server == server && r.operation == row.operation && r.connections == row.connections
        })
    }

    /// `row`'s req/s over `server`'s, `–` when it did not run.
    fn ratio(&self, row: &Row, server: &str) -> String {
        self.peer(row, server)
            .filter(|p| p.throughput > 0.0)
            .map(|p| format!("{:.2}×", row.throughput / p.throughput))
            .unwrap_or_else(|| "–".into())
    }
}

/// The servers each row's req/s is compared with.
const RATIOS: [&str; 4] = ["async-graphql", "juniper", "strawberry-dataloader", "floor"];

/// fraiseql with something more per request, each shown as its req/s over plain fraiseql's.
const VARIANTS: [(&str, &str); 2] = [
    ("fraiseql-tenant", "tenant ÷ none"),
    ("fraiseql+otel+metrics", "otel+metrics ÷ none"),
];

/// The servers whose PostgreSQL CPU the summary shows.
const SUMMARY: [&str; 8] = [
    "fraiseql",
    "fraiseql+otel+metrics",
    "fraiseql-tenant",
    "floor",
    "async-graphql",
    "juniper",
    "strawberry-dataloader",
    "strawberry-naive",
];

fn per_request(row: &Row, cpu: Duration) -> f64 {
    cpu.as_secs_f64() * 1e6 / row.requests.max(1) as f64
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mebibytes(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
