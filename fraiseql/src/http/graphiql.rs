//! GraphiQL: the page, and its four assets served by the endpoint itself when given a local copy.
//!
//! The page loads React 18, ReactDOM 18 and GraphiQL 3 as UMD scripts plus GraphiQL's stylesheet.
//! By default they come from a public CDN (unpkg); a machine without internet access needs a
//! local copy: `npm install graphiql@3 react@18 react-dom@18` and [`GraphiQL::assets_from`] on
//! the resulting `node_modules`, and the endpoint serves them under `<path>/assets/`.

use std::path::Path;

use bytes::Bytes;

use super::response::HttpResponse;

/// The asset files: name under `<path>/assets/`, file inside `node_modules`, content type, CDN URL.
const ASSETS: [(&str, &str, &str, &str); 4] = [
    (
        "react.production.min.js",
        "react/umd/react.production.min.js",
        "text/javascript; charset=utf-8",
        "https://unpkg.com/react@18/umd/react.production.min.js",
    ),
    (
        "react-dom.production.min.js",
        "react-dom/umd/react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        "https://unpkg.com/react-dom@18/umd/react-dom.production.min.js",
    ),
    (
        "graphiql.min.js",
        "graphiql/graphiql.min.js",
        "text/javascript; charset=utf-8",
        "https://unpkg.com/graphiql@3/graphiql.min.js",
    ),
    (
        "graphiql.min.css",
        "graphiql/graphiql.min.css",
        "text/css; charset=utf-8",
        "https://unpkg.com/graphiql@3/graphiql.min.css",
    ),
];

/// GraphiQL served at a path of the application.
///
/// ```
/// let graphiql = fraiseql::http::GraphiQL::new("/graphiql");
/// let page = graphiql.page("/graphql");
/// assert!(page.contains(r#"url: "/graphql""#));
/// assert!(page.contains("https://unpkg.com/graphiql@3/graphiql.min.js")); // no local copy
/// ```
#[derive(Debug, Clone)]
pub struct GraphiQL {
    path: String,
    /// The four assets' bytes, in [`ASSETS`] order, when served locally.
    local: Option<[Bytes; 4]>,
}

impl GraphiQL {
    /// GraphiQL at `path` (an absolute path such as `/graphiql`, not the GraphQL path), loading
    /// its scripts from the CDN.
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            local: None,
        }
    }

    /// Serves the scripts and stylesheet from `node_modules` (where `graphiql@3`, `react@18` and
    /// `react-dom@18` are installed), read once now, instead of the CDN.
    pub fn assets_from(mut self, node_modules: impl AsRef<Path>) -> std::io::Result<Self> {
        let dir = node_modules.as_ref();
        let read = |i: usize| {
            std::fs::read(dir.join(ASSETS[i].1))
                .map(Bytes::from)
                .map_err(|error| {
                    std::io::Error::new(
                        error.kind(),
                        format!(
                            "GraphiQL asset {}: {error}",
                            dir.join(ASSETS[i].1).display()
                        ),
                    )
                })
        };
        self.local = Some([read(0)?, read(1)?, read(2)?, read(3)?]);
        Ok(self)
    }

    /// The path the page is served at.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the assets are served by the endpoint (else from the CDN).
    pub fn serves_assets(&self) -> bool {
        self.local.is_some()
    }

    /// The path prefix of the assets (`<path>/assets/`), served when [`Self::serves_assets`].
    pub fn assets_prefix(&self) -> String {
        format!("{}/assets/", self.path.trim_end_matches('/'))
    }

    /// The HTML page querying `endpoint`.
    pub fn page(&self, endpoint: &str) -> String {
        let url = |i: usize| match self.local {
            Some(_) => format!("{}{}", self.assets_prefix(), ASSETS[i].0),
            None => ASSETS[i].3.to_owned(),
        };
        // JSON-encoded, with `<` escaped so nothing closes the script element.
        let attr = |text: String| text.replace('&', "&amp;").replace('"', "&quot;");
        let endpoint = serde_json::to_string(endpoint)
            .unwrap_or_else(|_| "\"/graphql\"".into())
            .replace('<', "\\u003c");
        format!(
            r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL</title>
<style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
<link rel="stylesheet" href="{css}">
<script src="{react}"></script>
<script src="{react_dom}"></script>
<script src="{graphiql}"></script>
</head>
<body>
<div id="graphiql">Loading…</div>
<script>
const fetcher = GraphiQL.createFetcher({{ url: {endpoint} }});
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {{ fetcher, defaultEditorToolsVisibility: true }}));
</script>
</body>
</html>
"#,
            css = attr(url(3)),
            react = attr(url(0)),
            react_dom = attr(url(1)),
            graphiql = attr(url(2)),
        )
    }

    /// The page as a response.
    pub fn page_response(&self, endpoint: &str) -> HttpResponse {
        HttpResponse::new(200, "text/html; charset=utf-8", self.page(endpoint))
    }

    /// The asset called `name` (the part after `<path>/assets/`), or `None` (answer 404).
    pub fn asset(&self, name: &str) -> Option<HttpResponse> {
        let local = self.local.as_ref()?;
        let i = ASSETS.iter().position(|asset| asset.0 == name)?;
        Some(
            HttpResponse::new(200, ASSETS[i].2, local[i].clone())
                .with_header("cache-control", "public, max-age=86400"),
        )
    }
}
