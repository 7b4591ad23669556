//! Oracle Integration administration over the profile's token: every call
//! the Integrations, Connections and Errors panels make, built as the one
//! [`ApiRequest`] the request sender sends (so the redirect policy, the token
//! and Copy as cURL apply, and the window shows exactly this as "Request
//! sent"), and their answers read into typed rows and outcomes.
//!
//! Methods, paths, identifiers and headers follow the REST API for Oracle
//! Integration 3: `CODE|VERSION` sent as `CODE%7CVERSION`; activate and
//! deactivate are `POST /integrations/{id}` with `X-HTTP-Method-Override:
//! PATCH` and `{"status":"ACTIVATED"}` / `{"status":"CONFIGURED"}`; import is
//! `POST` (add) or `PUT` (replace) `/integrations/archive` with the archive
//! in a `file` part; the Errors page's Abort is the API's
//! `/monitoring/errors/{id}/discard`. Every URL names the instance with
//! `integrationInstance`. Pure functions: nothing here sends.

use super::quick::with_integration_instance;
use crate::send::{ApiRequest, FollowAuthorization, FormPart, NameValue, RequestBody};
use serde::{Deserialize, Serialize};
use serde_json::Value;

const V1: &str = "/ic/api/integration/v1";

/// Where the administration calls go: the profile's request base URL and
/// instance name, with the request panel's redirect settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Target {
    pub base_url: String,
    pub instance: String,
    pub follow_authorization: FollowAuthorization,
    pub trusted_hosts: Vec<String>,
}

/// One thing a panel does. In JSON: `{"action": "activate", "id": "HELLO_WORLD|01.00.0000"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "action",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum AdminAction {
    /// A page of integrations; `q` is the search box (see [`search_q`]).
    ListIntegrations {
        offset: u64,
        limit: u64,
        #[serde(default)]
        q: String,
    },
    /// One integration (what Open in request panel fills in).
    GetIntegration {
        id: String,
    },
    Activate {
        id: String,
    },
    Deactivate {
        id: String,
    },
    /// The archive (`.iar`) of an integration.
    Export {
        id: String,
    },
    /// Upload an archive: add a new integration, or replace an existing one.
    Import {
        path: String,
        replace: bool,
    },
    ListConnections {
        offset: u64,
        limit: u64,
        #[serde(default)]
        q: String,
    },
    /// One connection (what Open in request panel fills in).
    GetConnection {
        id: String,
    },
    TestConnection {
        id: String,
    },
    /// A page of errored instances.
    ListErrors {
        offset: u64,
        limit: u64,
    },
    Resubmit {
        id: String,
    },
    ResubmitMany {
        ids: Vec<String>,
    },
    /// The Errors page's Abort (the REST API's discard).
    Abort {
        id: String,
    },
}

impl AdminAction {
    /// The Oracle Integration application roles that allow the call, in
    /// Oracle's words ("What Users Can Do … by Role").
    pub fn roles(&self) -> &'static str {
        match self {
            AdminAction::ListIntegrations { .. }
            | AdminAction::ListConnections { .. }
            | AdminAction::GetIntegration { .. }
            | AdminAction::GetConnection { .. }
            | AdminAction::Export { .. } => {
                "ServiceUser or ServiceViewer (or ServiceDeveloper, ServiceAdministrator)"
            }
            AdminAction::ListErrors { .. } => {
                "ServiceMonitor or ServiceUser (or ServiceDeveloper, ServiceAdministrator)"
            }
            AdminAction::Activate { .. }
            | AdminAction::Deactivate { .. }
            | AdminAction::Import { .. }
            | AdminAction::TestConnection { .. }
            | AdminAction::Resubmit { .. }
            | AdminAction::ResubmitMany { .. }
            | AdminAction::Abort { .. } => "ServiceDeveloper (or ServiceAdministrator)",
        }
    }

    /// What the call does, for messages: "Activate", "Test connection", ...
    pub fn label(&self) -> &'static str {
        match self {
            AdminAction::ListIntegrations { .. } => "Listing integrations",
            AdminAction::GetIntegration { .. } => "Reading the integration",
            AdminAction::GetConnection { .. } => "Reading the connection",
            AdminAction::Activate { .. } => "Activate",
            AdminAction::Deactivate { .. } => "Deactivate",
            AdminAction::Export { .. } => "Export .iar",
            AdminAction::Import { replace: false, .. } => "Import .iar (add)",
            AdminAction::Import { replace: true, .. } => "Import .iar (replace)",
            AdminAction::ListConnections { .. } => "Listing connections",
            AdminAction::TestConnection { .. } => "Test",
            AdminAction::ListErrors { .. } => "Listing errors",
            AdminAction::Resubmit { .. } => "Resubmit",
            AdminAction::ResubmitMany { .. } => "Resubmit selected",
            AdminAction::Abort { .. } => "Abort",
        }
    }
}

