//! Implicit (RFC 6749 §4.2), for legacy public applications; **not
//! recommended** by the OAuth 2.0 Security BCP (RFC 9700 §2.1.2): the token
//! travels in a URL, with no client authentication and no PKCE. Two steps,
//! the same as the authorization code's first and last:
//!
//! 1. [`start`] builds the authorize URL (nothing is sent):
//!    ```text
//!    GET /oauth2/v1/authorize?response_type=token&client_id=..&redirect_uri=..
//!        &scope=..&state=..&nonce=..
//!    ```
//!    (`response_type=id_token token` when the scope has `openid`, so an ID
//!    token carrying the nonce comes back too).
//! 2. The identity domain redirects to the Callback URL with the answer in
//!    its **fragment**: `#access_token=..&token_type=Bearer&expires_in=..&state=..`
//!    or `#error=..&error_description=..&state=..`. [`read_fragment`] reads
//!    it (a pure function), [`Fragment::into_token`] refuses a foreign
//!    `state` exactly as [`crate::callback::Redirect::into_code`] does, and
//!    the ID token is checked as with the authorization code
//!    ([`crate::id_token::check_sign_in`]). No token endpoint is called and no
//!    refresh token is expected.
//!
//! A browser never sends a fragment to a server, so the system-browser
//! loopback listener cannot receive this answer: the app offers the in-app
//! login window (which stops at the Callback URL and reads its whole
//! address) and paste, and refuses the system browser with
//! [`Error::ImplicitNeedsFragmentReader`].

use super::authorization_code::{given_or_random, CodeChallengeMethod, PendingAuthorization};
use super::exchange::{requested_scopes, Client};
use crate::callback;
use crate::error::{Error, Result};
use crate::http::endpoint_url;
use crate::response::{parse_token_response, RawResponse};
use crate::secret::Secret;
use crate::token::Token;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::time::SystemTime;
use url::Url;

const REDIRECTED_FIELD: &str = "Redirected URL";

/// What the user filled in for an Implicit sign-in. The client's secret and
/// authentication are not used: an Implicit client is public.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Implicit {
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
}

/// Builds the authorize URL: checks the fields, generates state and nonce.
/// Nothing is sent.
pub fn start(grant: &Implicit) -> Result<PendingAuthorization> {
    let mut authorize_url = endpoint_url("Auth URL", &grant.auth_url)?;
    let callback = callback::callback_url(&grant.callback_url)?;
    let redirect_uri = grant.callback_url.trim().to_owned();
    let client_id = grant.client.client_id.trim();
    if client_id.is_empty() {
        return Err(Error::MissingField { field: "Client ID" });
    }
    let scopes: Vec<String> = requested_scopes(&grant.scope, false)
        .into_iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    let response_type = if scopes.iter().any(|s| s == "openid") {
        "id_token token"
    } else {
        "token"
    };
    let state = given_or_random(&grant.state);
    let nonce = given_or_random(&grant.nonce);
    {
        let mut query = authorize_url.query_pairs_mut();
        query
            .append_pair("response_type", response_type)
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", &redirect_uri);
        if !scopes.is_empty() {
            query.append_pair("scope", &scopes.join(" "));
        }
        query.append_pair("state", &state).append_pair("nonce", &nonce);
    }
    Ok(PendingAuthorization {
        client: grant.client.clone(),
        callback,
        redirect_uri,
        authorize_url,
        state,
        nonce,
        method: CodeChallengeMethod::Off,
        verifier: None,
        implicit: true,
    })
}

/// Reads the redirected URL's fragment, checks `state` and the ID token's
/// nonce, and makes the token. `now` stamps it: take it when the redirect
/// arrives.
pub(super) async fn finish(
    http: &crate::http::HttpClient,
    pending: &PendingAuthorization,
    redirected_url: &str,
    now: SystemTime,
) -> Result<Token> {
    let mut token = read_fragment(redirected_url)?.into_token(&pending.state, now)?;
    crate::id_token::check_sign_in(http, &mut token, &pending.client, &pending.nonce, now).await?;
    Ok(token)
}

/// What the identity domain put in the Callback URL's fragment.
pub enum Fragment {
    Token {
        /// Every parameter but `state`, as returned (values may be secrets).
        fields: Vec<(String, Secret)>,
        state: Option<String>,
    },
    Error {
        error: String,
        description: Option<String>,
        state: Option<String>,
    },
}

