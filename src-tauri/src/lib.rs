//! The desktop shell: builds the Tauri app, holds the state the commands
//! share, and registers the commands. All OAuth and HTTP logic is in
//! `oauth-console-core`; nothing here speaks a protocol.

mod commands;

use oauth_console_core::cancel::InFlight;
use oauth_console_core::http::{HttpClient, HttpSettings};

/// What every command can reach: one HTTP client built once, and the
/// requests in flight (for Cancel).
pub struct AppState {
    pub http: HttpClient,
    pub in_flight: InFlight,
}

pub fn run() {
    let http = HttpClient::new(HttpSettings::default()).expect("the HTTP client could not be built");
    tauri::Builder::default()
        .manage(AppState {
            http,
            in_flight: InFlight::default(),
        })
        .invoke_handler(tauri::generate_handler![
            commands::request_token,
            commands::cancel_request
        ])
        .run(tauri::generate_context!())
        .expect("OAuth Console could not start");
}