/// An identifier as one URL path segment: unreserved characters kept,
/// everything else percent-encoded, so `CODE|VERSION` is `CODE%7CVERSION`.
pub fn path_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for byte in id.trim().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The `q` filter for what the user typed in a search box: typed braces
/// are Oracle's own syntax and go as they are; other text is "name
/// contains", `{name:/text/}` (slashes and braces in it dropped).
pub fn search_q(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() || (text.starts_with('{') && text.ends_with('}')) {
        return text.to_owned();
    }
    let plain: String = text
        .chars()
        .filter(|c| !matches!(c, '/' | '{' | '}'))
        .collect();
    if plain.trim().is_empty() {
        return String::new();
    }
    format!("{{name:/{}/}}", plain.trim())
}

fn list_query(offset: u64, limit: u64, q: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("limit", &limit.to_string());
    query.append_pair("offset", &offset.to_string());
    let q = search_q(q);
    if !q.is_empty() {
        query.append_pair("q", &q);
    }
    query.finish()
}

/// The request `action` sends to `target`.
pub fn request(target: &Target, action: &AdminAction) -> ApiRequest {
    let base = target.base_url.trim().trim_end_matches('/');
    let url =
        |path: String| with_integration_instance(&format!("{base}{V1}{path}"), &target.instance);
    let accept = NameValue::new("Accept", "application/json");
    let (method, url, headers, body) = match action {
        AdminAction::ListIntegrations { offset, limit, q } => (
            "GET",
            url(format!("/integrations?{}", list_query(*offset, *limit, q))),
            vec![accept],
            RequestBody::None,
        ),
        AdminAction::GetIntegration { id } => (
            "GET",
            url(format!("/integrations/{}", path_segment(id))),
            vec![accept],
            RequestBody::None,
        ),
        AdminAction::GetConnection { id } => (
            "GET",
            url(format!("/connections/{}", path_segment(id))),
            vec![accept],
            RequestBody::None,
        ),
        AdminAction::Activate { id } | AdminAction::Deactivate { id } => {
            let status = if matches!(action, AdminAction::Activate { .. }) {
                "ACTIVATED"
            } else {
                "CONFIGURED"
            };
            (
                "POST",
                url(format!("/integrations/{}", path_segment(id))),
                vec![
                    NameValue::new("Content-Type", "application/json"),
                    NameValue::new("X-HTTP-Method-Override", "PATCH"),
                ],
                RequestBody::Json {
                    text: format!("{{\"status\":\"{status}\"}}"),
                },
            )
        }
        AdminAction::Export { id } => (
            "GET",
            url(format!("/integrations/{}/archive", path_segment(id))),
            vec![NameValue::new("Accept", "application/octet-stream")],
            RequestBody::None,
        ),
        AdminAction::Import { path, replace } => (
            if *replace { "PUT" } else { "POST" },
            url("/integrations/archive".into()),
            vec![accept],
            RequestBody::Multipart {
                parts: vec![
                    FormPart::file("file", path.trim()),
                    FormPart::text("type", "application/octet-stream"),
                ],
            },
        ),
        AdminAction::ListConnections { offset, limit, q } => (
            "GET",
            url(format!("/connections?{}", list_query(*offset, *limit, q))),
            vec![accept],
            RequestBody::None,
        ),
        AdminAction::TestConnection { id } => (
            "POST",
            url(format!("/connections/{}/test", path_segment(id))),
            vec![accept],
            RequestBody::None,
        ),
        AdminAction::ListErrors { offset, limit } => (
            "GET",
            url(format!(
                "/monitoring/errors?{}",
                list_query(*offset, *limit, "")
            )),
            vec![accept],
            RequestBody::None,
        ),
        AdminAction::Resubmit { id } => (
            "POST",
            url(format!("/monitoring/errors/{}/resubmit", path_segment(id))),
            vec![accept],
            RequestBody::None,
        ),
        AdminAction::ResubmitMany { ids } => (
            "POST",
            url("/monitoring/errors/resubmit".into()),
            vec![NameValue::new("Content-Type", "application/json")],
            RequestBody::Json {
                text: serde_json::json!({ "ids": ids }).to_string(),
            },
        ),
        AdminAction::Abort { id } => (
            "POST",
            url(format!("/monitoring/errors/{}/discard", path_segment(id))),
            vec![accept],
            RequestBody::None,
        ),
    };
    ApiRequest {
        method: method.into(),
        url,
        headers,
        body,
        follow_authorization: target.follow_authorization,
        trusted_hosts: target.trusted_hosts.clone(),
    }
}

