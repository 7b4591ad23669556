//! Corporate networks: the proxy, the extra CA certificates, the request
//! timeout and the response body limit the app's one HTTP client is built
//! with (Settings → Network), and Copy as cURL for the token request, which
//! carries the same settings.
//!
//! Applying settings builds a new client first and swaps it in (and saves
//! the settings) only when it built: a proxy URL that does not parse or a CA file that is not PEM is
//! reported as such and the client in use stays as it was. Certificate checks
//! stay on whatever the settings say (`oauth_console_core::http`).

use super::dialogs;
use crate::error::ShellError;
use crate::AppState;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::send::curl;
use oauth_console_core::store::Settings;
use oauth_console_core::{IpcError, TokenRequest};
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

/// The settings in effect, as the Network settings show them. A password in
/// the proxy URL is never sent back to the window.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkView {
    timeout_seconds: u64,
    /// Without its password; `None`: the system's proxy settings.
    proxy: Option<String>,
    /// Whether the proxy URL in effect has a password (kept in memory only).
    proxy_has_password: bool,
    ca_bundle: Option<String>,
    /// "Keep response bodies up to (MB)".
    max_body_megabytes: u64,
}

impl NetworkView {
    fn of(settings: &HttpSettings) -> NetworkView {
        let proxy = settings.proxy_url().ok().flatten();
        NetworkView {
            timeout_seconds: settings.timeout.as_secs(),
            proxy_has_password: proxy.as_ref().is_some_and(|p| p.password().is_some()),
            proxy: proxy.map(|mut p| {
                let _ = p.set_password(None);
                p.as_str().trim_end_matches('/').to_owned()
            }),
            ca_bundle: settings.ca_bundle_path().map(|p| p.display().to_string()),
            max_body_megabytes: settings.max_body.div_ceil(oauth_console_core::http::MEGABYTE),
        }
    }
}

/// The network settings in effect.
#[tauri::command]
pub fn network_settings(state: State<'_, AppState>) -> NetworkView {
    NetworkView::of(state.http().settings())
}

/// Builds the client from `settings` and, when it builds, uses it for every
/// request from now on and saves the settings (the store writes no proxy
/// password). A bad proxy URL or CA bundle is an error and changes nothing.
#[tauri::command]
/// On a blocking thread: the CA bundle is read from disk and the settings
/// file written.
pub async fn update_network_settings(app: AppHandle, settings: HttpSettings) -> Result<NetworkView, IpcError> {
    super::blocking(&app, move |state| {
        let client = HttpClient::new(settings.clone())?;
        let view = NetworkView::of(client.settings());
        state.set_http(client);
        let mut store = state.store();
        let saved = Settings {
            network: settings,
            ..store.data().settings.clone()
        };
        store.update_settings(saved)?;
        Ok(view)
    })
    .await
}

/// "Choose…" for the CA bundle: the path of the PEM file picked, or `None`
/// when the user cancelled.
#[tauri::command]
pub async fn choose_ca_bundle(app: AppHandle) -> Result<Option<String>, IpcError> {
    let dialog = app
        .dialog()
        .file()
        .set_title("CA bundle (PEM)")
        .add_filter("PEM certificates", &["pem", "crt", "cer"])
        .add_filter("All files", &["*"]);
    Ok(dialogs::shown(dialogs::pick(dialog).await?))
}

/// Copy as cURL for Get New Access Token (client credentials, password,
/// JWT Assertion, a refresh token), with the app's proxy, CA bundle and
/// timeout. An empty Client Secret means the profile's saved one, as for
/// Get New Access Token. Secrets and the user assertion are placeholders
/// unless `include_secrets` (then the assertion is signed now, valid for its
/// lifetime); a client assertion is always a placeholder. The device code
/// and the authorization code have commands of their own
/// (`copy_device_request_as_curl`, `copy_code_exchange_as_curl`).
#[tauri::command]
pub async fn copy_token_request_as_curl(
    app: AppHandle,
    state: State<'_, AppState>,
    request: TokenRequest,
    include_secrets: bool,
) -> Result<u64, IpcError> {
    let (request, _) = super::secrets::fill_saved_secrets(&app, request).await?;
    let settings = state.http().settings().clone();
    // Signing an assertion is RSA work: off the main thread, like the rest.
    let command = super::blocking(&app, move |_| {
        Ok(match &request {
            TokenRequest::ClientCredentials(grant) => curl::for_client_credentials(grant, &settings, include_secrets)?,
            TokenRequest::Password(grant) => curl::for_password(grant, &settings, include_secrets)?,
            TokenRequest::JwtAssertion(grant) => curl::for_jwt_assertion(grant, &settings, include_secrets, std::time::SystemTime::now())?,
            TokenRequest::RefreshToken(grant) => curl::for_refresh_token(grant, &settings, include_secrets)?,
            _ => return Err(ShellError::CurlUnavailable.into()),
        })
    })
    .await?;
    let copy = crate::clipboard::Copy::new(command, include_secrets);
    crate::clipboard::write(&app, copy, state.clipboard_clear_seconds()).await
}
