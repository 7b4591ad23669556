//! The Oracle Integration profile form and OIC's refusals: the live preview
//! of every derived value (with the problems to show next to each field),
//! "where to find this" for each field, the quick requests, the
//! `integrationInstance` parameter on Developer API URLs, and what to check
//! when OIC answers 401 or 403. Every rule is in `oauth_console_core::oracle`;
//! nothing here touches the network.

use crate::AppState;
use oauth_console_core::oracle::{
    self, ApiRefusal, Derived, HelpText, OracleInputs, Overrides, Preview, QuickRequest,
};
use oauth_console_core::send::Forwarding;
use serde::Serialize;
use tauri::State;

/// What the form shows while the user types.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OracleView {
    /// The values in effect: derived, or the user's overrides.
    preview: Preview,
    /// The values as derived from the Oracle fields alone, for "overridden"
    /// marks and "Use derived".
    derived: Preview,
    /// Ready requests on the request base URL, once there is one.
    quick_requests: Vec<QuickRequest>,
}

/// The live view of the Oracle form: derived values, problems, quick requests.
#[tauri::command]
pub fn oracle_preview(inputs: OracleInputs) -> OracleView {
    let preview = oracle::preview(&inputs);
    let derived = oracle::preview(&OracleInputs {
        overrides: Overrides::default(),
        ..inputs
    });
    // The quick requests need only the base URL and the instance name, so
    // they are offered before the identity domain is filled in.
    let quick_requests = preview
        .api_base_url
        .as_ref()
        .map(|base| {
            oracle::quick_requests(&Derived {
                api_base_url: base.clone(),
                integration_instance: preview.integration_instance.clone(),
                token_url: String::new(),
                auth_url: String::new(),
                device_url: String::new(),
                scope: String::new(),
                callback_url: String::new(),
                trusted_hosts: Vec::new(),
                design_time: preview.design_time,
            })
        })
        .unwrap_or_default();
    OracleView {
        preview,
        derived,
        quick_requests,
    }
}

/// "Where to find this" for every field, and the Redirect URL presets.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OracleHelp {
    fields: Vec<HelpText>,
    /// This app's loopback Redirect URL.
    loopback_callback: &'static str,
    /// The OIC instance's callback path.
    oic_callback_path: &'static str,
}

/// "Where to find this" for every field of the form.
#[tauri::command]
pub fn oracle_help() -> OracleHelp {
    OracleHelp {
        fields: oracle::help_texts(),
        loopback_callback: oracle::LOOPBACK_CALLBACK,
        oic_callback_path: oracle::OIC_CALLBACK_PATH,
    }
}

/// `url` with `integrationInstance=<name>` when it is a Developer API URL
/// that does not name the instance yet; otherwise `url` unchanged.
#[tauri::command]
pub fn oracle_instance_url(url: String, instance_name: String) -> String {
    oracle::with_integration_instance(&url, &instance_name)
}

/// What an OIC administrator should check after a 401 or 403 from Oracle
/// Integration, from the response the app keeps (status, the URL sent, what
/// happened to Authorization on each hop, `WWW-Authenticate`) and the scope
/// of the token used. `oracle` is the profile's Oracle form, when it has one.
/// `None` for other statuses.
#[tauri::command]
pub fn oic_refusal_hint(
    state: State<'_, AppState>,
    response_id: u64,
    token_id: Option<String>,
    oracle: Option<OracleInputs>,
) -> Option<String> {
    let response = state.responses.get(response_id)?;
    let refusal = refusal_of(&state, &response, token_id.as_deref());
    let profile = oracle.and_then(|inputs| oracle::derive(&inputs).ok());
    oracle::api_refusal_hint(&refusal, profile.as_ref())
}

/// What the sender saw of a refused call, for [`oracle::api_refusal_hint`]:
/// the status, the URL sent, what happened to Authorization on each hop,
/// `WWW-Authenticate`, and the scope of the token used.
pub(crate) fn refusal_of(
    state: &AppState,
    response: &oauth_console_core::send::ApiResponse,
    token_id: Option<&str>,
) -> ApiRefusal {
    let first = response.hops.first();
    ApiRefusal {
        status: response.status,
        url: first.map_or_else(|| response.url.clone(), |hop| hop.url.clone()),
        sent_authorization: first.is_some_and(|hop| hop.authorization == Forwarding::Sent),
        authorization_dropped_on_redirect: response.hops.iter().skip(1).any(|hop| {
            !hop.authorization.forwarded() && hop.authorization != Forwarding::NotSet
        }),
        token_scope: token_id
            .and_then(|id| state.tokens.get(id))
            .and_then(|token| token.scope),
        www_authenticate: response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("www-authenticate"))
            .map(|h| h.value.clone()),
    }
}
