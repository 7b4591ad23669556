//! Saved tokens for the window: a new token kept for its profile, Manage
//! Tokens (list, rename, delete, load), Copy and Use Token. Values live in
//! the keychain, the rest in the settings file; the window gets views only.

use super::blocking;
use super::profiles::tell;
use crate::clipboard::Copy;
use crate::error::ShellError;
use crate::shelf::{Attachment, SavedRef};
use crate::AppState;
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::store::{self, Profile, ProfileKind, SecretKind, TokenSummary};
use oauth_console_core::{IpcError, Secret, Token, TokenView};
use serde::Serialize;
use std::time::SystemTime;
use tauri::{AppHandle, Manager, State};

// ---------------------------------------------------------------- tokens

/// A new token: held for this session and saved for `profile_id` (values in
/// the keychain), named after the grant and the local time. A token that
/// could not be saved is still usable; the view says why it was not saved.
pub async fn keep_new_token(
    app: &AppHandle,
    profile_id: String,
    token: Token,
    client: Client,
    label: &str,
) -> TokenView {
    let name = store::tokens::token_name(label, token.issued_at);
    let state = app.state::<AppState>();
    let mut view = state.tokens.keep(token.clone(), client, &name);
    let saved = blocking(app, move |state| {
        let mut planned = state.store().plan_token(&profile_id, &token, Some(&name))?;
        store::tokens::write_token(&state.vault, &mut planned, &token)?;
        let committed = state.store().commit_token(&state.vault, planned.clone());
        let meta = committed.inspect_err(|_| store::tokens::forget_token(&state.vault, &planned))?;
        Ok(SavedRef {
            profile_id,
            token_id: meta.id,
        })
    })
    .await;
    match saved {
        Ok(saved) => state.tokens.link(&view.id, saved),
        Err(e) => view.warnings.push(format!("The token was not saved: {}", e.message)),
    }
    view
}

/// Manage Tokens: the current profile's saved tokens, newest first.
#[tauri::command]
pub async fn list_tokens(app: AppHandle) -> Result<Vec<TokenSummary>, IpcError> {
    blocking(&app, current_tokens).await
}

fn current_tokens(state: &AppState) -> Result<Vec<TokenSummary>, IpcError> {
    let store = state.store();
    Ok(store.tokens(&store.current().id, SystemTime::now())?)
}

#[tauri::command]
pub async fn rename_token(app: AppHandle, token_id: String, name: String) -> Result<Vec<TokenSummary>, IpcError> {
    blocking(&app, move |state| {
        let profile_id = state.store().current().id.clone();
        state.store().rename_token(&profile_id, &token_id, &name)?;
        state.tokens.rename_saved(&SavedRef { profile_id, token_id }, name.trim());
        current_tokens(state)
    })
    .await
}

#[tauri::command]
pub async fn delete_token(app: AppHandle, token_id: String) -> Result<Vec<TokenSummary>, IpcError> {
    blocking(&app, move |state| {
        let profile_id = state.store().current().id.clone();
        let queued = state.store().remove_token(&state.vault, &profile_id, &token_id)?;
        let removal = state.vault.delete_queued(&queued);
        state.store().record_pending(&state.vault)?;
        tell(state, removal.notice("The deleted token"));
        state
            .tokens
            .unlink(|saved| saved.profile_id == profile_id && saved.token_id == token_id);
        current_tokens(state)
    })
    .await
}

/// Delete expired: how many went, and the list left.
#[derive(Serialize)]
pub struct DeletedTokens {
    deleted: usize,
    tokens: Vec<TokenSummary>,
}

#[tauri::command]
pub async fn delete_expired_tokens(app: AppHandle) -> Result<DeletedTokens, IpcError> {
    blocking(&app, move |state| {
        let profile_id = state.store().current().id.clone();
        let (expired, queued) = state
            .store()
            .remove_expired(&state.vault, &profile_id, SystemTime::now())?;
        if !queued.is_empty() {
            state.vault.delete_queued(&queued);
            state.store().record_pending(&state.vault)?;
        }
        state
            .tokens
            .unlink(|saved| saved.profile_id == profile_id && expired.contains(&saved.token_id));
        Ok(DeletedTokens {
            deleted: expired.len(),
            tokens: current_tokens(state)?,
        })
    })
    .await
}

