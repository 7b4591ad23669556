//! The sandbox Oracle Integration instance on two origins, as in a real OIC 3
//! instance:
//!
//! - the runtime origin answers every `/ic/api/` request with a `302` to the
//!   design-time origin (same path and query) without looking at the token,
//!   which is why clients must be told to forward `Authorization` across
//!   that redirect;
//! - the design-time origin checks the bearer token (signature, expiry,
//!   audience, scope) and serves the seeded catalogue.
//!
//! Errors on the design-time origin are JSON in Oracle's REST error shape
//! (`type`, `title`, `detail`, `o:errorCode`, `status`); bearer failures carry a
//! `WWW-Authenticate` challenge as RFC 6750 §3 describes.

mod admin;
mod archive;
mod catalog;
mod listing;
mod received;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{Path, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http::header::{AUTHORIZATION, LOCATION, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, StatusCode, Uri};
use serde_json::{json, Value};

use crate::directory::Directory;
use crate::form::Params;
use crate::jwt::{JwtError, SigningKey};
use crate::scope::{claim_allows_developer_api, CONSUMER_ALL};
use crate::Clock;
use catalog::Catalog;
use listing::Collection;

const API_PREFIX: &str = "/ic/api/";

/// What the design-time handlers share.
pub struct DesignState {
    key: Arc<SigningKey>,
    audience: String,
    clock: Clock,
    /// Changed by activation, import, resubmission and abort, for as long
    /// as the sandbox runs.
    catalog: Mutex<Catalog>,
    revoked: Arc<crate::revoked::Revoked>,
    /// Who holds which Oracle Integration application role.
    directory: Arc<Directory>,
    /// The latest Developer API requests, for `GET /sandbox/v1/received`.
    received: received::Received,
}

impl DesignState {
    /// `origin` is the design-time origin itself, for the items' `links`.
    pub fn new(
        key: Arc<SigningKey>,
        audience: String,
        clock: Clock,
        origin: &str,
        revoked: Arc<crate::revoked::Revoked>,
        directory: Arc<Directory>,
    ) -> DesignState {
        DesignState {
            key,
            audience,
            clock,
            catalog: Mutex::new(Catalog::seeded(origin)),
            revoked,
            directory,
            received: received::Received::default(),
        }
    }

    /// The catalogue; a handler that panicked while holding it left it
    /// whole (every change is one assignment), so a poisoned lock is used.
    fn catalog(&self) -> MutexGuard<'_, Catalog> {
        self.catalog.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The runtime origin: redirects the developer APIs to `design_url`.
pub fn runtime_router(design_url: String) -> Router {
    Router::new()
        .fallback(redirect_to_design)
        .with_state(Arc::<str>::from(design_url))
}

/// The design-time origin.
pub fn design_router(state: DesignState) -> Router {
    let state = Arc::new(state);
    Router::new()
        .route("/ic/api/integration/v1/connections", get(connections))
        .route("/ic/api/integration/v1/connections/{id}", get(connection))
        .route(
            "/ic/api/integration/v1/connections/{id}/test",
            post(admin::test_connection),
        )
        .route("/ic/api/integration/v1/integrations", get(integrations))
        .route(
            "/ic/api/integration/v1/integrations/archive",
            post(admin::import_add).put(admin::import_replace),
        )
        .route(
            "/ic/api/integration/v1/integrations/{id}",
            get(admin::integration).post(admin::update_integration),
        )
        .route(
            "/ic/api/integration/v1/integrations/{id}/archive",
            get(admin::export),
        )
        .route(
            "/ic/api/integration/v1/monitoring/instances",
            get(instances),
        )
        .route("/ic/api/integration/v1/monitoring/errors", get(errors))
        .route(
            "/ic/api/integration/v1/monitoring/errors/resubmit",
            post(admin::resubmit_many),
        )
        .route(
            "/ic/api/integration/v1/monitoring/errors/{id}/resubmit",
            post(admin::resubmit),
        )
        .route(
            "/ic/api/integration/v1/monitoring/errors/{id}/discard",
            post(admin::discard),
        )
        .route(
            "/sandbox/v1/received",
            get(received::list).delete(received::clear),
        )
        .route("/sandbox/v1/integrations", post(admin::resize))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            require_bearer,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            received::record,
        ))
        .with_state(state)
}

