//! The Oracle Integration profile kind: from the few values an OIC
//! administrator can find in the OCI Console (the identity domain's Domain
//! URL, the OIC instance URL and name, the scope audience of the confidential
//! application) it derives every value a request needs: the Access Token and
//! Auth URLs, the scope, the Redirect URL, the request sender's base URL, the
//! `integrationInstance` parameter and the hosts trusted with the
//! Authorization header across OIC's runtime → design-time redirect.
//!
//! Pure functions over strings: no network, no clock, no storage. The UI shows
//! each derived value (or a problem next to the field it comes from) and may
//! override any of them; [`help_texts`] says where each value is found, in
//! the words of Oracle's documents. Error guidance for OIC's own answers is in
//! [`api_refusal_hint`]; the identity domain's errors are explained by
//! [`crate::hints`].

pub mod admin;
mod clean;
mod guidance;
mod help;
mod quick;

pub use guidance::{api_refusal_hint, ApiRefusal};
pub use help::{help_texts, HelpText};
pub use quick::{is_developer_api, quick_requests, with_integration_instance, QuickRequest};

use serde::{Deserialize, Serialize};
use url::Url;

/// This app's loopback Redirect URL (RFC 8252), registered in the sandbox.
pub const LOOPBACK_CALLBACK: &str = "http://127.0.0.1:53682/callback";
/// The Oracle Integration instance's standard OAuth callback path.
pub const OIC_CALLBACK_PATH: &str = "/icsapis/agent/oauth/callback";
/// Scope suffix for integrations and Developer APIs.
pub const CONSUMER_ALL: &str = "urn:opc:resource:consumer::all";
/// Scope suffix for the Developer APIs only; also their path prefix.
pub const DEVELOPER_API: &str = "/ic/api/";
/// Asks the identity domain for a refresh token.
pub const OFFLINE_ACCESS: &str = "offline_access";
/// Trusted for Authorization forwarding with every Oracle profile: OIC's
/// design-time hosts live under it.
pub const ORACLE_CLOUD_DOMAIN: &str = "oraclecloud.com";

/// What the user typed in the Oracle Integration profile form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OracleInputs {
    /// The identity domain's Domain URL (a pasted token URL is fine).
    pub identity_domain_url: String,
    /// The OIC instance's runtime or design-time URL.
    pub oic_url: String,
    /// The integration instance's name, for `integrationInstance`.
    pub instance_name: String,
    /// The primary audience of the OIC resource, e.g. `https://69415C303.integration.ocp.oraclecloud.com:443`.
    pub audience: String,
    pub scope_kind: ScopeKind,
    /// Adds `offline_access` to the scope.
    pub request_refresh_token: bool,
    pub redirect: RedirectChoice,
    /// Values the user typed over the derived ones.
    pub overrides: Overrides,
}

/// Which resource scope the confidential application was given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// Integrations and Developer APIs: `<audience>urn:opc:resource:consumer::all`.
    #[default]
    All,
    /// Developer APIs only: `<audience>/ic/api/`.
    Api,
}

/// The Redirect URL preset for the authorization code grant. In JSON:
/// `{"kind": "oic_callback"}`, `{"kind": "loopback"}` or
/// `{"kind": "custom", "url": "https://…"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "url", rename_all = "snake_case")]
pub enum RedirectChoice {
    /// `<OIC instance>/icsapis/agent/oauth/callback`.
    #[default]
    OicCallback,
    /// [`LOOPBACK_CALLBACK`].
    Loopback,
    Custom(String),
}

/// Derived values the user replaced. Blank means "use the derived value".
/// The Redirect URL has no override: [`RedirectChoice::Custom`] is one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Overrides {
    pub token_url: Option<String>,
    pub auth_url: Option<String>,
    pub scope: Option<String>,
    pub api_base_url: Option<String>,
}

