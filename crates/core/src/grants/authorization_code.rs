//! Authorization code (RFC 6749 §4.1) with PKCE (RFC 7636), as in Oracle's
//! "Call the Developer APIs with Authorization Code". Two steps:
//!
//! 1. [`start`] builds the authorize URL and keeps what the exchange needs
//!    (state, nonce, PKCE verifier, Callback URL, client) in a
//!    [`PendingAuthorization`] the app holds in memory:
//!    ```text
//!    GET /oauth2/v1/authorize?response_type=code&client_id=..&state=..
//!        &code_challenge=..&code_challenge_method=S256&redirect_uri=..
//!        &scope=<app scope>%20offline_access&nonce=..
//!    ```
//! 2. The user signs in (in-app window, system browser through
//!    [`crate::callback::LoopbackListener`], or a pasted URL), and [`finish`]
//!    reads the redirected URL, refuses a foreign `state`, and exchanges the
//!    code through the shared exchange path:
//!    ```text
//!    POST /oauth2/v1/token
//!    grant_type=authorization_code&code=..&redirect_uri=..&code_verifier=..
//!    ```

use crate::callback::{self, LoopbackListener};
use crate::error::{Error, Result};
use crate::http::{endpoint_url, HttpClient};
use crate::secret::Secret;
use crate::grants::exchange::{at_once, oauth_client, requested_scopes, with_assertion_hints, Client, Outcome, Proof, Transport};
use crate::token::Token;
use oauth2::{AuthUrl, CsrfToken, HttpRequest, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};
use url::Url;

/// The PKCE "Code Challenge Method" choice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeChallengeMethod {
    #[default]
    #[serde(rename = "S256")]
    S256,
    #[serde(rename = "plain")]
    Plain,
    /// No PKCE at all. Profiles saved before one model spelled it `none`.
    #[serde(rename = "off", alias = "none")]
    Off,
}

/// What the user filled in for an authorization-code sign-in.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationCode {
    #[serde(flatten)]
    pub client: Client,
    pub callback_url: String,
    pub auth_url: String,
    #[serde(default)]
    pub scope: String,
    /// Generated when empty.
    #[serde(default)]
    pub state: String,
    /// Generated when empty.
    #[serde(default)]
    pub nonce: String,
    #[serde(default)]
    pub code_challenge_method: CodeChallengeMethod,
    /// "Request refresh token (offline_access)": appends `offline_access`.
    #[serde(default)]
    pub request_refresh_token: bool,
}

/// A sign-in under way: everything the exchange needs, between the authorize
/// URL and the redirect. Held in memory only; `Debug` hides state, nonce and
/// verifier.
#[derive(Clone)]
pub struct PendingAuthorization {
    pub(super) client: Client,
    pub(super) callback: Url,
    /// The `redirect_uri` exactly as sent to /authorize; sent again to /token.
    pub(super) redirect_uri: String,
    pub(super) authorize_url: Url,
    pub(super) state: String,
    pub(super) nonce: String,
    pub(super) method: CodeChallengeMethod,
    pub(super) verifier: Option<Secret>,
    /// An Implicit sign-in ([`super::implicit`]): the token itself comes
    /// back in the Callback URL's fragment; there is no code to exchange.
    pub(super) implicit: bool,
}

/// What the UI shows of a sign-in under way: the URL to open and the
/// generated state and nonce.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationView {
    pub authorize_url: String,
    pub callback_url: String,
    pub state: String,
    pub nonce: String,
    pub code_challenge_method: CodeChallengeMethod,
}

