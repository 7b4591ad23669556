//! What the settings file holds: the app's settings and its profiles, each
//! one configuration as the user left it. Only non-secret data lives here;
//! client secrets, passwords and token values go to the keychain
//! ([`super::vault`]).
//!
//! There is one model: a profile holds the core's own types (the PKCE
//! [`CodeChallengeMethod`], the Oracle [`ScopeKind`], the request as the
//! sender reads it, [`ApiRequest`], network settings as [`HttpSettings`]),
//! so the window sends and receives the same spelling the core uses and no
//! layer translates between two vocabularies. Files written before that
//! (version 1) are upgraded as they are read ([`upgrade`]).
//!
//! Every struct is `#[serde(default)]` and every choice is read leniently, so
//! a file written by an older or newer version still loads: a missing field
//! takes its default, an unknown field is ignored, an unknown choice falls
//! back to the default instead of making the whole file unreadable.

use crate::error::{Error, Result};
use crate::grants::authorization_code::CodeChallengeMethod;
use crate::http::HttpSettings;
use crate::oracle::ScopeKind;
use crate::send::{ApiRequest, FollowAuthorization, RequestBody};
use crate::token::ClientAuth;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Map, Value};

/// The version this build writes; files with a lower one are migrated.
/// 2: the request panel is the sender's [`ApiRequest`] (body kind and
/// body in one `body`, form fields as rows, the forwarding choice and the
/// trusted hosts inside it) and PKCE off is spelled `off`.
pub const CURRENT_VERSION: u32 = 2;

/// The whole settings file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AppData {
    pub version: u32,
    /// The profile the app reopens on.
    pub last_profile_id: String,
    pub profiles: Vec<Profile>,
    pub settings: Settings,
    /// Keychain accounts (names, never values) whose deletion waits for the
    /// keychain to be available again.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pending_deletions: Vec<String>,
}

impl Default for AppData {
    fn default() -> Self {
        AppData {
            version: CURRENT_VERSION,
            last_profile_id: String::new(),
            profiles: Vec::new(),
            settings: Settings::default(),
            pending_deletions: Vec::new(),
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
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    /// A copied token is cleared from the clipboard after this many seconds.
    pub clipboard_clear_seconds: u64,
    /// Refresh the token before it expires when a refresh token is at hand.
    pub auto_refresh: bool,
    /// Off by default: after a 401 to a request with a client credentials,
    /// password or JWT assertion token, get a new token the same way and
    /// send the request once more.
    #[serde(rename = "retryOn401")]
    pub retry_on_401: bool,
    /// What goes before the token in `Authorization`.
    pub header_prefix: String,
    /// Settings → Network, as the HTTP client is built from them
    /// (`timeoutSeconds`, `proxy`, `caBundle`, `maxBodyMegabytes`). A proxy password is never
    /// written to the file.
    #[serde(flatten)]
    pub network: HttpSettings,
    /// Settings → Theme: follow the system, or always light or dark.
    #[serde(deserialize_with = "lenient")]
    pub theme: Theme,
    /// How the window was left: sidebar and split sizes. Kept here because
    /// the window keeps nothing in web storage.
    pub layout: Layout,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clipboard_clear_seconds: 60,
            auto_refresh: true,
            retry_on_401: false,
            header_prefix: "Bearer".into(),
            network: HttpSettings::default(),
            theme: Theme::default(),
            layout: Layout::default(),
        }
    }
}

/// Light or dark colours; `System` follows `prefers-color-scheme`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// Where the response goes: under the request's tabs, or beside them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponsePosition {
    #[default]
    Below,
    Beside,
}

/// The window's layout as the user left it. Sizes are clamped when read
/// ([`Layout::clamped`]), so a hand-edited file cannot hide a panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Layout {
    /// Sidebar width in CSS pixels.
    pub sidebar_width: u32,
    pub sidebar_collapsed: bool,
    #[serde(deserialize_with = "lenient")]
    pub response_position: ResponsePosition,
    /// The request pane's share of the split, in percent, per window size
    /// and position (keys like `"below 1300x800"`, sizes rounded to 100 px).
    pub splits: std::collections::BTreeMap<String, u32>,
    /// The Sandbox profile's first-launch guidance was dismissed.
    pub sandbox_guidance_dismissed: bool,
}

