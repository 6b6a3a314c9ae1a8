//! Prometheus metrics (feature `metrics`): what an operator needs to see per operation — how
//! many requests, how fast, how many failed and why — and how busy the caches, the pool and the
//! database are, in Prometheus' text exposition format for the app to serve at a path of its
//! choosing (`/metrics`).
//!
//! ```
//! # fn demo(schema: fraiseql::graphql::Schema, db: fraiseql::Database) {
//! use fraiseql::http::Endpoint;
//! use fraiseql::metrics::Metrics;
//!
//! let metrics = Metrics::new();
//! let endpoint = Endpoint::new(schema, db).metrics(&metrics);
//! // … serve `endpoint`; then, at `/metrics`:
//! let text = metrics.render();
//! assert!(text.contains("# TYPE fraiseql_pool_connections_in_use gauge"));
//! # }
//! ```
//!
//! With axum, `fraiseql::axum::metrics(metrics)` is the `/metrics` route; with actix-web,
//! `fraiseql::actix::metrics(metrics)`. Elsewhere, serve [`Metrics::render`] with
//! [`CONTENT_TYPE`].
//!
//! # Series
//!
//! | series | labels | what |
//! |---|---|---|
//! | `fraiseql_requests_total` | `operation`, `type`, `code` | requests answered by the endpoint; `code` is `OK`, or the `extensions.code` of the response's first error |
//! | `fraiseql_request_duration_seconds` | `operation`, `type` | histogram of the time from the request's head to its answer (buckets from 100 µs to 30 s) |
//! | `fraiseql_response_size_bytes` | `operation`, `type` | histogram of response body sizes |
//! | `fraiseql_plan_cache_lookups_total` | `result` (`hit`, `miss`) | documents found parsed and validated in the schema's plan cache, or not |
//! | `fraiseql_statement_cache_lookups_total` | `result` (`hit`, `miss`) | query operations whose SQL statement was kept for their variables' shape, or compiled |
//! | `fraiseql_pool_connections_max` | | the pool's size limit |
//! | `fraiseql_pool_connections` | | connections open now |
//! | `fraiseql_pool_connections_in_use` | | connections running a statement now |
//! | `fraiseql_pool_waiters` | | requests waiting for a connection now |
//! | `fraiseql_pool_acquire_duration_seconds` | | histogram of the time to get a connection (from 10 µs) |
//! | `fraiseql_pool_timeouts_total` | | waits for a connection that timed out (only a pool built with a wait timeout has them: [`Database::new`](crate::Database::new)) |
//! | `fraiseql_statement_timeouts_total` | | statements cancelled by the statement timeout (SQLSTATE 57014) |
//! | `fraiseql_database_errors_total` | `class` | errors PostgreSQL reported, by SQLSTATE class (`23` integrity, `22` data, `42` syntax or access, `57` operator intervention, `P0` raised by a function, …) |
//! | `fraiseql_mutations_total` | `mutation`, `code` | mutations by outcome: `SUCCESS`, the refusal's code (`NOT_FOUND`, `CONFLICT`, …) or the error's `extensions.code` |
//!
//! `type` is `query`, `mutation`, `subscription`, or `unknown` for a request refused before its
//! operation was known (a body that is not JSON, a document that does not parse). `mutation` is
//! the GraphQL field (`createUser`), or the function's name for [`Repository`](crate::Repository)
//! calls from application code.
//!
//! # Bounded labels
//!
//! A client chooses operation names, so they cannot all become label values: each distinct value
//! is a series Prometheus keeps. The `operation` label is the name of the operation that ran (as
//! the document names it, so only requests that parsed), and up to [`DEFAULT_OPERATION_LIMIT`]
//! (100; [`Metrics::operation_limit`]) distinct names are kept, first come first kept, names
//! registered with [`Metrics::operations`] always; names longer than [`MAX_LABEL_LEN`] bytes,
//! anonymous operations, requests refused before their operation was known and every name past
//! the limit fold into the one label value [`OTHER`] (`(other)`). Error codes (`code`) are
//! bounded the same way, at [`CODE_LIMIT`] distinct values.
//!
//! # Why the `prometheus` crate
//!
//! It is maintained (TiKV's), and without its default `protobuf` feature it is small (its
//! dependencies are a handful of crates the build already has), while `metrics` with
//! `metrics-exporter-prometheus` brings a process-wide recorder (only one per process, which an
//! app may already have installed for its own purposes) and a larger dependency tree. A
//! [`Metrics`] is a value with its own [`prometheus::Registry`]: the app registers its
//! own series in the same registry ([`Metrics::registry`]) or passes one it has
//! ([`Metrics::with_registry`]), and tests each get their own. Recording is atomic additions on
//! series looked up once per request.

