//! The grants beyond client credentials, in the window: the authorization-code
//! sign-in in its three modes, the Implicit sign-in (in-app window and paste
//! only: its token comes back in a #fragment, which a browser never sends to
//! the loopback listener, so the system browser is refused with
//! `implicit_needs_window_or_paste`), Refresh, auto-refresh before Send, Copy
//! as cURL of the code exchange and of the refresh request, and Clear login
//! session. (The password grant needs nothing here: it goes through
//! `request_token` like client credentials.) The protocol is in the core
//! (`grants::authorization_code`, `callback`, `expiry`); these commands only
//! bring the redirected URL to it and keep the tokens on the shelf.
//!
//! **In-app login window**: see [`super::login_window`].
//!
//! **System browser.** The core listens on the loopback Callback URL and this
//! module opens the authorize URL in the default browser
//! (`tauri-plugin-opener`), or, when the environment variable
//! `OAUTH_CONSOLE_BROWSER=<program>` is set, runs `<program> <authorize URL>`
//! instead (tests use a stand-in browser this way; a user can pick a browser
//! other than the default). The wait ends after [`BROWSER_TIMEOUT`].
//!
//! **Paste.** The authorize URL is shown, the pending sign-in waits in
//! [`SignIns`] (memory only), and [`complete_authorization`] takes the URL
//! the user pasted.

use crate::error::ShellError;
use super::login_window::in_app_window;
use crate::AppState;
use oauth_console_core::grants::authorization_code::{self, AuthorizationCode, AuthorizationView, PendingAuthorization};
use oauth_console_core::grants::SignInRequest;
use oauth_console_core::store::profile::LoginMode;
use oauth_console_core::store::{self, SecretKind};
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::send::curl;
use oauth_console_core::{expiry, Error, IpcError, Token, TokenView};
use serde::Serialize;
use std::process::{Command, Stdio};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};
use tauri::{AppHandle, Emitter, Manager, State};

/// How long the system-browser sign-in waits for the redirect.
pub const BROWSER_TIMEOUT: Duration = Duration::from_secs(300);
/// `OAUTH_CONSOLE_BROWSER=<program>`: run `<program> <URL>` instead of the
/// default browser.
pub const BROWSER_VARIABLE: &str = "OAUTH_CONSOLE_BROWSER";
/// Sent to the main window when a held token changes (Refresh,
/// auto-refresh, a refresh the server refused); the payload is its new view.
pub const TOKEN_UPDATED: &str = "token-updated";

/// The paste-mode sign-in waiting for its redirected URL (at most one, the
/// latest started), and where the login session is kept.
#[derive(Default)]
pub struct SignIns {
    waiting: Mutex<Option<Waiting>>,
    /// The login session's cookie file in the runtime folder, once moved there.
    pub(super) cookie_jar: OnceLock<PathBuf>,
    /// No runtime folder: clear the site data after every sign-in.
    pub(super) forget_each_sign_in: AtomicBool,
}

#[derive(Clone)]
struct Waiting {
    pending: PendingAuthorization,
    client: Client,
    profile_id: String,
}

impl SignIns {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Waiting>> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn waiting(&self) -> Result<Waiting, IpcError> {
        self.lock().clone().ok_or_else(|| ShellError::NoSignIn.into())
    }
}

/// What a sign-in gives the window: the token once there is one, and the
/// sign-in as sent (authorize URL, state and nonce, generated when empty).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignIn {
    token: Option<TokenView>,
    authorization: AuthorizationView,
}

/// Get New Access Token for the authorization code: runs the sign-in the
/// user chose. Window and browser end with the token; paste returns at once
/// with the authorize URL and waits for [`complete_authorization`].
#[tauri::command]
pub async fn start_authorization(
    app: AppHandle,
    state: State<'_, AppState>,
    sign_ins: State<'_, SignIns>,
    request_id: u64,
    mut request: SignInRequest,
    mode: LoginMode,
) -> Result<SignIn, IpcError> {
    *sign_ins.lock() = None;
    let (client, profile_id) = with_saved_secret(&app, request.client().clone()).await?;
    request.set_client(client.clone());
    let name = request.label();
    let (token, authorization) = match (mode, request) {
        (LoginMode::Window, request) => in_app_window(&app, &state, &sign_ins, request_id, request.start()?).await?,
        (LoginMode::Browser, SignInRequest::AuthorizationCode(request)) => system_browser(&state, request_id, request).await?,
        (LoginMode::Browser, _) => return Err(Error::ImplicitNeedsFragmentReader.into()),
        (LoginMode::Paste, request) => {
            let pending = request.start()?;
            let authorization = pending.view();
            *sign_ins.lock() = Some(Waiting { pending, client, profile_id });
            return Ok(SignIn { token: None, authorization });
        }
    };
    let token = super::saved_tokens::keep_new_token(&app, profile_id, token, client, name).await;
    Ok(SignIn { token: Some(token), authorization })
}