impl std::fmt::Debug for Fragment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Names only: the values hold the token.
            Fragment::Token { fields, .. } => f
                .debug_struct("Token")
                .field("fields", &fields.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>())
                .field("state", &"[redacted]")
                .finish(),
            Fragment::Error { error, description, .. } => f
                .debug_struct("Error")
                .field("error", error)
                .field("description", description)
                .finish(),
        }
    }
}

/// Reads a redirected URL: the whole address the login window reached or
/// the user pasted, or just its `#fragment`. The answer is in the fragment
/// (RFC 6749 §4.2.2); an `error` in the query is read too, since some
/// servers put a refusal there. A URL with a `code` and no token says the
/// sign-in was not started as Implicit.
pub fn read_fragment(value: &str) -> Result<Fragment> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::MissingField { field: REDIRECTED_FIELD });
    }
    let (fragment, query) = match Url::parse(value) {
        Ok(url) => (pairs(url.fragment().unwrap_or_default()), pairs(url.query().unwrap_or_default())),
        Err(_) if value.contains('=') => (pairs(value.trim_start_matches(['#', '?'])), Vec::new()),
        Err(e) => {
            return Err(Error::InvalidUrl {
                field: REDIRECTED_FIELD,
                reason: e.to_string(),
            })
        }
    };
    let answer = if has(&fragment, "access_token") || has(&fragment, "error") {
        fragment
    } else if has(&query, "error") {
        query
    } else if has(&query, "code") || has(&fragment, "code") {
        return Err(Error::InvalidUrl {
            field: REDIRECTED_FIELD,
            reason: "it carries an authorization code, not a token: this sign-in was not started with the Implicit grant type".into(),
        });
    } else {
        return Err(Error::InvalidUrl {
            field: REDIRECTED_FIELD,
            reason: "its #fragment has neither an access_token nor an error; paste the whole address the browser shows after signing in, # and all".into(),
        });
    };
    if let Some(name) = repeated(&answer) {
        return Err(Error::InvalidUrl {
            field: REDIRECTED_FIELD,
            reason: format!("the parameter {name} appears more than once"),
        });
    }
    let state = single(&answer, "state");
    if let Some(error) = single(&answer, "error").filter(|e| !e.is_empty()) {
        return Ok(Fragment::Error {
            error,
            description: single(&answer, "error_description"),
            state,
        });
    }
    if single(&answer, "access_token").map_or(true, |t| t.is_empty()) {
        return Err(Error::InvalidUrl {
            field: REDIRECTED_FIELD,
            reason: "its access_token is empty".into(),
        });
    }
    let fields = answer
        .into_iter()
        .filter(|(k, _)| k != "state")
        .map(|(k, v)| (k, Secret::new(v)))
        .collect();
    Ok(Fragment::Token { fields, state })
}

impl Fragment {
    /// The token, when the returned `state` is the one sent; otherwise a
    /// CSRF error. A returned `error` becomes [`Error::AuthorizationFailed`]
    /// only with the state sent: anyone can craft `#error=...`.
    pub fn into_token(self, sent_state: &str, now: SystemTime) -> Result<Token> {
        let state_ok = |state: Option<String>| match state {
            Some(state) if state == sent_state => Ok(()),
            Some(_) => Err(Error::StateMismatch { missing: false }),
            None => Err(Error::StateMismatch { missing: true }),
        };
        match self {
            Fragment::Error { error, description, state } => {
                state_ok(state)?;
                Err(Error::AuthorizationFailed { error, description })
            }
            Fragment::Token { fields, state } => {
                state_ok(state)?;
                token(fields, now)
            }
        }
    }
}

/// The fragment's parameters read as a token response (`expires_in` arrives
/// as text, which the response reader takes), so the token is checked and
/// shown like any other.
fn token(fields: Vec<(String, Secret)>, now: SystemTime) -> Result<Token> {
    let object: Map<String, Value> = fields
        .into_iter()
        // A code (a hybrid flow's) is not part of the token: left out.
        .filter(|(k, _)| k != "code")
        .map(|(k, v)| (k, Value::String(v.expose().to_owned())))
        .collect();
    let raw = RawResponse {
        status: 200,
        content_type: Some("application/json".into()),
        body: serde_json::to_vec(&Value::Object(object)).map_err(|e| Error::Internal(e.to_string()))?,
    };
    parse_token_response(&raw, now)
}

