//! Introspect and Revoke in Token Details: ask the server about the held
//! token, or revoke it, authenticated as the client that got it
//! (`oauth_console_core::introspection`).

use super::blocking;
use crate::error::ShellError;
use crate::shelf::SavedRef;
use crate::AppState;
use oauth_console_core::introspection::{self, Introspection, TokenKind};
use oauth_console_core::{IpcError, Secret, TokenView};
use std::time::SystemTime;
use tauri::{AppHandle, State};

/// The held token `token_id` and its value of `kind`.
fn held_value(state: &AppState, token_id: &str, kind: TokenKind) -> Result<(crate::shelf::Held, Secret), IpcError> {
    let held = state.tokens.held(token_id).ok_or(ShellError::UnknownToken)?;
    let value = match kind {
        TokenKind::AccessToken => held.token.access_token.clone(),
        TokenKind::RefreshToken => held.token.refresh_token.clone().ok_or(ShellError::NoRefreshTokenHeld)?,
    };
    Ok((held, value))
}

/// Introspect: what the introspection endpoint `url` (empty: beside the
/// token endpoint, as on OCI IAM) says about the held token's access token
/// (or refresh token).
#[tauri::command]
pub async fn introspect_token(
    state: State<'_, AppState>,
    request_id: u64,
    token_id: String,
    url: String,
    kind: TokenKind,
) -> Result<Introspection, IpcError> {
    let (held, value) = held_value(&state, &token_id, kind)?;
    let url = introspection::introspection_url(&url, &held.client.token_url)?;
    let http = state.http();
    let client = held.client.clone();
    Ok(state
        .in_flight
        .run(request_id, async move {
            introspection::introspect(&http, &client, &url, &value, kind, SystemTime::now()).await
        })
        .await?)
}

/// Revoke: revokes the held token's access token (then marked revoked here
/// and in Manage Tokens, and refused by Use Token) or its refresh token
/// (then dropped, so Refresh is no longer offered).
#[tauri::command]
pub async fn revoke_token(
    app: AppHandle,
    state: State<'_, AppState>,
    request_id: u64,
    token_id: String,
    url: String,
    kind: TokenKind,
) -> Result<TokenView, IpcError> {
    let (held, value) = held_value(&state, &token_id, kind)?;
    let http = state.http();
    let client = held.client.clone();
    state
        .in_flight
        .run(request_id, async move {
            introspection::revoke(&http, &client, &url, &value, kind, SystemTime::now()).await
        })
        .await?;
    match kind {
        TokenKind::AccessToken => {
            let view = state.tokens.mark_revoked(&token_id).ok_or(ShellError::UnknownToken)?;
            if let Some(SavedRef { profile_id, token_id }) = held.saved {
                blocking(&app, move |state| Ok(state.store().mark_token_revoked(&profile_id, &token_id)?)).await?;
            }
            Ok(view)
        }
        TokenKind::RefreshToken => {
            // The same token without its refresh token; a saved one is saved
            // again without it (the shelf's replace hook).
            let mut token = held.token.clone();
            token.refresh_token = None;
            Ok(state.tokens.replace(&token_id, token).ok_or(ShellError::UnknownToken)?)
        }
    }
}

/// Verify signature: the held access token's signature (a JWT) against the
/// identity domain's JWKS, its issuer and expiry.
#[tauri::command]
pub async fn verify_token_signature(
    state: State<'_, AppState>,
    request_id: u64,
    token_id: String,
    jwks_url: String,
) -> Result<String, IpcError> {
    let held = state.tokens.held(&token_id).ok_or(ShellError::UnknownToken)?;
    let http = state.http();
    Ok(state
        .in_flight
        .run(request_id, async move {
            oauth_console_core::id_token::verify_access_token(
                &http,
                &held.client.token_url,
                &jwks_url,
                held.token.access_token.expose(),
                SystemTime::now(),
            )
            .await
        })
        .await?)
}
