//! The per-request context: settings applied with `set_config(name, value, true)` in the same
//! transaction as every statement of the request, where row-level security policies read them
//! (`current_setting('app.tenant_id', true)`).

use crate::error::{Error, Result};
use crate::limits::Limits;

/// Settings for one request, built by the application from its own authentication.
///
/// Settings are transaction-local: they never outlive the request's transaction, so a pooled
/// connection carries nothing into the next request.
///
/// ```
/// use fraiseql::RequestContext;
/// let context = RequestContext::new()
///     .tenant_id("5f0c…")
///     .user_id("42")
///     .roles(["editor", "viewer"])
///     .setting("app.locale", "fr")?;
/// assert_eq!(context.get("app.roles"), Some("editor,viewer"));
/// # Ok::<(), fraiseql::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    settings: Vec<(String, String)>,
    statement_timeout: Option<std::time::Duration>,
    limits: Option<Limits>,
}

impl RequestContext {
    /// An empty context (no settings: policies see `current_setting(…, true)` as null).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `app.tenant_id`.
    pub fn tenant_id(self, tenant: impl ToString) -> Self {
        self.put("app.tenant_id", tenant.to_string())
    }

    /// Sets `app.user_id`.
    pub fn user_id(self, user: impl ToString) -> Self {
        self.put("app.user_id", user.to_string())
    }

    /// Sets `app.roles` to the comma-separated roles: policies read them with
    /// `current_setting('app.roles', true)`, and fields and mutations that require a role
    /// (`#[fraiseql(requires = "…")]`) check them.
    pub fn roles<R: AsRef<str>>(self, roles: impl IntoIterator<Item = R>) -> Self {
        let roles: Vec<String> = roles.into_iter().map(|r| r.as_ref().to_owned()).collect();
        self.put("app.roles", roles.join(","))
    }

    /// The roles of the request: those [`roles`](Self::roles) set (the `app.roles` setting,
    /// comma-separated, however it was set), which `#[fraiseql(requires = "…")]` and
    /// `MutationField::requires` check.
    ///
    /// ```
    /// use fraiseql::RequestContext;
    /// let context = RequestContext::new().roles(["editor", "viewer"]);
    /// assert_eq!(context.granted_roles().collect::<Vec<_>>(), ["editor", "viewer"]);
    /// assert!(context.has_role("viewer") && !context.has_role("admin"));
    /// assert_eq!(RequestContext::new().granted_roles().count(), 0);
    /// ```
    pub fn granted_roles(&self) -> impl Iterator<Item = &str> {
        let roles = self.get("app.roles").unwrap_or_default();
        roles
            .split(',')
            .map(str::trim)
            .filter(|role| !role.is_empty())
    }

    /// Whether the request has `role` (see [`granted_roles`](Self::granted_roles)).
    pub fn has_role(&self, role: &str) -> bool {
        self.granted_roles().any(|held| held == role)
    }

    /// Sets any custom setting. Names are `prefix.name` (lowercase letters, digits and `_`, with at
    /// least one dot), which PostgreSQL treats as placeholders: built-in settings such as `role`
    /// or `search_path` cannot be changed through a context.
    pub fn setting(self, name: &str, value: impl Into<String>) -> Result<Self> {
        let segment = |s: &str| {
            s.chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        };
        let parts: Vec<&str> = name.split('.').collect();
        if parts.len() < 2 || !parts.iter().all(|p| segment(p)) || name.len() > 63 {
            return Err(Error::BadInput(format!(
                "invalid context setting name {name:?}: expected a custom name such as app.tenant_id"
            )));
        }
        let value = value.into();
        if value.contains('\0') {
            return Err(Error::BadInput(
                "context settings cannot contain NUL".into(),
            ));
        }
        Ok(self.put(name, value))
    }