/// Where the panels send their calls once a list came back through the
/// runtime URL's redirect: the design-time origin that answered (`final_url`
/// is the response's URL after redirects), when it differs from `base_url`'s.
/// A 302 turns a POST or PUT into a GET, so activate, import, test,
/// resubmit and abort must go to the design-time URL itself.
pub fn design_base(base_url: &str, final_url: &str) -> Option<String> {
    let base = url::Url::parse(base_url.trim()).ok()?;
    let answered = url::Url::parse(final_url).ok()?;
    if !super::is_developer_api(answered.path()) || answered.origin() == base.origin() {
        return None;
    }
    Some(answered.origin().ascii_serialization())
}

/// A page of a collection as Oracle returns it (`items`, `hasMore`,
/// `totalResults`, `offset`, `limit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: Option<u64>,
    pub has_more: bool,
    pub offset: u64,
}

/// A row of the Integrations table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationRow {
    /// `CODE|VERSION`.
    pub id: String,
    pub code: String,
    pub version: String,
    pub name: String,
    pub status: String,
    pub last_updated: String,
    pub pattern: String,
}

/// A row of the Connections table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionRow {
    pub id: String,
    pub name: String,
    pub adapter: String,
    pub status: String,
    /// How many integrations use it.
    pub usage: Option<u64>,
}

/// A row of the Errors table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorRow {
    /// The errored instance's id.
    pub id: String,
    pub integration: String,
    pub code: String,
    pub version: String,
    pub message: String,
    pub time: String,
    pub recoverable: bool,
}

