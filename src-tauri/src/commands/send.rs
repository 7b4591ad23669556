//! Send, Cancel, and what the response panel can do with a response: show
//! its body, copy it, save it; and Copy as cURL.

use crate::error::ShellError;
use crate::AppState;
use oauth_console_core::send::curl;
use oauth_console_core::send::pretty::pretty_json;
use oauth_console_core::send::variables::{self, Variables};
use oauth_console_core::send::{self, ApiRequest, NameValue, ApiResponse, BodyKind, RequestBody, HeaderLine, Hop, StoppedRedirect, Timing};
use oauth_console_core::store::Outcome;
use oauth_console_core::{IpcError, Secret};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter, State};
use crate::clipboard::Copy;
use oauth_console_core::secret::holds_secret;
use tauri_plugin_dialog::DialogExt;

/// A response as the panel shows it; the body is fetched on its own
/// ([`response_body`]) so that a large one does not travel as JSON.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseView {
    id: u64,
    status: u16,
    reason: String,
    url: String,
    headers: Vec<HeaderLine>,
    size: u64,
    timing: Timing,
    hops: Vec<Hop>,
    note: Option<String>,
    body_kind: BodyKind,
    content_type: Option<String>,
    /// The redirect the sender refused to follow, for the Redirects tab.
    stopped: Option<StoppedRedirect>,
    /// The body cap in bytes when the body was longer and cut there.
    truncated_at: Option<u64>,
    /// Settings → "Get a new token and retry once on 401": the first
    /// answer's hops and the token request between; this response is the
    /// retry's.
    #[serde(skip_serializing_if = "Option::is_none")]
    retry: Option<Retry>,
}

/// The 401 before a retry, and the new token's request.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Retry {
    first: Vec<Hop>,
    /// "POST <token URL> (Client Credentials): a new token".
    token_request: String,
}

pub(crate) fn view(id: u64, response: &ApiResponse) -> ResponseView {
    ResponseView {
        id,
        status: response.status,
        reason: response.reason.clone(),
        url: response.url.clone(),
        headers: response.headers.clone(),
        size: response.size.body,
        timing: response.timing,
        hops: response.hops.clone(),
        note: response.note.clone(),
        body_kind: response.body.kind,
        content_type: response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("content-type"))
            .map(|h| h.value.clone()),
        stopped: response.stopped.clone(),
        retry: None,
        truncated_at: response.truncated_at,
    }
}

/// `Authorization: Bearer <token>` for the token Use Token attached.
pub(crate) fn authorization(state: &AppState, token_id: Option<&str>) -> Result<Option<Secret>, IpcError> {
    let Some(id) = token_id else { return Ok(None) };
    // `<prefix> <token>` as Use Token attached it (Settings' header prefix,
    // or the ID token instead of the access token).
    let header = state.tokens.authorization(id).ok_or(ShellError::AttachedTokenGone)?;
    Ok(Some(header))
}

/// Send: the request, with the attached token, following redirects safely.
/// A token that expires within a minute is refreshed first (auto-refresh).
/// Every send, answered or not, is recorded in the current profile's
/// History, without its credentials (the core takes them out).
#[tauri::command]
pub async fn send_request(
    app: AppHandle,
    state: State<'_, AppState>,
    request_id: u64,
    request: ApiRequest,
    token_id: Option<String>,
    variables: Option<Vec<NameValue>>,
) -> Result<ResponseView, IpcError> {
    let profile_id = state.store().current().id.clone();
    let at = super::history::now_ms();
    // `{{name}}` resolved from the profile's variables (the Variables tab's
    // rows, secret values included): an unknown name stops Send. History
    // keeps the request as written, `{{name}}` and all, never a value.
    let sent = match variables::resolve(&request, &Variables::new(&variables.unwrap_or_default())) {
        Ok(resolved) => send_and_keep(&app, &state, request_id, resolved, token_id).await,
        Err(e) => Err(e.into()),
    };
    let outcome = match &sent {
        Ok(view) => Outcome {
            status: Some(view.status),
            reason: Some(view.reason.clone()).filter(|r| !r.is_empty()),
            duration_ms: Some(view.timing.total.as_millis() as u64),
            size: Some(view.size),
            error: None,
        },
        Err(e) => Outcome {
            error: Some(e.code.clone()),
            ..Outcome::default()
        },
    };
    super::history::record(&app, profile_id, request, outcome, at).await;
    sent
}

