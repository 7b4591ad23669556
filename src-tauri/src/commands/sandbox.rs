//! The built-in sandbox: started on first use, stopped with the app.

use crate::error::ShellError;
use crate::AppState;
use oauth_console_core::IpcError;
use oauth_console_sandbox::Sandbox;
use serde::Serialize;
use tauri::State;

/// What the Sandbox profile is filled with. These are the sandbox's own
/// credentials, valid only on this computer, and shown as such.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SandboxInfo {
    identity_url: String,
    token_url: String,
    authorize_url: String,
    device_url: String,
    runtime_url: String,
    design_url: String,
    design_host: String,
    client_id: String,
    client_secret: String,
    username: String,
    password: String,
    audience: String,
    scope_all: String,
    scope_api: String,
    redirect_uri: String,
}

impl From<&Sandbox> for SandboxInfo {
    fn from(sandbox: &Sandbox) -> Self {
        let c = sandbox.credentials();
        let design_url = sandbox.design_url();
        SandboxInfo {
            identity_url: sandbox.identity_url(),
            token_url: sandbox.token_url(),
            authorize_url: sandbox.authorize_url(),
            device_url: sandbox.device_url(),
            runtime_url: sandbox.runtime_url(),
            design_host: design_url.trim_start_matches("http://").trim_end_matches('/').to_owned(),
            design_url,
            client_id: c.client_id.clone(),
            client_secret: c.client_secret.clone(),
            username: c.username.clone(),
            password: c.password.clone(),
            audience: c.audience.clone(),
            scope_all: c.scope_all.clone(),
            scope_api: c.scope_api.clone(),
            redirect_uri: c.redirect_uris.first().cloned().unwrap_or_default(),
        }
    }
}

/// Starts the sandbox on first use and says where it listens.
#[tauri::command]
pub async fn sandbox_start(state: State<'_, AppState>) -> Result<SandboxInfo, IpcError> {
    started(&state).await
}

/// The sandbox, started if it is not running yet (`app_state` brings it with
/// the window's start when the current profile is the Sandbox).
pub async fn started(state: &AppState) -> Result<SandboxInfo, IpcError> {
    let mut running = state.sandbox.lock().await;
    if running.is_none() {
        let sandbox = Sandbox::start_with(sandbox_config()).await.map_err(|e| ShellError::SandboxUnavailable(e.to_string()))?;
        *running = Some(sandbox);
    }
    Ok(SandboxInfo::from(running.as_ref().expect("started above")))
}

/// Oracle's lifetimes, except that `OAUTH_CONSOLE_SANDBOX_TOKEN_TTL=<seconds>`
/// shortens the sandbox's access tokens: a test hook, so that auto-refresh
/// (a token that expires within a minute is refreshed before Send) can be
/// seen end to end without waiting an hour. It changes only the built-in
/// sandbox, never a real identity domain.
fn sandbox_config() -> oauth_console_sandbox::SandboxConfig {
    let mut config = oauth_console_sandbox::SandboxConfig::default();
    if let Some(seconds) = std::env::var("OAUTH_CONSOLE_SANDBOX_TOKEN_TTL").ok().and_then(|v| v.trim().parse().ok()) {
        config.token_ttl = std::time::Duration::from_secs(seconds);
    }
    config
}

/// The Sandbox profile's key pair as the window shows it: the alias and
/// certificate (public), never the private key, which the app takes from
/// the sandbox when it signs ([`super::keys::fill_signing`]).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SandboxKey {
    alias: String,
    certificate: String,
}

/// The sandbox-only key pair (made in memory on first use, its certificate
/// uploaded to the sandbox's client), on a blocking thread: generating an
/// RSA key takes a moment.
#[tauri::command]
pub async fn sandbox_key_pair(app: tauri::AppHandle) -> Result<SandboxKey, IpcError> {
    super::blocking(&app, |state| {
        let running = state.sandbox.blocking_lock();
        let sandbox = running.as_ref().ok_or_else(|| ShellError::SandboxUnavailable("it is not running".into()))?;
        let pair = sandbox.sandbox_key_pair().map_err(|e| ShellError::SandboxUnavailable(e.to_string()))?;
        Ok(SandboxKey { alias: pair.alias, certificate: pair.certificate_pem })
    })
    .await
}
