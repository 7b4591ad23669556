//! What the settings file holds: the app's settings and its profiles, each
//! one configuration as the user left it. Only non-secret data lives here;
//! client secrets, passwords and token values go to the keychain
//! ([`super::vault`]).
//!
//! Every struct is `#[serde(default)]` and every choice is read leniently, so
//! a file written by an older or newer version still loads: a missing field
//! takes its default, an unknown field is ignored, an unknown choice falls
//! back to the default instead of making the whole file unreadable.

use crate::error::{Error, Result};
use crate::token::ClientAuth;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

/// The version this build writes; files with a lower one are migrated.
pub const CURRENT_VERSION: u32 = 1;

/// The whole settings file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AppData {
    pub version: u32,
    /// The profile the app reopens on.
    pub last_profile_id: String,
    pub profiles: Vec<Profile>,
    pub settings: Settings,
}

impl Default for AppData {
    fn default() -> Self {
        AppData {
            version: CURRENT_VERSION,
            last_profile_id: String::new(),
            profiles: Vec::new(),
            settings: Settings::default(),
        }
    }
}

impl AppData {
    pub fn profile(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    pub fn profile_mut(&mut self, id: &str) -> Option<&mut Profile> {
        self.profiles.iter_mut().find(|p| p.id == id)
    }
}

/// App-wide settings (the Settings dialog).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    /// A copied token is cleared from the clipboard after this many seconds.
    pub clipboard_clear_seconds: u64,
    pub timeout_seconds: u64,
    /// `http://host:port`, or none for a direct connection.
    pub proxy: Option<String>,
    /// A PEM file of extra trusted CAs (a company's TLS inspection).
    pub ca_bundle: Option<String>,
    /// Refresh the token before it expires when a refresh token is at hand.
    pub auto_refresh: bool,
    /// What goes before the token in `Authorization`.
    pub header_prefix: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clipboard_clear_seconds: 60,
            timeout_seconds: 30,
            proxy: None,
            ca_bundle: None,
            auto_refresh: true,
            header_prefix: "Bearer".into(),
        }
    }
}

/// One configuration: which identity domain, which application, which grant,
/// and the request panel as the user left it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    pub name: String,
    #[serde(deserialize_with = "lenient")]
    pub kind: ProfileKind,
    #[serde(deserialize_with = "lenient")]
    pub grant_type: GrantType,
    pub token_url: String,
    pub auth_url: String,
    pub callback_url: String,
    pub client_id: String,
    #[serde(deserialize_with = "lenient")]
    pub client_auth: ClientAuth,
    pub scope: String,
    pub request_refresh_token: bool,
    pub username: String,
    /// Off by default: the password is kept in memory for the session only.
    pub remember_password: bool,
    pub state: String,
    #[serde(deserialize_with = "lenient")]
    pub code_challenge_method: CodeChallengeMethod,
    #[serde(deserialize_with = "lenient")]
    pub login_mode: LoginMode,
    pub oracle: Option<OracleFields>,
    #[serde(deserialize_with = "lenient")]
    pub follow_authorization: FollowAuthorization,
    pub trusted_hosts: Vec<String>,
    pub request: RequestDraft,
    pub saved_requests: Vec<SavedRequest>,
    /// Tokens obtained with this profile; their values are in the keychain.
    pub tokens: Vec<super::tokens::TokenMeta>,
}

impl Profile {
    /// An empty profile with a fresh id.
    pub fn new(name: &str) -> Result<Profile> {
        Ok(Profile {
            id: new_id()?,
            name: profile_name(name)?,
            ..Profile::default()
        })
    }
}

/// Which form the profile fills in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    #[default]
    Generic,
    Oracle,
    Sandbox,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    #[default]
    ClientCredentials,
    Password,
    AuthorizationCode,
}

impl GrantType {
    /// As the grant menu shows it.
    pub fn label(self) -> &'static str {
        match self {
            GrantType::ClientCredentials => "Client credentials",
            GrantType::Password => "Password",
            GrantType::AuthorizationCode => "Authorization code",
        }
    }
}

/// PKCE (RFC 7636) for the authorization code grant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeChallengeMethod {
    #[default]
    S256,
    #[serde(rename = "plain")]
    Plain,
    /// No PKCE at all.
    #[serde(rename = "none")]
    Disabled,
}

/// Where the identity domain's sign-in page is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginMode {
    /// A window of the app with no access to the app's commands.
    #[default]
    Window,
    /// The system browser, back to the loopback Callback URL.
    Browser,
    /// The user pastes the redirect URL.
    Paste,
}

/// When `Authorization` goes along with a redirect of an API call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowAuthorization {
    Never,
    /// Only to the same host or one of the profile's trusted hosts.
    #[default]
    Trusted,
    Always,
}

