//! Device Code (RFC 8628) in the window. Get New Access Token asks the
//! device endpoint for a User Code (`grants::device_code::start` in the
//! core), tells the main window what to show ([`DEVICE_CODE_STARTED`]), then
//! polls the token endpoint at the server's interval
//! (`grants::device_code::poll`), all in one task under the window's request
//! id, so Cancel (`cancel_request`) stops it at any point. Before each wait
//! the window hears the interval in effect ([`DEVICE_CODE_POLLING`]), so it
//! can say when the server asked to slow down.
//!
//! The device code never leaves that task: the window gets the view (User
//! Code, Verification URL, expiry), which holds no secret. Copy and Open in
//! browser act on the flow's own values kept in [`DeviceFlows`], so the
//! window cannot make the app open any other address. Copy as cURL gives the
//! device authorization request.

use crate::error::ShellError;
use crate::AppState;
use oauth_console_core::grants::device_code::{self, DeviceAuthorizationView, DeviceCode};
use oauth_console_core::send::curl;
use oauth_console_core::{Error, IpcError, TokenView};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::SystemTime;
use tauri::{AppHandle, Emitter, Manager, State};

/// Sent to the main window once the device endpoint answered: the request
/// id and the [`DeviceAuthorizationView`].
pub const DEVICE_CODE_STARTED: &str = "device-code-started";
/// Sent before each wait between polls: the request id and the interval.
pub const DEVICE_CODE_POLLING: &str = "device-code-polling";
const TOKEN_NAME: &str = "Device Code";

/// What the latest device sign-in showed (memory only; no device code).
#[derive(Default)]
pub struct DeviceFlows {
    shown: Mutex<Option<DeviceAuthorizationView>>,
}

impl DeviceFlows {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<DeviceAuthorizationView>> {
        self.shown.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn shown(&self) -> Result<DeviceAuthorizationView, IpcError> {
        self.lock().clone().ok_or_else(|| ShellError::NoDeviceCode.into())
    }
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Started {
    request_id: u64,
    #[serde(flatten)]
    authorization: DeviceAuthorizationView,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Polling {
    request_id: u64,
    interval_secs: u64,
}

/// Get New Access Token for the device code: the whole flow, ending with
/// the token (kept and saved like any other grant's) or with why it ended.
#[tauri::command]
pub async fn start_device_code(
    app: AppHandle,
    state: State<'_, AppState>,
    flows: State<'_, DeviceFlows>,
    request_id: u64,
    request: DeviceCode,
) -> Result<TokenView, IpcError> {
    *flows.lock() = None;
    // An empty Client Secret means the profile's saved one.
    let (client, profile_id) = super::grants::with_saved_secret(&app, request.client).await?;
    let grant = DeviceCode { client: client.clone(), ..request };
    let http = state.http();
    let events = app.clone();
    let token = state
        .in_flight
        .run(request_id, async move {
            let authorization = device_code::start(&http, &grant, SystemTime::now()).await?;
            let view = authorization.view();
            *events.state::<DeviceFlows>().lock() = Some(view.clone());
            let _ = events.emit_to("main", DEVICE_CODE_STARTED, Started { request_id, authorization: view });
            device_code::poll(&http, &grant, &authorization, SystemTime::now, |wait| {
                let _ = events.emit_to("main", DEVICE_CODE_POLLING, Polling { request_id, interval_secs: wait.as_secs() });
                tokio::time::sleep(wait)
            })
            .await
        })
        .await
        .map_err(|error| match error {
            Error::Cancelled => IpcError::from(ShellError::DeviceCodeCancelled),
            other => IpcError::from(other),
        })?;
    Ok(super::saved_tokens::keep_new_token(&app, profile_id, token, client, TOKEN_NAME).await)
}

/// Which of the shown values a Copy or Open in browser means.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceValue {
    UserCode,
    VerificationUri,
    VerificationUriComplete,
}

fn value_of(shown: &DeviceAuthorizationView, which: DeviceValue) -> String {
    match which {
        DeviceValue::UserCode => shown.user_code.clone(),
        DeviceValue::VerificationUri => shown.verification_uri.clone(),
        DeviceValue::VerificationUriComplete => {
            shown.verification_uri_complete.clone().unwrap_or_else(|| shown.verification_uri.clone())
        }
    }
}

/// Copy: the User Code or a Verification URL of the latest device sign-in.
/// Not secrets (the user types them into a browser), so never cleared.
#[tauri::command]
pub async fn copy_device_value(
    app: AppHandle,
    state: State<'_, AppState>,
    flows: State<'_, DeviceFlows>,
    which: DeviceValue,
) -> Result<u64, IpcError> {
    let text = value_of(&flows.shown()?, which);
    crate::clipboard::write(&app, crate::clipboard::Copy::new(text, false), state.clipboard_clear_seconds()).await
}

/// Open in browser: the Verification URL of the latest device sign-in (the
/// complete one, with the code in it, when the server gave one), the same
/// way as the system-browser sign-in opens its page.
#[tauri::command]
pub async fn open_verification_url(flows: State<'_, DeviceFlows>, which: DeviceValue) -> Result<(), IpcError> {
    let shown = flows.shown()?;
    let url = match which {
        DeviceValue::UserCode => return Err(ShellError::NoDeviceCode.into()),
        other => value_of(&shown, other),
    };
    super::grants::open_in_browser(&url).map_err(|e| ShellError::BrowserNotOpened(e).into())
}

/// Copy as cURL on Device Code: the device authorization request, the
/// flow's first step (the polls carry the device code, which stays in the
/// app). An empty Client Secret means the profile's saved one; secrets are
/// placeholders unless `include_secrets`.
#[tauri::command]
pub async fn copy_device_request_as_curl(
    app: AppHandle,
    state: State<'_, AppState>,
    request: DeviceCode,
    include_secrets: bool,
) -> Result<u64, IpcError> {
    let (client, _) = super::grants::with_saved_secret(&app, request.client).await?;
    let grant = DeviceCode { client, ..request };
    let command = curl::for_device_authorization(&grant, state.http().settings(), include_secrets)?;
    let copy = crate::clipboard::Copy::new(command, include_secrets);
    crate::clipboard::write(&app, copy, state.clipboard_clear_seconds()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(complete: Option<&str>) -> DeviceAuthorizationView {
        DeviceAuthorizationView {
            user_code: "BCDF-GHJK".into(),
            verification_uri: "https://idcs-x.identity.oraclecloud.com/device".into(),
            verification_uri_complete: complete.map(str::to_owned),
            expires_in: 600,
            interval: 5,
        }
    }

    #[test]
    fn the_complete_verification_url_falls_back_to_the_plain_one() {
        assert_eq!(value_of(&shown(None), DeviceValue::VerificationUriComplete), "https://idcs-x.identity.oraclecloud.com/device");
        assert_eq!(
            value_of(&shown(Some("https://idcs-x.identity.oraclecloud.com/device?user_code=BCDF-GHJK")), DeviceValue::VerificationUriComplete),
            "https://idcs-x.identity.oraclecloud.com/device?user_code=BCDF-GHJK"
        );
        assert_eq!(value_of(&shown(None), DeviceValue::UserCode), "BCDF-GHJK");
    }

    #[test]
    fn the_started_event_carries_the_view_and_the_request_id_only() {
        let event = serde_json::to_value(Started { request_id: 3, authorization: shown(None) }).unwrap();
        assert_eq!(event["requestId"], 3);
        assert_eq!(event["userCode"], "BCDF-GHJK");
        assert!(event.get("deviceCode").is_none());
    }
}
