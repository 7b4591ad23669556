//! Profiles, settings, secrets and saved tokens for the window: what the
//! profile bar, Manage Tokens, Copy, Use Token and the Settings dialog ask
//! for. Each command calls the core's [`ProfileStore`] or [`Vault`]; keychain
//! calls block (up to 10 s each), so they run on a blocking thread.
//!
//! The window never gets a stored secret back: [`secret_saved`] only says
//! whether there is one, and `request_token` takes the saved client secret
//! and password from the vault when the window sends them empty
//! ([`fill_saved_secrets`]).

use crate::error::ShellError;
use crate::shelf::{Attachment, SavedRef};
use crate::AppState;
use oauth_console_core::store::{
    self, Kept, KeychainStatus, Notice, Profile, ProfileKind, ProfileStore, Removal,
    SavedSecretState, SecretKind, Settings, TokenSummary, Vault,
};
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::{Error, IpcError, Secret, Token, TokenRequest, TokenView};
use serde::Serialize;
use std::path::PathBuf;
use std::time::SystemTime;
use tauri::{AppHandle, Manager, State};
use crate::clipboard::Copy;
use super::blocking;

// ---------------------------------------------------------------- start

/// The settings file opened at start, with what the user must be told.
pub struct Opened {
    pub store: ProfileStore,
    pub notices: Vec<Notice>,
}

/// Opens the profiles in `dir` (the app's config folder). On a first launch
/// (no file yet, or an unreadable one kept aside) the one profile is the
/// Sandbox profile, so a new user can get a token at once. When the folder
/// cannot be used, the profiles live in a temporary folder for this session
/// and the user is told.
pub fn open_store(dir: Option<PathBuf>, vault: &Vault, now: SystemTime) -> Opened {
    let mut notices = Vec::new();
    let opened = dir
        .ok_or_else(|| "the system did not name a configuration folder".to_owned())
        .and_then(|dir| ProfileStore::open(&dir, now).map_err(|e| e.to_string()));
    let (mut store, notice) = match opened {
        Ok(opened) => opened,
        Err(reason) => {
            notices.push(Notice {
                code: "profiles_not_saved".into(),
                message: format!("Your profiles cannot be saved: {reason}. Changes last for this session only."),
                hint: Some("Check that your user can write to its configuration folder, then restart OAuth Console.".into()),
            });
            store::temporary_folder()
                .and_then(|fallback| ProfileStore::open(&fallback, now))
                .expect("a temporary folder is writable")
        }
    };
    notices.extend(notice);
    if !store.path().exists() {
        make_sandbox_profile(&mut store, vault, &mut notices);
    }
    Opened { store, notices }
}

fn make_sandbox_profile(store: &mut ProfileStore, vault: &Vault, notices: &mut Vec<Notice>) {
    let mut profile = store.current().clone();
    profile.name = "Sandbox".into();
    profile.kind = ProfileKind::Sandbox;
    if let Err(e) = store.update_profile(vault, profile) {
        notices.push(notice_from(e.into(), "profiles_not_saved"));
    }
}

/// Keeps a notice for the window's next snapshot.
fn tell(state: &AppState, notice: Option<Notice>) {
    if let Some(notice) = notice {
        state.notices.lock().unwrap_or_else(|p| p.into_inner()).push(notice);
    }
}

fn notice_from(error: IpcError, code: &str) -> Notice {
    Notice {
        code: code.into(),
        message: error.message,
        hint: error.hint,
    }
}

/// Replaces the saved copy of a refreshed token in place (the keychain must
/// hold the rotated refresh token). Runs on its own thread, installed as the
/// shelf's replace hook. When it fails, the user is told at the next
/// snapshot that the saved copy is out of date.
pub fn resave_refreshed(app: &AppHandle, saved: SavedRef, token: Token) {
    let state = app.state::<AppState>();
    let replaced = state
        .store()
        .replace_token(&state.vault, &saved.profile_id, &saved.token_id, &token);
    match replaced {
        Ok(_) => {}
        // Deleted meanwhile: nothing to keep up to date.
        Err(Error::NotFound { .. }) => {}
        Err(e) => {
            let notice = notice_from(e.into(), "refreshed_token_not_saved");
            let notice = Notice {
                message: format!("The refreshed token is in use but its saved copy could not be updated: {}", notice.message),
                ..notice
            };
            state.notices.lock().unwrap_or_else(|p| p.into_inner()).push(notice);
        }
    }
}

// ---------------------------------------------------------------- the window's view

/// A profile as the profile menu lists it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileEntry {
    id: String,
    name: String,
    kind: ProfileKind,
}

/// Everything the window shows at start and after a profile operation.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    profiles: Vec<ProfileEntry>,
    current: Profile,
    settings: Settings,
    keychain: KeychainStatus,
    notices: Vec<Notice>,
    tokens: Vec<TokenSummary>,
    settings_file: String,
}

