use std::collections::BTreeSet;
use std::time::Duration;

use juniper::OperationType;

use super::{Metrics, OTHER};

/// The values of `label` among the samples of `series` in `text`.
fn label_values(text: &str, series: &str, label: &str) -> BTreeSet<String> {
    let prefix = format!("{series}{{");
    let key = format!("{label}=\"");
    text.lines()
        .filter(|line| line.starts_with(&prefix))
        .filter_map(|line| {
            let at = line.find(&key)? + key.len();
            Some(line[at..].split('"').next()?.to_owned())
        })
        .collect()
}

/// A client sending 10,000 distinct operation names makes at most the limit's series, plus the
/// one every other name folds into; the names the app registered stay.
#[test]
fn ten_thousand_operation_names_stay_within_the_limit() {
    let metrics = Metrics::new().operation_limit(50).operations(["Kept"]);
    for n in 0..10_000 {
        let name = format!("Op{n}");
        let operation = metrics.operation(Some(&name), Some(OperationType::Query));
        metrics.request(operation, Duration::from_micros(150), br#"{"data":{}}"#);
    }
    let long = "L".repeat(super::MAX_LABEL_LEN + 1);
    for name in [None, Some("Kept"), Some(long.as_str())] {
        let operation = metrics.operation(name, Some(OperationType::Query));
        metrics.request(operation, Duration::from_micros(150), br#"{"data":{}}"#);
    }
    let text = metrics.render();
    let names = label_values(&text, "fraiseql_requests_total", "operation");
    assert_eq!(names.len(), 50 + 2, "{names:?}");
    assert!(names.contains(OTHER) && names.contains("Kept") && names.contains("Op0"));
    let latency = label_values(
        &text,
        "fraiseql_request_duration_seconds_bucket",
        "operation",
    );
    assert_eq!(latency, names);
    // 9,950 names past the limit, an anonymous operation and an overlong name: one series.
    let other =
        format!(r#"fraiseql_requests_total{{code="OK",operation="{OTHER}",type="query"}} 9952"#);
    assert!(text.contains(&other), "{text}");
}

#[test]
fn codes_and_outcomes_are_counted() {
    let metrics = Metrics::new();
    let operation = metrics.operation(Some("Q"), Some(OperationType::Query));
    let body = br#"{"data":null,"errors":[{"message":"m","extensions":{"code":"TIMEOUT"}}]}"#;
    metrics.request(operation, Duration::from_millis(2), body);
    metrics.plan_cache(true);
    metrics.plan_cache(false);
    metrics.statement_cache(true);
    metrics.database_error("57014");
    metrics.database_error("23505");
    metrics.mutation("createUser", "SUCCESS");
    let text = metrics.render();
    for line in [
        r#"fraiseql_requests_total{code="TIMEOUT",operation="Q",type="query"} 1"#,
        r#"fraiseql_plan_cache_lookups_total{result="hit"} 1"#,
        r#"fraiseql_plan_cache_lookups_total{result="miss"} 1"#,
        r#"fraiseql_statement_cache_lookups_total{result="hit"} 1"#,
        r#"fraiseql_statement_timeouts_total 1"#,
        r#"fraiseql_database_errors_total{class="23"} 1"#,
        r#"fraiseql_database_errors_total{class="57"} 1"#,
        r#"fraiseql_mutations_total{code="SUCCESS",mutation="createUser"} 1"#,
        r#"fraiseql_request_duration_seconds_bucket{operation="Q",type="query",le="0.0001"} 0"#,
        r#"fraiseql_request_duration_seconds_bucket{operation="Q",type="query",le="0.0025"} 1"#,
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
}
