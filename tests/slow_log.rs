//! The slow-operation log: an operation over `Endpoint::slow_threshold` is logged once at WARN
//! (target `fraiseql::slow`) with its name, document hash, variables' shape and time per phase,
//! and never a variable's value; a fast one, or any with the log turned off, is not. The
//! database is made slow by the probe view's `pg_sleep` (`x-sleep`); a test subscriber captures
//! the lines.

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use fraiseql::graphql::DocumentHash;
use support::{ADAPTERS, post, serve};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt as _};

const PROBE: &str =
    "query SlowProbe($id: UUID!, $n: Int) { probes(limit: $n, where: {id: {neq: $id}}) { slept } }";
/// The variables' values: neither may appear in the log.
const SECRET_ID: &str = "00000000-0000-0000-0000-00000000beef";
const SECRET_N: &str = "7";

/// The fields of one captured event.
type Fields = BTreeMap<String, String>;

/// The events of target `fraiseql::slow`, with their level.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<(tracing::Level, Fields)>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Captured {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != fraiseql::trace::SLOW_TARGET {
            return;
        }
        let mut fields = Fields::new();
        event.record(&mut Recorder(&mut fields));
        let level = *event.metadata().level();
        self.0.lock().unwrap().push((level, fields));
    }
}

struct Recorder<'a>(&'a mut Fields);

impl Visit for Recorder<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().to_owned(), value.to_string());
    }
}

/// The process's subscriber: installed once, shared by the tests (actix serves from threads of
/// its own, so a thread's default subscriber would not see its requests).
fn captured() -> Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let subscriber = tracing_subscriber::registry().with(captured.clone());
            tracing::subscriber::set_global_default(subscriber).expect("one subscriber");
            captured
        })
        .clone()
}

/// The slow lines logged for operation `name` since the last call, taken out.
fn take(captured: &Captured, name: &str) -> Vec<(tracing::Level, Fields)> {
    let mut events = captured.0.lock().unwrap();
    let (mine, others) = events
        .drain(..)
        .partition(|(_, fields)| fields.get("operation").is_some_and(|op| op == name));
    *events = others;
    mine
}

fn body(n: u32) -> String {
    serde_json::json!({
        "query": PROBE.replace("SlowProbe", &format!("SlowProbe{n}")),
        "variables": { "id": SECRET_ID, "n": SECRET_N.parse::<i32>().unwrap() },
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_operations_are_logged_once_with_their_shape_and_phases() {
    let captured = captured();
    for (i, adapter) in ADAPTERS.into_iter().enumerate() {
        let threshold = Duration::from_millis(150);
        let served = serve(adapter, |endpoint| endpoint.slow_threshold(threshold)).await;
        let n = i as u32 * 10;
        // Slow: 300 ms in the database.
        let reply = post(&served, &["x-sleep: 0.3"], &body(n)).await;
        assert_eq!(reply.status, 200, "{adapter:?}: {}", reply.body);
        assert_eq!(reply.json()["data"]["probes"][0]["slept"], true);
        let name = format!("SlowProbe{n}");
        let logged = take(&captured, &name);
        assert_eq!(logged.len(), 1, "{adapter:?}: {logged:?}");
        let (level, fields) = &logged[0];
        assert_eq!(*level, tracing::Level::WARN);
        let document = PROBE.replace("SlowProbe", &name);
        assert_eq!(fields["operation_type"], "query");
        assert_eq!(
            fields["document_hash"],
            DocumentHash::of(&document).to_string()
        );
        assert_eq!(fields["variables"], "{id: string, n: number}");
        assert_eq!(fields["outcome"], "ok");
        let ms = |name: &str| -> f64 { fields[name].parse().unwrap() };
        assert!(ms("total_ms") >= 300.0, "{fields:?}");
        assert!(ms("database_ms") >= 300.0, "{fields:?}");
        assert!(ms("database_ms") <= ms("total_ms"), "{fields:?}");
        for phase in ["validate_ms", "compile_ms", "response_ms"] {
            assert!(ms(phase) < 150.0, "{phase}: {fields:?}");
        }
        for (key, value) in fields {
            assert!(
                !value.contains(SECRET_ID) && value != SECRET_N,
                "{key} = {value}"
            );
        }
        // Fast: nothing logged.
        let reply = post(&served, &[], &body(n + 1)).await;
        assert_eq!(reply.status, 200);
        assert!(take(&captured, &format!("SlowProbe{}", n + 1)).is_empty());
    }
    // Turned off: nothing logged, however slow.
    let served = serve(ADAPTERS[0], |endpoint| endpoint.slow_threshold(None)).await;
    let reply = post(&served, &["x-sleep: 0.2"], &body(99)).await;
    assert_eq!(reply.status, 200);
    assert!(take(&captured, "SlowProbe99").is_empty());
}

/// A request refused before it runs (it does not validate) is still an operation: logged with
/// its outcome when slow; with a threshold of zero every operation is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zero_threshold_logs_every_operation_with_its_outcome() {
    let captured = captured();
    let served = serve(ADAPTERS[1], |endpoint| {
        endpoint.slow_threshold(Duration::ZERO)
    })
    .await;
    let query = r#"{"query":"query Invalid($secret: String) { probes(where: {id: {eq: $secret}}) { nope } }","variables":{"secret":"zz-secret"}}"#;
    let reply = post(&served, &[], query).await;
    assert_eq!(reply.status, 200);
    let logged = take(&captured, "Invalid");
    assert_eq!(logged.len(), 1, "{logged:?}");
    let fields = &logged[0].1;
    assert_eq!(fields["operation_type"], "invalid");
    assert_eq!(fields["outcome"], "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(fields["variables"], "{secret: string}");
    assert!(
        fields.values().all(|v| !v.contains("zz-secret")),
        "{fields:?}"
    );
}