/// Builds the authorize URL: checks every field, generates state, nonce and
/// the PKCE pair. Nothing is sent.
pub fn start(grant: &AuthorizationCode) -> Result<PendingAuthorization> {
    let auth_url = endpoint_url("Auth URL", &grant.auth_url)?;
    let callback = callback::callback_url(&grant.callback_url)?;
    let redirect_uri = grant.callback_url.trim().to_owned();
    let redirect = RedirectUrl::new(redirect_uri.clone()).map_err(|e| Error::InvalidUrl {
        field: "Callback URL",
        reason: e.to_string(),
    })?;
    let oauth = oauth_client(&grant.client)?.set_auth_uri(AuthUrl::from_url(auth_url));
    let state = given_or_random(&grant.state);
    let nonce = given_or_random(&grant.nonce);

    let mut request = oauth
        .authorize_url(|| CsrfToken::new(state.clone()))
        .set_redirect_uri(Cow::Owned(redirect))
        .add_scopes(requested_scopes(&grant.scope, grant.request_refresh_token))
        .add_extra_param("nonce", nonce.clone());
    let verifier = match grant.code_challenge_method {
        CodeChallengeMethod::S256 => {
            let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
            request = request.set_pkce_challenge(challenge);
            Some(Secret::new(verifier.into_secret()))
        }
        CodeChallengeMethod::Plain => {
            let (challenge, verifier) = PkceCodeChallenge::new_random_plain();
            request = request.set_pkce_challenge(challenge);
            Some(Secret::new(verifier.into_secret()))
        }
        CodeChallengeMethod::Off => None,
    };
    let (authorize_url, _) = request.url();
    Ok(PendingAuthorization {
        client: grant.client.clone(),
        callback,
        redirect_uri,
        authorize_url,
        state,
        nonce,
        method: grant.code_challenge_method,
        verifier,
        implicit: false,
    })
}

/// Reads the redirected URL (from the login window, the loopback listener or
/// the user's paste), checks its `state`, and exchanges the code. `now`
/// stamps the token: take it when the redirect arrives. An Implicit sign-in
/// reads its token from the fragment instead ([`super::implicit::finish`]),
/// and nothing is sent.
pub async fn finish(
    http: &HttpClient,
    pending: &PendingAuthorization,
    redirected_url: &str,
    now: SystemTime,
) -> Result<Token> {
    if pending.implicit {
        return super::implicit::finish(http, pending, redirected_url, now).await;
    }
    let code = callback::read_redirect(redirected_url)?.into_code(&pending.state)?;
    exchange(http, pending, &code, now).await
}

/// The whole system-browser sign-in: listens on the loopback Callback URL
/// (port 0 picks a free one, sent as `redirect_uri`), calls `open_browser`
/// with the sign-in (to open its authorize URL and show its state), waits up
/// to `timeout` for the redirect, and exchanges the code. The listener is
/// closed when this returns, and when its future is dropped (Cancel).
pub async fn sign_in_with_system_browser<O, C>(
    http: &HttpClient,
    grant: &AuthorizationCode,
    timeout: Duration,
    open_browser: O,
    clock: C,
) -> Result<Token>
where
    O: FnOnce(&PendingAuthorization) -> Result<()>,
    C: Fn() -> SystemTime,
{
    let listener = LoopbackListener::bind(&grant.callback_url).await?;
    let grant = AuthorizationCode {
        callback_url: listener.callback_url().to_string(),
        ..grant.clone()
    };
    let pending = start(&grant)?;
    open_browser(&pending)?;
    let redirected = listener.receive(&pending.state, timeout).await?;
    finish(http, &pending, redirected.as_str(), clock()).await
}

impl PendingAuthorization {
    /// The URL to open in the login window or the browser.
    /// Whether the authorize URL itself gives the PKCE verifier away: with
    /// the plain method the challenge is the verifier, so a copy of the URL
    /// is a secret.
    pub fn authorize_url_reveals_verifier(&self) -> bool {
        self.method == CodeChallengeMethod::Plain && self.verifier.is_some()
    }

    pub fn authorize_url(&self) -> &str {
        self.authorize_url.as_str()
    }

    pub fn callback_url(&self) -> &Url {
        &self.callback
    }

    /// Whether a navigation of the login window reached the Callback URL;
    /// the app then stops it there and calls [`finish`] with it.
    pub fn is_callback(&self, navigated: &str) -> bool {
        callback::is_callback(&self.callback, navigated)
    }

