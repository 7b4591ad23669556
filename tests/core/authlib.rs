//! RFC 7523 against a third-party implementation: Authlib's JWT bearer grant
//! (`JWTBearerGrant`, §2.1) and client assertions (`JWTBearerClientAssertion`,
//! `private_key_jwt`, §2.2), served under `/authlib` by the test identity
//! server (`tests/idp/authlib_site.py`; django-oauth-toolkit has no RFC 7523).
//! Authlib expects the token URL as `aud`, so the Assertion Audience is set
//! to it. Key pairs are generated here and their certificates registered
//! under a key id (the `kid` the app sends as the alias); each test uses its
//! own key id, since the server and its clients are shared by the suite.

use crate::idp;
use crate::jwt_assertion::{key_pair, signing};
use oauth_console_core::assertion::Signing;
use oauth_console_core::grants::client_credentials::ClientCredentials;
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::grants::jwt_assertion::{preview, JwtAssertion};
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::keys::KeyPair;
use oauth_console_core::{request_token, ClientAuth, IpcError, Secret, Token, TokenRequest};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

fn token_url() -> String {
    idp::var("OC_IDP_AUTHLIB_TOKEN_URL")
}

/// A second key pair, whose certificate is never registered.
fn other_pair() -> &'static KeyPair {
    static PAIR: OnceLock<KeyPair> = OnceLock::new();
    PAIR.get_or_init(|| KeyPair::generate("not-registered", 1).expect("a generated key pair"))
}

/// Registers `pair`'s certificate for `client_id` under `kid` (the Authlib
/// app's loopback-only test hook, like the sandbox's certificate upload).
async fn register(client_id: &str, kid: &str, pair: &KeyPair) {
    let response = reqwest::Client::new()
        .post(idp::var("OC_IDP_AUTHLIB_CERTIFICATES_URL"))
        .form(&[("client_id", client_id), ("kid", kid), ("certificate", pair.certificate.pem())])
        .send()
        .await
        .expect("the test identity server answers");
    assert_eq!(response.status(), 201, "registration refused: {}", response.text().await.unwrap_or_default());
}

/// The app's signing settings with Authlib's audience: its token URL.
fn authlib_signing(pair: &KeyPair, kid: &str) -> Signing {
    let mut s = signing(pair, kid);
    s.audience = token_url();
    s
}

