//! JWT assertion grant (RFC 7523 §2.1): the application signs a *user
//! assertion* for a user with its own private key, and exchanges it, as in
//! Oracle's "Call the Developer APIs with a JWT User Assertion":
//!
//! ```text
//! POST /oauth2/v1/token
//! Authorization: Basic base64(client_id:client_secret)
//! Content-Type: application/x-www-form-urlencoded;charset=UTF-8
//!
//! grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<user assertion>&scope=<app scope>
//! ```
//!
//! The identity domain checks the assertion's signature against the
//! certificate uploaded to the application (the `kid` is its alias, see
//! [`crate::assertion`] for every claim Oracle requires) and needs *JWT
//! Assertion* among the application's allowed grant types. A refusal is an
//! [`Error::AssertionRejected`], whose hint names the likely cause.

use crate::assertion::Signing;
use crate::error::{Error, Result};
use crate::grants::exchange::{at_once, requested_scopes, send_form, Client, Proof, Transport};
use crate::http::HttpClient;
use crate::jwt::DecodedJwt;
use crate::token::Token;
use serde::Deserialize;
use std::time::SystemTime;

/// The `grant_type` of RFC 7523.
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtAssertion {
    #[serde(flatten)]
    pub client: Client,
    /// The user the assertion is for (its `sub`).
    pub username: String,
    #[serde(flatten)]
    pub signing: Signing,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub request_refresh_token: bool,
}

/// The header and claims the request would send at `now`, for the window
/// to show before sending. Nothing is signed or sent; the `jti` shown is an
/// example, each sent assertion gets a new one.
pub fn preview(grant: &JwtAssertion, now: SystemTime) -> Result<DecodedJwt> {
    let username = grant.username.trim();
    if username.is_empty() {
        return Err(Error::MissingField { field: "Username" });
    }
    grant.signing.layout(grant.client.client_id.trim(), username, now)
}

pub async fn request(http: &HttpClient, grant: &JwtAssertion, now: SystemTime) -> Result<Token> {
    if grant.client.client_id.trim().is_empty() {
        return Err(Error::MissingField { field: "Client ID" });
    }
    let assertion = grant.signing.user_assertion(&grant.client.client_id, &grant.username, now)?;
    let transport = Transport::new(http, &grant.client, &grant.client.token_url)?;
    let outcome = exchange(&transport, grant, assertion.jwt.expose(), now.into()).await?;
    transport.finish(outcome, now).map_err(assertion_refusal)
}

/// The `assertion` of a request that is shown, not sent.
pub const USER_ASSERTION_PLACEHOLDER: &str = "<signed user assertion JWT>";

/// The request [`request`] sends, built and kept instead of sent (Copy as
/// cURL). With `sign`, the user assertion is signed at `now` (valid for its
/// lifetime); without, it is [`USER_ASSERTION_PLACEHOLDER`], once
/// [`preview`] shows it could be signed. A client assertion is a placeholder.
pub fn unsent(grant: &JwtAssertion, sign: bool, now: SystemTime) -> Result<oauth2::HttpRequest> {
    let assertion = if sign {
        grant.signing.user_assertion(&grant.client.client_id, &grant.username, now)?.jwt
    } else {
        preview(grant, now)?;
        crate::secret::Secret::new(USER_ASSERTION_PLACEHOLDER)
    };
    let transport = Transport::capture(&grant.client.token_url);
    let outcome = at_once(exchange(&transport, grant, assertion.expose(), Proof::Placeholder))?;
    transport.captured(outcome)
}

async fn exchange(
    transport: &Transport,
    grant: &JwtAssertion,
    assertion: &str,
    proof: Proof,
) -> Result<std::result::Result<oauth2::HttpResponse, crate::grants::exchange::TransportFailed>> {
    let scope = requested_scopes(&grant.scope, grant.request_refresh_token)
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let params = [("grant_type", GRANT_TYPE), ("assertion", assertion), ("scope", scope.as_str())];
    send_form(transport, &grant.client, &params, proof).await
}

