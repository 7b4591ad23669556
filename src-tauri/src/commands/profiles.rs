//! Profiles and settings for the window: the app's start, the profile bar
//! and the Settings dialog. Each command calls the core's [`ProfileStore`];
//! keychain calls block (up to 10 s each), so they run on a blocking thread.
//! Secrets typed into a profile are in [`super::secrets`], saved tokens
//! (Manage Tokens, Copy, Use Token) in [`super::saved_tokens`].

use crate::error::ShellError;
use crate::shelf::SavedRef;
use crate::AppState;
use oauth_console_core::store::{
    self, KeychainStatus, Notice, Profile, ProfileKind, ProfileStore, Settings, TokenSummary, Vault,
};
use oauth_console_core::{Error, IpcError, Token};
use serde::Serialize;
use std::path::PathBuf;
use std::time::SystemTime;
use tauri::{AppHandle, Manager};
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
pub(super) fn tell(state: &AppState, notice: Option<Notice>) {
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
    // The store's lock is taken for the file only, never across the keychain
    // (one statement per lock: a guard lives to the end of its statement).
    let before = state.store().token_meta_of(&saved.profile_id, &saved.token_id);
    let after = before.and_then(|before| store::tokens::write_replacement(&state.vault, &saved.profile_id, &before, &token));
    let replaced = after.and_then(|after| state.store().commit_replacement(&state.vault, &saved.profile_id, after));
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
    /// At the window's start on the Sandbox profile: the running sandbox,
    /// so the first paint needs no second call (absent if it could not
    /// start: the window then asks `sandbox_start`, which says why).
    #[serde(skip_serializing_if = "Option::is_none")]
    sandbox: Option<super::sandbox::SandboxInfo>,
}

fn snapshot(state: &AppState) -> Result<Snapshot, IpcError> {
    // With the values of its credential rows, which the file does not hold;
    // without them when the keychain cannot be read (an empty credential
    // row keeps its saved value, so saving this back loses nothing). Read
    // without the store's lock: a keychain call may wait 10 s.
    let stored = state.store().current().clone();
    let current = store::with_secrets(&state.vault, stored.clone()).unwrap_or(stored);
    let store = state.store();
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
        sandbox: None,
    })
}

// ---------------------------------------------------------------- profiles

/// The window's start: profiles, the current one, settings, keychain status,
/// notices and the current profile's saved tokens, and the sandbox when the
/// current profile is the Sandbox (started meanwhile). Waits for the
/// keychain check at start, so the status is known.
#[tauri::command]
pub async fn app_state(app: AppHandle) -> Result<Snapshot, IpcError> {
    super::bench::step("app_state begins");
    let sandbox_first = app.state::<AppState>().store().current().kind == ProfileKind::Sandbox;
    let state = app.state::<AppState>();
    let (snapshot, sandbox) = tokio::join!(
        blocking(&app, |state| {
            state.check_keychain();
            snapshot(state)
        }),
        async {
            match sandbox_first {
                true => super::sandbox::started(&state).await.ok(),
                false => None,
            }
        }
    );
    let mut snapshot = snapshot?;
    if snapshot.current.kind == ProfileKind::Sandbox {
        snapshot.sandbox = sandbox;
    }
    super::bench::step("app_state answered");
    Ok(snapshot)
}

/// Saves the fields the user edited (the window debounces). Turning
/// "Remember password" on or off also moves the password between the
/// keychain and memory.
#[tauri::command]
pub async fn save_profile(app: AppHandle, profile: Profile) -> Result<(), IpcError> {
    // The store's lock is taken for the steps that read or write the store
    // only, never across a keychain call, which may wait 10 s.
    blocking(&app, move |state| {
        let one_at_a_time = state.placing_passwords();
        let remembered = state.store().profile(&profile.id)?.remember_password;
        if remembered != profile.remember_password {
            let removal = store::move_password(&state.vault, &profile.id, profile.remember_password)?;
            state
                .store()
                .commit_remember_password(&state.vault, &profile.id, profile.remember_password)?;
            tell(state, removal.notice("The password you no longer remember"));
        }
        drop(one_at_a_time);
        let update = state.store().plan_update(profile)?;
        update.write_secrets(&state.vault)?;
        state.store().commit_update(&state.vault, update)?;
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
        let copy = state.store().plan_duplicate(&id)?;
        copy.write_secrets(&state.vault)?;
        let committed = state.store().commit_duplicate(copy.clone());
        if let Err(e) = committed {
            copy.forget(&state.vault);
            return Err(e.into());
        }
        snapshot(state)
    })
    .await
}

/// Delete (the window asked for confirmation): the profile, its secrets and
/// its saved tokens. The only profile is refused.
#[tauri::command]
pub async fn delete_profile(app: AppHandle, id: String) -> Result<Snapshot, IpcError> {
    blocking(&app, move |state| {
        let queued = state.store().remove_profile(&state.vault, &id)?;
        let removal = state.vault.delete_queued(&queued);
        state.store().record_pending(&state.vault)?;
        tell(state, removal.notice("A secret of the deleted profile"));
        state.tokens.unlink(|saved| saved.profile_id == id);
        if let Err(e) = state.history.clear(&id) {
            state.tell_ipc_error(e.into());
        }
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
        store.update_settings(settings)?;
        Ok(store.data().settings.clone())
    })
    .await
}
