//! The grants beyond client credentials, in the window: the authorization-code
//! sign-in in its three modes, Refresh, auto-refresh before Send, and Clear
//! login session. (The password grant needs nothing here: it goes through
//! `request_token` like client credentials.) The protocol is in the core
//! (`grants::authorization_code`, `callback`, `expiry`); these commands only
//! bring the redirected URL to it and keep the tokens on the shelf.
//!
//! **In-app login window.** A second window, labelled `login`, opens the
//! authorize URL. It shows remote pages, so no capability file lists it: it
//! cannot call any command or plugin. Every navigation passes
//! [`PendingAuthorization::is_callback`]; the one that reaches the Callback
//! URL is stopped unloaded (any URL works: the OIC callback, Postman's, a
//! loopback URL) and its `code`/`state` or `error` go to the core, which
//! refuses a foreign `state`. Navigations to anything but web pages (the
//! app's own `tauri:`/`ipc:` schemes, files) and new windows are refused.
//! Closing the window ends the wait with [`ShellError::LoginWindowClosed`]; Cancel
//! closes it.
//!
//! Its browser session, on Linux: the window uses the app's WebKit context,
//! so a sign-in is remembered until **Clear login session** or the app
//! quits. A `.incognito(true)` or `.data_directory(..)` webview would get a
//! WebKit context of its own, and only one context per process can be driven
//! by WebKitWebDriver, so the sign-in could not be tested end to end. Tauri
//! gives that context a plain-text cookie file in the app's data folder;
//! [`keep_login_session_off_disk`] moves it at start to the user's runtime
//! folder (`$XDG_RUNTIME_DIR`: in memory, private to the user, gone at
//! logout) and removes it at start and when the main window closes. Without
//! a runtime folder, the site data is cleared after every sign-in instead,
//! and nothing is remembered. The main window keeps nothing in web storage
//! (a rule of the app), so clearing the shared context forgets the sign-in
//! and nothing else. On other systems the login window is incognito: its
//! session lives in memory for that window only. The login window gets
//! nothing from the main window: no capability, no opener, no shared origin.
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
use crate::AppState;
use oauth_console_core::grants::authorization_code::{self, AuthorizationCode, AuthorizationView, PendingAuthorization};
use oauth_console_core::store::profile::LoginMode;
use oauth_console_core::store::SecretKind;
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::{expiry, Error, IpcError, Token, TokenView};
use serde::Serialize;
use std::process::{Command, Stdio};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};
use tauri::webview::NewWindowResponse;
use tauri::{AppHandle, Emitter, Manager, State, WebviewUrl, WebviewWindow, WebviewWindowBuilder, WindowEvent};

/// The label of the in-app login window (listed in no capability file).
pub const LOGIN_WINDOW: &str = "login";
/// How long the system-browser sign-in waits for the redirect.
pub const BROWSER_TIMEOUT: Duration = Duration::from_secs(300);
/// `OAUTH_CONSOLE_BROWSER=<program>`: run `<program> <URL>` instead of the
/// default browser.
pub const BROWSER_VARIABLE: &str = "OAUTH_CONSOLE_BROWSER";
/// Sent to the main window when a held token changes (Refresh,
/// auto-refresh, a refresh the server refused); the payload is its new view.
pub const TOKEN_UPDATED: &str = "token-updated";
const TOKEN_NAME: &str = "Authorization Code";

