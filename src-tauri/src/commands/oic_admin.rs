//! The Oracle Integration administration panels (Integrations, Connections,
//! Errors): each action is built by `oauth_console_core::oracle::admin` as
//! one `ApiRequest`, sent by the request sender with the attached token
//! (refreshed first like Send), kept on the response shelf, and answered
//! with that request (the window's "Request sent", which Copy as cURL
//! copies), the response, the outcome and, for a list, its rows.

use crate::commands::send::{authorization, view, ResponseView, SaveProgress};
use crate::error::ShellError;
use crate::AppState;
use oauth_console_core::oracle::admin::{self, AdminAction, Outcome, Target};
use oauth_console_core::oracle::{self, OracleInputs};
use oauth_console_core::send::{self, ApiRequest, ApiResponse};
use oauth_console_core::IpcError;
use serde::Serialize;
use serde_json::Value;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

/// The most of a response body shown beside "Request sent".
const SHOWN_BODY: usize = 4000;

/// What one action did.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminResult {
    /// Exactly what was sent: the "Request sent" line.
    request: ApiRequest,
    response: ResponseView,
    outcome: Outcome,
    /// The start of the body (not for lists, whose rows are shown).
    body: Option<String>,
    /// A list's page: `{items, total, hasMore, offset}`.
    page: Option<Value>,
    /// The integration's row as it is now, after Activate or Deactivate.
    row: Option<admin::IntegrationRow>,
    /// The design-time origin the runtime URL redirected to, where the
    /// panels send their next calls (a 302 turns POST into GET).
    design_base: Option<String>,
}

/// The 401/403 guidance and the role the action needs, or the outcome as read.
fn judge(
    state: &AppState,
    action: &AdminAction,
    response: &ApiResponse,
    token_id: Option<&str>,
    oracle_inputs: Option<&OracleInputs>,
) -> Outcome {
    let body = response.body.text().unwrap_or_default();
    let hint = matches!(response.status, 401 | 403)
        .then(|| {
            let refusal = super::oracle::refusal_of(state, response, token_id);
            let profile = oracle_inputs.and_then(|inputs| oracle::derive(inputs).ok());
            oracle::api_refusal_hint(&refusal, profile.as_ref())
        })
        .flatten();
    admin::outcome(action, response.status, body, hint)
}

fn page_of(action: &AdminAction, body: &str) -> Option<Result<Value, String>> {
    let to_value = |v: Result<Value, serde_json::Error>| v.map_err(|e| e.to_string());
    Some(match action {
        AdminAction::ListIntegrations { .. } => {
            admin::parse_integrations(body).and_then(|p| to_value(serde_json::to_value(p)))
        }
        AdminAction::ListConnections { .. } => {
            admin::parse_connections(body).and_then(|p| to_value(serde_json::to_value(p)))
        }
        AdminAction::ListErrors { .. } => {
            admin::parse_errors(body).and_then(|p| to_value(serde_json::to_value(p)))
        }
        _ => return None,
    })
}

/// The request an action would send, without sending it (Open in request
/// panel, and "Request sent" before an answer).
#[tauri::command]
pub fn oic_admin_request(target: Target, action: AdminAction) -> ApiRequest {
    admin::request(&target, &action)
}

/// One action of the panels: sends it with the attached token and reads the
/// answer. Cancel with `cancel_request(request_id)`.
#[tauri::command]
pub async fn oic_admin(
    app: AppHandle,
    state: State<'_, AppState>,
    request_id: u64,
    target: Target,
    action: AdminAction,
    token_id: Option<String>,
    oracle: Option<OracleInputs>,
) -> Result<AdminResult, IpcError> {
    if let Some(id) = token_id.as_deref() {
        super::grants::refresh_before_send(&app, &state, request_id, id).await?;
    }
    let request = admin::request(&target, &action);
    let authorization = authorization(&state, token_id.as_deref())?;
    let http = state.http();
    let sent = request.clone();
    let response = state
        .in_flight
        .run(request_id, async move {
            send::send(&http, &sent, authorization.as_ref()).await
        })
        .await?;
    let mut outcome = judge(
        &state,
        &action,
        &response,
        token_id.as_deref(),
        oracle.as_ref(),
    );
    let text = response.body.text().unwrap_or_default();
    let page = if outcome.ok && (200..300).contains(&response.status) {
        match page_of(&action, text) {
            Some(Ok(page)) => Some(page),
            Some(Err(problem)) => {
                outcome = Outcome {
                    ok: false,
                    message: problem,
                    hint: None,
                };
                None
            }
            None => None,
        }
    } else {
        None
    };
    let body = page.is_none().then(|| {
        let mut shown: String = text.chars().take(SHOWN_BODY).collect();
        if shown.len() < text.len() {
            shown.push('…');
        }
        shown
    });
    let row = match action {
        AdminAction::Activate { .. } | AdminAction::Deactivate { .. } if outcome.ok => {
            admin::parse_integration(text).ok()
        }
        _ => None,
    };
    let design_base = admin::design_base(&target.base_url, &response.url);
    let kept = state
        .responses
        .keep(response, Some(request.clone()), token_id);
    Ok(AdminResult {
        request,
        response: view(kept.id, &kept.response),
        outcome,
        body,
        page,
        row,
        design_base,
    })
}

