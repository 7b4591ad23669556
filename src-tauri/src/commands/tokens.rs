//! Tauri commands: each takes its state, calls one core function and turns
//! the error into `{code, message, hint}`. No protocol logic lives here.

use crate::AppState;
use oauth_console_core::{IpcError, TokenRequest, TokenView};
use std::time::SystemTime;
use tauri::State;

/// Get New Access Token. `request_id` is chosen by the UI so that it can
/// cancel the request while it is in flight.
#[tauri::command]
pub async fn request_token(
    state: State<'_, AppState>,
    request_id: u64,
    request: TokenRequest,
) -> Result<TokenView, IpcError> {
    let http = state.http.clone();
    state
        .in_flight
        .run(request_id, async move {
            oauth_console_core::request_token(&http, &request, SystemTime::now()).await
        })
        .await
        .map(|token| token.view())
        .map_err(IpcError::from)
}

/// Cancel: stops the request `request_id`; false when it already ended.
#[tauri::command]
pub fn cancel_request(state: State<'_, AppState>, request_id: u64) -> bool {
    state.in_flight.cancel(request_id)
}