async fn redirect_to_design(State(design_url): State<Arc<str>>, uri: Uri) -> Response {
    if !uri.path().starts_with(API_PREFIX) {
        return not_found().await;
    }
    let path_and_query = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    match HeaderValue::from_str(&format!("{design_url}{path_and_query}")) {
        Ok(location) => (StatusCode::FOUND, [(LOCATION, location)]).into_response(),
        Err(_) => api_error(
            StatusCode::BAD_REQUEST,
            "the request path cannot be redirected",
        ),
    }
}

async fn connections(State(state): State<Arc<DesignState>>, uri: Uri) -> Response {
    let catalog = state.catalog();
    list(
        &Collection {
            items: &catalog.connections,
            filters: &[("name", "name"), ("status", "status"), ("role", "role")],
            ignored_filters: &[],
            orders: &[("name", "name"), ("type", "/adapterType/displayName")],
        },
        &uri,
    )
}

async fn connection(State(state): State<Arc<DesignState>>, Path(id): Path<String>) -> Response {
    match state
        .catalog()
        .connections
        .iter()
        .find(|item| item["id"] == id.as_str())
    {
        Some(item) => crate::response::json(StatusCode::OK, item),
        None => api_error(
            StatusCode::NOT_FOUND,
            &format!(
                "there is no connection with the id '{}'",
                crate::form::printable(&id)
            ),
        ),
    }
}

async fn integrations(State(state): State<Arc<DesignState>>, uri: Uri) -> Response {
    let catalog = state.catalog();
    list(
        &Collection {
            items: &catalog.integrations,
            filters: &[
                ("name", "name"),
                ("status", "status"),
                ("type", "type"),
                ("style", "style"),
            ],
            ignored_filters: &[],
            orders: &[("name", "name")],
        },
        &uri,
    )
}

async fn errors(State(state): State<Arc<DesignState>>, uri: Uri) -> Response {
    let catalog = state.catalog();
    list(
        &Collection {
            items: &catalog.errors,
            filters: &[("code", "integrationCode"), ("id", "id")],
            ignored_filters: &["timewindow", "startdate", "enddate"],
            orders: &[],
        },
        &uri,
    )
}

async fn instances(State(state): State<Arc<DesignState>>, uri: Uri) -> Response {
    let catalog = state.catalog();
    list(
        &Collection {
            items: &catalog.instances,
            filters: &[
                ("status", "status"),
                ("code", "integrationId"),
                ("version", "integrationVersion"),
                ("id", "id"),
            ],
            ignored_filters: &["timewindow", "startdate", "enddate"],
            orders: &[],
        },
        &uri,
    )
}

fn list(collection: &Collection<'_>, uri: &Uri) -> Response {
    // `integrationInstance` (the OIC 3 service instance name) is accepted and
    // ignored: the sandbox is a single instance.
    let query = Params::parse(uri.query().unwrap_or_default().as_bytes());
    match listing::page(collection, &query) {
        Ok(page) => crate::response::json(StatusCode::OK, &page),
        Err(detail) => api_error(StatusCode::BAD_REQUEST, &detail),
    }
}

async fn not_found() -> Response {
    api_error(
        StatusCode::NOT_FOUND,
        "the sandbox serves /ic/api/integration/v1/connections, /connections/{id}, \
         /connections/{id}/test, /integrations, /integrations/{id}, /integrations/{id}/archive, \
         /integrations/archive, /monitoring/instances, /monitoring/errors, \
         /monitoring/errors/{id}/resubmit, /monitoring/errors/resubmit and \
         /monitoring/errors/{id}/discard",
    )
}

/// Oracle's REST error body.
fn api_error(status: StatusCode, detail: &str) -> Response {
    let body = json!({
        "type": format!("https://www.rfc-editor.org/rfc/rfc9110#status.{}", status.as_u16()),
        "title": status.canonical_reason().unwrap_or("Error"),
        "detail": detail,
        "o:errorCode": status.as_u16().to_string(),
        "status": status.as_u16(),
    });
    crate::response::json(status, &body)
}

/// Why a request to the developer APIs was refused.
enum BearerRefusal {
    /// No bearer token at all (RFC 6750 §3.1: no error code in the challenge).
    Missing,
    /// The token is malformed, forged, expired or for another audience.
    InvalidToken(String),
    /// A valid token without a developer-API scope.
    InsufficientScope(String),
    /// A valid token whose user or application lacks the role the call needs.
    MissingRole(String),
}