fn text(item: &Value, pointer: &str) -> String {
    match item.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn first_text(item: &Value, pointers: &[&str]) -> String {
    pointers
        .iter()
        .map(|p| text(item, p))
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

/// Reads a page of `what` from `body`, each item by `row`.
fn page<T>(body: &str, what: &str, row: impl Fn(&Value) -> T) -> Result<Page<T>, String> {
    let json: Value = serde_json::from_str(body)
        .map_err(|e| format!("the answer is not a page of {what}: it is not JSON ({e})"))?;
    let Some(items) = json.get("items").and_then(Value::as_array) else {
        return Err(format!(
            "the answer is not a page of {what}: it has no items list"
        ));
    };
    let offset = json.get("offset").and_then(Value::as_u64).unwrap_or(0);
    let total = json.get("totalResults").and_then(Value::as_u64);
    let has_more = match json.get("hasMore").and_then(Value::as_bool) {
        Some(more) => more,
        None => total.is_some_and(|t| offset + (items.len() as u64) < t),
    };
    Ok(Page {
        items: items.iter().map(row).collect(),
        total,
        has_more,
        offset,
    })
}

/// A page of the Integrations table.
pub fn parse_integrations(body: &str) -> Result<Page<IntegrationRow>, String> {
    page(body, "integrations", integration_row)
}

/// One integration as activate and deactivate answer it: its row, with
/// the status it has now.
pub fn parse_integration(body: &str) -> Result<IntegrationRow, String> {
    let json: Value = serde_json::from_str(body)
        .map_err(|e| format!("the answer is not an integration: it is not JSON ({e})"))?;
    if !json.is_object() || json.get("code").is_none() {
        return Err("the answer is not an integration: it has no code".into());
    }
    Ok(integration_row(&json))
}

fn integration_row(item: &Value) -> IntegrationRow {
    {
        let code = text(item, "/code");
        let version = text(item, "/version");
        let id = match text(item, "/id") {
            id if !id.is_empty() => id,
            _ => format!("{code}|{version}"),
        };
        IntegrationRow {
            id,
            name: first_text(item, &["/name", "/code"]),
            code,
            version,
            status: text(item, "/status"),
            last_updated: first_text(item, &["/lastUpdated", "/created"]),
            pattern: first_text(item, &["/patternDescription", "/pattern", "/style"]),
        }
    }
}

/// A page of the Connections table.
pub fn parse_connections(body: &str) -> Result<Page<ConnectionRow>, String> {
    page(body, "connections", |item| ConnectionRow {
        id: text(item, "/id"),
        name: first_text(item, &["/name", "/id"]),
        adapter: first_text(item, &["/adapterType/displayName", "/adapterType/name"]),
        status: text(item, "/status"),
        usage: item.get("usage").and_then(Value::as_u64),
    })
}

/// A page of the Errors table.
pub fn parse_errors(body: &str) -> Result<Page<ErrorRow>, String> {
    page(body, "errored instances", |item| ErrorRow {
        id: text(item, "/id"),
        integration: first_text(
            item,
            &["/integration/name", "/integrationName", "/integration/code"],
        ),
        code: first_text(item, &["/integration/code", "/integrationId"]),
        version: first_text(item, &["/integration/version", "/integrationVersion"]),
        message: first_text(item, &["/errorMessage", "/errorDetails"]),
        time: first_text(item, &["/lastTrackedTime", "/creationDate"]),
        recoverable: item
            .get("recoverable")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    })
}

/// What came of an action, for the panel's result line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub ok: bool,
    pub message: String,
    /// What to check, for a refusal: the 401/403 guidance and the role.
    pub hint: Option<String>,
}

/// Oracle's error text from an error body: `detail`, `title` or
/// `o:errorDetails`, else the start of the body.
fn server_message(body: &str) -> String {
    let json: Option<Value> = serde_json::from_str(body).ok();
    let from_json = json.as_ref().and_then(|json| {
        [
            "/detail",
            "/o:errorDetails/0/detail",
            "/message",
            "/title",
            "/testStatusMessage",
        ]
        .iter()
        .map(|p| text(json, p))
        .find(|t| !t.trim().is_empty())
    });
    from_json.unwrap_or_else(|| {
        let trimmed = body.trim();
        let cut: String = trimmed.chars().take(300).collect();
        if cut.len() < trimmed.len() {
            format!("{cut}…")
        } else {
            cut
        }
    })
}

/// The panel's result line for `action` answered with `status` and `body`.
/// `refusal_hint` is [`super::api_refusal_hint`]'s advice for a 401 or 403;
/// the role the call needs is added to it.
pub fn outcome(
    action: &AdminAction,
    status: u16,
    body: &str,
    refusal_hint: Option<String>,
) -> Outcome {
    let success = (200..300).contains(&status);
    if !success {
        let said = server_message(body);
        let message = if said.is_empty() {
            format!("{} failed: HTTP {status}.", action.label())
        } else {
            format!("{} failed: HTTP {status}: {said}", action.label())
        };
        let hint = match status {
            401 | 403 => {
                let role = format!(
                    "{} needs the Oracle Integration application role {}, granted to the user (or, for client credentials, to the confidential application): Identity & Security → Domains → your domain → Oracle Cloud Services → your instance → Application roles.",
                    action.label(),
                    action.roles()
                );
                Some(match refusal_hint.filter(|h| !h.trim().is_empty()) {
                    Some(advice) => format!("{advice} {role}"),
                    None => role,
                })
            }
            404 if matches!(action, AdminAction::Import { replace: true, .. }) => Some(
                "The integration is not there yet: import it with Add instead of Replace.".into(),
            ),
            409 if matches!(action, AdminAction::Import { replace: false, .. }) => Some(
                "The integration exists already: import it with Replace (deactivate it first)."
                    .into(),
            ),
            _ => None,
        };
        return Outcome {
            ok: false,
            message,
            hint,
        };
    }
    let json: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let (ok, message) = match action {
        AdminAction::ListIntegrations { .. }
        | AdminAction::ListConnections { .. }
        | AdminAction::ListErrors { .. }
        | AdminAction::GetIntegration { .. }
        | AdminAction::GetConnection { .. } => (true, String::new()),
        AdminAction::Activate { id } => (
            true,
            format!(
                "Activated {id}: its status is {}.",
                or_unknown(text(&json, "/status"))
            ),
        ),
        AdminAction::Deactivate { id } => (
            true,
            format!(
                "Deactivated {id}: its status is {}.",
                or_unknown(text(&json, "/status"))
            ),
        ),
        AdminAction::Export { id } => (true, format!("Exported {id}.")),
        AdminAction::Import { replace, .. } => (
            true,
            if *replace {
                "Imported: the integration was replaced by the archive.".to_owned()
            } else {
                "Imported: the integration was added.".to_owned()
            },
        ),
        AdminAction::TestConnection { id } => {
            let result = text(&json, "/testStatus");
            let said = text(&json, "/testStatusMessage");
            let passed = result.is_empty() || result.eq_ignore_ascii_case("SUCCESS");
            let verdict = if passed { "passed" } else { "failed" };
            (
                passed,
                format!(
                    "Test of {id} {verdict}: {}",
                    if said.is_empty() {
                        or_unknown(result)
                    } else {
                        said
                    }
                ),
            )
        }
        AdminAction::Resubmit { id } => {
            (true, format!("Resubmit of {id} requested (HTTP {status})."))
        }
        AdminAction::ResubmitMany { ids } => {
            let list = |p: &str| {
                json.pointer(p)
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(|v| text(v, "")).collect::<Vec<_>>())
                    .unwrap_or_default()
            };
            let (accepted, invalid, stuck) = (
                list("/acceptedIds"),
                list("/invalidIds"),
                list("/nonRecoverableIds"),
            );
            let mut message = format!(
                "Resubmit of {} requested: {} accepted",
                ids.len(),
                accepted.len()
            );
            if !invalid.is_empty() {
                message.push_str(&format!("; unknown: {}", invalid.join(", ")));
            }
            if !stuck.is_empty() {
                message.push_str(&format!("; not recoverable: {}", stuck.join(", ")));
            }
            message.push('.');
            (invalid.is_empty() && stuck.is_empty(), message)
        }
        AdminAction::Abort { id } => (true, format!("Aborted {id} (HTTP {status}).")),
    };
    Outcome {
        ok,
        message,
        hint: None,
    }
}

fn or_unknown(text: String) -> String {
    if text.is_empty() {
        "not given".into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests;
