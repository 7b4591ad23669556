//! Tauri commands, one module per panel. Each command takes its state, calls
//! the core and turns the error into `{code, message, hint}`. No protocol
//! logic lives here.

pub mod bench;
pub mod collections;
pub mod device;
pub mod dialogs;
pub mod discovery;
pub mod grants;
pub mod history;
pub mod keys;
pub mod login_window;
pub mod network;
pub mod oic_admin;
pub mod oracle;
pub mod profiles;
pub mod saved_tokens;
pub mod secrets;
pub mod sandbox;
pub mod send;
pub mod token_checks;
pub mod tokens;

use crate::AppState;
use oauth_console_core::{Error, IpcError};
use tauri::{AppHandle, Manager};

/// Runs `work` on a blocking thread, off the main thread and off the async
/// workers: the keychain may take seconds, a file read or a body's
/// pretty-printing grows with its size.
pub(crate) async fn blocking<T, F>(app: &AppHandle, work: F) -> Result<T, IpcError>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> Result<T, IpcError> + Send + 'static,
{
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || work(&app.state::<AppState>()))
        .await
        .map_err(|e| IpcError::from(Error::Internal(format!("a background task failed: {e}"))))?
}
