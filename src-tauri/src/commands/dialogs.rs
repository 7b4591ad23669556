//! The native file dialogs behind every "Choose…" and save: the command
//! sets the dialog's title, suggested name and filters, and waits here for
//! the user's choice (`None` when cancelled). A typed path is always the
//! other way in, since WebDriver cannot drive these dialogs.

use crate::error::ShellError;
use std::path::PathBuf;
use tauri::Runtime;
use tauri_plugin_dialog::FileDialogBuilder;

/// The open dialog: the file picked.
pub async fn pick<R: Runtime>(dialog: FileDialogBuilder<R>) -> Result<Option<PathBuf>, ShellError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    dialog.pick_file(move |path| {
        let _ = tx.send(path);
    });
    let Some(path) = rx.await.ok().flatten() else { return Ok(None) };
    path.into_path().map(Some).map_err(|e| ShellError::InvalidPath(e.to_string()))
}

/// The save dialog: where to write.
pub async fn save<R: Runtime>(dialog: FileDialogBuilder<R>) -> Result<Option<PathBuf>, ShellError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    dialog.save_file(move |path| {
        let _ = tx.send(path);
    });
    let Some(path) = rx.await.ok().flatten() else { return Ok(None) };
    path.into_path().map(Some).map_err(|e| ShellError::SaveFailed(e.to_string()))
}

/// A chosen path as the window shows it.
pub fn shown(path: Option<PathBuf>) -> Option<String> {
    path.map(|p| p.display().to_string())
}