/// A field of the Oracle profile form, typed or derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    IdentityDomainUrl,
    OicUrl,
    InstanceName,
    Audience,
    ScopeKind,
    RequestRefreshToken,
    Redirect,
    ClientId,
    ClientSecret,
    Username,
    Password,
    TokenUrl,
    AuthUrl,
    Scope,
    CallbackUrl,
    ApiBaseUrl,
    TrustedHosts,
}

impl Field {
    /// Every field, in the order the form shows them.
    pub const ALL: [Field; 17] = [
        Field::IdentityDomainUrl,
        Field::OicUrl,
        Field::InstanceName,
        Field::Audience,
        Field::ScopeKind,
        Field::RequestRefreshToken,
        Field::Redirect,
        Field::ClientId,
        Field::ClientSecret,
        Field::Username,
        Field::Password,
        Field::TokenUrl,
        Field::AuthUrl,
        Field::Scope,
        Field::CallbackUrl,
        Field::ApiBaseUrl,
        Field::TrustedHosts,
    ];

    /// The field's label in the form.
    pub fn label(self) -> &'static str {
        match self {
            Field::IdentityDomainUrl => "Identity domain URL",
            Field::OicUrl => "OIC instance URL",
            Field::InstanceName => "Integration instance name",
            Field::Audience => "Scope audience",
            Field::ScopeKind => "Scope kind",
            Field::RequestRefreshToken => "Request refresh token",
            Field::Redirect => "Redirect URL",
            Field::ClientId => "Client ID",
            Field::ClientSecret => "Client Secret",
            Field::Username => "Username",
            Field::Password => "Password",
            Field::TokenUrl => "Access Token URL",
            Field::AuthUrl => "Auth URL",
            Field::Scope => "Scope",
            Field::CallbackUrl => "Callback URL",
            Field::ApiBaseUrl => "Request base URL",
            Field::TrustedHosts => "Trusted hosts",
        }
    }

    /// An example value, shown as the field's placeholder and in problems.
    /// Examples are Oracle's documented ones or obviously made up.
    pub fn example(self) -> &'static str {
        match self {
            Field::IdentityDomainUrl => "https://idcs-1234abcd.identity.oraclecloud.com",
            Field::OicUrl => "https://myinstance-abcd-ia.integration.us-phoenix-1.ocp.oraclecloud.com",
            Field::InstanceName => "myinstance",
            Field::Audience => "https://69415C303.integration.ocp.oraclecloud.com:443",
            Field::ScopeKind => "Integrations and Developer APIs",
            Field::RequestRefreshToken => "on for authorization code and password grants",
            Field::Redirect => "https://myinstance-abcd-ia.integration.us-phoenix-1.ocp.oraclecloud.com/icsapis/agent/oauth/callback",
            Field::ClientId => "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d",
            Field::ClientSecret => "(hidden)",
            Field::Username => "oic.invoker@example.com",
            Field::Password => "(hidden)",
            Field::TokenUrl => "https://idcs-1234abcd.identity.oraclecloud.com/oauth2/v1/token",
            Field::AuthUrl => "https://idcs-1234abcd.identity.oraclecloud.com/oauth2/v1/authorize",
            Field::Scope => "https://69415C303.integration.ocp.oraclecloud.com:443urn:opc:resource:consumer::all",
            Field::CallbackUrl => LOOPBACK_CALLBACK,
            Field::ApiBaseUrl => "https://design.integration.us-phoenix-1.ocp.oraclecloud.com",
            Field::TrustedHosts => "oraclecloud.com",
        }
    }
}

/// How much a [`FieldProblem`] matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The value cannot be used; nothing is derived from it.
    Error,
    /// The value is used but is probably not what the user meant.
    Warning,
    /// What was done to the value, e.g. a pasted path left out.
    Note,
}

/// Something to tell the user next to one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldProblem {
    pub field: Field,
    pub severity: Severity,
    pub message: String,
}

