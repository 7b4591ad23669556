//! Every copy to the clipboard goes through here. Text that holds a secret
//! (a token, Copy as cURL with secrets, an authorize URL with a plain PKCE
//! verifier, a response body with a token in it) is marked as a secret for
//! clipboard managers and cleared after the "Clear copied token after"
//! setting, but only if the clipboard still holds exactly what was copied:
//! whatever the user copied meanwhile is left alone. Clipboard calls block
//! (X11 round trips), so they run on a blocking thread, never the main one.

use crate::error::ShellError;
use oauth_console_core::{IpcError, Secret};
use std::time::Duration;
use tauri::AppHandle;
use tauri_plugin_clipboard_manager::ClipboardExt;

/// What went on the clipboard.
pub enum Copy {
    Plain(String),
    Secret(Secret),
}

impl Copy {
    /// `text` as a secret copy when `secret`, a plain one otherwise.
    pub fn new(text: String, secret: bool) -> Copy {
        if secret {
            Copy::Secret(Secret::new(text))
        } else {
            Copy::Plain(text)
        }
    }
}

/// Puts `copy` on the clipboard. For a secret, schedules the clear after
/// `clear_seconds` (0: never) and returns that delay; for plain text, 0.
pub async fn write(app: &AppHandle, copy: Copy, clear_seconds: u64) -> Result<u64, IpcError> {
    let writer = app.clone();
    let (secret, written) = tauri::async_runtime::spawn_blocking(move || {
        let clipboard = writer.clipboard();
        match copy {
            Copy::Plain(text) => (None, clipboard.write_text(text)),
            Copy::Secret(secret) => {
                let written = clipboard.write_secret(secret.expose());
                (Some(secret), written)
            }
        }
    })
    .await
    .map_err(|e| ShellError::Clipboard(e.to_string()))?;
    written.map_err(|e| ShellError::Clipboard(e.to_string()))?;
    let Some(secret) = secret else { return Ok(0) };
    if clear_seconds > 0 {
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(Duration::from_secs(clear_seconds)).await;
            let _ = tauri::async_runtime::spawn_blocking(move || {
                let clipboard = app.clipboard();
                if clipboard.read_text().is_ok_and(|text| text == secret.expose()) {
                    let _ = clipboard.clear();
                }
            })
            .await;
        });
    }
    Ok(clear_seconds)
}
