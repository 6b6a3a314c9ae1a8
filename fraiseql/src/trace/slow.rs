//! The slow-operation log: an operation that takes longer than
//! `http::Endpoint::slow_threshold` (default
//! `http::DEFAULT_SLOW_THRESHOLD`, 200 ms) is logged once, at
//! WARN, with target [`SLOW_TARGET`] (`fraiseql::slow`) and these fields:
//!
//! | field | what |
//! |---|---|
//! | `operation` | the operation's name (`anonymous` when it has none) |
//! | `operation_type` | `query`, `mutation`, or `invalid` for a request refused before running |
//! | `document_hash` | the document's SHA-256, as persisted queries name it |
//! | `variables` | the variables' shape: each name and its JSON type (`{first: number, where: object}`), never a value |
//! | `outcome` | the first error's `extensions.code`, or `ok` |
//! | `total_ms` | the whole operation, from its document to its response |
//! | `validate_ms` | finding or making its plan (parse and validate) |
//! | `compile_ms` | compiling its statement (or finding it in the cache) |
//! | `database_ms` | waiting for the database (all round trips, the pool's wait included) |
//! | `response_ms` | building the response body |
//!
//! Filter it like any log line: `RUST_LOG=fraiseql::slow=warn` (with `tracing-subscriber`'s
//! `EnvFilter`) keeps only it. Its cost when nothing is slow is a clock read per phase.
//!
//! ```no_run
//! # fn demo(schema: fraiseql::graphql::Schema, db: fraiseql::Database) {
//! use std::time::Duration;
//! let endpoint = fraiseql::http::Endpoint::new(schema, db)
//!     .slow_threshold(Duration::from_millis(50)); // or `None` to log nothing
//! # }
//! ```

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use juniper::{DefaultScalarValue as S, InputValue, Variables};

/// The target of the slow-operation log's lines.
pub const SLOW_TARGET: &str = "fraiseql::slow";

/// The phases of a request that the slow-operation log times.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Phase {
    Compile,
    Database,
    Response,
}

/// The time a request spent in each phase, gathered while it runs (the request's context
/// holds it). Off, it reads no clock.
#[derive(Debug, Default)]
pub(crate) struct Phases {
    on: AtomicBool,
    nanos: [AtomicU64; 3],
}

impl Clone for Phases {
    fn clone(&self) -> Self {
        let phases = Self::default();
        phases
            .on
            .store(self.on.load(Ordering::Relaxed), Ordering::Relaxed);
        for (to, from) in phases.nanos.iter().zip(&self.nanos) {
            to.store(from.load(Ordering::Relaxed), Ordering::Relaxed);
        }
        phases
    }
}

impl Phases {
    /// Phases that are timed.
    pub(crate) fn timed() -> Self {
        let phases = Self::default();
        phases.on.store(true, Ordering::Relaxed);
        phases
    }

    /// The start of a phase, when timed.
    pub(crate) fn start(&self) -> Option<Instant> {
        self.on.load(Ordering::Relaxed).then(Instant::now)
    }

    /// Adds the time since `start` to `phase`.
    pub(crate) fn add(&self, phase: Phase, start: Option<Instant>) {
        if let Some(start) = start {
            let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
            self.nanos[phase as usize].fetch_add(nanos, Ordering::Relaxed);
        }
    }

    /// Enters the `graphql.response` span, and times the response phase, until dropped.
    pub(crate) fn response(&self) -> Timed<'_> {
        Timed {
            _span: super::quiet(tracing::info_span!("graphql.response")).entered(),
            phases: self,
            phase: Phase::Response,
            start: self.start(),
        }
    }

    fn get(&self, phase: Phase) -> Duration {
        Duration::from_nanos(self.nanos[phase as usize].load(Ordering::Relaxed))
    }
}

/// A phase being timed (and its span entered), until dropped.
pub(crate) struct Timed<'a> {
    _span: tracing::span::EnteredSpan,
    phases: &'a Phases,
    phase: Phase,
    start: Option<Instant>,
}

impl Drop for Timed<'_> {
    fn drop(&mut self) {
        self.phases.add(self.phase, self.start);
    }
}

/// What the slow-operation log says of one operation.
pub(crate) struct Slow<'a> {
    pub operation: Option<&'a str>,
    pub operation_type: Option<juniper::OperationType>,
    pub document: &'a str,
    pub hash: Option<&'a crate::graphql::DocumentHash>,
    pub variables: &'a Variables<S>,
    pub body: &'a [u8],
    pub total: Duration,
    pub validate: Duration,
    pub phases: Option<&'a Phases>,
}

impl Slow<'_> {
    /// Logs the operation at WARN.
    pub(crate) fn log(&self) {
        if !tracing::enabled!(target: SLOW_TARGET, tracing::Level::WARN) {
            return;
        }
        let hash = match self.hash {
            Some(hash) => *hash,
            None => crate::graphql::DocumentHash::of(self.document),
        };
        let phase = |phase| self.phases.map_or(Duration::ZERO, |p| p.get(phase));
        let outcome = super::failure(self.body);
        tracing::warn!(
            target: SLOW_TARGET,
            operation = self.operation.unwrap_or("anonymous"),
            operation_type = self.operation_type.map_or("invalid", super::operation_type),
            document_hash = %hash,
            variables = %shape(self.variables),
            outcome = outcome.unwrap_or("ok"),
            total_ms = millis(self.total),
            validate_ms = millis(self.validate),
            compile_ms = millis(phase(Phase::Compile)),
            database_ms = millis(phase(Phase::Database)),
            response_ms = millis(phase(Phase::Response)),
            "slow GraphQL operation",
        );
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The variables' names and JSON types, sorted by name: `{first: number, where: object}`.
///
/// ```
/// # use juniper::{InputValue, Variables};
/// let mut variables = Variables::new();
/// variables.insert("secret".to_owned(), InputValue::scalar("hunter2"));
/// variables.insert("first".to_owned(), InputValue::scalar(3));
/// assert_eq!(fraiseql::trace::slow::shape(&variables), "{first: number, secret: string}");
/// ```
pub fn shape(variables: &Variables<S>) -> String {
    let mut names: Vec<(&str, &'static str)> = variables
        .iter()
        .map(|(name, value)| (name.as_str(), json_type(value)))
        .collect();
    names.sort_unstable();
    let mut out = String::from("{");
    for (i, (name, kind)) in names.into_iter().enumerate() {
        let separator = if i == 0 { "" } else { ", " };
        let _ = write!(out, "{separator}{name}: {kind}");
    }
    out.push('}');
    out
}

fn json_type(value: &InputValue<S>) -> &'static str {
    match value {
        InputValue::Null => "null",
        InputValue::Scalar(S::Int(_) | S::Float(_)) => "number",
        InputValue::Scalar(S::String(_)) | InputValue::Enum(_) => "string",
        InputValue::Scalar(S::Boolean(_)) => "boolean",
        InputValue::Variable(_) => "variable",
        InputValue::List(_) => "array",
        InputValue::Object(_) => "object",
    }
}
