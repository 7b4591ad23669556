//! What an OIC administrator should check when Oracle Integration refuses a
//! call made with a token (401, 403). The identity domain's own errors
//! (`invalid_client`, `invalid_scope`, ...) are explained by
//! [`crate::hints`]; this is the step after: a good token and still no data.

use super::quick::{is_developer_api, names_instance, path_of, INTEGRATION_INSTANCE};
use super::{Derived, CONSUMER_ALL, DEVELOPER_API};
use serde::Deserialize;

/// What the request sender saw, as plain values (no token).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApiRefusal {
    /// The final status, e.g. 401.
    pub status: u16,
    /// The URL the user sent.
    pub url: String,
    /// Whether the first request carried an Authorization header.
    pub sent_authorization: bool,
    /// Whether a redirect was followed without the Authorization header.
    pub authorization_dropped_on_redirect: bool,
    /// The `scope` of the token used, as the identity domain returned it.
    pub token_scope: Option<String>,
    /// The final answer's `WWW-Authenticate` header.
    pub www_authenticate: Option<String>,
}

const ROLES: &str = "The user (password, authorization code) or the confidential application (client credentials) needs an Oracle Integration application role that allows this call, e.g. ServiceAdministrator or ServiceDeveloper for the Developer APIs, ServiceInvoker to run integrations: Identity & Security → Domains → your domain → Oracle Cloud Services → your instance → Application roles.";

