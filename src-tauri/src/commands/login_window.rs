//! The in-app login window of the authorization-code and Implicit sign-ins
//! (the Callback URL's whole address, fragment included, goes to the core),
//! and its browser session (Clear login session). Called by [`super::grants`].
//!
//! A second window, labelled `login`, opens the
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

use super::grants::SignIns;
use crate::error::ShellError;
use crate::AppState;
use oauth_console_core::grants::authorization_code::{self, AuthorizationView, PendingAuthorization};
use oauth_console_core::{Error, IpcError, Token};
use std::time::SystemTime;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use tauri::webview::NewWindowResponse;
use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindow, WebviewWindowBuilder, WindowEvent};

/// The label of the in-app login window (listed in no capability file).
pub const LOGIN_WINDOW: &str = "login";

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

pub(super) async fn in_app_window(
    app: &AppHandle,
    state: &AppState,
    sign_ins: &SignIns,
    request_id: u64,
    pending: PendingAuthorization,
) -> Result<(Token, AuthorizationView), IpcError> {
    if let Some(open) = app.get_webview_window(LOGIN_WINDOW) {
        let _ = open.set_focus();
        return Err(ShellError::LoginWindowOpen.into());
    }
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