    pub fn state(&self) -> &str {
        &self.state
    }

    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// The grant's name as the window shows it (the name of its token).
    pub fn grant_label(&self) -> &'static str {
        if self.implicit {
            "Implicit"
        } else {
            "Authorization Code"
        }
    }

    /// Whether this sign-in exchanges a code (not Implicit) as a sign-in
    /// with `grant`'s fields would: the same token endpoint, client,
    /// client authentication, Callback URL and PKCE method.
    pub fn exchanges_code_for(&self, grant: &AuthorizationCode) -> bool {
        !self.implicit
            && self.client.token_url.trim() == grant.client.token_url.trim()
            && self.client.client_id.trim() == grant.client.client_id.trim()
            && self.client.client_auth == grant.client.client_auth
            && self.redirect_uri == grant.callback_url.trim()
            && self.method == grant.code_challenge_method
    }

    pub fn view(&self) -> AuthorizationView {
        AuthorizationView {
            authorize_url: self.authorize_url.to_string(),
            callback_url: self.redirect_uri.clone(),
            state: self.state.clone(),
            nonce: self.nonce.clone(),
            code_challenge_method: self.method,
        }
    }
}

impl fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The authorize URL is left out: with plain PKCE it carries the verifier.
        f.debug_struct("PendingAuthorization")
            .field("client", &self.client)
            .field("redirect_uri", &self.redirect_uri)
            .field("state", &"[redacted]")
            .field("nonce", &"[redacted]")
            .field("code_challenge_method", &self.method)
            .field("verifier", &self.verifier)
            .field("implicit", &self.implicit)
            .finish()
    }
}

async fn exchange(
    http: &HttpClient,
    pending: &PendingAuthorization,
    code: &Secret,
    now: SystemTime,
) -> Result<Token> {
    let transport = Transport::new(http, &pending.client, &pending.client.token_url)?;
    let outcome = send_code(&transport, &pending.code_exchange(), code, now.into()).await?;
    let mut token = with_assertion_hints(&pending.client, transport.finish(outcome, now))?;
    crate::id_token::check_sign_in(http, &mut token, &pending.client, &pending.nonce, now).await?;
    Ok(token)
}

/// What the code-for-token request sends besides the code.
struct CodeExchange<'p> {
    client: &'p Client,
    /// As sent to /authorize.
    redirect_uri: &'p str,
    verifier: Option<&'p Secret>,
}

impl PendingAuthorization {
    fn code_exchange(&self) -> CodeExchange<'_> {
        CodeExchange {
            client: &self.client,
            redirect_uri: &self.redirect_uri,
            verifier: self.verifier.as_ref(),
        }
    }
}

/// The one builder of the code-for-token request: [`finish`] sends it, Copy
/// as cURL keeps it ([`unsent_exchange`]).
async fn send_code(transport: &Transport, exchange: &CodeExchange<'_>, code: &Secret, proof: Proof) -> Result<Outcome> {
    let redirect = RedirectUrl::new(exchange.redirect_uri.to_owned()).map_err(|e| Error::InvalidUrl {
        field: "Callback URL",
        reason: e.to_string(),
    })?;
    let oauth = oauth_client(exchange.client)?.set_redirect_uri(redirect);
    let mut request = oauth.exchange_code(oauth2::AuthorizationCode::new(code.expose().to_owned()));
    if let Some(verifier) = exchange.verifier {
        request = request.set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().to_owned()));
    }
    for (name, value) in exchange.client.assertion_params(proof)? {
        request = request.add_extra_param(name, value);
    }
    Ok(request.request_async(transport).await)
}

/// The `code` of a code-for-token request that is shown before there is a
/// code: the app exchanges a code as soon as the redirect brings it.
pub const CODE_PLACEHOLDER: &str = "<authorization code from the redirect>";
/// The `code_verifier` of a code-for-token request shown without its sign-in.
pub const VERIFIER_PLACEHOLDER: &str = "<the PKCE verifier of that sign-in>";