mod labels;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use juniper::OperationType;
use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
};

use labels::Bounded;

/// The `prometheus` crate this module is built on, for the app's own series in the same
/// registry ([`Metrics::with_registry`], [`Metrics::registry`]) without a version to match.
pub use prometheus;

/// The label value of every operation name not kept as its own (anonymous, too long, past the
/// limit) and of every code past [`CODE_LIMIT`].
pub const OTHER: &str = "(other)";

/// How many distinct operation names a [`Metrics`] keeps as label values by default.
pub const DEFAULT_OPERATION_LIMIT: usize = 100;

/// How many distinct error codes a [`Metrics`] keeps as label values.
pub const CODE_LIMIT: usize = 64;

/// The longest operation name (or code) kept as a label value, in bytes.
pub const MAX_LABEL_LEN: usize = 64;

/// The `Content-Type` of [`Metrics::render`]'s text: Prometheus' text exposition format 0.0.4.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The latency buckets, in seconds: from 100 µs to 30 s.
const LATENCY_BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0, 30.0,
];

/// The pool's acquire-time buckets, in seconds: from 10 µs (an idle connection) to 10 s.
const ACQUIRE_BUCKETS: &[f64] = &[
    0.00001, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0,
];

/// The response size buckets, in bytes: 128 B to 8 MiB, by fours.
const SIZE_BUCKETS: &[f64] = &[
    128.0, 512.0, 2048.0, 8192.0, 32768.0, 131072.0, 524288.0, 2097152.0, 8388608.0,
];

/// Prometheus metrics of one or more endpoints and databases: attach it with
/// [`Endpoint::metrics`](crate::http::Endpoint::metrics) (which attaches the endpoint's database
/// and schema too) or [`Database::with_metrics`](crate::Database::with_metrics), and serve
/// [`render`](Self::render)'s text at `/metrics`. Cheap to clone: clones share the series.
///
/// ```
/// let metrics = fraiseql::metrics::Metrics::new()
///     .operation_limit(200)
///     .operations(["Dashboard", "UserProfile"]);
/// let text = metrics.render();
/// assert!(text.contains("fraiseql_pool_connections_in_use 0"));
/// ```
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Shared>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("operation_limit", &self.inner.names.limit())
            .finish_non_exhaustive()
    }
}

struct Shared {
    registry: Registry,
    names: Bounded,
    codes: Bounded,
    /// Each kept operation name's series, and [`OTHER`]'s.
    operations: std::sync::RwLock<HashMap<Box<str>, Arc<OperationSeries>>>,
    requests: IntCounterVec,
    duration: HistogramVec,
    size: HistogramVec,
    plan_hit: IntCounter,
    plan_miss: IntCounter,
    statement_hit: IntCounter,
    statement_miss: IntCounter,
    pool_max: IntGauge,
    pool_size: IntGauge,
    pool_in_use: IntGauge,
    pool_waiters: IntGauge,
    pool_acquire: Histogram,
    pool_timeouts: IntCounter,
    statement_timeouts: IntCounter,
    database_errors: IntCounterVec,
    mutations: IntCounterVec,
    /// The pools whose state the gauges show, by the database's id.
    pools: Mutex<HashMap<u64, ReadPool>>,
}

/// Reads a pool's state; `None` once its database is gone.
pub(crate) type ReadPool = Box<dyn Fn() -> Option<PoolStatus> + Send + Sync>;