/// The Oracle form: what the URLs and scope are derived from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OracleFields {
    pub identity_domain_url: String,
    pub oic_url: String,
    pub instance_name: String,
    pub audience: String,
    #[serde(deserialize_with = "lenient")]
    pub scope_kind: ScopeKind,
}

/// `urn:opc:resource:consumer::all` or `/ic/api/` after the audience.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    #[default]
    All,
    Api,
}

/// The request panel as the user left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RequestDraft {
    pub method: String,
    pub url: String,
    pub headers: Vec<Header>,
    /// `none`, `json`, `form`, `text`, as the request panel names them.
    pub body_kind: String,
    pub body: String,
}

impl Default for RequestDraft {
    fn default() -> Self {
        RequestDraft {
            method: "GET".into(),
            url: String::new(),
            headers: Vec::new(),
            body_kind: "none".into(),
            body: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Header {
    pub name: String,
    pub value: String,
    pub enabled: bool,
}

impl Default for Header {
    fn default() -> Self {
        Header {
            name: String::new(),
            value: String::new(),
            enabled: true,
        }
    }
}

impl Header {
    /// Headers whose value is a credential: never written to the file.
    pub fn carries_credentials(&self) -> bool {
        let name = self.name.trim();
        name.eq_ignore_ascii_case("authorization")
            || name.eq_ignore_ascii_case("proxy-authorization")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SavedRequest {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub request: RequestDraft,
}

/// A random id, 16 hex digits: profiles, tokens and saved requests.
pub fn new_id() -> Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(format!("no random numbers from the system: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A profile name as typed, trimmed; empty is refused.
pub(crate) fn profile_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::MissingField {
            field: "Profile name",
        });
    }
    Ok(name.to_owned())
}

/// Reads a value of a known type, or its default when the file holds
/// something this version does not know (a choice added later).
pub(crate) fn lenient<'de, D, T>(deserializer: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_empty_object_loads_as_the_defaults() {
        let data: AppData = serde_json::from_value(json!({})).unwrap();
        assert_eq!(data.version, CURRENT_VERSION);
        assert_eq!(data.settings.clipboard_clear_seconds, 60);
        assert_eq!(data.settings.timeout_seconds, 30);
        assert!(data.settings.auto_refresh);
        assert_eq!(data.settings.header_prefix, "Bearer");
        let profile: Profile = serde_json::from_value(json!({"name": "x"})).unwrap();
        assert!(
            !profile.remember_password,
            "the password is not remembered unless asked"
        );
        assert_eq!(profile.code_challenge_method, CodeChallengeMethod::S256);
        assert_eq!(profile.follow_authorization, FollowAuthorization::Trusted);
        assert_eq!(profile.request.method, "GET");
    }

    #[test]
    fn an_unknown_choice_falls_back_to_the_default_instead_of_failing() {
        let profile: Profile = serde_json::from_value(json!({
            "grantType": "device_code",
            "loginMode": "telepathy",
            "clientAuth": "request_body",
            "futureField": {"anything": 1}
        }))
        .unwrap();
        assert_eq!(profile.grant_type, GrantType::ClientCredentials);
        assert_eq!(profile.login_mode, LoginMode::Window);
        assert_eq!(
            profile.client_auth,
            ClientAuth::RequestBody,
            "known choices are kept"
        );
    }

    #[test]
    fn fields_are_written_in_camel_case_with_the_documented_values() {
        let mut profile = Profile::new("Dev").unwrap();
        profile.grant_type = GrantType::AuthorizationCode;
        profile.code_challenge_method = CodeChallengeMethod::Disabled;
        profile.oracle = Some(OracleFields {
            scope_kind: ScopeKind::Api,
            ..OracleFields::default()
        });
        let value = serde_json::to_value(&profile).unwrap();
        assert_eq!(value["grantType"], "authorization_code");
        assert_eq!(value["clientAuth"], "basic_header");
        assert_eq!(value["codeChallengeMethod"], "none");
        assert_eq!(value["followAuthorization"], "trusted");
        assert_eq!(value["oracle"]["scopeKind"], "api");
        assert_eq!(value["rememberPassword"], false);
        assert!(value["request"]["bodyKind"].is_string());
    }

    #[test]
    fn ids_are_sixteen_hex_digits_and_differ() {
        let a = new_id().unwrap();
        let b = new_id().unwrap();
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn a_blank_profile_name_is_refused() {
        assert!(matches!(
            profile_name("  "),
            Err(Error::MissingField { .. })
        ));
        assert_eq!(profile_name("  Prod ").unwrap(), "Prod");
    }

    #[test]
    fn authorization_headers_are_recognised_in_any_case() {
        let header = |name: &str| Header {
            name: name.into(),
            ..Header::default()
        };
        assert!(header(" authorization").carries_credentials());
        assert!(header("Proxy-Authorization").carries_credentials());
        assert!(!header("Accept").carries_credentials());
    }
}