/// The most likely cause of OIC's 401 or 403 first, from what the sender
/// saw; `None` for other statuses. `profile`, when the call was made with an
/// Oracle profile, names the exact scope and instance to use.
pub fn api_refusal_hint(refusal: &ApiRefusal, profile: Option<&Derived>) -> Option<String> {
    let path = path_of(&refusal.url);
    let developer_api = is_developer_api(path);
    let challenge = refusal
        .www_authenticate
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let wanted_scope = profile
        .map(|p| {
            p.scope
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("<audience>{CONSUMER_ALL}"));
    match refusal.status {
        401 => Some(if !refusal.sent_authorization {
            "The request had no Authorization header: get a token and press Use Token, or add Authorization: Bearer <access token>.".into()
        } else if refusal.authorization_dropped_on_redirect {
            "The runtime URL redirected the call to the design-time URL and the Authorization header was not forwarded. Add the design-time host to Trusted hosts (Follow Authorization header), or send the call to the design-time URL. Postman calls this Follow Authorization header; curl needs --location-trusted.".into()
        } else if let Some(hint) =
            scope_mismatch(refusal.token_scope.as_deref(), developer_api, &wanted_scope)
        {
            hint
        } else if developer_api && !names_instance(&refusal.url) {
            instance_hint(profile)
        } else if challenge.contains("invalid_token") {
            format!("Oracle Integration refused the token itself: it may have expired (get a new one) or be for another instance. The scope must start with this instance's primary audience: {wanted_scope}.")
        } else {
            format!(
                "Check, in this order: the token's scope covers this call ({wanted_scope}; /ic/api/ covers the Developer APIs only); a call to the runtime URL forwards Authorization to the design-time URL (Trusted hosts); Developer API calls name the instance with integrationInstance=<instance name>. {ROLES}"
            )
        }),
        403 => Some(if challenge.contains("insufficient_scope") {
            scope_mismatch(refusal.token_scope.as_deref(), developer_api, &wanted_scope).unwrap_or_else(|| {
                format!("The token's scope does not allow this call: ask for {wanted_scope}, the scope of the application's Token Issuance Policy.")
            })
        } else {
            ROLES.into()
        }),
        _ => None,
    }
}

/// A hint when the token's scope cannot cover the call: none of the
/// Oracle Integration scopes, or `/ic/api/` for an integration endpoint.
fn scope_mismatch(token_scope: Option<&str>, developer_api: bool, wanted: &str) -> Option<String> {
    let scope = token_scope?.trim();
    if scope.is_empty() {
        return None;
    }
    let all = scope.split_whitespace().any(|s| s.ends_with(CONSUMER_ALL));
    let api = scope.split_whitespace().any(|s| s.ends_with(DEVELOPER_API));
    if all || (api && developer_api) {
        return None;
    }
    Some(if api {
        format!("The token's scope ends with /ic/api/, which covers the Developer APIs only; to call integrations, ask for {wanted} (urn:opc:resource:consumer::all).")
    } else {
        format!("The token's scope ({scope}) is not an Oracle Integration scope: ask for {wanted}, the scope of the application's Token Issuance Policy.")
    })
}

fn instance_hint(profile: Option<&Derived>) -> String {
    match profile.and_then(|p| p.integration_instance.as_deref()) {
        Some(name) => format!(
            "Add {INTEGRATION_INSTANCE}={name} to the URL: Oracle Integration 3 needs it on Developer API calls to the design-time URL."
        ),
        None => format!(
            "Add {INTEGRATION_INSTANCE}=<instance name> to the URL (fill in Integration instance name in the profile): Oracle Integration 3 needs it on Developer API calls to the design-time URL."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, IpcError};

    const CONNECTIONS: &str = "https://design.integration.us-phoenix-1.ocp.oraclecloud.com/ic/api/integration/v1/connections";
    const ALL: &str =
        "https://69415C303.integration.ocp.oraclecloud.com:443urn:opc:resource:consumer::all";

    fn refusal(status: u16, url: &str) -> ApiRefusal {
        ApiRefusal {
            status,
            url: url.into(),
            sent_authorization: true,
            token_scope: Some(ALL.into()),
            ..ApiRefusal::default()
        }
    }

    fn profile(instance: Option<&str>) -> Derived {
        Derived {
            token_url: "https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/token".into(),
            auth_url: "https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/authorize".into(),
            device_url: "https://idcs-abc123.identity.oraclecloud.com/oauth2/v1/device".into(),
            scope: format!("{ALL} offline_access"),
            callback_url: "http://127.0.0.1:53682/callback".into(),
            api_base_url: "https://design.integration.us-phoenix-1.ocp.oraclecloud.com".into(),
            integration_instance: instance.map(str::to_owned),
            trusted_hosts: vec!["oraclecloud.com".into()],
            design_time: true,
        }
    }

    fn oauth_hint(code: &str) -> String {
        IpcError::from(Error::OAuth {
            status: 400,
            error: code.into(),
            description: None,
        })
        .hint
        .unwrap_or_else(|| panic!("{code} has a hint"))
    }

    #[test]
    fn invalid_client_says_to_check_the_client_id_secret_and_activation() {
        let hint = oauth_hint("invalid_client");
        assert!(hint.contains("Client ID and Client Secret"), "{hint}");
        assert!(hint.contains("activated"), "{hint}");
    }

    #[test]
    fn unauthorized_client_says_to_enable_the_grant_type_in_the_client_configuration() {
        let hint = oauth_hint("unauthorized_client");
        assert!(hint.contains("Enable this grant type"), "{hint}");
        assert!(hint.contains("client configuration"), "{hint}");
    }

    #[test]
    fn invalid_scope_says_the_scope_must_match_the_primary_audience_and_offline_access_needs_refresh_token(
    ) {
        let hint = oauth_hint("invalid_scope");
        assert!(hint.contains("primary audience"), "{hint}");
        assert!(
            hint.contains("urn:opc:resource:consumer::all") && hint.contains("/ic/api/"),
            "{hint}"
        );
        assert!(
            hint.contains("offline_access only when Refresh Token is enabled"),
            "{hint}"
        );
    }

    #[test]
    fn invalid_grant_says_the_user_must_be_a_local_service_invoker_not_single_sign_on() {
        let hint = oauth_hint("invalid_grant");
        assert!(hint.contains("local password"), "{hint}");
        assert!(hint.contains("single sign-on"), "{hint}");
        assert!(hint.contains("ServiceInvoker"), "{hint}");
    }

    #[test]
    fn a_401_without_a_token_says_to_use_one() {
        let mut r = refusal(401, CONNECTIONS);
        r.sent_authorization = false;
        let hint = api_refusal_hint(&r, None).unwrap();
        assert!(hint.contains("Use Token"), "{hint}");
    }

    #[test]
    fn a_401_after_a_dropped_authorization_points_at_trusted_hosts() {
        let mut r = refusal(401, "https://myinstance-abcd-ia.integration.us-phoenix-1.ocp.oraclecloud.com/ic/api/integration/v1/connections");
        r.authorization_dropped_on_redirect = true;
        let hint = api_refusal_hint(&r, Some(&profile(Some("myinstance")))).unwrap();
        assert!(hint.contains("runtime URL redirected"), "{hint}");
        assert!(hint.contains("Trusted hosts"), "{hint}");
        assert!(hint.contains("--location-trusted"), "{hint}");
    }

    #[test]
    fn a_401_with_a_token_for_another_resource_asks_for_consumer_all() {
        let mut r = refusal(
            401,
            &format!("{CONNECTIONS}?integrationInstance=myinstance"),
        );
        r.token_scope = Some("urn:opc:idm:__myscopes__".into());
        let hint = api_refusal_hint(&r, Some(&profile(Some("myinstance")))).unwrap();
        assert!(hint.contains("not an Oracle Integration scope"), "{hint}");
        assert!(
            hint.contains(ALL),
            "names the profile's scope without offline_access: {hint}"
        );
        assert!(!hint.contains("offline_access"), "{hint}");
        let without_profile = api_refusal_hint(&r, None).unwrap();
        assert!(
            without_profile.contains("<audience>urn:opc:resource:consumer::all"),
            "{without_profile}"
        );
    }

    #[test]
    fn a_developer_api_scope_on_an_integration_endpoint_asks_for_consumer_all() {
        let mut r = refusal(401, "https://myinstance-abcd-ia.integration.us-phoenix-1.ocp.oraclecloud.com/ic/api/integration/v1/flows/rest/HELLO/1.0/hi");
        r.token_scope =
            Some("https://69415C303.integration.ocp.oraclecloud.com:443/ic/api/".into());
        let hint = api_refusal_hint(&r, None).unwrap();
        assert!(hint.contains("Developer APIs only"), "{hint}");
        r.url = CONNECTIONS.into();
        let hint = api_refusal_hint(&r, None).unwrap();
        assert!(
            !hint.contains("Developer APIs only"),
            "/ic/api/ covers the Developer APIs: {hint}"
        );
    }

    #[test]
    fn a_401_on_a_developer_api_without_integration_instance_asks_for_it() {
        let r = refusal(401, CONNECTIONS);
        let hint = api_refusal_hint(&r, Some(&profile(Some("myinstance")))).unwrap();
        assert!(hint.contains("integrationInstance=myinstance"), "{hint}");
        let hint = api_refusal_hint(&r, Some(&profile(None))).unwrap();
        assert!(
            hint.contains("integrationInstance=<instance name>")
                && hint.contains("Integration instance name"),
            "{hint}"
        );
    }

    #[test]
    fn a_401_with_invalid_token_says_the_token_expired_or_is_for_another_instance() {
        let mut r = refusal(
            401,
            &format!("{CONNECTIONS}?integrationInstance=myinstance"),
        );
        r.www_authenticate = Some("Bearer realm=\"oic\", error=\"invalid_token\"".into());
        let hint = api_refusal_hint(&r, None).unwrap();
        assert!(
            hint.contains("expired") && hint.contains("primary audience"),
            "{hint}"
        );
    }

    #[test]
    fn an_unexplained_401_lists_the_three_checks() {
        let r = refusal(
            401,
            &format!("{CONNECTIONS}?integrationInstance=myinstance"),
        );
        let hint = api_refusal_hint(&r, None).unwrap();
        assert!(hint.contains("scope"), "{hint}");
        assert!(hint.contains("Trusted hosts"), "{hint}");
        assert!(hint.contains("integrationInstance"), "{hint}");
    }

    #[test]
    fn a_403_is_about_scope_or_application_roles() {
        let mut r = refusal(403, CONNECTIONS);
        r.www_authenticate = Some("Bearer error=\"insufficient_scope\"".into());
        r.token_scope = Some("openid".into());
        let hint = api_refusal_hint(&r, None).unwrap();
        assert!(hint.contains("not an Oracle Integration scope"), "{hint}");
        r.token_scope = None;
        let hint = api_refusal_hint(&r, None).unwrap();
        assert!(hint.contains("Token Issuance Policy"), "{hint}");
        r.www_authenticate = None;
        let hint = api_refusal_hint(&r, None).unwrap();
        assert!(hint.contains("Application roles"), "{hint}");
    }

    #[test]
    fn other_statuses_get_no_oic_hint() {
        assert_eq!(api_refusal_hint(&refusal(200, CONNECTIONS), None), None);
        assert_eq!(api_refusal_hint(&refusal(404, CONNECTIONS), None), None);
    }

    #[test]
    fn a_refusal_is_read_from_the_ui_json() {
        let r: ApiRefusal = serde_json::from_value(serde_json::json!({
            "status": 401,
            "url": CONNECTIONS,
            "sentAuthorization": true,
            "authorizationDroppedOnRedirect": true
        }))
        .unwrap();
        assert!(r.authorization_dropped_on_redirect && r.sent_authorization);
        assert_eq!(r.token_scope, None);
    }
}