/// Use this URL: the redirected URL the user pasted, for the waiting
/// sign-in. A foreign `state` is refused and the sign-in keeps waiting.
#[tauri::command]
pub async fn complete_authorization(
    app: AppHandle,
    state: State<'_, AppState>,
    sign_ins: State<'_, SignIns>,
    request_id: u64,
    redirected_url: String,
) -> Result<SignIn, IpcError> {
    let Waiting { pending, client, profile_id } = sign_ins.waiting()?;
    let http = state.http();
    let exchanged = pending.clone();
    let token = state
        .in_flight
        .run(request_id, async move {
            authorization_code::finish(&http, &exchanged, &redirected_url, SystemTime::now()).await
        })
        .await?;
    *sign_ins.lock() = None;
    Ok(SignIn {
        token: Some(super::saved_tokens::keep_new_token(&app, profile_id, token, client, pending.grant_label()).await),
        authorization: pending.view(),
    })
}

/// Copy (paste mode): the authorize URL of the waiting sign-in.
/// With PKCE plain the URL carries the verifier: a secret copy, cleared like
/// a copied token. Returns the clear delay in seconds (0: none).
#[tauri::command]
pub async fn copy_authorization_url(
    app: AppHandle,
    state: State<'_, AppState>,
    sign_ins: State<'_, SignIns>,
) -> Result<u64, IpcError> {
    let (url, secret) = {
        let waiting = sign_ins.waiting()?;
        (waiting.pending.authorize_url().to_owned(), waiting.pending.authorize_url_reveals_verifier())
    };
    crate::clipboard::write(&app, crate::clipboard::Copy::new(url, secret), state.clipboard_clear_seconds()).await
}

/// Open in browser (paste mode): the authorize URL of the waiting sign-in.
/// Only that URL: the window cannot make the app open anything else.
/// Async: starting the browser is a process spawn, not for the main thread.
#[tauri::command]
pub async fn open_authorization_url(sign_ins: State<'_, SignIns>) -> Result<(), IpcError> {
    let url = sign_ins.waiting()?.pending.authorize_url().to_owned();
    open_in_browser(&url).map_err(|e| ShellError::BrowserNotOpened(e).into())
}

/// Refresh: a new token for the held token's refresh token, with the client
/// that obtained it. The same id then holds the new token.
#[tauri::command]
pub async fn refresh_token(
    app: AppHandle,
    state: State<'_, AppState>,
    request_id: u64,
    token_id: String,
) -> Result<TokenView, IpcError> {
    let held = state.tokens.held(&token_id).ok_or(ShellError::UnknownToken)?;
    let http = state.http();
    let (client, token) = (held.client.clone(), held.token.clone());
    let refreshed = state
        .in_flight
        .run(request_id, async move { expiry::refresh(&http, &client, &token, SystemTime::now()).await })
        .await;
    settle(&app, &state, &token_id, &held.token, refreshed)
}

/// Copy as cURL beside Refresh: the refresh request of the held token
/// `token_id`, as Refresh sends it (its client, no scope). The refresh token
/// and the client's credentials are placeholders unless `include_secrets`;
/// such a copy is cleared like a copied token. Returns the clear delay.
#[tauri::command]
pub async fn copy_refresh_request_as_curl(
    app: AppHandle,
    state: State<'_, AppState>,
    token_id: String,
    include_secrets: bool,
) -> Result<u64, IpcError> {
    let held = state.tokens.held(&token_id).ok_or(ShellError::UnknownToken)?;
    let grant = expiry::refresh_of(&held.client, &held.token)?;
    let command = curl::for_refresh_token(&grant, state.http().settings(), include_secrets)?;
    let copy = crate::clipboard::Copy::new(command, include_secrets);
    crate::clipboard::write(&app, copy, state.clipboard_clear_seconds()).await
}

/// Copy as cURL on Authorization Code: the code-for-token request, the
/// code a placeholder (the app exchanges a code as soon as the redirect
/// brings it). When a paste-mode sign-in for the same client and Callback
/// URL is waiting, it is that sign-in's exchange, with its PKCE verifier
/// when `include_secrets`. An empty Client Secret means the profile's saved
/// one. Returns the clear delay of a copy with secrets.
#[tauri::command]
pub async fn copy_code_exchange_as_curl(
    app: AppHandle,
    state: State<'_, AppState>,
    sign_ins: State<'_, SignIns>,
    request: AuthorizationCode,
    include_secrets: bool,
) -> Result<u64, IpcError> {
    let (client, _) = with_saved_secret(&app, request.client).await?;
    let grant = AuthorizationCode { client, ..request };
    let waiting = sign_ins.lock().as_ref().map(|waiting| waiting.pending.clone());
    let command = curl::for_authorization_code(&grant, waiting.as_ref(), state.http().settings(), include_secrets)?;
    let copy = crate::clipboard::Copy::new(command, include_secrets);
    crate::clipboard::write(&app, copy, state.clipboard_clear_seconds()).await
}