fn user_grant(client_id: &str, client_secret: &str, signing: Signing) -> JwtAssertion {
    JwtAssertion {
        client: Client {
            token_url: token_url(),
            client_id: client_id.to_owned(),
            client_secret: Secret::new(client_secret),
            client_auth: ClientAuth::BasicHeader,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        username: idp::var("OC_IDP_AUTHLIB_USERNAME"),
        signing,
        scope: idp::scope(),
        request_refresh_token: false,
    }
}

/// A user assertion from the client that has the JWT bearer grant, whose
/// certificate is registered under `kid`.
async fn jwt_client_grant(kid: &str, signing: Signing) -> JwtAssertion {
    let client_id = idp::var("OC_IDP_AUTHLIB_JWT_CLIENT_ID");
    register(&client_id, kid, key_pair()).await;
    user_grant(&client_id, &idp::var("OC_IDP_AUTHLIB_JWT_CLIENT_SECRET"), signing)
}

/// Client credentials authenticated by a client assertion only (the client
/// has no secret), its certificate registered under `kid`.
async fn assertion_client_credentials(kid: &str, assertion: Signing) -> TokenRequest {
    let client_id = idp::var("OC_IDP_AUTHLIB_PKJWT_CLIENT_ID");
    register(&client_id, kid, key_pair()).await;
    TokenRequest::ClientCredentials(ClientCredentials {
        client: Client {
            token_url: token_url(),
            client_id,
            client_secret: Secret::default(),
            client_auth: ClientAuth::ClientAssertion,
            client_assertion: Some(assertion),
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        scope: idp::scope(),
    })
}

async fn send(request: TokenRequest, now: SystemTime) -> oauth_console_core::Result<Token> {
    let http = HttpClient::new(HttpSettings::default()).unwrap();
    request_token(&http, &request, now).await
}

async fn refusal(request: TokenRequest, now: SystemTime) -> IpcError {
    IpcError::from(send(request, now).await.expect_err("Authlib refuses the request"))
}

fn an_hour_ago() -> SystemTime {
    SystemTime::now() - Duration::from_secs(3600)
}

#[tokio::test]
async fn a_user_assertion_for_the_authlib_token_url_gets_a_bearer_token() {
    let g = jwt_client_grant("jwt-ok", authlib_signing(key_pair(), "jwt-ok")).await;
    let shown = preview(&g, SystemTime::now()).unwrap();
    assert_eq!(shown.header["kid"], "jwt-ok");
    assert_eq!(shown.claims["iss"], idp::var("OC_IDP_AUTHLIB_JWT_CLIENT_ID"));
    assert_eq!(shown.claims["aud"], token_url());
    let token = send(TokenRequest::JwtAssertion(g), SystemTime::now()).await.expect("Authlib accepts the user assertion");
    assert!(!token.access_token.is_empty());
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.expires_in, Some(3600));
    assert_eq!(token.scope.as_deref(), Some(idp::scope().as_str()));
    assert!(token.refresh_token.is_none(), "Authlib's JWT bearer grant issues no refresh token");
}

#[tokio::test]
async fn client_credentials_with_a_client_assertion_get_a_token_from_authlib() {
    let request = assertion_client_credentials("cc-ok", authlib_signing(key_pair(), "cc-ok")).await;
    let token = send(request, SystemTime::now()).await.expect("Authlib authenticates the client by its assertion");
    assert!(!token.access_token.is_empty());
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.scope.as_deref(), Some(idp::scope().as_str()));
}

#[tokio::test]
async fn a_user_assertion_signed_with_a_key_that_is_not_the_registered_one_is_invalid_grant() {
    // The app checks key and certificate belong together: sign with the
    // other pair under the key id registered for the first.
    let g = jwt_client_grant("jwt-other-key", authlib_signing(other_pair(), "jwt-other-key")).await;
    let ipc = refusal(TokenRequest::JwtAssertion(g), SystemTime::now()).await;
    assert_eq!(ipc.code, "invalid_grant", "{}", ipc.message);
    // Authlib gives no error_description for a bad signature: the general
    // assertion hint, which names the certificate alias first.
    assert!(ipc.hint.unwrap().contains("Alias"), "{}", ipc.message);
}

#[tokio::test]
async fn a_user_assertion_under_a_key_id_never_registered_is_invalid_grant_naming_the_kid() {
    let g = jwt_client_grant("jwt-registered", authlib_signing(key_pair(), "jwt-never-registered")).await;
    let ipc = refusal(TokenRequest::JwtAssertion(g), SystemTime::now()).await;
    assert_eq!(ipc.code, "invalid_grant");
    assert!(ipc.message.contains("jwt-never-registered"), "{}", ipc.message);
    assert!(ipc.hint.unwrap().contains("Alias"));
}

#[tokio::test]
async fn an_expired_user_assertion_is_invalid_grant_with_the_clock_hint() {
    let g = jwt_client_grant("jwt-expired", authlib_signing(key_pair(), "jwt-expired")).await;
    let ipc = refusal(TokenRequest::JwtAssertion(g), an_hour_ago()).await;
    assert_eq!(ipc.code, "invalid_grant");
    assert!(ipc.message.contains("expired"), "{}", ipc.message);
    assert!(ipc.hint.unwrap().contains("clock"));
}