async fn send_and_keep(
    app: &AppHandle,
    state: &AppState,
    request_id: u64,
    request: ApiRequest,
    token_id: Option<String>,
) -> Result<ResponseView, IpcError> {
    if let Some(id) = token_id.as_deref() {
        super::grants::refresh_before_send(app, state, request_id, id).await?;
    }
    let authorization = authorization(state, token_id.as_deref())?;
    let http = state.http();
    let sent = request.clone();
    let response = state
        .in_flight
        .run(request_id, async move { send::send(&http, &sent, authorization.as_ref()).await })
        .await?;
    if response.status == 401 {
        if let Some(retried) = retry_once(app, state, request_id, &request, token_id.as_deref(), &response).await? {
            let (response, retry) = retried;
            let kept = state.responses.keep(response, Some(request), token_id);
            return Ok(ResponseView { retry: Some(retry), ..view(kept.id, &kept.response) });
        }
    }
    let kept = state.responses.keep(response, Some(request), token_id);
    Ok(view(kept.id, &kept.response))
}

/// After a 401, with Settings → "Get a new token and retry once on 401" on
/// and a token got by client credentials, password or JWT assertion: gets a
/// new token the same way (it replaces the held one, and the window hears
/// of it) and sends the request once more. `None` when none of that applies.
async fn retry_once(
    app: &AppHandle,
    state: &AppState,
    request_id: u64,
    request: &ApiRequest,
    token_id: Option<&str>,
    first: &ApiResponse,
) -> Result<Option<(ApiResponse, Retry)>, IpcError> {
    let Some(id) = token_id else { return Ok(None) };
    if !state.store().data().settings.retry_on_401 {
        return Ok(None);
    }
    let Some(renew) = state.tokens.held(id).and_then(|held| held.renew) else { return Ok(None) };
    let (client, label) = renew.client_and_label();
    let http = state.http();
    let token = state
        .in_flight
        .run(request_id, async move { oauth_console_core::request_token(&http, &renew, std::time::SystemTime::now()).await })
        .await?;
    if let Some(view) = state.tokens.replace(id, token) {
        let _ = app.emit_to("main", super::grants::TOKEN_UPDATED, view);
    }
    let authorization = authorization(state, Some(id))?;
    let http = state.http();
    let sent = request.clone();
    let response = state
        .in_flight
        .run(request_id, async move { send::send(&http, &sent, authorization.as_ref()).await })
        .await?;
    let retry = Retry {
        first: first.hops.clone(),
        token_request: format!("POST {} ({label}): a new token", client.token_url),
    };
    Ok(Some((response, retry)))
}

/// Follow once without credentials: the redirect the response
/// `response_id` stopped at, sent once without the token or any credential
/// row. The new response replaces it in the panel.
#[tauri::command]
pub async fn follow_redirect_once(
    state: State<'_, AppState>,
    request_id: u64,
    response_id: u64,
) -> Result<ResponseView, IpcError> {
    let kept = state.responses.kept(response_id).ok_or(ShellError::UnknownResponse)?;
    let request = kept.request.ok_or(ShellError::NotResendable)?;
    let stopped = kept.response.stopped.clone().ok_or(ShellError::NothingStopped)?;
    let http = state.http();
    let response = state
        .in_flight
        .run(request_id, async move { send::follow_once(&http, &request, &stopped).await })
        .await?;
    // Not kept as re-sendable: sending the first request again would stop
    // at the same redirect.
    let kept = state.responses.keep(response, None, None);
    Ok(view(kept.id, &kept.response))
}