impl FieldProblem {
    pub(crate) fn error(field: Field, message: impl Into<String>) -> Self {
        FieldProblem {
            field,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub(crate) fn warning(field: Field, message: impl Into<String>) -> Self {
        FieldProblem {
            field,
            severity: Severity::Warning,
            message: message.into(),
        }
    }

    pub(crate) fn note(field: Field, message: impl Into<String>) -> Self {
        FieldProblem {
            field,
            severity: Severity::Note,
            message: message.into(),
        }
    }
}

/// Each derived value as far as it can be derived, and what to tell the
/// user: the live view of the form. A value is `None` while what it comes
/// from is missing or wrong; the reason is in `problems`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub token_url: Option<String>,
    pub auth_url: Option<String>,
    /// `<domain>/oauth2/v1/device` (RFC 8628), beside the token URL.
    pub device_url: Option<String>,
    pub scope: Option<String>,
    pub callback_url: Option<String>,
    pub api_base_url: Option<String>,
    pub integration_instance: Option<String>,
    pub trusted_hosts: Vec<String>,
    /// A guess from the host name: `design.integration.…` is design-time.
    pub design_time: bool,
    /// The derived values that were replaced by [`Overrides`].
    pub overridden: Vec<Field>,
    pub problems: Vec<FieldProblem>,
}

/// A complete Oracle Integration profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Derived {
    /// `<domain>/oauth2/v1/token`.
    pub token_url: String,
    /// `<domain>/oauth2/v1/authorize`.
    pub auth_url: String,
    /// `<domain>/oauth2/v1/device`, the device code grant's first step.
    pub device_url: String,
    pub scope: String,
    /// The Redirect URL for the authorization code grant.
    pub callback_url: String,
    /// The OIC origin the request sender's quick requests start from.
    pub api_base_url: String,
    /// Added as `integrationInstance=<name>` to Developer API URLs.
    pub integration_instance: Option<String>,
    /// The OIC host (`host` for https on its default port, else exact
    /// `host:port`) and `oraclecloud.com`, trusted with Authorization across
    /// redirects.
    pub trusted_hosts: Vec<String>,
    pub design_time: bool,
}

impl Preview {
    /// The complete profile, or every problem that stops it (errors only).
    pub fn into_derived(self) -> Result<Derived, Vec<FieldProblem>> {
        let errors: Vec<FieldProblem> = self
            .problems
            .into_iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        // Without an error every value is there; say so if one is not.
        let mut missing = Vec::new();
        let mut take = |field: Field, value: Option<String>| {
            value.unwrap_or_else(|| {
                missing.push(FieldProblem::error(
                    field,
                    format!("{} could not be derived", field.label()),
                ));
                String::new()
            })
        };
        let derived = Derived {
            token_url: take(Field::TokenUrl, self.token_url),
            auth_url: take(Field::AuthUrl, self.auth_url),
            // Derived with the token URL, so present whenever it is.
            device_url: self.device_url.unwrap_or_default(),
            scope: take(Field::Scope, self.scope),
            callback_url: take(Field::CallbackUrl, self.callback_url),
            api_base_url: take(Field::ApiBaseUrl, self.api_base_url),
            integration_instance: self.integration_instance,
            trusted_hosts: self.trusted_hosts,
            design_time: self.design_time,
        };
        if missing.is_empty() {
            Ok(derived)
        } else {
            Err(missing)
        }
    }
}

/// The complete profile from `inputs`, or the problems that stop it.
pub fn derive(inputs: &OracleInputs) -> Result<Derived, Vec<FieldProblem>> {
    preview(inputs).into_derived()
}