fn snapshot(state: &AppState) -> Result<Snapshot, IpcError> {
    let store = state.store();
    // With the values of its credential rows, which the file does not hold;
    // without them when the keychain cannot be read (an empty credential
    // row keeps its saved value, so saving this back loses nothing).
    let current = store
        .profile_with_secrets(&state.vault, &store.current().id)
        .unwrap_or_else(|_| store.current().clone());
    let tokens = store.tokens(&current.id, SystemTime::now())?;
    let keychain = state.vault.status();
    let mut notices = state.notices.lock().unwrap_or_else(|p| p.into_inner()).clone();
    notices.extend(keychain.notice());
    Ok(Snapshot {
        profiles: store
            .data()
            .profiles
            .iter()
            .map(|p| ProfileEntry {
                id: p.id.clone(),
                name: p.name.clone(),
                kind: p.kind,
            })
            .collect(),
        current,
        settings: store.data().settings.clone(),
        keychain,
        notices,
        tokens,
        settings_file: store.path().display().to_string(),
    })
}

// ---------------------------------------------------------------- profiles

/// The window's start: profiles, the current one, settings, keychain status,
/// notices and the current profile's saved tokens. Waits for the keychain
/// check at start, so the status is known.
#[tauri::command]
pub async fn app_state(app: AppHandle) -> Result<Snapshot, IpcError> {
    blocking(&app, |state| {
        state.check_keychain();
        snapshot(state)
    })
    .await
}

/// Saves the fields the user edited (the window debounces). Turning
/// "Remember password" on or off also moves the password between the
/// keychain and memory.
#[tauri::command]
pub async fn save_profile(app: AppHandle, profile: Profile) -> Result<(), IpcError> {
    blocking(&app, move |state| {
        let mut store = state.store();
        let remembered = store.profile(&profile.id)?.remember_password;
        if remembered != profile.remember_password {
            let removal = store.set_remember_password(&state.vault, &profile.id, profile.remember_password)?;
            tell(state, removal.notice("The password you no longer remember"));
        }
        store.update_profile(&state.vault, profile)?;
        Ok(())
    })
    .await
}

/// New: an empty profile, which becomes the current one. Like the request
/// panel's default, it trusts `oraclecloud.com` for Authorization forwarding.
#[tauri::command]
pub async fn create_profile(app: AppHandle, name: String) -> Result<Snapshot, IpcError> {
    blocking(&app, move |state| {
        state.store().create_profile(&name)?;
        snapshot(state)
    })
    .await
}

#[tauri::command]
pub async fn rename_profile(app: AppHandle, id: String, name: String) -> Result<Snapshot, IpcError> {
    blocking(&app, move |state| {
        state.store().rename_profile(&id, &name)?;
        snapshot(state)
    })
    .await
}

/// Duplicate: a copy with its secrets (not its saved tokens); it becomes
/// the current one.
#[tauri::command]
pub async fn duplicate_profile(app: AppHandle, id: String) -> Result<Snapshot, IpcError> {
    blocking(&app, move |state| {
        state.store().duplicate_profile(&state.vault, &id)?;
        snapshot(state)
    })
    .await
}

/// Delete (the window asked for confirmation): the profile, its secrets and
/// its saved tokens. The only profile is refused.
#[tauri::command]
pub async fn delete_profile(app: AppHandle, id: String) -> Result<Snapshot, IpcError> {
    blocking(&app, move |state| {
        let removal = state.store().delete_profile(&state.vault, &id)?;
        tell(state, removal.notice("A secret of the deleted profile"));
        state.tokens.unlink(|saved| saved.profile_id == id);
        snapshot(state)
    })
    .await
}

#[tauri::command]
pub async fn switch_profile(app: AppHandle, id: String) -> Result<Snapshot, IpcError> {
    blocking(&app, move |state| {
        state.store().switch_profile(&id)?;
        snapshot(state)
    })
    .await
}

/// Saves settings. `changes` may hold only some of them (the Settings
/// dialog's parts save their own); the rest are kept.
#[tauri::command]
pub async fn save_settings(app: AppHandle, changes: serde_json::Value) -> Result<Settings, IpcError> {
    blocking(&app, move |state| {
        let serde_json::Value::Object(changes) = changes else {
            return Err(ShellError::InvalidSettings("expected an object of settings".into()).into());
        };
        let mut store = state.store();
        let mut settings = serde_json::to_value(&store.data().settings)
            .map_err(|e| IpcError::from(Error::Internal(e.to_string())))?;
        if let Some(all) = settings.as_object_mut() {
            all.extend(changes);
        }
        let settings: Settings =
            serde_json::from_value(settings).map_err(|e| ShellError::InvalidSettings(e.to_string()))?;
        store.update_settings(settings.clone())?;
        Ok(settings)
    })
    .await
}

// ---------------------------------------------------------------- secrets

/// What became of a secret the user typed or cleared.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretOutcome {
    /// Saved in the keychain.
    Keychain,
    /// Kept in memory for this session.
    Session,
    /// Forgotten: gone from the keychain.
    Forgotten,
    /// Forgotten, but still in the keychain until it is available again
    /// (a notice says so).
    DeletionPending,
}