    /// Limits this request's statements to `timeout` instead of the database's default
    /// ([`Database::with_statement_timeout`](crate::Database::with_statement_timeout)); a
    /// statement running longer is cancelled by PostgreSQL and the request fails with `TIMEOUT`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let report = fraiseql::RequestContext::new().with_statement_timeout(Duration::from_secs(30));
    /// assert_eq!(report.statement_timeout(), Some(Duration::from_secs(30)));
    /// ```
    pub fn with_statement_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.statement_timeout = Some(timeout);
        self
    }

    /// The request's own statement timeout, if it has one.
    pub fn statement_timeout(&self) -> Option<std::time::Duration> {
        self.statement_timeout
    }

    /// Measures this request's operation against `limits` instead of the schema's
    /// ([`SchemaBuilder::limits`](crate::graphql::SchemaBuilder::limits)): a trusted client may
    /// get more, an anonymous one less. Page sizes, the embedded-list estimate and the parser's
    /// nesting stay the schema's (they shape the SQL the schema keeps), whatever `limits` says.
    ///
    /// ```
    /// use fraiseql::{RequestContext, graphql::Limits};
    /// let internal = RequestContext::new()
    ///     .with_limits(Limits { max_depth: 20, max_complexity: 50_000, ..Limits::default() });
    /// assert_eq!(internal.limits().map(|l| l.max_depth), Some(20));
    /// ```
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// The request's own limits, if it has them.
    pub fn limits(&self) -> Option<&Limits> {
        self.limits.as_ref()
    }

    /// A context from the claims of a token the application has already verified, each claim
    /// named in `mapping` becoming a setting: strings as they are, numbers and booleans as
    /// their JSON text, arrays of those joined with commas (like [`roles`](Self::roles)).
    /// A claim that is absent or null sets nothing, so policies see no value and match no rows.
    /// Objects, nested arrays and invalid setting names are refused.
    ///
    /// ```
    /// use fraiseql::RequestContext;
    /// let claims = serde_json::json!({
    ///     "sub": "user-42", "tenant": "5f0c", "roles": ["editor", "viewer"], "exp": 1767225600
    /// });
    /// let context = RequestContext::from_claims(&claims, &[
    ///     ("sub", "app.user_id"), ("tenant", "app.tenant_id"), ("roles", "app.roles"),
    ///     ("org", "app.org_id"),
    /// ])?;
    /// assert_eq!(context.get("app.tenant_id"), Some("5f0c"));
    /// assert_eq!(context.get("app.roles"), Some("editor,viewer"));
    /// assert_eq!(context.get("app.org_id"), None);
    /// # Ok::<(), fraiseql::Error>(())
    /// ```
    pub fn from_claims(claims: &serde_json::Value, mapping: &[(&str, &str)]) -> Result<Self> {
        let mut context = Self::new();
        for (claim, setting) in mapping {
            let refuse = |why: &str| Error::BadInput(format!("claim {claim:?} {why}"));
            let value = match claims.get(claim) {
                None | Some(serde_json::Value::Null) => continue,
                Some(serde_json::Value::Array(items)) => items
                    .iter()
                    .map(|item| claim_text(item).ok_or_else(|| refuse("holds a nested value")))
                    .collect::<Result<Vec<_>>>()?
                    .join(","),
                Some(value) => {
                    claim_text(value).ok_or_else(|| refuse("is an object, not a value"))?
                }
            };
            context = context.setting(setting, value)?;
        }
        Ok(context)
    }

    /// The value of a setting, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// All settings, in the order they were first set.
    pub fn settings(&self) -> &[(String, String)] {
        &self.settings
    }

    /// Names and values as the two arrays the settings statement binds; a value with NUL (which
    /// PostgreSQL text cannot hold) is refused rather than altered.
    pub(crate) fn arrays(&self) -> Result<(Vec<&str>, Vec<&str>)> {
        if self.settings.iter().any(|(_, v)| v.contains('\0')) {
            return Err(Error::BadInput(
                "context settings cannot contain NUL".into(),
            ));
        }
        Ok(self
            .settings
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .unzip())
    }

    fn put(mut self, name: &str, value: String) -> Self {
        match self.settings.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.settings.push((name.to_owned(), value)),
        }
        self
    }
}

/// A scalar claim as setting text.
fn claim_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(_) | serde_json::Value::Bool(_) => Some(value.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_custom_placeholders_only() {
        for bad in [
            "role",
            "search_path",
            "app",
            "App.x",
            "app.",
            ".x",
            "app.x-y",
            "app.x;y",
            "app.x y",
        ] {
            assert!(RequestContext::new().setting(bad, "v").is_err(), "{bad}");
        }
        let context = RequestContext::new()
            .setting("app.tenant_id", "a")
            .unwrap()
            .tenant_id("b");
        assert_eq!(
            context.settings(),
            [("app.tenant_id".to_owned(), "b".to_owned())]
        );
        assert!(RequestContext::new().setting("app.x", "a\0").is_err());
    }

    #[test]
    fn claims_become_settings() {
        let claims = serde_json::json!({
            "sub": "u1", "tenant": 7, "admin": true, "roles": ["a", "b"], "empty": [],
            "none": null, "nested": {"x": 1}, "deep": [["x"]], "nul": "a\0b"
        });
        let context = RequestContext::from_claims(
            &claims,
            &[
                ("sub", "app.user_id"),
                ("tenant", "app.tenant_id"),
                ("admin", "app.admin"),
                ("roles", "app.roles"),
                ("empty", "app.empty"),
                ("none", "app.none"),
                ("missing", "app.missing"),
            ],
        )
        .unwrap();
        assert_eq!(
            context.settings(),
            [
                ("app.user_id", "u1"),
                ("app.tenant_id", "7"),
                ("app.admin", "true"),
                ("app.roles", "a,b"),
                ("app.empty", ""),
            ]
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
        );
        for (claim, setting) in [
            ("nested", "app.x"),
            ("deep", "app.x"),
            ("nul", "app.x"),
            ("sub", "role"),
        ] {
            let refused = RequestContext::from_claims(&claims, &[(claim, setting)]);
            assert!(refused.is_err(), "{claim} -> {setting}");
        }
    }
}
