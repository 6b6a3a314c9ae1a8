//! Media types: which response type the `Accept` header asks for, and whether a POST body's
//! `Content-Type` is one the endpoint reads.

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The media type of a GraphQL response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/graphql-response+json`: request errors answer 400.
    GraphQLResponse,
    /// `application/json` (legacy clients): every well-formed request answers 200.
    Json,
}

impl Format {
    /// The `Content-Type` header value of a response in this format.
    pub const fn content_type(self) -> &'static str {
        match self {
            Format::GraphQLResponse => "application/graphql-response+json; charset=utf-8",
            Format::Json => "application/json; charset=utf-8",
        }
    }

    /// The format an `Accept` header asks for: the supported media type with the highest
    /// quality, the first listed on a tie; wildcards and a missing header mean `application/json`;
    /// `None` when nothing listed is supported (answer 406).
    ///
    /// ```
    /// use fraiseql::http::Format;
    /// assert_eq!(Format::negotiate(None), Some(Format::Json));
    /// assert_eq!(
    ///     Format::negotiate(Some("application/graphql-response+json, application/json;q=0.9")),
    ///     Some(Format::GraphQLResponse)
    /// );
    /// assert_eq!(Format::negotiate(Some("text/html")), None);
    /// ```
    pub fn negotiate(accept: Option<&str>) -> Option<Format> {
        // The exact forms most clients send, compared as bytes before anything is parsed.
        match accept {
            Some(GRAPHQL_RESPONSE) => return Some(Format::GraphQLResponse),
            Some(JSON) => return Some(Format::Json),
            _ => {}
        }
        let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
            return Some(Format::Json);
        };
        // One media type without parameters, as most clients send: nothing to weigh.
        if !accept.contains([',', ';']) {
            return Format::of_essence(accept.trim());
        }
        let mut best: Option<(Format, f32)> = None;
        for item in accept.split(',') {
            let (essence, mut params) = split(item);
            let Some(format) = Format::of_essence(essence) else {
                continue;
            };
            let quality = params
                .find(|(name, _)| name.eq_ignore_ascii_case("q"))
                .map_or(Some(1.0), |(_, value)| value.parse::<f32>().ok())
                .unwrap_or(0.0);
            if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((format, quality));
            }
        }
        best.map(|(format, _)| format)
    }

    /// The format a media type (without parameters) names, if it is one served.
    fn of_essence(essence: &str) -> Option<Format> {
        if essence.eq_ignore_ascii_case(GRAPHQL_RESPONSE) {
            Some(Format::GraphQLResponse)
        } else if [JSON, "application/*", "*/*"]
            .iter()
            .any(|json| essence.eq_ignore_ascii_case(json))
        {
            Some(Format::Json)
        } else {
            None
        }
    }
}

/// Whether a POST body's `Content-Type` is `application/json` (charset, when given, UTF-8).
///
/// ```
/// use fraiseql::http::is_json_body;
/// assert!(is_json_body("application/json; charset=UTF-8"));
/// assert!(!is_json_body("application/json; charset=utf-16"));
/// assert!(!is_json_body("text/plain"));
/// ```
pub fn is_json_body(content_type: &str) -> bool {
    if content_type == JSON {
        return true;
    }
    let (essence, mut params) = split(content_type);
    essence.eq_ignore_ascii_case(JSON)
        && params.all(|(name, value)| {
            !name.eq_ignore_ascii_case("charset") || value.eq_ignore_ascii_case("utf-8")
        })
}

/// `type/subtype; name=value; …` → the essence and the parameters, trimmed and unquoted but
/// cased as written (media types and parameter names compare ignoring ASCII case). Nothing is
/// copied: every request's `Accept` and `Content-Type` go through here.
fn split(item: &str) -> (&str, impl Iterator<Item = (&str, &str)>) {
    let mut parts = item.split(';');
    let essence = parts.next().unwrap_or("").trim();
    let params = parts.filter_map(|p| {
        let (name, value) = p.split_once('=')?;
        Some((name.trim(), value.trim().trim_matches('"')))
    });
    (essence, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_follows_quality_then_order() {
        let cases = [
            ("application/json", Some(Format::Json)),
            (" APPLICATION/JSON ", Some(Format::Json)),
            (
                "application/graphql-response+json",
                Some(Format::GraphQLResponse),
            ),
            ("text/html", None),
            ("*/*", Some(Format::Json)),
            ("application/*;q=0.5", Some(Format::Json)),
            (
                "application/json, application/graphql-response+json",
                Some(Format::Json),
            ),
            (
                "application/json;q=0.5, application/graphql-response+json",
                Some(Format::GraphQLResponse),
            ),
            (
                "Application/GraphQL-Response+JSON; charset=utf-8",
                Some(Format::GraphQLResponse),
            ),
            ("application/json;q=0", None),
            ("text/html, image/png", None),
            ("application/json;q=oops", None),
        ];
        for (accept, expected) in cases {
            assert_eq!(Format::negotiate(Some(accept)), expected, "{accept}");
        }
    }

    #[test]
    fn json_bodies_are_told_apart_ignoring_case_and_quotes() {
        for json in [
            "application/json",
            " APPLICATION/JSON ; Charset=\"UTF-8\"",
            "application/json; boundary=x",
        ] {
            assert!(is_json_body(json), "{json}");
        }
        for other in [
            "application/json; charset=latin1",
            "application/jsonx",
            "text/json",
            "",
        ] {
            assert!(!is_json_body(other), "{other}");
        }
    }
}
