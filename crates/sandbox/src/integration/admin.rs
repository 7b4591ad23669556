//! What an administrator changes on the design-time host, as the Oracle
//! Integration REST API documents it: activate and deactivate an integration
//! (`POST /integrations/{id}` with `X-HTTP-Method-Override: PATCH` and
//! `{"status": "ACTIVATED"}` or `{"status": "CONFIGURED"}`), export its
//! archive, import one (`POST` adds, `PUT` replaces), test a connection,
//! resubmit errored instances one by one or in bulk, and abort one
//! (`/monitoring/errors/{id}/discard`, which OIC 3's Errors page calls
//! Abort). The changes last as long as the sandbox runs.
//!
//! Each call needs an Oracle Integration application role, checked by
//! [`check_role`] with Oracle's names: ServiceAdministrator or
//! ServiceDeveloper to change anything, and the viewing roles to read.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use serde_json::{json, Map, Value};

use super::{api_error, archive, DesignState};
use crate::directory::{
    Directory, SERVICE_ADMINISTRATOR, SERVICE_DEVELOPER, SERVICE_MONITOR, SERVICE_USER,
    SERVICE_VIEWER,
};
use crate::form::{printable, Params};

const CHANGE: &[&str] = &[SERVICE_ADMINISTRATOR, SERVICE_DEVELOPER];
const READ_DESIGN: &[&str] = &[
    SERVICE_ADMINISTRATOR,
    SERVICE_DEVELOPER,
    SERVICE_USER,
    SERVICE_VIEWER,
];
const READ_MONITORING: &[&str] = &[
    SERVICE_ADMINISTRATOR,
    SERVICE_DEVELOPER,
    SERVICE_MONITOR,
    SERVICE_USER,
    SERVICE_VIEWER,
];

/// The roles that allow `method` on `path`, and what the call does.
fn needed(method: &Method, path: &str) -> (&'static [&'static str], &'static str) {
    let monitoring = path.contains("/monitoring/");
    let reading = method == Method::GET || method == Method::HEAD;
    match (monitoring, reading) {
        (true, true) => (READ_MONITORING, "viewing monitoring data"),
        (true, false) => (CHANGE, "resubmitting or aborting errored instances"),
        (false, true) => (
            READ_DESIGN,
            "viewing or exporting integrations and connections",
        ),
        (false, false) if path.contains("/connections/") => (CHANGE, "testing a connection"),
        (false, false) if path.ends_with("/archive") => (CHANGE, "importing an integration"),
        (false, false) => (CHANGE, "activating or deactivating an integration"),
    }
}