/// What Export .iar did.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportResult {
    request: ApiRequest,
    outcome: Outcome,
    status: u16,
    bytes: u64,
    path: String,
}

/// Export .iar: streams the archive of integration `id` to `path` (typed or
/// chosen with [`oic_choose_archive_path`]), with progress on `progress`.
/// A refusal (not 2xx) leaves `path` as it was and says why.
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn oic_admin_export(
    app: AppHandle,
    state: State<'_, AppState>,
    request_id: u64,
    target: Target,
    id: String,
    path: String,
    token_id: Option<String>,
    progress: Channel<SaveProgress>,
) -> Result<ExportResult, IpcError> {
    let path_buf = std::path::PathBuf::from(path.trim());
    if path_buf.as_os_str().is_empty() {
        return Err(ShellError::SaveFailed("no file was given for the archive".into()).into());
    }
    if let Some(token) = token_id.as_deref() {
        super::grants::refresh_before_send(&app, &state, request_id, token).await?;
    }
    let action = AdminAction::Export { id };
    let request = admin::request(&target, &action);
    let authorization = authorization(&state, token_id.as_deref())?;
    let http = state.http();
    let sent = request.clone();
    // Saved beside the file first: a refusal (Oracle's error body) must not
    // replace a file the user already has there.
    let name = path_buf.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "archive.iar".into());
    let download = path_buf.with_file_name(format!(".{name}.download"));
    let target_path = download.clone();
    let saved = state
        .in_flight
        .run(request_id, async move {
            let mut last = std::time::Instant::now();
            let every = std::time::Duration::from_millis(100);
            send::save_body_to_file(
                &http,
                &sent,
                authorization.as_ref(),
                &target_path,
                |written, total| {
                    if written == 0 || last.elapsed() >= every || total == Some(written) {
                        last = std::time::Instant::now();
                        let _ = progress.send(SaveProgress { written, total });
                    }
                },
            )
            .await
        })
        .await?;
    let outcome = if (200..300).contains(&saved.status) {
        if let Err(e) = tokio::fs::rename(&download, &path_buf).await {
            let _ = tokio::fs::remove_file(&download).await;
            return Err(ShellError::SaveFailed(format!("{}: {e}", path_buf.display())).into());
        }
        admin::outcome(&action, saved.status, "", None)
    } else {
        // The body saved was Oracle's error, not an archive: read it, remove it.
        let said = tokio::fs::read(&download).await.unwrap_or_default();
        let _ = tokio::fs::remove_file(&download).await;
        let mut outcome =
            admin::outcome(&action, saved.status, &String::from_utf8_lossy(&said), None);
        if matches!(saved.status, 401 | 403) && outcome.hint.is_none() {
            outcome.hint = Some(format!("Export needs the role {}.", action.roles()));
        }
        outcome
    };
    Ok(ExportResult {
        request,
        status: saved.status,
        bytes: if outcome.ok { saved.bytes } else { 0 },
        path: path_buf.display().to_string(),
        outcome,
    })
}

/// "Choose…" beside Export .iar: the save dialog, suggesting
/// `<CODE>_<VERSION>.iar`; `None` when cancelled.
#[tauri::command]
pub async fn oic_choose_archive_path(
    app: AppHandle,
    id: String,
) -> Result<Option<String>, IpcError> {
    let name = format!("{}.iar", id.replace('|', "_"));
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(name)
        .add_filter("Integration archive", &["iar"])
        .save_file(move |path| {
            let _ = tx.send(path);
        });
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    Ok(Some(
        path.into_path()
            .map_err(|e| ShellError::SaveFailed(e.to_string()))?
            .display()
            .to_string(),
    ))
}

/// "Choose…" beside Import .iar…: the open dialog; `None` when cancelled.
#[tauri::command]
pub async fn oic_choose_archive_file(app: AppHandle) -> Result<Option<String>, IpcError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .add_filter("Integration archive", &["iar", "zip"])
        .pick_file(move |path| {
            let _ = tx.send(path);
        });
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    Ok(Some(
        path.into_path()
            .map_err(|e| ShellError::SaveFailed(e.to_string()))?
            .display()
            .to_string(),
    ))
}