/// Where the code-for-token request that Copy as cURL shows comes from.
#[derive(Debug, Clone, Copy)]
pub enum ExchangeOf<'a> {
    /// A sign-in under way (paste mode): its client, `redirect_uri` and PKCE
    /// verifier.
    SignIn(&'a PendingAuthorization),
    /// A sign-in with these fields, not started: its PKCE verifier (none when
    /// PKCE is off) is [`VERIFIER_PLACEHOLDER`].
    Fields(&'a AuthorizationCode),
}

/// The code-for-token request [`finish`] sends, built and kept instead of
/// sent (Copy as cURL), with [`CODE_PLACEHOLDER`] as the code; a client
/// assertion is a placeholder.
pub fn unsent_exchange(of: ExchangeOf<'_>) -> Result<HttpRequest> {
    let placeholder = Secret::new(VERIFIER_PLACEHOLDER);
    let (token_url, exchange) = match of {
        ExchangeOf::SignIn(pending) => (&pending.client.token_url, pending.code_exchange()),
        ExchangeOf::Fields(grant) => {
            // Checked as a sign-in would check it.
            callback::callback_url(&grant.callback_url)?;
            let exchange = CodeExchange {
                client: &grant.client,
                redirect_uri: grant.callback_url.trim(),
                verifier: (grant.code_challenge_method != CodeChallengeMethod::Off).then_some(&placeholder),
            };
            (&grant.client.token_url, exchange)
        }
    };
    let transport = Transport::capture(token_url);
    let outcome = at_once(send_code(&transport, &exchange, &Secret::new(CODE_PLACEHOLDER), Proof::Placeholder))?;
    transport.captured(outcome)
}

pub(super) fn given_or_random(value: &str) -> String {
    match value.trim() {
        "" => CsrfToken::new_random().into_secret(),
        given => given.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpSettings;
    use crate::testing::serve_once;
    use crate::token::ClientAuth;

    /// The S256 challenge of `verifier`, by oauth2's own function (the core
    /// has no SHA-256 dependency of its own).
    fn s256_challenge(verifier: &str) -> String {
        let verifier = PkceCodeVerifier::new(verifier.to_owned());
        PkceCodeChallenge::from_code_verifier_sha256(&verifier)
            .as_str()
            .to_owned()
    }

    const SCOPE: &str = "https://aud.example:443urn:opc:resource:consumer::all";
    const CALLBACK: &str = "https://oic.example.com/icsapis/agent/oauth/callback";

    fn grant(token_base: &str) -> AuthorizationCode {
        AuthorizationCode {
            client: Client {
                token_url: format!("{token_base}/oauth2/v1/token"),
                client_id: "my-client".into(),
                client_secret: Secret::new("my-secret"),
                client_auth: ClientAuth::BasicHeader,
                client_assertion: None,
                mutual_tls: false,
                extra_roots: Vec::new(),
            },
            callback_url: CALLBACK.into(),
            auth_url: "https://idcs-x.identity.oraclecloud.com/oauth2/v1/authorize".into(),
            scope: SCOPE.into(),
            state: String::new(),
            nonce: String::new(),
            code_challenge_method: CodeChallengeMethod::S256,
            request_refresh_token: true,
        }
    }

    fn query(url: &str) -> Vec<(String, String)> {
        Url::parse(url)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect()
    }

    fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    fn form(body: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn the_authorize_url_carries_every_parameter_oracle_documents() {
        let pending = start(&grant("https://idcs-x.identity.oraclecloud.com")).unwrap();
        assert!(pending
            .authorize_url()
            .starts_with("https://idcs-x.identity.oraclecloud.com/oauth2/v1/authorize?"));
        let q = query(pending.authorize_url());
        assert_eq!(param(&q, "client_id").as_deref(), Some("my-client"));
        assert_eq!(param(&q, "response_type").as_deref(), Some("code"));
        assert_eq!(param(&q, "redirect_uri").as_deref(), Some(CALLBACK));
        assert_eq!(param(&q, "scope"), Some(format!("{SCOPE} offline_access")));
        assert_eq!(param(&q, "state").as_deref(), Some(pending.state()));
        assert_eq!(param(&q, "nonce").as_deref(), Some(pending.nonce()));
        assert_eq!(param(&q, "code_challenge_method").as_deref(), Some("S256"));
        let verifier = pending.verifier.as_ref().unwrap().expose();
        assert_eq!(param(&q, "code_challenge"), Some(s256_challenge(verifier)));
        assert!(
            !pending.authorize_url().contains(verifier),
            "S256 never sends the verifier"
        );
    }

    #[test]
    fn state_and_nonce_are_generated_when_empty_and_kept_when_typed() {
        let a = start(&grant("https://h")).unwrap();
        let b = start(&grant("https://h")).unwrap();
        assert!(a.state().len() >= 16, "a generated state is unguessable");
        assert_ne!(a.state(), b.state());
        assert_ne!(a.nonce(), b.nonce());
        let mut typed = grant("https://h");
        typed.state = "12345544".into();
        typed.nonce = "121".into();
        let pending = start(&typed).unwrap();
        assert_eq!((pending.state(), pending.nonce()), ("12345544", "121"));
    }

    #[test]
    fn plain_pkce_sends_the_verifier_as_challenge_and_off_sends_none() {
        let mut g = grant("https://h");
        g.code_challenge_method = CodeChallengeMethod::Plain;
        let pending = start(&g).unwrap();
        let q = query(pending.authorize_url());
        assert_eq!(param(&q, "code_challenge_method").as_deref(), Some("plain"));
        assert_eq!(
            param(&q, "code_challenge").as_deref(),
            Some(pending.verifier.as_ref().unwrap().expose())
        );

        g.code_challenge_method = CodeChallengeMethod::Off;
        g.request_refresh_token = false;
        let pending = start(&g).unwrap();
        let q = query(pending.authorize_url());
        assert!(
            param(&q, "code_challenge").is_none() && param(&q, "code_challenge_method").is_none(),
            "{q:?}"
        );
        assert_eq!(
            param(&q, "scope").as_deref(),
            Some(SCOPE),
            "no offline_access unless asked"
        );
        assert!(pending.verifier.is_none());
    }

    #[test]
    fn bad_fields_are_reported_before_anything_is_opened() {
        let mut g = grant("https://h");
        g.auth_url = "http://idcs-x.identity.oraclecloud.com/oauth2/v1/authorize".into();
        assert!(matches!(
            start(&g),
            Err(Error::InsecureUrl { field: "Auth URL" })
        ));
        let mut g = grant("https://h");
        g.callback_url = " ".into();
        assert!(matches!(
            start(&g),
            Err(Error::MissingField {
                field: "Callback URL"
            })
        ));
        let mut g = grant("https://h");
        g.client.client_id = String::new();
        assert!(matches!(
            start(&g),
            Err(Error::MissingField { field: "Client ID" })
        ));
    }

    #[test]
    fn debug_of_a_pending_sign_in_hides_state_nonce_verifier_and_secret() {
        let mut g = grant("https://h");
        g.code_challenge_method = CodeChallengeMethod::Plain;
        let pending = start(&g).unwrap();
        let printed = format!("{pending:?}");
        for hidden in [
            pending.state(),
            pending.nonce(),
            pending.verifier.as_ref().unwrap().expose(),
            "my-secret",
        ] {
            assert!(!printed.contains(hidden), "{printed}");
        }
    }

    #[test]
    fn the_login_window_recognises_the_callback_url() {
        let pending = start(&grant("https://h")).unwrap();
        assert!(pending.is_callback(&format!("{CALLBACK}?code=abc&state=x")));
        assert!(!pending.is_callback(pending.authorize_url()));
    }

    #[tokio::test]
    async fn the_code_is_exchanged_with_redirect_uri_and_code_verifier() {
        let (base, seen) = serve_once(
            200,
            "application/json",
            r#"{"access_token":"tok","token_type":"Bearer","expires_in":3600,"refresh_token":"ref"}"#,
        )
        .await;
        let pending = start(&grant(&base)).unwrap();
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let redirected = format!("{CALLBACK}?code=AQAg3jKM4Gc%3D&state={}", pending.state());
        let token = finish(&http, &pending, &redirected, SystemTime::now())
            .await
            .unwrap();
        assert!(token.refresh_token.is_some());

        let seen = seen.await.unwrap();
        assert!(seen.header("authorization").unwrap().starts_with("Basic "));
        let form = form(&seen.body);
        assert!(
            form.contains(&("grant_type".into(), "authorization_code".into())),
            "{form:?}"
        );
        assert!(
            form.contains(&("code".into(), "AQAg3jKM4Gc=".into())),
            "{form:?}"
        );
        assert!(
            form.contains(&("redirect_uri".into(), CALLBACK.into())),
            "{form:?}"
        );
        let verifier = pending.verifier.as_ref().unwrap().expose().to_owned();
        assert!(
            form.contains(&("code_verifier".into(), verifier)),
            "{form:?}"
        );
    }

    #[tokio::test]
    async fn a_forged_state_is_refused_before_the_code_is_sent() {
        let pending = start(&grant("http://127.0.0.1:9")).unwrap();
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let err = finish(
            &http,
            &pending,
            &format!("{CALLBACK}?code=abc&state=forged"),
            SystemTime::now(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, Error::StateMismatch { missing: false }),
            "nothing was sent to port 9: {err:?}"
        );
    }

    #[test]
    fn an_unverified_id_token_with_another_nonce_gets_a_warning() {
        use crate::id_token::nonce_warning;
        use base64::Engine;
        let encode = |claims: &str| {
            let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims);
            format!("eyJhbGciOiJIUzI1NiJ9.{payload}.sig")
        };
        assert_eq!(nonce_warning(&encode(r#"{"nonce":"n1"}"#), "n1"), None);
        assert!(nonce_warning(&encode(r#"{"nonce":"n2"}"#), "n1")
            .unwrap()
            .contains("differs"));
        assert!(nonce_warning(&encode(r#"{"sub":"x"}"#), "n1")
            .unwrap()
            .contains("no nonce"));
        assert_eq!(
            nonce_warning("not-a-jwt", "n1"),
            None,
            "an opaque token is left alone"
        );
    }

    #[test]
    fn an_authorization_code_request_is_read_from_the_ui_json() {
        let grant: AuthorizationCode = serde_json::from_value(serde_json::json!({
            "grantType": "authorization_code",
            "callbackUrl": CALLBACK,
            "authUrl": "https://idcs-x.identity.oraclecloud.com/oauth2/v1/authorize",
            "tokenUrl": "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token",
            "clientId": "abc",
            "clientSecret": "def",
            "clientAuth": "request_body",
            "scope": SCOPE,
            "state": "",
            "codeChallengeMethod": "plain",
            "requestRefreshToken": true
        }))
        .unwrap();
        assert_eq!(grant.code_challenge_method, CodeChallengeMethod::Plain);
        assert_eq!(grant.client.client_auth, ClientAuth::RequestBody);
        assert!(grant.request_refresh_token && grant.nonce.is_empty());
        let off: CodeChallengeMethod = serde_json::from_str("\"off\"").unwrap();
        assert_eq!(off, CodeChallengeMethod::Off);
        let default: AuthorizationCode = serde_json::from_value(serde_json::json!({
            "callbackUrl": CALLBACK, "authUrl": "https://h/a", "tokenUrl": "https://h/t", "clientId": "abc"
        }))
        .unwrap();
        assert_eq!(
            default.code_challenge_method,
            CodeChallengeMethod::S256,
            "PKCE is on by default"
        );
    }
}