/// Auto-refresh, before Send: when the attached token expires within a
/// minute and has a refresh token (and auto-refresh is on), refresh it once
/// and keep the new one under the same id. A refused refresh marks the token
/// expired and ends the send with the reason.
pub async fn refresh_before_send(
    app: &AppHandle,
    state: &AppState,
    request_id: u64,
    token_id: &str,
) -> Result<(), IpcError> {
    let Some(held) = state.tokens.held(token_id) else { return Ok(()) };
    let auto_refresh = state.store().data().settings.auto_refresh;
    if !expiry::should_refresh(&held.token, auto_refresh, SystemTime::now()) {
        return Ok(());
    }
    let http = state.http();
    let (client, token) = (held.client.clone(), held.token.clone());
    let refreshed = state
        .in_flight
        .run(request_id, async move {
            expiry::fresh_for_request(&http, &client, &token, auto_refresh, SystemTime::now()).await
        })
        .await;
    match refreshed {
        Ok(None) => Ok(()),
        Ok(Some(fresh)) => settle(app, state, token_id, &held.token, Ok(fresh)).map(drop),
        Err(e) => settle(app, state, token_id, &held.token, Err(e)).map(drop),
    }
}

/// The client with the profile's saved Client Secret when the field was left
/// empty (as for Get New Access Token) and its client-assertion key, and the
/// profile the token goes to.
pub(super) async fn with_saved_secret(app: &AppHandle, mut client: Client) -> Result<(Client, String), IpcError> {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let profile = state.store().current().clone();
        let profile_id = profile.id.clone();
        if client.client_secret.is_empty() {
            let saved = store::saved_secret_of(&state.vault, &profile, SecretKind::ClientSecret, &client.token_url)?
                .usable(SecretKind::ClientSecret)?;
            if let Some(saved) = saved {
                client.client_secret = saved;
            }
        }
        // A client assertion's key: the profile's, from the keychain.
        super::keys::fill_client(&state, &profile, &mut client)?;
        Ok((client, profile_id))
    })
    .await
    .map_err(|e| IpcError::from(Error::Internal(format!("a background task failed: {e}"))))?
}

/// Keeps a refresh's outcome as the core decides ([`expiry::settle`]): the
/// new token under the same id, or, when the server refused the refresh
/// token, the old one marked expired. Either way the main window hears of
/// the change.
fn settle(
    app: &AppHandle,
    state: &AppState,
    token_id: &str,
    sent: &Token,
    refreshed: oauth_console_core::Result<Token>,
) -> Result<TokenView, IpcError> {
    let held = state.tokens.get(token_id);
    let kept = expiry::settle(sent, held.as_ref(), &refreshed, SystemTime::now());
    let view = kept.and_then(|token| state.tokens.replace(token_id, token));
    if let Some(view) = &view {
        let _ = app.emit_to("main", TOKEN_UPDATED, view);
    }
    refreshed?;
    view.ok_or_else(|| ShellError::UnknownToken.into())
}

/// What the system-browser sign-in saw when it opened the browser: the
/// sign-in as sent, and why the browser did not open, if it did not.
struct Opened {
    authorization: AuthorizationView,
    failure: Option<String>,
}

async fn system_browser(
    state: &AppState,
    request_id: u64,
    grant: AuthorizationCode,
) -> Result<(Token, AuthorizationView), IpcError> {
    let opened: Arc<Mutex<Option<Opened>>> = Arc::default();
    let record = opened.clone();
    let http = state.http();
    let outcome = state
        .in_flight
        .run(request_id, async move {
            let open = move |pending: &PendingAuthorization| {
                let failure = open_in_browser(pending.authorize_url()).err();
                let refused = failure.is_some();
                *record.lock().unwrap_or_else(|p| p.into_inner()) = Some(Opened { authorization: pending.view(), failure });
                if refused {
                    Err(Error::Cancelled)
                } else {
                    Ok(())
                }
            };
            authorization_code::sign_in_with_system_browser(&http, &grant, BROWSER_TIMEOUT, open, SystemTime::now).await
        })
        .await;
    let opened = opened.lock().unwrap_or_else(|p| p.into_inner()).take();
    match (outcome, opened) {
        (_, Some(Opened { failure: Some(failure), .. })) => Err(ShellError::BrowserNotOpened(failure).into()),
        (Ok(token), Some(Opened { authorization, failure: None })) => Ok((token, authorization)),
        (Ok(_), None) => Err(Error::Internal("the sign-in ended without opening the browser".into()).into()),
        (Err(error), _) => Err(error.into()),
    }
}

/// Opens `url` in `$OAUTH_CONSOLE_BROWSER` when set, else in the default
/// browser. The program runs on its own; it is not waited for.
pub(super) fn open_in_browser(url: &str) -> Result<(), String> {
    match std::env::var_os(BROWSER_VARIABLE).filter(|program| !program.is_empty()) {
        Some(program) => {
            let mut child = Command::new(&program)
                .arg(url)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("{} ({BROWSER_VARIABLE}) could not be run: {e}", program.to_string_lossy()))?;
            // Reaped when it ends, so that it does not linger as a zombie.
            std::thread::spawn(move || child.wait());
            Ok(())
        }
        None => tauri_plugin_opener::open_url(url, None::<&str>).map_err(|e| e.to_string()),
    }
}