/// Progress of Save to file, sent to the window as it goes.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveProgress {
    pub(crate) written: u64,
    /// The Content-Length, when the server sent one.
    pub(crate) total: Option<u64>,
}

/// Save to file: sends the request of `response_id` again (with the same
/// token) and streams the whole body to `path`, past the body limit,
/// reporting progress on `progress` (at most ten times a second). Cancel
/// with `cancel_request(request_id)`: the partial file is removed.
#[tauri::command]
pub async fn save_body_to_file(
    state: State<'_, AppState>,
    request_id: u64,
    response_id: u64,
    path: String,
    progress: Channel<SaveProgress>,
) -> Result<send::Saved, IpcError> {
    let kept = state.responses.kept(response_id).ok_or(ShellError::UnknownResponse)?;
    let request = kept.request.ok_or(ShellError::NotResendable)?;
    let path = std::path::PathBuf::from(path.trim());
    if path.as_os_str().is_empty() {
        return Err(ShellError::SaveFailed("no file was given".into()).into());
    }
    let authorization = authorization(&state, kept.token_id.as_deref())?;
    let http = state.http();
    state
        .in_flight
        .run(request_id, async move {
            let mut last = std::time::Instant::now();
            let every = std::time::Duration::from_millis(100);
            send::save_body_to_file(&http, &request, authorization.as_ref(), &path, |written, total| {
                if written == 0 || last.elapsed() >= every || total == Some(written) {
                    last = std::time::Instant::now();
                    let _ = progress.send(SaveProgress { written, total });
                }
            })
            .await
        })
        .await
        .map_err(IpcError::from)
}

/// "Choose…" for Save to file: the path picked in the save dialog, or
/// `None` when the user cancelled.
#[tauri::command]
pub async fn choose_save_path(app: AppHandle, state: State<'_, AppState>, response_id: u64) -> Result<Option<String>, IpcError> {
    let response = state.responses.get(response_id).ok_or(ShellError::UnknownResponse)?;
    Ok(ask_save_path(&app, &response.url).await?.map(|path| path.display().to_string()))
}

/// "Choose file…" on the Body tab (a multipart file part, a binary file):
/// the path picked in the open dialog, or `None` when the user cancelled.
/// The file is not read here: the sender opens it when the request goes out.
#[tauri::command]
pub async fn choose_body_file(app: AppHandle) -> Result<Option<String>, IpcError> {
    let dialog = app.dialog().file().set_title("File to send");
    Ok(super::dialogs::shown(super::dialogs::pick(dialog).await?))
}

/// The save dialog, with the last segment of `url` as the suggested name;
/// `None` when the user cancelled.
async fn ask_save_path(app: &AppHandle, url: &str) -> Result<Option<std::path::PathBuf>, ShellError> {
    super::dialogs::save(app.dialog().file().set_file_name(file_name(url))).await
}

/// The last segment of `url`, as the save dialog's suggested name.
fn file_name(url: &str) -> String {
    url.rsplit('/')
        .next()
        .filter(|n| !n.is_empty() && !n.contains('?'))
        .unwrap_or("response.bin")
        .to_owned()
}

/// The body for the viewer: JSON pretty-printed, text as it is, as raw
/// UTF-8 bytes (no JSON escaping of a 20 MB string). The first line is a
/// small JSON head, `{"notice": …}`: the printer's one-line notice when a
/// JSON body is shown as received (too deep or too large to indent), else
/// null; the body follows the newline.
/// Printing grows with the body: on a blocking thread.
#[tauri::command]
pub async fn response_body(app: AppHandle, response_id: u64) -> Result<tauri::ipc::Response, IpcError> {
    super::blocking(&app, move |state| {
        let response = state.responses.get(response_id).ok_or(ShellError::UnknownResponse)?;
        let (text, notice) = match (response.body.kind, response.body.text()) {
            (BodyKind::Json, Some(text)) => {
                let pretty = pretty_json(text);
                (pretty.text, pretty.notice)
            }
            (_, Some(text)) => (text.to_owned(), None),
            (_, None) => (String::new(), None),
        };
        let head = serde_json::json!({ "notice": notice }).to_string();
        let mut bytes = Vec::with_capacity(head.len() + 1 + text.len());
        bytes.extend_from_slice(head.as_bytes());
        bytes.push(b'\n');
        bytes.extend_from_slice(text.as_bytes());
        Ok(tauri::ipc::Response::new(bytes))
    })
    .await
}