fn pairs(text: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(text.as_bytes()).into_owned().collect()
}

fn has(pairs: &[(String, String)], name: &str) -> bool {
    pairs.iter().any(|(k, _)| k == name)
}

fn single(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// The first of the parameters that matter that appears twice (RFC 6749
/// §3.1: parameters must not be repeated).
fn repeated(pairs: &[(String, String)]) -> Option<&'static str> {
    ["access_token", "token_type", "expires_in", "scope", "id_token", "state", "error", "error_description"]
        .into_iter()
        .find(|name| pairs.iter().filter(|(k, _)| k == name).count() > 1)
}

#[cfg(test)]
mod tests {
    fn http() -> crate::http::HttpClient {
        crate::http::HttpClient::new(crate::http::HttpSettings::default()).unwrap()
    }
    use super::*;
    use crate::token::ClientAuth;
    use base64::Engine;

    const CALLBACK: &str = "https://oauth.pstmn.io/v1/callback";

    fn grant(scope: &str) -> Implicit {
        Implicit {
            client: Client {
                token_url: String::new(),
                client_id: "public-app".into(),
                client_secret: Secret::new(""),
                client_auth: ClientAuth::BasicHeader,
                client_assertion: None,
                mutual_tls: false,
                extra_roots: Vec::new(),
            },
            callback_url: CALLBACK.into(),
            auth_url: "https://idcs-x.identity.oraclecloud.com/oauth2/v1/authorize".into(),
            scope: scope.into(),
            state: String::new(),
            nonce: String::new(),
        }
    }

    fn query(url: &str) -> Vec<(String, String)> {
        Url::parse(url).unwrap().query_pairs().into_owned().collect()
    }

