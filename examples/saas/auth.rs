//! The SaaS example's authentication: HS256 JSON Web Tokens, verified by an axum middleware
//! whose verdict the GraphQL context hook turns into a [`RequestContext`] (through
//! [`RequestContext::from_claims`]) or a 401 `UNAUTHENTICATED` refusal.
//!
//! A token's claims: `sub` (the user's id), `org` (the organisation's id: the tenant), `roles`
//! and `exp`. The secret comes from `SAAS_JWT_SECRET`, else a development secret that is in
//! this file for everyone to read: fine for trying the example, never for production.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use fraiseql::RequestContext;
use fraiseql::http::Rejection;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The development secret, used when `SAAS_JWT_SECRET` is not set.
pub const DEV_SECRET: &str = "fraiseql-saas-example-development-secret";

/// Which claim becomes which setting the policies and functions read.
pub const CLAIMS_TO_SETTINGS: &[(&str, &str)] = &[
    ("sub", "app.user_id"),
    ("org", "app.tenant_id"),
    ("roles", "app.roles"),
];

/// A token's claims. Typed, so a token whose `org` is no UUID is refused at the door rather
/// than failing inside a policy.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: Uuid,
    /// The organisation's id: the tenant.
    pub org: Uuid,
    /// `admin` and/or `member`.
    pub roles: Vec<String>,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
}

/// The keys tokens are signed and verified with.
#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl Keys {
    /// Keys from a shared secret (refused when empty).
    pub fn new(secret: &[u8]) -> jsonwebtoken::errors::Result<Self> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Ok(Self {
            encoding: EncodingKey::from_secret(secret)?,
            decoding: DecodingKey::from_secret(secret)?,
            validation,
        })
    }

    /// Keys from `SAAS_JWT_SECRET`, else from [`DEV_SECRET`] (with a warning).
    pub fn from_env() -> jsonwebtoken::errors::Result<Self> {
        match std::env::var("SAAS_JWT_SECRET") {
            Ok(secret) if !secret.is_empty() => Self::new(secret.as_bytes()),
            _ => {
                eprintln!("SAAS_JWT_SECRET is not set: tokens use the public development secret");
                Self::new(DEV_SECRET.as_bytes())
            }
        }
    }

    /// A token for `user` of `organisation` with `roles`, valid for `ttl`.
    pub fn mint(&self, user: Uuid, organisation: Uuid, roles: &[&str], ttl: Duration) -> String {
        let claims = Claims {
            sub: user,
            org: organisation,
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            exp: jsonwebtoken::get_current_timestamp() + ttl.as_secs(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signs any claims")
    }

    /// The claims of a token this server signed and that has not expired, or why not.
    pub fn verify(&self, token: &str) -> Result<Claims, String> {
        match jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation) {
            Ok(data) => Ok(data.claims),
            Err(error) => Err(match error.kind() {
                ErrorKind::ExpiredSignature => "the token has expired".into(),
                ErrorKind::InvalidSignature => "the token's signature is not valid".into(),
                ErrorKind::InvalidAlgorithm => "the token is not signed with HS256".into(),
                ErrorKind::MissingRequiredClaim(claim) => format!("the token has no {claim}"),
                _ => "the token is malformed".into(),
            }),
        }
    }
}

/// The middleware's verdict on a request, left in its extensions.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// A valid token's claims.
    Verified(Claims),
    /// Why the request is not authenticated.
    Refused(String),
}

/// Verifies `Authorization: Bearer <token>` and leaves a [`Verdict`] in the request's
/// extensions. It refuses nothing itself: pages such as GraphiQL and `/health` need no token,
/// and the GraphQL endpoint answers a refusal in GraphQL's own error format (see [`context`]).
pub async fn middleware(
    State(keys): State<Arc<Keys>>,
    mut request: Request,
    next: Next,
) -> Response {
    let verdict = match request.headers().get(AUTHORIZATION) {
        None => Verdict::Refused("no bearer token: send Authorization: Bearer <token>".into()),
        Some(value) => match value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")) {
            None => Verdict::Refused("the Authorization header is not a bearer token".into()),
            Some(token) => match keys.verify(token.trim()) {
                Ok(claims) => Verdict::Verified(claims),
                Err(why) => Verdict::Refused(why),
            },
        },
    };
    request.extensions_mut().insert(verdict);
    next.run(request).await
}

/// The GraphQL context hook: the verified claims as settings (`app.user_id`, `app.tenant_id`,
/// `app.roles`), or 401 `UNAUTHENTICATED`.
pub fn context(request: &Parts) -> Result<RequestContext, Rejection> {
    match request.extensions.get::<Verdict>() {
        Some(Verdict::Verified(claims)) => {
            let claims = serde_json::to_value(claims).map_err(|_| refused("bad claims"))?;
            RequestContext::from_claims(&claims, CLAIMS_TO_SETTINGS)
                .map_err(|_| refused("the token's claims are not valid"))
        }
        Some(Verdict::Refused(why)) => Err(refused(why)),
        None => Err(refused("the request passed no authentication")),
    }
}

fn refused(why: &str) -> Rejection {
    Rejection::unauthenticated(why.to_owned())
}