#[tokio::test]
async fn a_user_assertion_for_the_default_oracle_audience_is_invalid_grant_at_authlib() {
    let mut s = authlib_signing(key_pair(), "jwt-oracle-aud");
    s.audience = String::new(); // the app's default: https://identity.oraclecloud.com/
    let g = jwt_client_grant("jwt-oracle-aud", s).await;
    let ipc = refusal(TokenRequest::JwtAssertion(g), SystemTime::now()).await;
    assert_eq!(ipc.code, "invalid_grant");
    assert!(ipc.message.contains("aud"), "{}", ipc.message);
    assert!(ipc.hint.unwrap().contains("Assertion Audience"));
}

#[tokio::test]
async fn a_user_assertion_for_an_unknown_user_is_invalid_grant() {
    let mut g = jwt_client_grant("jwt-unknown-user", authlib_signing(key_pair(), "jwt-unknown-user")).await;
    g.username = "no-such-user".into();
    let ipc = refusal(TokenRequest::JwtAssertion(g), SystemTime::now()).await;
    assert_eq!(ipc.code, "invalid_grant");
    assert!(ipc.hint.unwrap().contains("Username"), "{}", ipc.message);
}

#[tokio::test]
async fn a_user_assertion_from_a_client_without_the_jwt_bearer_grant_is_unauthorized_client() {
    let client_id = idp::var("OC_IDP_AUTHLIB_CC_CLIENT_ID");
    register(&client_id, "cc-only", key_pair()).await;
    let g = user_grant(&client_id, &idp::var("OC_IDP_AUTHLIB_CC_CLIENT_SECRET"), authlib_signing(key_pair(), "cc-only"));
    let ipc = refusal(TokenRequest::JwtAssertion(g), SystemTime::now()).await;
    assert_eq!(ipc.code, "unauthorized_client", "{}", ipc.message);
    assert!(ipc.hint.unwrap().contains("JWT Assertion"));
}

#[tokio::test]
async fn a_client_assertion_signed_with_a_key_that_is_not_the_registered_one_is_invalid_client() {
    let request = assertion_client_credentials("cc-other-key", authlib_signing(other_pair(), "cc-other-key")).await;
    let ipc = refusal(request, SystemTime::now()).await;
    assert_eq!(ipc.code, "invalid_client", "{}", ipc.message);
    // No error_description from Authlib: the general assertion hint, not the secret's.
    let hint = ipc.hint.unwrap();
    assert!(hint.contains("Alias") && !hint.contains("Client Secret"), "{hint}");
}

#[tokio::test]
async fn a_client_assertion_under_a_key_id_never_registered_is_invalid_client_naming_the_kid() {
    let request = assertion_client_credentials("cc-registered", authlib_signing(key_pair(), "cc-never-registered")).await;
    let ipc = refusal(request, SystemTime::now()).await;
    assert_eq!(ipc.code, "invalid_client");
    assert!(ipc.message.contains("cc-never-registered"), "{}", ipc.message);
    assert!(ipc.hint.unwrap().contains("Alias"));
}

#[tokio::test]
async fn an_expired_client_assertion_is_invalid_client_with_the_clock_hint() {
    let request = assertion_client_credentials("cc-expired", authlib_signing(key_pair(), "cc-expired")).await;
    let ipc = refusal(request, an_hour_ago()).await;
    assert_eq!(ipc.code, "invalid_client");
    assert!(ipc.message.contains("expired"), "{}", ipc.message);
    assert!(ipc.hint.unwrap().contains("clock"));
}

#[tokio::test]
async fn a_client_assertion_for_another_audience_is_invalid_client() {
    let mut s = authlib_signing(key_pair(), "cc-wrong-aud");
    s.audience = "https://elsewhere.example/token".into();
    let request = assertion_client_credentials("cc-wrong-aud", s).await;
    let ipc = refusal(request, SystemTime::now()).await;
    assert_eq!(ipc.code, "invalid_client");
    assert!(ipc.message.contains("aud"), "{}", ipc.message);
    assert!(ipc.hint.unwrap().contains("Assertion Audience"));
}