/// Keeps a secret the user typed: the client secret in the keychain; the
/// password in the keychain when "Remember password" is on, in memory for
/// the session otherwise; either bound to the origin of `token_url` (the
/// Access Token URL it was typed with). An empty value forgets the saved one.
#[tauri::command]
pub async fn put_secret(
    app: AppHandle,
    profile_id: String,
    kind: SecretKind,
    value: Secret,
    token_url: Option<String>,
) -> Result<SecretOutcome, IpcError> {
    blocking(&app, move |state| {
        let mut store = state.store();
        if value.is_empty() {
            let removal = store.forget_secret(&state.vault, &profile_id, kind)?;
            tell(state, removal.notice(&format!("The forgotten {}", kind.label())));
            return Ok(match removal {
                Removal::Done => SecretOutcome::Forgotten,
                Removal::Pending => SecretOutcome::DeletionPending,
            });
        }
        let token_url = token_url.unwrap_or_default();
        Ok(match store.put_secret(&state.vault, &profile_id, kind, &value, &token_url)? {
            Kept::Keychain => SecretOutcome::Keychain,
            Kept::Session => SecretOutcome::Session,
        })
    })
    .await
}

/// Whether the profile has a saved secret of this kind (never the value),
/// and, when `token_url` has another origin than the one it was saved for,
/// that origin: the field then asks for it again and says why.
#[tauri::command]
pub async fn secret_saved(
    app: AppHandle,
    profile_id: String,
    kind: SecretKind,
    token_url: Option<String>,
) -> Result<SavedSecretState, IpcError> {
    blocking(&app, move |state| {
        let token_url = token_url.unwrap_or_default();
        Ok(state.store().saved_secret(&state.vault, &profile_id, kind, &token_url)?.state())
    })
    .await
}

/// Get New Access Token with an empty Client Secret or Password field uses
/// the profile's saved one. Returns the request and the current profile's id.
pub async fn fill_saved_secrets(
    app: &AppHandle,
    request: TokenRequest,
) -> Result<(TokenRequest, String), IpcError> {
    blocking(app, move |state| {
        let profile_id = state.store().current().id.clone();
        let mut request = request;
        // A saved secret goes only to the origin it was saved for.
        let saved = |kind: SecretKind, token_url: &str| -> Result<Option<Secret>, IpcError> {
            Ok(state
                .store()
                .saved_secret(&state.vault, &profile_id, kind, token_url)?
                .usable(kind)?)
        };
        let fill = |client: &mut Client| -> Result<(), IpcError> {
            if client.client_secret.is_empty() {
                if let Some(saved) = saved(SecretKind::ClientSecret, &client.token_url)? {
                    client.client_secret = saved;
                }
            }
            Ok(())
        };
        match &mut request {
            TokenRequest::ClientCredentials(grant) => fill(&mut grant.client)?,
            TokenRequest::Password(grant) => {
                fill(&mut grant.client)?;
                if grant.password.is_empty() {
                    if let Some(saved) = saved(SecretKind::Password, &grant.client.token_url)? {
                        grant.password = saved;
                    }
                }
            }
            TokenRequest::RefreshToken(grant) => fill(&mut grant.client)?,
            _ => {}
        }
        Ok((request, profile_id))
    })
    .await
}

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
        let meta = state
            .store()
            .save_token(&state.vault, &profile_id, &token, Some(&name))?;
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
        let removal = state.store().delete_token(&state.vault, &profile_id, &token_id)?;
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
        let expired = state
            .store()
            .delete_expired(&state.vault, &profile_id, SystemTime::now())?;
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
        let token = state
            .store()
            .load_token(&state.vault, &profile.id, &token_id)?
            .ok_or(ShellError::TokenValuesMissing)?;
        let client = profile_client(state, &profile)?;
        let view = state.tokens.keep(token, client, &name);
        state.tokens.link(&view.id, saved);
        Ok(view)
    })
    .await
}

/// The client a loaded token refreshes with: the profile's, or the running
/// sandbox's for the Sandbox profile (its ports change every launch).
fn profile_client(state: &AppState, profile: &Profile) -> Result<Client, IpcError> {
    if profile.kind == ProfileKind::Sandbox {
        if let Some(sandbox) = state.sandbox.blocking_lock().as_ref() {
            let credentials = sandbox.credentials();
            return Ok(Client {
                token_url: sandbox.token_url(),
                client_id: credentials.client_id.clone(),
                client_secret: Secret::new(credentials.client_secret.clone()),
                client_auth: profile.client_auth,
            });
        }
    }
    Ok(Client {
        token_url: profile.token_url.clone(),
        client_id: profile.client_id.clone(),
        // Not sent to another origin than the one it was saved for.
        client_secret: state
            .store()
            .saved_secret(&state.vault, &profile.id, SecretKind::ClientSecret, &profile.token_url)?
            .usable(SecretKind::ClientSecret)
            .ok()
            .flatten()
            .unwrap_or_default(),
        client_auth: profile.client_auth,
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
