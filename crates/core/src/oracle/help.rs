//! "Where to find this" for each field of the Oracle profile, in the words of
//! Oracle's documents and the OCI Console's menu path. The UI and the docs
//! read them from here so that they say the same thing.

use super::{Field, LOOPBACK_CALLBACK, OIC_CALLBACK_PATH};
use crate::hints::CLIENT_LOCATION;
use serde::Serialize;

/// One field's label, example and help text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HelpText {
    pub field: Field,
    pub label: &'static str,
    pub example: &'static str,
    pub help: String,
}

/// The help of every field, in the order the form shows them.
pub fn help_texts() -> Vec<HelpText> {
    Field::ALL
        .into_iter()
        .map(|field| HelpText {
            field,
            label: field.label(),
            example: field.example(),
            help: where_to_find(field),
        })
        .collect()
}

fn where_to_find(field: Field) -> String {
    match field {
        Field::IdentityDomainUrl => "In the OCI Console, select Identity & Security → Domains and open the domain you are in: copy its Domain URL. Its host is the identity domain host. A pasted Access Token URL works too.".into(),
        Field::OicUrl => "Select Developer Services → Integration and open your instance: its page shows the Runtime URL. Use the design-time URL or the runtime URL depending on your use case; the runtime URL redirects Developer API calls to the design-time URL.".into(),
        Field::InstanceName => "Name of the integration instance, as listed under Developer Services → Integration. Oracle Integration 3 needs it as integrationInstance=<name> on Developer API calls to the design-time URL.".into(),
        Field::Audience => format!(
            "Open the identity domain, select Integrated Applications, select your application and look under OAuth Configuration → Token Issuance Policy: the Oracle Integration scope is the instance's primary audience followed by urn:opc:resource:consumer::all. Copy the audience, ending with :443 ({CLIENT_LOCATION})."
        ),
        Field::ScopeKind => "Add the same scope that you added to your confidential application under Token Issuance Policy. Integrations and Developer APIs: <audience>urn:opc:resource:consumer::all. Developer APIs only: <audience>/ic/api/.".into(),
        Field::RequestRefreshToken => format!(
            "Adds offline_access to the scope, for a refresh token with the authorization code and password grants. Only when Refresh Token is among the allowed grant types of the application's client configuration ({CLIENT_LOCATION})."
        ),
        Field::Redirect => format!(
            "You can find the Redirect URL in the Authorization section of the confidential application's client configuration; the one used here must be registered there exactly. The standard callback of the Oracle Integration instance is https://<OIC host>{OIC_CALLBACK_PATH}; this app's loopback URL is {LOOPBACK_CALLBACK}."
        ),
        Field::ClientId | Field::ClientSecret => "Access the identity domain, select Integrated Applications, select your application, and look for OAuth Configuration, then Client ID and Client Secret.".into(),
        Field::Username | Field::Password => "A user created in the identity domain, with a local password and the ServiceInvoker role. You cannot use a single sign-on user name and password: keep a separate local password for the user in the domain.".into(),
        Field::TokenUrl => "Derived from the identity domain host: https://<identity_domain_host>/oauth2/v1/token.".into(),
        Field::AuthUrl => "Derived from the identity domain host: https://<identity_domain_host>/oauth2/v1/authorize.".into(),
        Field::Scope => "Derived from the scope audience and the scope kind, plus offline_access when a refresh token is requested. It must be the scope of the application's Token Issuance Policy.".into(),
        Field::CallbackUrl => "The Redirect URL sent with the authorization request; it must be one of the application's Redirect URLs.".into(),
        Field::ApiBaseUrl => "Where the quick requests go: the OIC instance URL. Developer API URLs get integrationInstance=<instance name>.".into(),
        Field::TrustedHosts => "Hosts that receive the Authorization header when a call is redirected: the OIC host and oraclecloud.com, where the runtime URL redirects Developer API calls (Postman: Follow Authorization header; curl: --location-trusted).".into(),
    }
}
