//! The results table (Markdown), with each row's ratios to the runs of the same operation and
//! connection count: throughput against Strawberry with DataLoader and against the floor, and
//! p50 against the floor.

use std::fmt::Write;
use std::time::Duration;

use crate::load::Measured;
use crate::process::Memory;

/// One timed run (or the median of several).
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
        }
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
            "| operation | conns | server | p50 ms | p99 ms | req/s | ± req/s | × Strawberry+DL req/s \
             | × floor req/s | p50 − floor ms | server CPU µs/req | PostgreSQL CPU µs/req \
             | RSS MiB | PSS MiB | failed |\n\
             |---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n",
        );
        for row in &self.rows {
            let peer = |server: &str| {
                self.rows.iter().find(|r| {
                    r.server == server
                        && r.operation == row.operation
                        && r.connections == row.connections
                })
            };
            let versus_strawberry = peer("strawberry-dataloader")
                .map(|s| format!("{:.1}×", row.throughput / s.throughput))
                .unwrap_or_else(|| "–".into());
            let floor = peer("floor");
            let throughput_versus_floor = floor
                .map(|f| format!("{:.2}×", row.throughput / f.throughput))
                .unwrap_or_else(|| "–".into());
            let versus_floor = floor
                .map(|f| format!("{:+.3}", millis(row.p50) - millis(f.p50)))
                .unwrap_or_else(|| "–".into());
            let per_request = |cpu: Duration| cpu.as_secs_f64() * 1e6 / row.requests.max(1) as f64;
            let database_per_request = row
                .database_cpu
                .map(|cpu| format!("{:.0}", per_request(cpu)))
                .unwrap_or_else(|| "–".into());
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.3} | {:.3} | {:.0} | {} | {} | {} | {} | {:.0} | {} | {:.0} | {:.0} | {} |",
                row.operation,
                row.connections,
                row.server,
                millis(row.p50),
                millis(row.p99),
                row.throughput,
                row.spread
                    .map(|s| format!("{:.0} %", s * 100.0))
                    .unwrap_or_else(|| "–".into()),
                versus_strawberry,
                throughput_versus_floor,
                versus_floor,
                per_request(row.cpu),
                database_per_request,
                mebibytes(row.memory.rss),
                mebibytes(row.memory.pss),
                row.failures,
            );
        }
        for (server, reason) in &self.skipped {
            let _ = writeln!(out, "\n{server} skipped: {reason}");
        }
        out
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mebibytes(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