    fn id_token(claims: &str) -> String {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims);
        format!("eyJhbGciOiJIUzI1NiJ9.{payload}.sig")
    }

    #[test]
    fn the_authorize_url_asks_for_a_token_with_state_and_nonce_and_no_pkce() {
        let pending = start(&grant("urn:opc:resource:consumer::all")).unwrap();
        let q = query(pending.authorize_url());
        let get = |name: &str| q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        assert_eq!(get("response_type"), Some("token"));
        assert_eq!(get("client_id"), Some("public-app"));
        assert_eq!(get("redirect_uri"), Some(CALLBACK));
        assert_eq!(get("scope"), Some("urn:opc:resource:consumer::all"));
        assert_eq!(get("state"), Some(pending.state()));
        assert_eq!(get("nonce"), Some(pending.nonce()));
        assert!(get("code_challenge").is_none() && get("code_challenge_method").is_none(), "{q:?}");
        assert_eq!(pending.grant_label(), "Implicit");
        assert!(!pending.authorize_url_reveals_verifier());
    }

    #[test]
    fn with_openid_in_the_scope_an_id_token_is_asked_for_too() {
        let pending = start(&grant("openid urn:opc:resource:consumer::all")).unwrap();
        let q = query(pending.authorize_url());
        assert!(q.contains(&("response_type".into(), "id_token token".into())), "{q:?}");
    }

    #[test]
    fn bad_fields_are_reported_before_anything_is_opened() {
        let mut g = grant("s");
        g.client.client_id = " ".into();
        assert!(matches!(start(&g), Err(Error::MissingField { field: "Client ID" })));
        let mut g = grant("s");
        g.callback_url = "https://h/cb#x".into();
        assert!(matches!(start(&g), Err(Error::InvalidUrl { field: "Callback URL", .. })));
        let mut g = grant("s");
        g.auth_url = "http://idcs-x.example.com/oauth2/v1/authorize".into();
        assert!(matches!(start(&g), Err(Error::InsecureUrl { field: "Auth URL" })));
    }

    #[tokio::test]
    async fn a_fragment_with_the_state_sent_gives_the_token_without_a_refresh_token() {
        let pending = start(&grant("s")).unwrap();
        let url = format!(
            "{CALLBACK}#access_token=eyJ.a%2Bb.c&token_type=Bearer&expires_in=3600&scope=s&state={}",
            pending.state()
        );
        let now = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000);
        let token = finish(&http(), &pending, &url, now).await.unwrap();
        assert_eq!(token.access_token.expose(), "eyJ.a+b.c");
        assert_eq!(token.token_type, "Bearer");
        assert_eq!(token.expires_in, Some(3600));
        assert_eq!(token.expires_at, Some(4_600));
        assert_eq!(token.scope.as_deref(), Some("s"));
        assert!(token.refresh_token.is_none() && token.warnings.is_empty(), "{token:?}");
    }

    #[test]
    fn just_the_fragment_may_be_pasted() {
        let fragment = read_fragment("#access_token=t&state=s").unwrap();
        let token = fragment.into_token("s", SystemTime::now()).unwrap();
        assert_eq!(token.access_token.expose(), "t");
        assert_eq!(token.warnings.len(), 1, "no token_type: Bearer assumed, and said");
    }

    #[tokio::test]
    async fn a_foreign_or_missing_state_is_refused() {
        let pending = start(&grant("s")).unwrap();
        let err = finish(&http(), &pending, &format!("{CALLBACK}#access_token=t&state=forged"), SystemTime::now()).await.unwrap_err();
        assert!(matches!(err, Error::StateMismatch { missing: false }), "{err:?}");
        assert_eq!(err.code(), "state_mismatch");
        let err = finish(&http(), &pending, &format!("{CALLBACK}#access_token=t"), SystemTime::now()).await.unwrap_err();
        assert!(matches!(err, Error::StateMismatch { missing: true }), "{err:?}");
        assert!(!err.to_string().contains("access_token=t"));
    }

    #[tokio::test]
    async fn an_error_fragment_becomes_code_message_and_hint() {
        let pending = start(&grant("s")).unwrap();
        let url = format!(
            "{CALLBACK}#error=unauthorized_client&error_description=Implicit+is+not+allowed&state={}",
            pending.state()
        );
        let err = finish(&http(), &pending, &url, SystemTime::now()).await.unwrap_err();
        let ipc = crate::IpcError::from(err);
        assert_eq!(ipc.code, "unauthorized_client");
        assert!(ipc.message.contains("Implicit is not allowed"), "{}", ipc.message);
        assert!(ipc.hint.is_some(), "an error of the identity domain comes with what to check");
        let forged = finish(&http(), &pending, &format!("{CALLBACK}#error=access_denied&state=x"), SystemTime::now()).await.unwrap_err();
        assert!(matches!(forged, Error::StateMismatch { .. }), "{forged:?}");
    }

    #[tokio::test]
    async fn an_id_token_with_another_nonce_gets_a_warning_and_the_right_one_none() {
        let mut g = grant("openid");
        g.nonce = "n1".into();
        let pending = start(&g).unwrap();
        let url = |nonce: &str| {
            format!(
                "{CALLBACK}#access_token=t&token_type=Bearer&id_token={}&state={}",
                id_token(&format!(r#"{{"nonce":"{nonce}"}}"#)),
                pending.state()
            )
        };
        let token = finish(&http(), &pending, &url("n1"), SystemTime::now()).await.unwrap();
        assert!(token.id_token.is_some() && token.warnings.is_empty(), "{:?}", token.warnings);
        let token = finish(&http(), &pending, &url("n2"), SystemTime::now()).await.unwrap();
        assert!(token.warnings.iter().any(|w| w.contains("nonce differs")), "{:?}", token.warnings);
    }

    #[test]
    fn a_code_url_an_empty_fragment_and_repeated_parameters_are_refused() {
        for (value, why) in [
            ("https://h/cb?code=abc&state=s", "not implicit"),
            ("https://h/cb", "nothing"),
            ("https://h/cb#state=s", "no token"),
            ("https://h/cb#access_token=&state=s", "empty token"),
            ("https://h/cb#access_token=a&access_token=b&state=s", "repeated token"),
            ("https://h/cb#access_token=a&state=s&state=s", "repeated state"),
            ("just words", "not a URL"),
        ] {
            let err = read_fragment(value).unwrap_err();
            assert!(matches!(err, Error::InvalidUrl { field: "Redirected URL", .. }), "{value} ({why}): {err:?}");
        }
        assert!(read_fragment("https://h/cb?code=abc")
            .unwrap_err()
            .to_string()
            .contains("not started with the Implicit grant type"));
        assert!(matches!(read_fragment(" "), Err(Error::MissingField { .. })));
    }

    #[test]
    fn an_error_in_the_query_is_read_too() {
        let fragment = read_fragment("https://h/cb?error=access_denied&state=s").unwrap();
        assert!(matches!(fragment, Fragment::Error { ref error, .. } if error == "access_denied"));
    }

    #[test]
    fn debug_of_a_fragment_hides_the_token() {
        let fragment = read_fragment("https://h/cb#access_token=very-secret&state=also-secret").unwrap();
        let printed = format!("{fragment:?}");
        assert!(!printed.contains("very-secret") && !printed.contains("also-secret"), "{printed}");
    }

    #[test]
    fn an_implicit_request_is_read_from_the_ui_json() {
        let grant: Implicit = serde_json::from_value(serde_json::json!({
            "grantType": "implicit",
            "tokenUrl": "",
            "clientId": "abc",
            "callbackUrl": CALLBACK,
            "authUrl": "https://h/oauth2/v1/authorize",
            "scope": "openid",
            "codeChallengeMethod": "S256",
            "requestRefreshToken": true
        }))
        .unwrap();
        assert_eq!(grant.client.client_id, "abc");
        assert!(grant.state.is_empty() && grant.nonce.is_empty());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn encode(value: &str) -> String {
            url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Any text is a fragment or a typed error, never a panic; and
            /// without the state sent, nothing is accepted.
            #[test]
            fn any_text_is_a_fragment_or_a_typed_error(text in "\\PC{0,120}") {
                match read_fragment(&text) {
                    Ok(fragment) => {
                        let result = fragment.into_token("a-state-no-one-sends \u{1F600}", SystemTime::now());
                        prop_assert!(matches!(result, Err(Error::StateMismatch { .. })), "{result:?}");
                    }
                    Err(e) => prop_assert!(matches!(e.code().as_str(), "invalid_url" | "missing_field"), "{e:?}"),
                }
            }

            /// The token comes out, decoded, exactly when the state that
            /// comes back is the one sent; an error is the identity domain's
            /// word only with that state; no message holds the token.
            #[test]
            fn a_token_or_error_is_accepted_only_with_the_state_sent(
                value in "\\PC{1,40}",
                sent in "\\PC{1,20}",
                returned in prop::option::of("\\PC{0,20}"),
                as_error in any::<bool>(),
                expires_in in prop::option::of(0u32..100_000),
                other in prop::collection::vec(("[a-z_]{1,8}", "\\PC{0,10}"), 0..3),
            ) {
                let mut pairs: Vec<String> = other
                    .iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "access_token" | "token_type" | "expires_in" | "scope" | "id_token" | "state" | "error" | "error_description" | "code"))
                    .map(|(k, v)| format!("{k}={}", encode(v)))
                    .collect();
                pairs.push(if as_error {
                    format!("error={}", encode(&value))
                } else {
                    format!("access_token={}&token_type=Bearer", encode(&value))
                });
                if let Some(seconds) = expires_in {
                    pairs.push(format!("expires_in={seconds}"));
                }
                if let Some(state) = &returned {
                    pairs.push(format!("state={}", encode(state)));
                }
                let url = format!("https://oauth.pstmn.io/v1/callback#{}", pairs.join("&"));
                let result = read_fragment(&url).unwrap().into_token(&sent, SystemTime::now());
                let state_ok = returned.as_deref() == Some(sent.as_str());
                match result {
                    Ok(token) => {
                        prop_assert!(state_ok && !as_error);
                        prop_assert_eq!(token.access_token.expose(), value.as_str());
                        prop_assert_eq!(token.expires_in, expires_in.map(u64::from));
                        prop_assert!(token.refresh_token.is_none());
                    }
                    Err(Error::AuthorizationFailed { error, .. }) => {
                        prop_assert!(state_ok && as_error);
                        prop_assert_eq!(error, value);
                    }
                    Err(Error::StateMismatch { missing }) => {
                        prop_assert!(!state_ok);
                        prop_assert_eq!(missing, returned.is_none());
                    }
                    Err(other) => prop_assert!(false, "unexpected {other:?}"),
                }
            }
        }
    }
}