/// A saved token of the current profile, loaded from the keychain into this
/// session so that Show, Copy, Use Token and Refresh work on it.
#[tauri::command]
pub async fn load_token(app: AppHandle, token_id: String) -> Result<TokenView, IpcError> {
    blocking(&app, move |state| {
        let profile = state.store().current().clone();
        let saved = SavedRef {
            profile_id: profile.id.clone(),
            token_id: token_id.clone(),
        };
        if let Some(view) = state.tokens.find_saved(&saved).and_then(|id| state.tokens.view(&id)) {
            return Ok(view);
        }
        let name = profile
            .tokens
            .iter()
            .find(|t| t.id == token_id)
            .map(|t| t.name.clone())
            .unwrap_or_default();
        let meta = state.store().token_meta_of(&profile.id, &token_id)?;
        let token = store::tokens::read_token(&state.vault, &profile.id, &meta)?
            .ok_or(ShellError::TokenValuesMissing)?;
        let client = profile_client(state, &profile)?;
        let mut view = state.tokens.keep(token, client, &name);
        state.tokens.link(&view.id, saved);
        if meta.revoked {
            view = state.tokens.mark_revoked(&view.id).unwrap_or(view);
        }
        Ok(view)
    })
    .await
}

/// The client a loaded token refreshes with: the profile's, or the running
/// sandbox's for the Sandbox profile (its ports change every launch). With
/// client assertion auth, its key from the keychain (the sandbox's own for
/// the Sandbox profile); a key that cannot be read is reported by Refresh.
fn profile_client(state: &AppState, profile: &Profile) -> Result<Client, IpcError> {
    let mut client = profile_client_without_key(state, profile)?;
    if super::keys::fill_client(state, profile, &mut client).is_err() {
        client.client_assertion = None;
    }
    Ok(client)
}

fn profile_client_without_key(state: &AppState, profile: &Profile) -> Result<Client, IpcError> {
    if profile.kind == ProfileKind::Sandbox {
        if let Some(sandbox) = state.sandbox.blocking_lock().as_ref() {
            let credentials = sandbox.credentials();
            return Ok(Client {
                token_url: sandbox.token_url(),
                client_id: credentials.client_id.clone(),
                client_secret: Secret::new(credentials.client_secret.clone()),
                client_auth: profile.client_auth,
                client_assertion: None,
                mutual_tls: profile.mutual_tls,
                extra_roots: Vec::new(),
            });
        }
    }
    Ok(Client {
        token_url: profile.token_url.clone(),
        client_id: profile.client_id.clone(),
        // Not sent to another origin than the one it was saved for.
        client_secret: store::saved_secret_of(&state.vault, profile, SecretKind::ClientSecret, &profile.token_url)?
            .usable(SecretKind::ClientSecret)
            .ok()
            .flatten()
            .unwrap_or_default(),
        client_auth: profile.client_auth,
        client_assertion: None,
        mutual_tls: profile.mutual_tls,
        extra_roots: Vec::new(),
    })
}

/// Copy: the token on the clipboard (marked as a secret for clipboard
/// managers), cleared after the "Clear copied token after" setting if the
/// clipboard still holds it. Returns that delay in seconds (0: never).
#[tauri::command]
pub async fn copy_token(
    app: AppHandle,
    state: State<'_, AppState>,
    token_id: String,
    kind: String,
) -> Result<u64, IpcError> {
    let value = Secret::new(state.tokens.reveal(&token_id, &kind)?);
    crate::clipboard::write(&app, Copy::Secret(value), state.clipboard_clear_seconds()).await
}

/// Use Token: the request panel's `Authorization` carries this token with
/// the header prefix from Settings, or its ID token instead when asked.
/// Returns the prefix, for the masked row.
/// Async so the store lock (which keychain calls of other commands may hold)
/// is never waited for on the main thread.
#[tauri::command]
pub async fn use_token(app: AppHandle, token_id: String, id_token: bool) -> Result<String, IpcError> {
    blocking(&app, move |state| {
        let prefix = state.store().data().settings.header_prefix.trim().to_owned();
        state.tokens.attach(
            &token_id,
            Attachment {
                id_token,
                prefix: prefix.clone(),
            },
        )?;
        Ok(prefix)
    })
    .await
}