/// A pool's state, read when the metrics are rendered.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PoolStatus {
    pub max_size: usize,
    pub size: usize,
    pub available: usize,
    pub waiting: usize,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Metrics in a registry of their own.
    pub fn new() -> Self {
        Self::with_registry(Registry::new())
    }

    /// Metrics registered in `registry`, the app's own, so one `/metrics` serves both. The
    /// series' names start with `fraiseql_`; registering a second [`Metrics`] in the same
    /// registry panics (the names clash): give each its own registry with
    /// [`Registry::new_custom`](prometheus::Registry::new_custom) and a prefix or labels.
    ///
    /// ```
    /// use fraiseql::metrics::prometheus;
    /// let registry = prometheus::Registry::new();
    /// let requests = prometheus::IntCounter::new("app_logins_total", "Logins.").unwrap();
    /// registry.register(Box::new(requests.clone())).unwrap();
    /// let metrics = fraiseql::metrics::Metrics::with_registry(registry);
    /// requests.inc();
    /// let text = metrics.render();
    /// assert!(text.contains("app_logins_total 1"));
    /// assert!(text.contains("fraiseql_statement_timeouts_total 0"));
    /// ```
    pub fn with_registry(registry: Registry) -> Self {
        let counter = |name: &str, help: &str| {
            let counter = IntCounter::new(name, help).expect("a valid counter");
            registry
                .register(Box::new(counter.clone()))
                .expect("fraiseql's series are registered once per registry");
            counter
        };
        let counters = |name: &str, help: &str, labels: &[&str]| {
            let counters = IntCounterVec::new(Opts::new(name, help), labels).expect("valid");
            registry
                .register(Box::new(counters.clone()))
                .expect("fraiseql's series are registered once per registry");
            counters
        };
        let gauge = |name: &str, help: &str| {
            let gauge = IntGauge::new(name, help).expect("a valid gauge");
            registry
                .register(Box::new(gauge.clone()))
                .expect("fraiseql's series are registered once per registry");
            gauge
        };
        let histograms = |name: &str, help: &str, buckets: &[f64], labels: &[&str]| {
            let opts = HistogramOpts::new(name, help).buckets(buckets.to_vec());
            let histograms = HistogramVec::new(opts, labels).expect("valid");
            registry
                .register(Box::new(histograms.clone()))
                .expect("fraiseql's series are registered once per registry");
            histograms
        };
        let lookups = counters(
            "fraiseql_plan_cache_lookups_total",
            "Documents looked up in the schema's plan cache (parsed and validated once), by result.",
            &["result"],
        );
        let statements = counters(
            "fraiseql_statement_cache_lookups_total",
            "Query operations whose SQL statement was kept for their variables' shape (hit) or compiled (miss).",
            &["result"],
        );
        let acquire = {
            let opts = HistogramOpts::new(
                "fraiseql_pool_acquire_duration_seconds",
                "Time to get a connection from the pool.",
            )
            .buckets(ACQUIRE_BUCKETS.to_vec());
            let histogram = Histogram::with_opts(opts).expect("valid");
            registry
                .register(Box::new(histogram.clone()))
                .expect("fraiseql's series are registered once per registry");
            histogram
        };
        let shared = Shared {
            names: Bounded::new(DEFAULT_OPERATION_LIMIT),
            codes: Bounded::new(CODE_LIMIT),
            operations: Default::default(),
            requests: counters(
                "fraiseql_requests_total",
                "GraphQL requests answered, by operation name, operation type and outcome code (OK or the first error's extensions.code).",
                &["operation", "type", "code"],
            ),
            duration: histograms(
                "fraiseql_request_duration_seconds",
                "Time from a request's head to its answer, by operation.",
                LATENCY_BUCKETS,
                &["operation", "type"],
            ),
            size: histograms(
                "fraiseql_response_size_bytes",
                "Size of response bodies, by operation.",
                SIZE_BUCKETS,
                &["operation", "type"],
            ),
            plan_hit: lookups.with_label_values(&["hit"]),
            plan_miss: lookups.with_label_values(&["miss"]),
            statement_hit: statements.with_label_values(&["hit"]),
            statement_miss: statements.with_label_values(&["miss"]),
            pool_max: gauge(
                "fraiseql_pool_connections_max",
                "The most connections the pool opens.",
            ),
            pool_size: gauge("fraiseql_pool_connections", "Connections open now."),
            pool_in_use: gauge(
                "fraiseql_pool_connections_in_use",
                "Connections running a statement now.",
            ),
            pool_waiters: gauge(
                "fraiseql_pool_waiters",
                "Requests waiting for a connection now.",
            ),
            pool_acquire: acquire,
            pool_timeouts: counter(
                "fraiseql_pool_timeouts_total",
                "Waits for a connection that timed out.",
            ),
            statement_timeouts: counter(
                "fraiseql_statement_timeouts_total",
                "Statements cancelled by the statement timeout (SQLSTATE 57014).",
            ),
            database_errors: counters(
                "fraiseql_database_errors_total",
                "Errors PostgreSQL reported, by SQLSTATE class (its first two characters).",
                &["class"],
            ),
            mutations: counters(
                "fraiseql_mutations_total",
                "Mutations by outcome code: SUCCESS, the refusal's code, or the error's extensions.code.",
                &["mutation", "code"],
            ),
            pools: Mutex::new(HashMap::new()),
            registry,
        };
        Self {
            inner: Arc::new(shared),
        }
    }

    /// Keeps up to `limit` distinct operation names as `operation` label values (default
    /// [`DEFAULT_OPERATION_LIMIT`]); the others fold into [`OTHER`]. Set it before serving.
    pub fn operation_limit(self, limit: usize) -> Self {
        self.inner.names.set_limit(limit);
        self
    }

    /// Operation names always kept as label values, whatever the limit: the app's own
    /// operations, so that no client can take their places first.
    pub fn operations<N: AsRef<str>>(self, names: impl IntoIterator<Item = N>) -> Self {
        for name in names {
            self.inner.names.reserve(name.as_ref());
        }
        self
    }

    /// The registry the series are in: the app may register its own there too.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// Every series of the registry in Prometheus' text exposition format (to serve with
    /// [`CONTENT_TYPE`]), the pool gauges read now.
    ///
    /// Labelled series appear once they have a value: `fraiseql_requests_total` after the
    /// first request.
    ///
    /// ```
    /// let metrics = fraiseql::metrics::Metrics::new();
    /// let text = metrics.render();
    /// assert!(text.contains("# TYPE fraiseql_pool_acquire_duration_seconds histogram"));
    /// assert!(!text.contains("fraiseql_requests_total"));
    /// ```
    pub fn render(&self) -> String {
        self.read_pools();
        let families = self.inner.registry.gather();
        let mut text = String::new();
        if let Err(error) = prometheus::TextEncoder::new().encode_utf8(&families, &mut text) {
            tracing::error!(%error, "cannot render the metrics");
        }
        text
    }

    fn read_pools(&self) {
        let Ok(mut pools) = self.inner.pools.lock() else {
            return;
        };
        let mut total = PoolStatus::default();
        pools.retain(|_, read| match read() {
            Some(status) => {
                total.max_size += status.max_size;
                total.size += status.size;
                total.available += status.available;
                total.waiting += status.waiting;
                true
            }
            // The database is gone.
            None => false,
        });
        let gauge = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let s = &self.inner;
        s.pool_max.set(gauge(total.max_size));
        s.pool_size.set(gauge(total.size));
        s.pool_in_use
            .set(gauge(total.size.saturating_sub(total.available)));
        s.pool_waiters.set(gauge(total.waiting));
    }

    // ---- recording, for the request path ----

    /// Shows the pool `read` reports on in the pool gauges (replacing the one `id` named).
    pub(crate) fn observe_pool(&self, id: u64, read: ReadPool) {
        if let Ok(mut pools) = self.inner.pools.lock() {
            pools.insert(id, read);
        }
    }

    /// The series of the operation `name` of type `kind` (`None`: not known).
    pub(crate) fn operation(&self, name: Option<&str>, kind: Option<OperationType>) -> Operation {
        let name = name.map_or(OTHER, |name| self.inner.names.label(name));
        let series = self.series(name);
        let kind = match kind {
            Some(OperationType::Query) => Kind::Query,
            Some(OperationType::Mutation) => Kind::Mutation,
            Some(OperationType::Subscription) => Kind::Subscription,
            None => Kind::Unknown,
        };
        Operation { series, kind }
    }

    fn series(&self, name: &str) -> Arc<OperationSeries> {
        if let Ok(operations) = self.inner.operations.read()
            && let Some(series) = operations.get(name)
        {
            return series.clone();
        }
        let Ok(mut operations) = self.inner.operations.write() else {
            return Arc::new(OperationSeries::new(name));
        };
        operations
            .entry(name.into())
            .or_insert_with(|| Arc::new(OperationSeries::new(name)))
            .clone()
    }

    /// Records a request answered after `elapsed` with `status` and `body`, for `operation`.
    pub(crate) fn request(&self, operation: Operation, elapsed: Duration, body: &[u8]) {
        let series = operation.series.of(operation.kind, &self.inner);
        series.duration.observe(elapsed.as_secs_f64());
        series.size.observe(body.len() as f64);
        match crate::trace::first_error_code(body) {
            None => series.ok.inc(),
            Some(code) => {
                let code = self.inner.codes.label(code);
                let labels = [&*operation.series.name, operation.kind.label(), code];
                self.inner.requests.with_label_values(&labels).inc();
            }
        }
    }

    pub(crate) fn plan_cache(&self, hit: bool) {
        match hit {
            true => self.inner.plan_hit.inc(),
            false => self.inner.plan_miss.inc(),
        }
    }

    pub(crate) fn statement_cache(&self, hit: bool) {
        match hit {
            true => self.inner.statement_hit.inc(),
            false => self.inner.statement_miss.inc(),
        }
    }

    /// Records the time a connection took to get (`None`: the wait timed out).
    pub(crate) fn acquired(&self, since: Instant, timed_out: bool) {
        self.inner
            .pool_acquire
            .observe(since.elapsed().as_secs_f64());
        if timed_out {
            self.inner.pool_timeouts.inc();
        }
    }

    /// Records an error PostgreSQL reported, by its SQLSTATE.
    pub(crate) fn database_error(&self, sqlstate: &str) {
        if sqlstate == "57014" {
            self.inner.statement_timeouts.inc();
        }
        let class = sqlstate.get(..2).unwrap_or("??");
        let class = if class.bytes().all(|b| b.is_ascii_alphanumeric()) {
            class
        } else {
            "??"
        };
        self.inner.database_errors.with_label_values(&[class]).inc();
    }

    /// Records a mutation's outcome.
    pub(crate) fn mutation(&self, mutation: &str, code: &str) {
        let code = self.inner.codes.label(code);
        let mutation = if mutation.len() > MAX_LABEL_LEN {
            OTHER
        } else {
            mutation
        };
        self.inner
            .mutations
            .with_label_values(&[mutation, code])
            .inc();
    }
}

/// A request's operation, as far as the metrics label it.
pub(crate) struct Operation {
    series: Arc<OperationSeries>,
    kind: Kind,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Query,
    Mutation,
    Subscription,
    Unknown,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Query => "query",
            Kind::Mutation => "mutation",
            Kind::Subscription => "subscription",
            Kind::Unknown => "unknown",
        }
    }
}

/// One operation name's series per operation type, made on first use.
struct OperationSeries {
    name: Box<str>,
    by_kind: [OnceLock<KindSeries>; 4],
}

struct KindSeries {
    duration: Histogram,
    size: Histogram,
    ok: IntCounter,
}

impl OperationSeries {
    fn new(name: &str) -> Self {
        Self {
            name: name.into(),
            by_kind: Default::default(),
        }
    }

    fn of(&self, kind: Kind, shared: &Shared) -> &KindSeries {
        self.by_kind[kind as usize].get_or_init(|| {
            let labels = [&*self.name, kind.label()];
            KindSeries {
                duration: shared.duration.with_label_values(&labels),
                size: shared.size.with_label_values(&labels),
                ok: shared
                    .requests
                    .with_label_values(&[&*self.name, kind.label(), "OK"]),
            }
        })
    }
}

#[cfg(test)]
mod tests;
