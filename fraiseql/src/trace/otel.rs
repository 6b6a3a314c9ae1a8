//! OpenTelemetry export (feature `otel`): the request spans ([`super`]) sent to a collector
//! over OTLP (HTTP/protobuf, `opentelemetry-otlp`) through the `tracing-opentelemetry` bridge,
//! and the W3C `traceparent` header of each request as the parent of its `graphql.request`
//! span, so one trace runs from the caller through the request into its database round trips.
//! (A request served inside a span of the application's own, such as an HTTP server span of a
//! tower or actix middleware, stays that span's child: the middleware has read the headers.)
//!
//! The least an application does: install it once, early in `main`, and keep the guard until
//! the server stops (dropping it sends the spans still buffered).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // An OpenTelemetry collector's OTLP/HTTP receiver (port 4318; `/v1/traces` is added).
//! let _otel = fraiseql::trace::otel::install("http://localhost:4318")?;
//! // … build the endpoint and serve it with `fraiseql::axum` or `fraiseql::actix` …
//! # Ok(()) }
//! ```
//!
//! [`install`] sets the process's global `tracing` subscriber: the OpenTelemetry layer, at INFO
//! level. An application with a subscriber of its own (a `fmt` layer, an `EnvFilter`) adds
//! [`Otel::layer`] to it instead:
//!
//! ```no_run
//! # fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use tracing_subscriber::layer::SubscriberExt as _;
//! let otel = fraiseql::trace::otel::Otel::named("http://localhost:4318", "blog-api")?;
//! let subscriber = tracing_subscriber::registry().with(otel.layer());
//! tracing::subscriber::set_global_default(subscriber)?;
//! let _guard = otel.guard();
//! # Ok(()) }
//! ```
//!
//! The exporter sends batches from a thread of its own (no runtime needed), over plain HTTP:
//! run the collector beside the server (a sidecar or the node's agent). The standard
//! environment variables of the OTLP exporter apply (`OTEL_EXPORTER_OTLP_HEADERS`,
//! `OTEL_EXPORTER_OTLP_TIMEOUT`, …), and `OTEL_SERVICE_NAME` names the service unless
//! [`Otel::named`] does.

use opentelemetry::propagation::{Extractor, TextMapPropagator as _};
use opentelemetry::trace::{TraceContextExt as _, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;
use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt as _;

use super::TraceHeaders;

/// Why OpenTelemetry export could not be installed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstallError {
    /// The OTLP exporter could not be built (a bad endpoint, no HTTP client).
    #[error("cannot build the OTLP exporter: {0}")]
    Exporter(String),
    /// Another global `tracing` subscriber is already set: add [`Otel::layer`] to it instead.
    #[error("a global tracing subscriber is already set")]
    SubscriberSet,
}

/// An OTLP exporter and the tracer provider sending its batches: make it with [`Otel::new`],
/// then [`install`](Otel::install) it as the global subscriber or add its
/// [`layer`](Otel::layer) to a subscriber of your own.
#[derive(Debug, Clone)]
pub struct Otel {
    provider: SdkTracerProvider,
}

