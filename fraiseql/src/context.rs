//! The per-request context: settings applied with `set_config(name, value, true)` in the same
//! transaction as every statement of the request, where row-level security policies read them
//! (`current_setting('app.tenant_id', true)`).

use crate::error::{Error, Result};

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

    /// Sets `app.roles` to the comma-separated roles.
    pub fn roles<R: AsRef<str>>(self, roles: impl IntoIterator<Item = R>) -> Self {
        let roles: Vec<String> = roles.into_iter().map(|r| r.as_ref().to_owned()).collect();
        self.put("app.roles", roles.join(","))
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
}
