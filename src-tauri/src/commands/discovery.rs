//! Discover: the identity domain's endpoints from its discovery document
//! (`oauth_console_core::discovery`), for the Configure New Token form.

use crate::AppState;
use oauth_console_core::discovery::{self, Discovered};
use oauth_console_core::IpcError;
use tauri::State;

/// Fetches and checks the discovery document for `url` (a Domain URL, the
/// Access Token URL, or the document's URL). Off the main thread: an async
/// command on Tauri's runtime.
#[tauri::command]
pub async fn discover(state: State<'_, AppState>, url: String) -> Result<Discovered, IpcError> {
    let http = state.http();
    Ok(discovery::discover(&http, &url).await?)
}