impl Layout {
    pub const SIDEBAR_MIN: u32 = 200;
    pub const SIDEBAR_MAX: u32 = 520;
    pub const SPLIT_MIN: u32 = 15;
    pub const SPLIT_MAX: u32 = 85;
    /// At most this many window sizes are remembered.
    pub const SPLITS_KEPT: usize = 32;

    /// The layout with every size inside its range.
    pub fn clamped(mut self) -> Layout {
        self.sidebar_width = self.sidebar_width.clamp(Self::SIDEBAR_MIN, Self::SIDEBAR_MAX);
        for share in self.splits.values_mut() {
            *share = (*share).clamp(Self::SPLIT_MIN, Self::SPLIT_MAX);
        }
        while self.splits.len() > Self::SPLITS_KEPT {
            let first = self.splits.keys().next().cloned();
            if let Some(key) = first {
                self.splits.remove(&key);
            }
        }
        self
    }
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            sidebar_width: 300,
            sidebar_collapsed: false,
            response_position: ResponsePosition::default(),
            splits: Default::default(),
            sandbox_guidance_dismissed: false,
        }
    }
}

impl PartialEq for Settings {
    fn eq(&self, other: &Settings) -> bool {
        let network = |s: &Settings| {
            (
                s.network.timeout,
                s.network.proxy.clone(),
                s.network.ca_bundle.clone(),
                s.network.max_body,
            )
        };
        self.clipboard_clear_seconds == other.clipboard_clear_seconds
            && self.auto_refresh == other.auto_refresh
            && self.header_prefix == other.header_prefix
            && network(self) == network(other)
            && self.theme == other.theme
            && self.layout == other.layout
    }
}

impl Eq for Settings {}

impl Settings {
    /// The settings as they may go to the file: the proxy URL without a
    /// password (kept in memory for the session by the HTTP client).
    pub(crate) fn without_proxy_password(mut self) -> Settings {
        if let Ok(Some(mut url)) = self.network.proxy_url() {
            if url.password().is_some() || !url.username().is_empty() {
                let _ = url.set_password(None);
                self.network.proxy = Some(url.as_str().trim_end_matches('/').to_owned());
            }
        }
        self
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
    /// "Send client certificate (mutual TLS)": the key pair's certificate
    /// goes in the TLS handshake of token requests whatever the client
    /// authentication (always with TLS client authentication).
    pub mutual_tls: bool,
    pub scope: String,
    pub request_refresh_token: bool,
    pub username: String,
    /// Off by default: the password is kept in memory for the session only.
    pub remember_password: bool,
    pub state: String,
    /// The OpenID Connect nonce the user fixed; generated when empty.
    pub nonce: String,
    #[serde(deserialize_with = "lenient")]
    pub code_challenge_method: CodeChallengeMethod,
    #[serde(deserialize_with = "lenient")]
    pub login_mode: LoginMode,
    pub oracle: Option<OracleFields>,
    /// The certificate (PEM) uploaded to the application, for JWT
    /// assertions; its private key is in the keychain
    /// ([`super::SecretKind::PrivateKey`]).
    pub certificate: String,
    /// "Key ID": the certificate alias, sent as `kid`.
    pub key_id: String,
    #[serde(deserialize_with = "lenient")]
    pub key_id_kind: crate::assertion::KeyIdKind,
    /// "Assertion Audience"; empty means `https://identity.oraclecloud.com/`.
    pub assertion_audience: String,
    /// Seconds an assertion is valid; 0 means five minutes.
    pub assertion_lifetime_secs: u64,
    /// The device authorization endpoint (Device Code).
    pub device_url: String,
    /// The introspection endpoint (RFC 7662), for Introspect; filled by
    /// Discover, derived for Oracle profiles.
    pub introspection_url: String,
    /// The revocation endpoint (RFC 7009), for Revoke; filled by Discover
    /// where the server advertises one.
    pub revocation_url: String,
    /// The request panel as the user left it, with its forwarding choice
    /// and trusted hosts. Credential header values are not written.
    #[serde(deserialize_with = "lenient")]
    pub request: ApiRequest,
    pub saved_requests: Vec<SavedRequest>,
    /// Variables: `{{name}}` in a request resolves to the value of the
    /// enabled row of that name at Send ([`crate::send::variables`]). A
    /// secret variable's value is in the keychain, like a secret header's
    /// (`credentials`): the file keeps the row with an empty value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<crate::send::NameValue>,
    /// The folders of the saved requests (a tree: see `saved_tree`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub saved_folders: Vec<SavedFolder>,
    /// Tokens obtained with this profile; their values are in the keychain.
    pub tokens: Vec<super::tokens::TokenMeta>,
    /// The origin each saved secret was typed for; the store's own, like
    /// `tokens` (the window's copy is ignored).
    #[serde(skip_serializing_if = "SavedFor::is_empty")]
    pub saved_for: SavedFor,
}

/// The origin (`https://host:port`) of the Access Token URL a saved client
/// secret or password was typed with: it is sent to that origin only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SavedFor {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

impl SavedFor {
    pub fn is_empty(&self) -> bool {
        self.client_secret.is_none() && self.password.is_none()
    }

