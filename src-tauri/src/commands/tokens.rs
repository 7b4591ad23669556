//! Get New Access Token, Cancel, and the ways a token leaves the core on
//! purpose (Show).

use crate::AppState;
use oauth_console_core::{IpcError, TokenRequest, TokenView};
use std::time::SystemTime;
use tauri::State;

/// Get New Access Token. `request_id` is chosen by the UI so that it can
/// cancel the request while it is in flight.
#[tauri::command]
pub async fn request_token(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request_id: u64,
    request: TokenRequest,
) -> Result<TokenView, IpcError> {
    // An empty Client Secret or Password field means the profile's saved one.
    let (request, profile_id) = super::secrets::fill_saved_secrets(&app, request).await?;
    let http = state.http();
    let (client, name) = request.client_and_label();
    let renew = request.renewable().then(|| request.clone());
    let token = state
        .in_flight
        .run(request_id, async move {
            oauth_console_core::request_token(&http, &request, SystemTime::now()).await
        })
        .await?;
    // Held for this session and saved to the profile (values in the keychain).
    let view = super::saved_tokens::keep_new_token(&app, profile_id, token, client, name).await;
    if let Some(renew) = renew {
        state.tokens.set_renew(&view.id, renew);
    }
    Ok(view)
}

/// Cancel: stops the request `request_id`; false when it already ended.
#[tauri::command]
pub fn cancel_request(state: State<'_, AppState>, request_id: u64) -> bool {
    state.in_flight.cancel(request_id)
}

/// Show: the value of a token the core holds (`kind`: access or id).
#[tauri::command]
pub async fn reveal_token(state: State<'_, AppState>, token_id: String, kind: String) -> Result<String, IpcError> {
    state.tokens.reveal(&token_id, &kind)
}