/// Whether the token's user or application holds a role allowing the call;
/// the `detail` of a 403 when not.
pub fn check_role(
    directory: &Directory,
    claims: &Map<String, Value>,
    method: &Method,
    path: &str,
) -> Result<(), String> {
    let sub = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let sub_type = claims
        .get("sub_type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let held = directory.oic_roles(sub, sub_type);
    let (allowed, what) = needed(method, path);
    if held.iter().any(|role| allowed.contains(&role.as_str())) {
        return Ok(());
    }
    let who = if sub_type == "user" {
        "user"
    } else {
        "application"
    };
    Err(format!(
        "the {who} '{}' has {} in this Oracle Integration instance; {what} needs {}",
        printable(sub),
        if held.is_empty() {
            "no application role".to_owned()
        } else {
            format!("the application roles {}", held.join(", "))
        },
        allowed.join(" or ")
    ))
}

fn not_found(what: &str, id: &str) -> Response {
    api_error(
        StatusCode::NOT_FOUND,
        &format!("there is no {what} with the id '{}'", printable(id)),
    )
}

/// `GET /integrations/{id}` (`CODE|VERSION`, sent as `CODE%7CVERSION`).
pub async fn integration(
    State(state): State<Arc<DesignState>>,
    Path(id): Path<String>,
) -> Response {
    match state
        .catalog()
        .integrations
        .iter()
        .find(|i| i["id"] == id.as_str())
    {
        Some(item) => crate::response::json(StatusCode::OK, item),
        None => not_found("integration", &id),
    }
}

/// Activate or deactivate: `POST /integrations/{id}` with
/// `X-HTTP-Method-Override: PATCH` and the new status.
pub async fn update_integration(
    State(state): State<Arc<DesignState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let overridden = headers
        .get("x-http-method-override")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("PATCH"));
    if !overridden {
        return api_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "POST /ic/api/integration/v1/integrations/{id} updates an integration only with the \
             header X-HTTP-Method-Override: PATCH",
        );
    }
    let wanted = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("status").and_then(Value::as_str).map(str::to_owned));
    let Some(wanted) = wanted.filter(|w| w == "ACTIVATED" || w == "CONFIGURED") else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "send {\"status\":\"ACTIVATED\"} to activate or {\"status\":\"CONFIGURED\"} to deactivate",
        );
    };
    let mut catalog = state.catalog();
    let Some(item) = catalog
        .integrations
        .iter_mut()
        .find(|i| i["id"] == id.as_str())
    else {
        return not_found("integration", &id);
    };
    let current = item["status"].as_str().unwrap_or_default().to_owned();
    let name = item["name"].as_str().unwrap_or_default().to_owned();
    let allowed = match wanted.as_str() {
        "ACTIVATED" => current == "CONFIGURED" || current == "FAILEDACTIVATION",
        _ => current == "ACTIVATED",
    };
    if !allowed {
        let detail = match (wanted.as_str(), current.as_str()) {
            ("ACTIVATED", "ACTIVATED") => format!("{name} is activated already"),
            ("ACTIVATED", _) => format!(
                "{name} is {current}, not ready to be activated: finish it in the integration designer first"
            ),
            _ => format!("{name} is {current}, not activated, so it cannot be deactivated"),
        };
        return api_error(StatusCode::PRECONDITION_FAILED, &detail);
    }
    item["status"] = wanted.into();
    crate::response::json(StatusCode::OK, item)
}

/// Export: the integration's archive as `application/octet-stream`.
pub async fn export(State(state): State<Arc<DesignState>>, Path(id): Path<String>) -> Response {
    let catalog = state.catalog();
    let Some(item) = catalog.integrations.iter().find(|i| i["id"] == id.as_str()) else {
        return not_found("integration", &id);
    };
    let name = format!(
        "attachment; filename=\"{}_{}.iar\"",
        item["code"].as_str().unwrap_or_default(),
        item["version"].as_str().unwrap_or_default()
    );
    (
        StatusCode::OK,
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            ),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_str(&name).unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        archive::export(item),
    )
        .into_response()
}

/// The integration in an uploaded archive (the `file` part).
fn uploaded(headers: &HeaderMap, body: &[u8]) -> Result<Value, Box<Response>> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let parts = archive::multipart(content_type, body)
        .map_err(|problem| Box::new(api_error(StatusCode::BAD_REQUEST, &problem)))?;
    let file = parts.iter().find(|p| p.name == "file").ok_or_else(|| {
        Box::new(api_error(
            StatusCode::BAD_REQUEST,
            "no file is uploaded: send the archive in a part named file (curl -F file=@x.iar)",
        ))
    })?;
    archive::import(&file.data).map_err(|problem| Box::new(api_error(StatusCode::BAD_REQUEST, &problem)))
}

/// Import (Add): `POST /integrations/archive`; 409 when it exists.
pub async fn import_add(
    State(state): State<Arc<DesignState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    import(&state, &headers, &body, false)
}

/// Import (Replace): `PUT /integrations/archive`; 404 when it does not exist.
pub async fn import_replace(
    State(state): State<Arc<DesignState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    import(&state, &headers, &body, true)
}