/// The paste-mode sign-in waiting for its redirected URL (at most one, the
/// latest started), and where the login session is kept.
#[derive(Default)]
pub struct SignIns {
    waiting: Mutex<Option<Waiting>>,
    /// The login session's cookie file in the runtime folder, once moved there.
    cookie_jar: OnceLock<PathBuf>,
    /// No runtime folder: clear the site data after every sign-in.
    forget_each_sign_in: AtomicBool,
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
    request: AuthorizationCode,
    mode: LoginMode,
) -> Result<SignIn, IpcError> {
    *sign_ins.lock() = None;
    let (client, profile_id) = with_saved_secret(&app, request.client).await?;
    let request = AuthorizationCode { client: client.clone(), ..request };
    let (token, authorization) = match mode {
        LoginMode::Window => in_app_window(&app, &state, &sign_ins, request_id, &request).await?,
        LoginMode::Browser => system_browser(&state, request_id, request).await?,
        LoginMode::Paste => {
            let pending = authorization_code::start(&request)?;
            let authorization = pending.view();
            *sign_ins.lock() = Some(Waiting { pending, client, profile_id });
            return Ok(SignIn { token: None, authorization });
        }
    };
    let token = super::profiles::keep_new_token(&app, profile_id, token, client, TOKEN_NAME).await;
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
        token: Some(super::profiles::keep_new_token(&app, profile_id, token, client, TOKEN_NAME).await),
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

/// Clear login session: forgets the cookies and site data of the identity
/// domain's sign-in pages (see the module docs for why that is the app's
/// web context), so the next sign-in asks for the user again.
#[tauri::command]
pub async fn clear_login_session(app: AppHandle) -> Result<(), IpcError> {
    if let Some(login) = app.get_webview_window(LOGIN_WINDOW) {
        let _ = login.destroy();
    }
    let main = app.get_webview_window("main").ok_or_else(|| ShellError::LoginSession("the main window is gone".into()))?;
    clear_site_data(&main).await
}

/// The client with the profile's saved Client Secret when the field was left
/// empty (as for Get New Access Token), and the profile the token goes to.
async fn with_saved_secret(app: &AppHandle, mut client: Client) -> Result<(Client, String), IpcError> {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let profile_id = state.store().current().id.clone();
        if client.client_secret.is_empty() {
            let saved = state
                .store()
                .saved_secret(&state.vault, &profile_id, SecretKind::ClientSecret, &client.token_url)?
                .usable(SecretKind::ClientSecret)?;
            if let Some(saved) = saved {
                client.client_secret = saved;
            }
        }
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

enum WindowOutcome {
    Token(Box<Token>),
    Closed,
}

enum LoginEvent {
    Reached(String),
    Closed,
}

/// Destroys the login window when the sign-in ends in any way, Cancel
/// included (the waiting task is dropped).
struct CloseOnDrop(WebviewWindow);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        let _ = self.0.destroy();
    }
}

async fn in_app_window(
    app: &AppHandle,
    state: &AppState,
    sign_ins: &SignIns,
    request_id: u64,
    grant: &AuthorizationCode,
) -> Result<(Token, AuthorizationView), IpcError> {
    if let Some(open) = app.get_webview_window(LOGIN_WINDOW) {
        let _ = open.set_focus();
        return Err(ShellError::LoginWindowOpen.into());
    }
    let pending = authorization_code::start(grant)?;
    let authorize_url = tauri::Url::parse(pending.authorize_url())
        .map_err(|e| Error::InvalidUrl { field: "Auth URL", reason: e.to_string() })?;
    let (sender, mut events) = tokio::sync::mpsc::unbounded_channel();
    let watcher = pending.clone();
    let reached = sender.clone();
    let window = WebviewWindowBuilder::new(app, LOGIN_WINDOW, WebviewUrl::External(authorize_url))
        .incognito(cfg!(not(target_os = "linux")))
        .title("Sign in - OAuth Console")
        .inner_size(560.0, 720.0)
        .on_navigation(move |url| {
            if watcher.is_callback(url.as_str()) {
                let _ = reached.send(LoginEvent::Reached(url.to_string()));
                return false;
            }
            matches!(url.scheme(), "http" | "https" | "about" | "data" | "blob")
        })
        .on_new_window(|_, _| NewWindowResponse::Deny)
        .build()
        .map_err(|e| ShellError::LoginWindow(e.to_string()))?;
    // window.close() from a page (or WebDriver's Close Window) destroys the
    // webview, not the window: that too ends the wait, and the window.
    #[cfg(target_os = "linux")]
    {
        let closed = sender.clone();
        let _ = window.with_webview(move |webview| {
            use webkit2gtk::glib::ObjectExt;
            webview.inner().connect_local("destroy", false, move |_| {
                let _ = closed.send(LoginEvent::Closed);
                None
            });
        });
    }
    window.on_window_event(move |event| {
        if matches!(event, WindowEvent::Destroyed) {
            let _ = sender.send(LoginEvent::Closed);
        }
    });

    let guard = CloseOnDrop(window);
    let http = state.http();
    let view = pending.view();
    let outcome = state
        .in_flight
        .run(request_id, async move {
            let reached = match events.recv().await {
                Some(LoginEvent::Reached(url)) => url,
                Some(LoginEvent::Closed) | None => return Ok(WindowOutcome::Closed),
            };
            let now = SystemTime::now();
            drop(guard);
            authorization_code::finish(&http, &pending, &reached, now)
                .await
                .map(|token| WindowOutcome::Token(Box::new(token)))
        })
        .await;
    if sign_ins.forget_each_sign_in.load(Ordering::Relaxed) {
        if let Some(main) = app.get_webview_window("main") {
            let _ = clear_site_data(&main).await;
        }
    }
    match outcome? {
        WindowOutcome::Token(token) => Ok((*token, view)),
        WindowOutcome::Closed => Err(ShellError::LoginWindowClosed.into()),
    }
}