/// Every value derivable from `inputs` and every problem, field by field.
pub fn preview(inputs: &OracleInputs) -> Preview {
    let over = &inputs.overrides;
    let mut problems = Vec::new();
    let mut overridden = Vec::new();

    // An input whose every derived value is overridden may stay empty.
    let identity_needed = given(&over.token_url).is_none() || given(&over.auth_url).is_none();
    let identity = if identity_needed || !inputs.identity_domain_url.trim().is_empty() {
        clean::origin(
            Field::IdentityDomainUrl,
            &inputs.identity_domain_url,
            &mut problems,
        )
    } else {
        None
    };
    if let Some(url) = &identity {
        check_identity_host(url, &mut problems);
    }
    let identity = identity.map(|url| origin_of(&url));

    let oic_needed =
        given(&over.api_base_url).is_none() || inputs.redirect == RedirectChoice::OicCallback;
    let oic = if oic_needed || !inputs.oic_url.trim().is_empty() {
        clean::origin(Field::OicUrl, &inputs.oic_url, &mut problems)
    } else {
        None
    };
    if let Some(url) = &oic {
        check_oic_host(url, &mut problems);
    }
    let oic = oic.map(|url| origin_of(&url));

    let audience = if given(&over.scope).is_none() || !inputs.audience.trim().is_empty() {
        clean::audience(&inputs.audience, &mut problems)
    } else {
        None
    };

    let mut token_url = identity.as_ref().map(|o| format!("{o}/oauth2/v1/token"));
    let mut auth_url = identity
        .as_ref()
        .map(|o| format!("{o}/oauth2/v1/authorize"));
    let mut scope =
        audience.map(|a| scope_for(&a, inputs.scope_kind, inputs.request_refresh_token));
    let callback_url = match &inputs.redirect {
        RedirectChoice::OicCallback => oic.as_ref().map(|o| format!("{o}{OIC_CALLBACK_PATH}")),
        RedirectChoice::Loopback => Some(LOOPBACK_CALLBACK.to_owned()),
        RedirectChoice::Custom(url) => clean::endpoint(Field::Redirect, url, &mut problems),
    };
    let mut api_base_url = oic;

    for (field, value, typed) in [
        (Field::TokenUrl, &mut token_url, &over.token_url),
        (Field::AuthUrl, &mut auth_url, &over.auth_url),
        (Field::ApiBaseUrl, &mut api_base_url, &over.api_base_url),
    ] {
        if let Some(typed) = given(typed) {
            overridden.push(field);
            *value = clean::endpoint(field, typed, &mut problems).map(|url| match field {
                Field::ApiBaseUrl => url.trim_end_matches('/').to_owned(),
                _ => url,
            });
        }
    }
    if let Some(typed) = given(&over.scope) {
        overridden.push(Field::Scope);
        scope = Some(typed.split_whitespace().collect::<Vec<_>>().join(" "));
    }

    let integration_instance = clean::instance_name(&inputs.instance_name, &mut problems);
    let base = api_base_url.as_deref().and_then(|u| Url::parse(u).ok());
    let design_time = base.as_ref().is_some_and(looks_design_time);
    if design_time && integration_instance.is_none() && inputs.instance_name.trim().is_empty() {
        problems.push(FieldProblem::warning(
            Field::InstanceName,
            "This is a design-time URL: Oracle Integration 3 needs integrationInstance=<instance name> on its Developer API calls. Fill in the integration instance name.",
        ));
    }
    let trusted_hosts = base.as_ref().map(trusted_hosts).unwrap_or_default();
    // The device endpoint sits beside the token endpoint, also when the
    // token URL was typed over.
    let device_url = token_url
        .as_deref()
        .and_then(|t| t.strip_suffix("/oauth2/v1/token"))
        .map(|domain| format!("{domain}{DEVICE_PATH}"))
        .or_else(|| identity.as_ref().map(|o| format!("{o}{DEVICE_PATH}")));

    Preview {
        token_url,
        auth_url,
        device_url,
        scope,
        callback_url,
        api_base_url,
        integration_instance,
        trusted_hosts,
        design_time,
        overridden,
        problems,
    }
}

/// The identity domain's device authorization endpoint (RFC 8628 §3.1).
pub const DEVICE_PATH: &str = "/oauth2/v1/device";