impl Otel {
    /// Spans exported to the OTLP/HTTP receiver at `endpoint` (`http://collector:4318`, or the
    /// full traces URL ending in `/v1/traces`), in batches, from the service named by
    /// `OTEL_SERVICE_NAME` (else `fraiseql`).
    pub fn new(endpoint: &str) -> Result<Self, InstallError> {
        let name = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "fraiseql".to_owned());
        Self::named(endpoint, &name)
    }

    /// [`Otel::new`] for the service `service_name` (`service.name`).
    pub fn named(endpoint: &str, service_name: &str) -> Result<Self, InstallError> {
        Ok(Self {
            provider: provider(&traces_url(endpoint), service_name)?,
        })
    }

    /// The `tracing` layer exporting spans through this provider, at INFO level and above: for
    /// a subscriber of the application's own.
    pub fn layer<S>(&self) -> impl tracing_subscriber::Layer<S> + Send + Sync + 'static
    where
        S: tracing::Subscriber
            + for<'span> tracing_subscriber::registry::LookupSpan<'span>
            + Send
            + Sync,
    {
        let tracer = self.provider.tracer("fraiseql");
        // Only the attributes `super` documents: the bridge's defaults add seven more to every
        // span (source location, thread, target, busy and idle times, each with a clock read on
        // every poll) and attach an OpenTelemetry context on every poll, which the spans' parent
        // links do not need — together most of what exporting a request's spans costs.
        tracing_opentelemetry::layer()
            .with_tracer(tracer)
            .with_location(false)
            .with_threads(false)
            .with_target(false)
            .with_tracked_inactivity(false)
            .with_context_activation(false)
            .with_filter(tracing_subscriber::filter::LevelFilter::INFO)
    }

    /// A guard that sends the buffered spans and stops the exporter when dropped.
    pub fn guard(&self) -> OtelGuard {
        OtelGuard {
            provider: self.provider.clone(),
        }
    }

    /// Sets the process's global `tracing` subscriber to one that exports through this
    /// provider, and returns the guard to keep until the server stops.
    pub fn install(self) -> Result<OtelGuard, InstallError> {
        let subscriber = tracing_subscriber::registry().with(self.layer());
        tracing::subscriber::set_global_default(subscriber)
            .map_err(|_| InstallError::SubscriberSet)?;
        Ok(self.guard())
    }
}

/// [`Otel::new`] then [`Otel::install`]: exports every request's spans to the OTLP/HTTP
/// receiver at `endpoint` (`http://localhost:4318`). Keep the guard until the server stops.
pub fn install(endpoint: &str) -> Result<OtelGuard, InstallError> {
    Otel::new(endpoint)?.install()
}

/// Keeps OpenTelemetry export running; dropped, it sends the spans still buffered and stops
/// the exporter.
#[derive(Debug)]
#[must_use = "dropping the guard stops the export"]
pub struct OtelGuard {
    provider: SdkTracerProvider,
}

impl OtelGuard {
    /// Sends every span ended so far, now (a test, or before the process exits).
    pub fn flush(&self) {
        if let Err(error) = self.provider.force_flush() {
            tracing::warn!(%error, "cannot export spans");
        }
    }
}

impl Drop for OtelGuard {
    fn drop(&mut self) {
        let _ = self.provider.shutdown();
    }
}

fn traces_url(endpoint: &str) -> String {
    let endpoint = endpoint.trim_end_matches('/');
    if endpoint.ends_with("/v1/traces") {
        endpoint.to_owned()
    } else {
        format!("{endpoint}/v1/traces")
    }
}

fn provider(endpoint: &str, service_name: &str) -> Result<SdkTracerProvider, InstallError> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
        .with_endpoint(endpoint)
        .build()
        .map_err(|error| InstallError::Exporter(error.to_string()))?;
    let resource = Resource::builder()
        .with_service_name(service_name.to_owned())
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

/// Makes the remote span that `headers` name the parent of `span`, when they name a valid one
/// and the application has no span of its own around the request (an HTTP server span, which
/// took its parent from the same headers).
pub(crate) fn set_parent(span: &tracing::Span, headers: &TraceHeaders<'_>) {
    if headers.traceparent.is_none() || !tracing::Span::current().is_none() {
        return;
    }
    let context = TraceContextPropagator::new().extract(headers);
    if context.span().span_context().is_valid() {
        let _ = span.set_parent(context);
    }
}

impl Extractor for TraceHeaders<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        match key {
            "traceparent" => self.traceparent,
            "tracestate" => self.tracestate,
            _ => None,
        }
    }

    fn keys(&self) -> Vec<&str> {
        vec!["traceparent", "tracestate"]
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_traces_path_is_added_once() {
        for endpoint in ["http://c:4318", "http://c:4318/", "http://c:4318/v1/traces"] {
            assert_eq!(super::traces_url(endpoint), "http://c:4318/v1/traces");
        }
    }
}
