//! Import: Paste cURL into the request or Authorization panel, Postman
//! collections, environments and globals into a profile's saved requests and
//! variables, and Export back to Postman. The parsing is the core's
//! (`collections`); here the secrets go to the keychain through the same
//! paths as the Authorization panel's fields.

use super::blocking;
use oauth_console_core::collections::curl::{self, TokenFields};
use oauth_console_core::send::ApiRequest;
use oauth_console_core::store::{self, SecretKind};
use oauth_console_core::IpcError;
use serde::Serialize;
use tauri::AppHandle;

/// A pasted curl command as the window applies it: the request panel's
/// request, or (a token request) the Authorization panel's fields, whose
/// secrets are already in the keychain.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CurlView {
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<ApiRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<TokenFields>,
    notes: Vec<String>,
}

/// Paste cURL: reads `command`; when it asks a token endpoint (Oracle's
/// `/oauth2/v1/token` or `token_url`, the profile's Access Token URL) for a
/// token, its client secret and password are kept for the profile as if
/// typed into the Authorization panel.
#[tauri::command]
pub async fn import_curl(
    app: AppHandle,
    profile_id: String,
    command: String,
    token_url: Option<String>,
) -> Result<CurlView, IpcError> {
    blocking(&app, move |state| {
        let parsed = curl::parse(&command)?;
        let mut notes = parsed.notes;
        let Some(import) = curl::token_fields(&parsed.request, token_url.as_deref().unwrap_or_default()) else {
            return Ok(CurlView { request: Some(parsed.request), token: None, notes });
        };
        notes.extend(import.notes);
        let remember = state.store().profile(&profile_id)?.remember_password;
        let origin_url = import.fields.token_url.clone();
        for (kind, secret) in [(SecretKind::ClientSecret, &import.client_secret), (SecretKind::Password, &import.password)] {
            if let Some(secret) = secret.as_ref().filter(|s| !s.is_empty()) {
                store::keep_secret(&state.vault, &profile_id, kind, secret, remember)?;
                state.store().record_secret_origin(&profile_id, kind, &origin_url)?;
                notes.push(format!("The {} was saved {}.", kind.label(), if kind == SecretKind::Password && !remember { "for this session (Remember password is off)" } else { "in the keychain" }));
            }
        }
        Ok(CurlView { request: None, token: Some(import.fields), notes })
    })
    .await
}