/// `<audience>urn:opc:resource:consumer::all` or `<audience>/ic/api/`, then
/// ` offline_access` when a refresh token is wanted.
pub fn scope_for(audience: &str, kind: ScopeKind, refresh_token: bool) -> String {
    let suffix = match kind {
        ScopeKind::All => CONSUMER_ALL,
        ScopeKind::Api => DEVELOPER_API,
    };
    let mut scope = format!("{audience}{suffix}");
    if refresh_token {
        scope.push(' ');
        scope.push_str(OFFLINE_ACCESS);
    }
    scope
}

/// An override that is really there (not blank).
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// `scheme://host[:port]` without a trailing slash; the default port is left out.
fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// The OIC host as the sender's trusted-host list spells it: a bare host
/// (a domain entry, https only) for https on port 443, else `host:port`;
/// then `oraclecloud.com`, where the design-time hosts are.
fn trusted_hosts(base: &Url) -> Vec<String> {
    let mut hosts = Vec::new();
    if let Some(host) = base.host_str() {
        match (base.scheme(), base.port()) {
            ("https", None) => hosts.push(host.to_owned()),
            _ => {
                if let Some(port) = base.port_or_known_default() {
                    hosts.push(format!("{host}:{port}"));
                }
            }
        }
    }
    if !hosts.iter().any(|h| h == ORACLE_CLOUD_DOMAIN) {
        hosts.push(ORACLE_CLOUD_DOMAIN.to_owned());
    }
    hosts
}

/// OIC 3's design-time host is `design.integration.<region>.ocp.oraclecloud.com`
/// (Oracle's documents also write it `design-integration-region…`).
fn looks_design_time(base: &Url) -> bool {
    let Some(first) = base.host_str().and_then(|h| h.split('.').next()) else {
        return false;
    };
    first == "design" || first.starts_with("design-integration")
}

fn is_console_host(host: &str) -> bool {
    host == "cloud.oracle.com"
        || host.ends_with(".cloud.oracle.com")
        || (host.starts_with("console.") && host.ends_with(".oraclecloud.com"))
}

fn looks_like_identity_host(host: &str) -> bool {
    host.starts_with("idcs-") || host.contains(".identity.")
}

fn looks_like_oic_host(host: &str) -> bool {
    host.contains(".integration.")
        || host.contains("-integration-")
        || host.starts_with("design.integration")
}

fn check_identity_host(url: &Url, problems: &mut Vec<FieldProblem>) {
    let host = url.host_str().unwrap_or_default();
    if is_console_host(host) {
        problems.push(FieldProblem::error(
            Field::IdentityDomainUrl,
            format!("{host} is the OCI Console, not the identity domain: open Identity & Security → Domains → your domain and copy its Domain URL, e.g. {}.", Field::IdentityDomainUrl.example()),
        ));
    } else if looks_like_oic_host(host) && !looks_like_identity_host(host) {
        problems.push(FieldProblem::warning(
            Field::IdentityDomainUrl,
            format!("{host} looks like an Oracle Integration host. The identity domain URL is the Domain URL under Identity & Security → Domains, e.g. {}.", Field::IdentityDomainUrl.example()),
        ));
    }
}

fn check_oic_host(url: &Url, problems: &mut Vec<FieldProblem>) {
    let host = url.host_str().unwrap_or_default();
    if is_console_host(host) {
        problems.push(FieldProblem::error(
            Field::OicUrl,
            format!("{host} is the OCI Console, not the instance: open Developer Services → Integration → your instance and copy its Runtime URL, e.g. {}.", Field::OicUrl.example()),
        ));
    } else if looks_like_identity_host(host) {
        problems.push(FieldProblem::warning(
            Field::OicUrl,
            format!("{host} looks like the identity domain. The OIC instance URL is on the instance's page under Developer Services → Integration, e.g. {}.", Field::OicUrl.example()),
        ));
    }
}

#[cfg(test)]
mod tests;