async fn require_bearer(
    State(state): State<Arc<DesignState>>,
    request: Request,
    next: Next,
) -> Response {
    if !request.uri().path().starts_with(API_PREFIX) {
        return next.run(request).await;
    }
    let checked = check_bearer(&state, request.headers()).and_then(|claims| {
        admin::check_role(
            &state.directory,
            &claims,
            request.method(),
            request.uri().path(),
        )
        .map_err(BearerRefusal::MissingRole)
    });
    match checked {
        Ok(()) => next.run(request).await,
        Err(refusal) => refuse(&state, refusal),
    }
}

fn check_bearer(
    state: &DesignState,
    headers: &HeaderMap,
) -> Result<serde_json::Map<String, Value>, BearerRefusal> {
    let Some(authorization) = headers.get(AUTHORIZATION) else {
        return Err(BearerRefusal::Missing);
    };
    let authorization = authorization.to_str().unwrap_or_default().trim();
    let (scheme, token) = authorization.split_once(' ').unwrap_or((authorization, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(BearerRefusal::InvalidToken(format!(
            "the Authorization scheme is '{}'; send Authorization: Bearer <access_token>",
            crate::form::printable(scheme)
        )));
    }
    let claims = state
        .key
        .verify(token.trim(), state.clock.unix_seconds())
        .map_err(|error: JwtError| BearerRefusal::InvalidToken(error.to_string()))?;
    if claims.get("jti").and_then(Value::as_str).is_some_and(|jti| state.revoked.is_revoked(jti)) {
        return Err(BearerRefusal::InvalidToken("the token was revoked".into()));
    }
    let audience = claims
        .get("aud")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if audience != state.audience {
        return Err(BearerRefusal::InvalidToken(format!(
            "the token's audience is '{}', not this instance ({})",
            crate::form::printable(audience),
            state.audience
        )));
    }
    let scope = claims
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !claim_allows_developer_api(scope) {
        return Err(BearerRefusal::InsufficientScope(format!(
            "the token's scope '{}' does not include urn:opc:resource:consumer::all or /ic/api/; \
             ask for {}{CONSUMER_ALL}",
            crate::form::printable(scope),
            state.audience
        )));
    }
    Ok(claims)
}

fn refuse(state: &DesignState, refusal: BearerRefusal) -> Response {
    let (status, challenge, detail) = match refusal {
        // Not a token problem: no challenge, as Oracle Integration answers.
        BearerRefusal::MissingRole(detail) => return api_error(StatusCode::FORBIDDEN, &detail),
        BearerRefusal::Missing => (
            StatusCode::UNAUTHORIZED,
            "Bearer realm=\"sandbox\"".to_owned(),
            "the request has no Authorization: Bearer header. If you called the runtime URL, \
             your client did not forward the Authorization header when it followed the redirect \
             to the design-time URL (curl: --location-trusted; Postman: Follow Authorization header)"
                .to_owned(),
        ),
        BearerRefusal::InvalidToken(detail) => (
            StatusCode::UNAUTHORIZED,
            format!(
                "Bearer realm=\"sandbox\", error=\"invalid_token\", error_description=\"{}\"",
                quoted_string_safe(&detail)
            ),
            detail,
        ),
        BearerRefusal::InsufficientScope(detail) => (
            StatusCode::FORBIDDEN,
            format!(
                "Bearer realm=\"sandbox\", error=\"insufficient_scope\", error_description=\"{}\", \
                 scope=\"{}{CONSUMER_ALL}\"",
                quoted_string_safe(&detail),
                state.audience
            ),
            detail,
        ),
    };
    let mut response = api_error(status, &detail);
    let challenge = HeaderValue::from_str(&challenge).unwrap_or_else(|_| {
        HeaderValue::from_static("Bearer realm=\"sandbox\", error=\"invalid_token\"")
    });
    response.headers_mut().insert(WWW_AUTHENTICATE, challenge);
    response
}

/// `text` with only the characters RFC 6750 allows in `error_description`
/// (printable ASCII except `"` and `\`).
fn quoted_string_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' | '\\' => '\'',
            ' '..='~' => c,
            _ => '?',
        })
        .collect()
}
