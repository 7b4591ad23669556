//! History in the sidebar: a profile's last sends, one reopened, Clear
//! history. The sends are recorded by `send_request` ([`record`]), in the
//! core, so the window cannot forget to take credentials out. The files are
//! read and written on a blocking thread.

use super::blocking;
use crate::AppState;
use oauth_console_core::send::ApiRequest;
use oauth_console_core::store::{HistoryEntry, HistoryRow, Outcome};
use oauth_console_core::IpcError;
use tauri::{AppHandle, Manager};

/// The profile's History, newest first.
#[tauri::command]
pub async fn history_list(app: AppHandle, profile_id: String) -> Result<Vec<HistoryRow>, IpcError> {
    blocking(&app, move |state| Ok(state.history.rows(&profile_id)?)).await
}

/// One entry, to fill the request panel with (its credentials are empty).
#[tauri::command]
pub async fn history_entry(app: AppHandle, profile_id: String, id: String) -> Result<HistoryEntry, IpcError> {
    blocking(&app, move |state| Ok(state.history.entry(&profile_id, &id)?)).await
}

/// Clear history: the profile's stored history too.
#[tauri::command]
pub async fn clear_history(app: AppHandle, profile_id: String) -> Result<(), IpcError> {
    blocking(&app, move |state| Ok(state.history.clear(&profile_id)?)).await
}

/// Records a send in `profile_id`'s History, on a blocking thread: the
/// credentials are taken out there (the body may be large). A failure to
/// write does not fail the send; the window is told at its next notice.
pub(crate) async fn record(app: &AppHandle, profile_id: String, request: ApiRequest, outcome: Outcome, at: u64) {
    let recorded = blocking(app, move |state| {
        let entry = HistoryEntry::new(&request, outcome, at)?;
        Ok(state.history.record(&profile_id, entry)?)
    })
    .await;
    if let Err(e) = recorded {
        app.state::<AppState>().tell_ipc_error(e);
    }
}

/// Unix milliseconds now, for [`record`].
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