/// An identity domain's refusal of an assertion, with the assertion hints.
pub(crate) fn assertion_refusal(error: Error) -> Error {
    match error {
        Error::OAuth { status, error, description } if error != "invalid_scope" => {
            Error::AssertionRejected { status, error, description }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assertion::KeyIdKind;
    use crate::grants::TokenRequest;
    use crate::http::HttpSettings;
    use crate::keys::tests::test_pair;
    use crate::testing::serve_once;
    use crate::token::ClientAuth;
    use crate::Secret;

    const OK: &str = r#"{"access_token":"tok","token_type":"Bearer","expires_in":3600}"#;

    fn grant(base: &str) -> JwtAssertion {
        let pair = test_pair();
        JwtAssertion {
            client: Client {
                token_url: format!("{base}/oauth2/v1/token"),
                client_id: "my-client".into(),
                client_secret: Secret::new("my-secret"),
                client_auth: ClientAuth::BasicHeader,
                client_assertion: None,
                mutual_tls: false,
                extra_roots: Vec::new(),
            },
            username: "jane.doe".into(),
            signing: Signing {
                private_key: Secret::new(pair.private_key.expose_pem()),
                certificate: pair.certificate.pem().to_owned(),
                key_id: "my-alias".into(),
                key_id_kind: KeyIdKind::Alias,
                audience: String::new(),
                lifetime_secs: 0,
            },
            scope: "https://aud.example:443urn:opc:resource:consumer::all".into(),
            request_refresh_token: false,
        }
    }

    fn form(body: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(body.as_bytes()).into_owned().collect()
    }

    #[tokio::test]
    async fn the_grant_sends_the_signed_user_assertion_with_basic_auth() {
        let (base, seen) = serve_once(200, "application/json", OK).await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let token = request(&http, &grant(&base), SystemTime::now()).await.unwrap();
        assert_eq!(token.access_token.expose(), "tok");
        let seen = seen.await.unwrap();
        assert!(seen.header("authorization").unwrap().starts_with("Basic "));
        assert_eq!(seen.header("content-type"), Some("application/x-www-form-urlencoded;charset=UTF-8"));
        let form = form(&seen.body);
        assert!(form.contains(&("grant_type".into(), GRANT_TYPE.into())), "{form:?}");
        assert!(form.contains(&("scope".into(), "https://aud.example:443urn:opc:resource:consumer::all".into())), "{form:?}");
        let assertion = &form.iter().find(|(k, _)| k == "assertion").expect("an assertion").1;
        let decoded = crate::jwt::decode(assertion).expect("a JWT");
        assert_eq!(decoded.header["kid"], "my-alias");
        assert_eq!(decoded.claims["sub"], "jane.doe");
        assert_eq!(decoded.claims["iss"], "my-client");
        assert!(!form.iter().any(|(k, _)| k == "client_secret"), "Basic, not also the body");
    }

    #[tokio::test]
    async fn body_auth_puts_the_client_in_the_form() {
        let (base, seen) = serve_once(200, "application/json", OK).await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let mut g = grant(&base);
        g.client.client_auth = ClientAuth::RequestBody;
        g.request_refresh_token = true;
        request(&http, &g, SystemTime::now()).await.unwrap();
        let seen = seen.await.unwrap();
        assert_eq!(seen.header("authorization"), None);
        let form = form(&seen.body);
        assert!(form.contains(&("client_id".into(), "my-client".into())), "{form:?}");
        assert!(form.contains(&("client_secret".into(), "my-secret".into())), "{form:?}");
        assert!(form.iter().any(|(k, v)| k == "scope" && v.ends_with(" offline_access")), "{form:?}");
    }

    #[tokio::test]
    async fn a_refused_assertion_gets_an_assertion_hint() {
        let (base, _seen) = serve_once(
            400,
            "application/json",
            r#"{"error":"invalid_grant","error_description":"The JWT assertion's kid does not match any certificate alias."}"#,
        )
        .await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let err = request(&http, &grant(&base), SystemTime::now()).await.unwrap_err();
        assert_eq!(err.code(), "invalid_grant");
        let hint = err.hint().unwrap();
        assert!(hint.contains("Alias") && hint.contains("Import certificate"), "{hint}");
    }

    #[test]
    fn the_preview_shows_what_would_be_signed() {
        let g = grant("http://127.0.0.1:9");
        let shown = preview(&g, std::time::UNIX_EPOCH + std::time::Duration::from_secs(100)).unwrap();
        assert_eq!(shown.claims["sub"], "jane.doe");
        assert_eq!(shown.claims["aud"], "https://identity.oraclecloud.com/");
        assert_eq!(shown.claims["exp"], 400);
    }

    #[test]
    fn a_jwt_assertion_request_is_read_from_the_ui_json() {
        let pair = test_pair();
        let request: TokenRequest = serde_json::from_value(serde_json::json!({
            "grantType": "jwt_assertion",
            "tokenUrl": "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token",
            "clientId": "abc",
            "clientSecret": "def",
            "username": "jane.doe",
            "privateKey": pair.private_key.expose_pem(),
            "certificate": pair.certificate.pem(),
            "keyId": "alias1",
            "audience": "https://identity.oraclecloud.com/",
            "lifetimeSecs": 120,
        }))
        .unwrap();
        let TokenRequest::JwtAssertion(g) = request else { panic!("jwt_assertion is read as JwtAssertion") };
        assert_eq!(g.signing.key_id, "alias1");
        assert_eq!(g.signing.lifetime_secs, 120);
        assert!(!format!("{g:?}").contains(pair.private_key.expose_pem().lines().nth(1).unwrap()), "Debug hides the key");
    }
}