/// Adds (or, with `replace`, replaces) the uploaded archive's integration.
fn import(state: &DesignState, headers: &HeaderMap, body: &[u8], replace: bool) -> Response {
    let integration = match uploaded(headers, body) {
        Ok(integration) => integration,
        Err(refusal) => return *refusal,
    };
    let mut catalog = state.catalog();
    let integration = catalog.imported_integration(integration);
    let id = integration["id"].as_str().unwrap_or_default().to_owned();
    let slot = catalog.integrations.iter().position(|i| i["id"] == id.as_str());
    match (slot, replace) {
        (Some(_), false) => api_error(
            StatusCode::CONFLICT,
            &format!(
                "integration {} already exists; import it with Replace (PUT) instead",
                printable(&id)
            ),
        ),
        (None, false) => {
            let location = integration["links"][0]["href"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            catalog.integrations.insert(0, integration);
            let mut response = StatusCode::NO_CONTENT.into_response();
            if let Ok(location) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(LOCATION, location);
            }
            response
        }
        (None, true) => api_error(
            StatusCode::NOT_FOUND,
            &format!(
                "integration {} not found; import it with Add (POST) instead",
                printable(&id)
            ),
        ),
        (Some(at), true) if catalog.integrations[at]["status"] == "ACTIVATED" => api_error(
            StatusCode::CONFLICT,
            &format!(
                "integration {} is activated; deactivate it before replacing it",
                printable(&id)
            ),
        ),
        (Some(at), true) => {
            catalog.integrations[at] = integration;
            crate::response::json(StatusCode::OK, &catalog.integrations[at])
        }
    }
}

/// Why a configured connection's ping fails in the sandbox, by id.
fn failing_test(id: &str) -> Option<&'static str> {
    match id {
        "ERP_CLOUD_SHIPMENTS" => Some(
            "CASDK-0003 : Unable to access the ERP Cloud service: 401 Unauthorized. \
             Check the user name and password of the connection's security policy.",
        ),
        "SOAP_LEGACY_BILLING" => Some(
            "java.net.UnknownHostException: billing.legacy.example.invalid: \
             the WSDL URL's host cannot be resolved.",
        ),
        "ORACLE_DB_ONPREM" => Some(
            "No connectivity agent of the agent group is available: \
             start the agent on the on-premises host, then test again.",
        ),
        "FTP_PARTNER_FILES" => Some(
            "Unable to establish SFTP connection: the server's host key does not match \
             the key registered in the connection.",
        ),
        _ => None,
    }
}

/// Test a connection: `POST /connections/{id}/test`. 409 when it is not
/// configured; otherwise 200 with the result, `testStatus` SUCCESS or
/// FAILED and the adapter's `testStatusMessage`.
pub async fn test_connection(
    State(state): State<Arc<DesignState>>,
    Path(id): Path<String>,
) -> Response {
    let catalog = state.catalog();
    let Some(item) = catalog.connections.iter().find(|c| c["id"] == id.as_str()) else {
        return not_found("connection", &id);
    };
    let name = item["name"].as_str().unwrap_or_default();
    if item["status"] != "CONFIGURED" {
        return api_error(
            StatusCode::CONFLICT,
            &format!(
                "connection {name} is not configured: complete its properties and security first"
            ),
        );
    }
    let (result, message) = match failing_test(&id) {
        Some(message) => ("FAILED", message.to_owned()),
        None => (
            "SUCCESS",
            format!("Connection {name} was tested successfully."),
        ),
    };
    crate::response::json(
        StatusCode::OK,
        &json!({
            "id": id,
            "name": name,
            "status": item["status"],
            "testStatus": result,
            "testStatusMessage": message,
        }),
    )
}

fn job_id(prefix: &str, ids: &[String]) -> String {
    format!("{prefix}-{}", ids.join("-").len() + ids.len())
}