    pub fn get(&self, kind: super::SecretKind) -> Option<&String> {
        match kind {
            super::SecretKind::ClientSecret => self.client_secret.as_ref(),
            super::SecretKind::Password => self.password.as_ref(),
            _ => None,
        }
    }

    pub fn set(&mut self, kind: super::SecretKind, origin: Option<String>) {
        match kind {
            super::SecretKind::ClientSecret => self.client_secret = origin,
            super::SecretKind::Password => self.password = origin,
            _ => {}
        }
    }
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
    JwtAssertion,
    DeviceCode,
    /// Not recommended (OAuth 2.0 Security BCP); legacy public apps.
    Implicit,
}

impl GrantType {
    /// As the grant menu shows it; the start of a new token's name.
    pub fn label(self) -> &'static str {
        match self {
            GrantType::ClientCredentials => "Client Credentials",
            GrantType::Password => "Password Credentials",
            GrantType::JwtAssertion => "JWT Assertion",
            GrantType::DeviceCode => "Device Code",
            GrantType::AuthorizationCode => "Authorization Code",
            GrantType::Implicit => "Implicit",
        }
    }
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

/// A request kept under a name in the profile (Saved requests).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SavedRequest {
    pub id: String,
    pub name: String,
    /// The id of the folder it is in; none at the top level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    /// Notes that came with it (a Postman request's description).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Sent with the profile's token (Use Token, auto-refresh): an imported
    /// `Authorization: Bearer {{access_token}}` or `bearer` auth becomes
    /// this, and no Authorization header is stored.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub uses_profile_token: bool,
    #[serde(flatten)]
    pub request: ApiRequest,
}

/// A folder of saved requests, inside `parent` (none: at the top level).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SavedFolder {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
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

/// Brings a settings file written by an earlier version to this version's
/// shape, in place, before it is read; a file already in that shape is left
/// as it is. Version 1 kept the request panel as `{method, url, headers,
/// bodyKind, body}` with a form body as urlencoded text, and the forwarding
/// choice (`never`, `trusted`, `always`) and the trusted hosts beside it in
/// the profile.
pub(crate) fn upgrade(data: &mut Value) {
    let Some(profiles) = data.get_mut("profiles").and_then(Value::as_array_mut) else {
        return;
    };
    for profile in profiles.iter_mut().filter_map(Value::as_object_mut) {
        let follow = profile.remove("followAuthorization");
        let trusted = profile.remove("trustedHosts");
        let request = profile
            .entry("request")
            .or_insert_with(|| Value::Object(Map::new()));
        upgrade_request(request, follow.as_ref(), trusted.as_ref());
        if let Some(saved) = profile
            .get_mut("savedRequests")
            .and_then(Value::as_array_mut)
        {
            for request in saved {
                upgrade_request(request, follow.as_ref(), trusted.as_ref());
            }
        }
    }
}