/// At start: the login session off the disk (see the module docs), and the
/// login window closed with the main window, so the app does not linger
/// with only a sign-in page open.
pub fn keep_login_session_off_disk(app: &AppHandle) {
    let Some(main) = app.get_webview_window("main") else { return };
    #[cfg(target_os = "linux")]
    let sign_ins = app.state::<SignIns>();
    #[cfg(target_os = "linux")]
    match runtime_cookie_jar(app) {
        Some(jar) => {
            let path = jar.to_string_lossy().into_owned();
            let _ = main.with_webview(move |webview| {
                use webkit2gtk::{CookieManagerExt, CookiePersistentStorage, WebContextExt, WebViewExt, WebsiteDataManagerExt};
                let cookies = webview.inner().context().and_then(|c| c.website_data_manager()).and_then(|m| m.cookie_manager());
                if let Some(cookies) = cookies {
                    cookies.set_persistent_storage(&path, CookiePersistentStorage::Text);
                }
            });
            let _ = sign_ins.cookie_jar.set(jar);
        }
        None => sign_ins.forget_each_sign_in.store(true, Ordering::Relaxed),
    }
    // The file Tauri's default would have used, should an earlier run have left one.
    if let Ok(data) = app.path().app_local_data_dir() {
        let _ = std::fs::remove_file(data.join("cookies"));
    }
    let app = app.clone();
    main.on_window_event(move |event| {
        if matches!(event, WindowEvent::Destroyed) {
            if let Some(login) = app.get_webview_window(LOGIN_WINDOW) {
                let _ = login.destroy();
            }
            if let Some(jar) = app.state::<SignIns>().cookie_jar.get() {
                let _ = std::fs::remove_file(jar);
            }
        }
    });
}

/// `$XDG_RUNTIME_DIR/<app id>/login-cookies-<pid>` (one per running app),
/// empty; `None` without a runtime folder (or when it cannot be used).
#[cfg(target_os = "linux")]
fn runtime_cookie_jar(app: &AppHandle) -> Option<PathBuf> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let runtime = app.path().runtime_dir().ok().filter(|dir| dir.is_absolute() && dir.is_dir())?;
    let folder = runtime.join(&app.config().identifier);
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(&folder).ok()?;
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o700)).ok()?;
    let jar = folder.join(format!("login-cookies-{}", std::process::id()));
    match std::fs::remove_file(&jar) {
        Ok(()) => Some(jar),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(jar),
        Err(_) => None,
    }
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
fn open_in_browser(url: &str) -> Result<(), String> {
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

#[cfg(target_os = "linux")]
async fn clear_site_data(main: &WebviewWindow) -> Result<(), IpcError> {
    let (done, cleared) = tokio::sync::oneshot::channel();
    main.with_webview(move |webview| {
        use webkit2gtk::{glib, WebContextExt, WebViewExt, WebsiteDataManagerExtManual, WebsiteDataTypes};
        let manager = webview.inner().context().and_then(|context| context.website_data_manager());
        match manager {
            Some(manager) => manager.clear(
                WebsiteDataTypes::ALL,
                glib::TimeSpan::from_seconds(0),
                None::<&webkit2gtk::gio::Cancellable>,
                move |result| {
                    let _ = done.send(result.map_err(|e| e.to_string()));
                },
            ),
            None => {
                let _ = done.send(Err("the web context has no data manager".into()));
            }
        }
    })
    .map_err(|e| ShellError::LoginSession(e.to_string()))?;
    match cleared.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(detail)) => Err(ShellError::LoginSession(detail).into()),
        Err(_) => Err(ShellError::LoginSession("the window did not answer".into()).into()),
    }
}

#[cfg(not(target_os = "linux"))]
async fn clear_site_data(main: &WebviewWindow) -> Result<(), IpcError> {
    main.clear_all_browsing_data().map_err(|e| ShellError::LoginSession(e.to_string()).into())
}