/// Resubmit one errored instance: `POST /monitoring/errors/{id}/resubmit`.
/// A recoverable error leaves the error list (it ran again and completed).
pub async fn resubmit(State(state): State<Arc<DesignState>>, Path(id): Path<String>) -> Response {
    let mut catalog = state.catalog();
    let Some(at) = catalog.errors.iter().position(|e| e["id"] == id.as_str()) else {
        return not_found("errored instance", &id);
    };
    if catalog.errors[at]["recoverable"] != true {
        return api_error(
            StatusCode::PRECONDITION_FAILED,
            &format!(
                "errored instance {} is not recoverable: instances of synchronous flows cannot be resubmitted",
                printable(&id)
            ),
        );
    }
    catalog.errors.remove(at);
    crate::response::json(
        StatusCode::ACCEPTED,
        &json!({
            "recoveryJobId": job_id("sandbox-recovery", std::slice::from_ref(&id)),
            "resubmitRequested": true,
            "message": format!("Resubmit of errored instance {id} requested."),
        }),
    )
}

/// Resubmit several: `POST /monitoring/errors/resubmit` with `{"ids": [...]}`.
pub async fn resubmit_many(State(state): State<Arc<DesignState>>, body: Bytes) -> Response {
    let ids: Option<Vec<String>> = serde_json::from_slice::<Value>(&body).ok().and_then(|v| {
        v.get("ids")?
            .as_array()?
            .iter()
            .map(|id| match id {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect()
    });
    let Some(ids) = ids.filter(|ids| !ids.is_empty()) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "send the errored instances to resubmit as {\"ids\": [\"...\"]}",
        );
    };
    let mut catalog = state.catalog();
    let (mut accepted, mut invalid, mut non_recoverable) = (Vec::new(), Vec::new(), Vec::new());
    for id in &ids {
        match catalog.errors.iter().position(|e| e["id"] == id.as_str()) {
            None => invalid.push(id.clone()),
            Some(at) if catalog.errors[at]["recoverable"] != true => {
                non_recoverable.push(id.clone())
            }
            Some(at) => {
                catalog.errors.remove(at);
                accepted.push(id.clone());
            }
        }
    }
    crate::response::json(
        StatusCode::ACCEPTED,
        &json!({
            "acceptedIds": accepted,
            "invalidIds": invalid,
            "nonRecoverableIds": non_recoverable,
            "recoveryJobId": job_id("sandbox-recovery", &ids),
            "resubmitRequested": !accepted.is_empty(),
            "resubmittedInstancesCount": accepted.len(),
        }),
    )
}

/// Abort (Oracle's REST API: discard) one errored instance:
/// `POST /monitoring/errors/{id}/discard`. It leaves the error list for good.
pub async fn discard(State(state): State<Arc<DesignState>>, Path(id): Path<String>) -> Response {
    let mut catalog = state.catalog();
    let Some(at) = catalog.errors.iter().position(|e| e["id"] == id.as_str()) else {
        return not_found("errored instance", &id);
    };
    catalog.errors.remove(at);
    crate::response::json(
        StatusCode::ACCEPTED,
        &json!({
            "abortJobId": job_id("sandbox-abort", std::slice::from_ref(&id)),
            "message": format!("Errored instance {id} was aborted; it cannot be resubmitted."),
        }),
    )
}

/// `POST /sandbox/v1/integrations?count=N[&pageDelayMs=M]`: grows or
/// shrinks the catalogue, and makes each page of the integrations list wait
/// M ms (sandbox only, for trying a large or slow instance).
pub async fn resize(State(state): State<Arc<DesignState>>, uri: Uri) -> Response {
    let query = Params::parse(uri.query().unwrap_or_default().as_bytes());
    let Some(count) = query
        .get("count")
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|c| *c <= 20_000)
    else {
        return api_error(StatusCode::BAD_REQUEST, "give count=<0 to 20000>");
    };
    let delay = match query.get("pageDelayMs").map(|d| d.parse::<u64>()) {
        None => 0,
        Some(Ok(ms)) if ms <= 5_000 => ms,
        Some(_) => return api_error(StatusCode::BAD_REQUEST, "give pageDelayMs=<0 to 5000>"),
    };
    state
        .page_delay_ms
        .store(delay, std::sync::atomic::Ordering::Relaxed);
    let mut catalog = state.catalog();
    catalog.resize_integrations(count);
    crate::response::json(
        StatusCode::OK,
        &json!({"totalResults": catalog.integrations.len()}),
    )
}