/// Copy response body: the body as received.
/// A body that holds a token is a secret copy: cleared like a copied token.
/// Returns the clear delay in seconds (0: not a secret, or never cleared).
#[tauri::command]
pub async fn copy_response_body(app: AppHandle, state: State<'_, AppState>, response_id: u64) -> Result<u64, IpcError> {
    let response = state.responses.get(response_id).ok_or(ShellError::UnknownResponse)?;
    let copy = tauri::async_runtime::spawn_blocking(move || {
        let text = String::from_utf8_lossy(&response.body.bytes).into_owned();
        let secret = holds_secret(&text);
        Copy::new(text, secret)
    })
    .await
    .map_err(|e| IpcError::from(oauth_console_core::Error::Internal(format!("a background task failed: {e}"))))?;
    crate::clipboard::write(&app, copy, state.clipboard_clear_seconds()).await
}

/// Save: asks where, then writes the body as received. False when the user
/// cancelled the dialog.
#[tauri::command]
pub async fn save_response_body(app: AppHandle, state: State<'_, AppState>, response_id: u64) -> Result<bool, IpcError> {
    let response = state.responses.get(response_id).ok_or(ShellError::UnknownResponse)?;
    let Some(path) = ask_save_path(&app, &response.url).await? else { return Ok(false) };
    tokio::fs::write(&path, &response.body.bytes).await.map_err(|e| ShellError::SaveFailed(format!("{}: {e}", path.display())))?;
    Ok(true)
}

/// Copy as cURL for the API request. `--location-trusted` only when the
/// user's setting forwarded Authorization on the last send of this URL.
/// With secrets included, the command is a secret copy (cleared like a
/// copied token); returns the clear delay in seconds (0: none).
#[tauri::command]
pub async fn copy_request_as_curl(
    app: AppHandle,
    state: State<'_, AppState>,
    request: ApiRequest,
    token_id: Option<String>,
    include_secrets: bool,
    variables: Option<Vec<NameValue>>,
) -> Result<u64, IpcError> {
    // Variables resolved as at Send; without secrets, a secret variable
    // stays `{{name}}`, and an unknown name stays as written.
    let (request, secret_variable) =
        variables::for_copy(&request, &Variables::new(&variables.unwrap_or_default()), include_secrets);
    let authorization = authorization(&state, token_id.as_deref())?;
    let observed = state.responses.hops_for(&request.url);
    let command = curl::for_api_request(
        &request,
        authorization.as_ref(),
        state.http().settings(),
        observed.as_deref(),
        include_secrets,
    )?;
    let secret = include_secrets && (secret_variable || holds_any_secret(&request, authorization.is_some()));
    crate::clipboard::write(&app, Copy::new(command, secret), state.clipboard_clear_seconds()).await
}

/// Whether a Copy as cURL with secrets carries any: the token, a credential
/// header, or a secret form field.
fn holds_any_secret(request: &ApiRequest, with_token: bool) -> bool {
    with_token || request.headers.iter().any(|h| h.enabled && h.is_secret())
        || match &request.body {
            RequestBody::Form { fields } => fields.iter().any(|f| f.enabled && f.is_secret()),
            RequestBody::Multipart { parts } => parts.iter().any(|p| p.enabled && p.is_secret()),
            _ => false,
        }
}