fn upgrade_request(request: &mut Value, follow: Option<&Value>, trusted: Option<&Value>) {
    let Some(request) = request.as_object_mut() else {
        return;
    };
    if let Some(kind) = request.remove("bodyKind") {
        let text = match request.remove("body") {
            Some(Value::String(text)) => text,
            _ => String::new(),
        };
        let body = match kind.as_str() {
            Some("json") => json!({"kind": "json", "text": text}),
            Some("text") => json!({"kind": "text", "text": text}),
            Some("form") => {
                let fields: Vec<Value> = url::form_urlencoded::parse(text.as_bytes())
                    .map(|(name, value)| json!({"name": name, "value": value, "enabled": true}))
                    .collect();
                json!({"kind": "form", "fields": fields})
            }
            _ => json!({"kind": "none"}),
        };
        request.insert("body".into(), body);
    }
    if let Some(follow) = follow {
        request
            .entry("followAuthorization")
            .or_insert_with(|| follow.clone());
    }
    if let Some(trusted) = trusted {
        request
            .entry("trustedHosts")
            .or_insert_with(|| trusted.clone());
    }
    // A body of a kind this version does not know (from a newer version)
    // would make the whole file unreadable: it reads as no body.
    if let Some(body) = request.get_mut("body") {
        if serde_json::from_value::<RequestBody>(body.clone()).is_err() {
            *body = json!({"kind": "none"});
        }
    }
    // Version 1's spellings, and a choice this version does not know, which
    // would otherwise make the whole request unreadable.
    if let Some(follow) = request.get_mut("followAuthorization") {
        let known = match follow.as_str() {
            Some("never") => Some(FollowAuthorization::Off),
            Some("always") => Some(FollowAuthorization::Any),
            _ => serde_json::from_value(follow.clone()).ok(),
        };
        *follow = serde_json::to_value(known.unwrap_or_default()).unwrap_or(Value::Null);
    }
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
    use crate::send::NameValue;
    use serde_json::json;

    #[test]
    fn an_empty_object_loads_as_the_defaults() {
        let data: AppData = serde_json::from_value(json!({})).unwrap();
        assert_eq!(data.version, CURRENT_VERSION);
        assert_eq!(data.settings.clipboard_clear_seconds, 60);
        assert_eq!(data.settings.network.timeout.as_secs(), 30);
        assert!(data.settings.auto_refresh);
        assert_eq!(data.settings.header_prefix, "Bearer");
        let profile: Profile = serde_json::from_value(json!({"name": "x"})).unwrap();
        assert!(
            !profile.remember_password,
            "the password is not remembered unless asked"
        );
        assert_eq!(profile.code_challenge_method, CodeChallengeMethod::S256);
        assert_eq!(
            profile.request.follow_authorization,
            FollowAuthorization::Trusted
        );
        assert_eq!(profile.request.method, "GET");
    }

    #[test]
    fn an_unknown_choice_falls_back_to_the_default_instead_of_failing() {
        let profile: Profile = serde_json::from_value(json!({
            "grantType": "saml2_bearer",
            "loginMode": "telepathy",
            "clientAuth": "request_body",
            "codeChallengeMethod": "S512",
            "futureField": {"anything": 1}
        }))
        .unwrap();
        assert_eq!(profile.grant_type, GrantType::ClientCredentials);
        assert_eq!(profile.login_mode, LoginMode::Window);
        assert_eq!(profile.code_challenge_method, CodeChallengeMethod::S256);
        assert_eq!(
            profile.client_auth,
            ClientAuth::RequestBody,
            "known choices are kept"
        );
    }

    #[test]
    fn fields_are_written_in_camel_case_with_the_spelling_the_window_uses() {
        let mut profile = Profile::new("Dev").unwrap();
        profile.grant_type = GrantType::AuthorizationCode;
        profile.code_challenge_method = CodeChallengeMethod::Off;
        profile.oracle = Some(OracleFields {
            scope_kind: ScopeKind::Api,
            ..OracleFields::default()
        });
        profile.request.follow_authorization = FollowAuthorization::Off;
        let value = serde_json::to_value(&profile).unwrap();
        assert_eq!(value["grantType"], "authorization_code");
        assert_eq!(value["clientAuth"], "basic_header");
        assert_eq!(value["codeChallengeMethod"], "off");
        assert_eq!(value["request"]["followAuthorization"], "off");
        assert_eq!(value["request"]["body"]["kind"], "none");
        assert_eq!(value["oracle"]["scopeKind"], "api");
        assert_eq!(value["rememberPassword"], false);
    }

    #[test]
    fn a_profile_without_assertion_fields_loads_and_the_new_ones_round_trip() {
        let old: Profile = serde_json::from_value(json!({"grantType": "password", "clientAuth": "basic_header"})).unwrap();
        assert_eq!(old.certificate, "");
        assert_eq!(old.key_id_kind, crate::assertion::KeyIdKind::Alias);
        let mut profile = Profile {
            grant_type: GrantType::JwtAssertion,
            client_auth: ClientAuth::ClientAssertion,
            certificate: "-----BEGIN CERTIFICATE-----\n...".into(),
            key_id: "console-key".into(),
            assertion_audience: "https://identity.oraclecloud.com/".into(),
            device_url: "https://idcs-x.identity.oraclecloud.com/oauth2/v1/device".into(),
            ..Profile::default()
        };
        let value = serde_json::to_value(&profile).unwrap();
        assert_eq!(value["grantType"], "jwt_assertion");
        assert_eq!(value["clientAuth"], "client_assertion");
        assert_eq!(value["keyId"], "console-key");
        assert!(value.get("privateKey").is_none(), "the private key is never in the profile");
        profile.grant_type = GrantType::DeviceCode;
        let back: Profile = serde_json::from_value(serde_json::to_value(&profile).unwrap()).unwrap();
        assert_eq!(back, profile);
        let unknown: Profile = serde_json::from_value(json!({"keyIdKind": "x5t#S999"})).unwrap();
        profile.grant_type = GrantType::Implicit;
        let value = serde_json::to_value(&profile).unwrap();
        assert_eq!(value["grantType"], "implicit", "the window's spelling");
        let back: Profile = serde_json::from_value(value).unwrap();
        assert_eq!(back.grant_type, GrantType::Implicit, "an Implicit profile is still Implicit after a restart");
        assert_eq!(GrantType::Implicit.label(), "Implicit");
        assert_eq!(unknown.key_id_kind, crate::assertion::KeyIdKind::Alias, "an unknown choice falls back");
    }

    #[test]
    fn pkce_off_saved_as_none_by_version_one_loads_as_off() {
        let profile: Profile =
            serde_json::from_value(json!({"codeChallengeMethod": "none"})).unwrap();
        assert_eq!(profile.code_challenge_method, CodeChallengeMethod::Off);
    }

    #[test]
    fn a_version_one_request_panel_is_upgraded_to_the_senders_request() {
        let mut file = json!({
            "version": 1,
            "profiles": [{
                "id": "p1",
                "name": "Old",
                "followAuthorization": "never",
                "trustedHosts": ["design.example"],
                "request": {
                    "method": "POST",
                    "url": "https://api.example/x",
                    "headers": [{"name": "Accept", "value": "application/json", "enabled": false}],
                    "bodyKind": "form",
                    "body": "grant=a%20b&empty=&plus=1+2"
                },
                "savedRequests": [
                    {"id": "s1", "name": "json", "method": "PUT", "url": "u", "bodyKind": "json", "body": "{\"a\":1}"},
                    {"id": "s2", "name": "text", "bodyKind": "text", "body": "hello"},
                    {"id": "s3", "name": "none", "bodyKind": "none", "body": ""}
                ]
            }, {
                "id": "p2",
                "followAuthorization": "always"
            }]
        });
        upgrade(&mut file);
        let data: AppData = serde_json::from_value(file).unwrap();
        let old = &data.profiles[0];
        assert_eq!(old.request.method, "POST");
        assert_eq!(
            old.request.follow_authorization,
            FollowAuthorization::Off,
            "never is now off"
        );
        assert_eq!(old.request.trusted_hosts, ["design.example"]);
        assert_eq!(
            old.request.headers,
            [NameValue {
                name: "Accept".into(),
                value: "application/json".into(),
                enabled: false,
                secret: false
            }]
        );
        assert_eq!(
            old.request.body,
            RequestBody::Form {
                fields: vec![
                    NameValue::new("grant", "a b"),
                    NameValue::new("empty", ""),
                    NameValue::new("plus", "1 2"),
                ]
            }
        );
        let saved = &old.saved_requests;
        assert_eq!(saved[0].request.method, "PUT");
        assert_eq!(
            saved[0].request.body,
            RequestBody::Json {
                text: "{\"a\":1}".into()
            }
        );
        assert_eq!(
            saved[0].request.follow_authorization,
            FollowAuthorization::Off,
            "a saved request keeps the profile's forwarding choice"
        );
        assert_eq!(
            saved[1].request.body,
            RequestBody::Text {
                text: "hello".into()
            }
        );
        assert_eq!(saved[2].request.body, RequestBody::None);
        assert_eq!(
            data.profiles[1].request.follow_authorization,
            FollowAuthorization::Any,
            "always is now any"
        );
    }

    #[test]
    fn a_saved_request_with_a_body_kind_from_a_newer_version_loads_without_its_body() {
        let mut file = json!({
            "version": 3,
            "profiles": [{
                "id": "p1",
                "followAuthorization": "sometimes",
                "savedRequests": [{
                    "id": "s1",
                    "name": "Query",
                    "method": "POST",
                    "url": "https://api.example/upload",
                    "body": {"kind": "graphql", "query": "{ integrations }"}
                }]
            }]
        });
        upgrade(&mut file);
        let data: AppData = serde_json::from_value(file).expect("the file still loads");
        let saved = &data.profiles[0].saved_requests[0];
        assert_eq!(saved.name, "Query");
        assert_eq!(saved.request.url, "https://api.example/upload");
        assert_eq!(saved.request.body, RequestBody::None);
        assert_eq!(
            data.profiles[0].request.follow_authorization,
            FollowAuthorization::Trusted,
            "an unknown forwarding choice falls back to the default"
        );
    }

    #[test]
    fn upgrading_a_current_file_changes_nothing() {
        let mut profile = Profile::new("Now").unwrap();
        profile.request.body = RequestBody::Form {
            fields: vec![NameValue::new("a", "1")],
        };
        profile.request.follow_authorization = FollowAuthorization::Any;
        let data = AppData {
            profiles: vec![profile],
            ..AppData::default()
        };
        let written = serde_json::to_value(&data).unwrap();
        let mut upgraded = written.clone();
        upgrade(&mut upgraded);
        assert_eq!(upgraded, written);
    }

    #[test]
    fn a_proxy_password_is_taken_out_of_the_settings_that_are_written() {
        let mut settings = Settings::default();
        settings.network.proxy = Some("http://alice:fake-proxy-pass@proxy.example:8080".into());
        let written = serde_json::to_string(&settings.without_proxy_password()).unwrap();
        assert!(!written.contains("fake-proxy-pass"), "{written}");
        assert!(written.contains("proxy.example:8080"), "{written}");
    }

    #[test]
    fn theme_and_layout_load_leniently_and_sizes_are_clamped() {
        let settings: Settings = serde_json::from_value(json!({
            "theme": "sepia",
            "layout": {"sidebarWidth": 5000, "responsePosition": "left", "splits": {"below 1300x800": 99, "beside 1000x600": 1}}
        }))
        .unwrap();
        assert_eq!(settings.theme, Theme::System, "an unknown theme falls back to the system's");
        let layout = settings.layout.clamped();
        assert_eq!(layout.sidebar_width, Layout::SIDEBAR_MAX);
        assert_eq!(layout.response_position, ResponsePosition::Below);
        assert_eq!(layout.splits["below 1300x800"], Layout::SPLIT_MAX);
        assert_eq!(layout.splits["beside 1000x600"], Layout::SPLIT_MIN);
        let dark: Settings = serde_json::from_value(json!({"theme": "dark"})).unwrap();
        assert_eq!(dark.theme, Theme::Dark);
        assert_eq!(serde_json::to_value(dark).unwrap()["theme"], "dark");
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
}
