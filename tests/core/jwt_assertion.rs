//! The JWT Assertion grant (RFC 7523) against the built-in sandbox, which
//! checks user assertions the way an identity domain does: the certificate
//! uploaded under the header's alias, `iss`, `aud`, `exp` and `iat`, and
//! the client's allowed grant types. Every key pair is generated here.

use oauth_console_core::assertion::{KeyIdKind, Signing};
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::grants::jwt_assertion::{preview, JwtAssertion};
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::keys::KeyPair;
use oauth_console_core::{request_token, ClientAuth, IpcError, Secret, TokenRequest};
use oauth_console_sandbox::Sandbox;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

/// One key pair for the whole binary (RSA generation takes a moment).
pub fn key_pair() -> &'static KeyPair {
    static PAIR: OnceLock<KeyPair> = OnceLock::new();
    PAIR.get_or_init(|| KeyPair::generate("oauth-console-core-tests", 1).expect("a generated key pair"))
}

/// Uploads `pair`'s certificate under `alias` to `client_id` of `sandbox`.
pub async fn upload(sandbox: &Sandbox, client_id: &str, secret: &str, alias: &str, pair: &KeyPair) {
    let response = reqwest::Client::new()
        .post(sandbox.certificates_url())
        .basic_auth(client_id, Some(secret))
        .form(&[("alias", alias), ("certificate", pair.certificate.pem())])
        .send()
        .await
        .expect("the sandbox answers");
    assert_eq!(response.status(), 201, "upload refused: {}", response.text().await.unwrap_or_default());
}

pub fn signing(pair: &KeyPair, alias: &str) -> Signing {
    Signing {
        private_key: Secret::new(pair.private_key.expose_pem()),
        certificate: pair.certificate.pem().to_owned(),
        key_id: alias.into(),
        key_id_kind: KeyIdKind::Alias,
        audience: String::new(),
        lifetime_secs: 0,
    }
}

fn grant(sandbox: &Sandbox, signing: Signing) -> JwtAssertion {
    let credentials = sandbox.credentials();
    JwtAssertion {
        client: Client {
            token_url: sandbox.token_url(),
            client_id: credentials.client_id.clone(),
            client_secret: Secret::new(credentials.client_secret.clone()),
            client_auth: ClientAuth::BasicHeader,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        username: credentials.username.clone(),
        signing,
        scope: credentials.scope_all.clone(),
        request_refresh_token: false,
    }
}

async fn started_with_certificate(alias: &str) -> Sandbox {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials().clone();
    upload(&sandbox, &c.client_id, &c.client_secret, alias, key_pair()).await;
    sandbox
}

async fn send(grant: JwtAssertion, now: SystemTime) -> oauth_console_core::Result<oauth_console_core::Token> {
    let http = HttpClient::new(HttpSettings::default()).unwrap();
    request_token(&http, &TokenRequest::JwtAssertion(grant), now).await
}

#[tokio::test]
async fn a_user_assertion_signed_with_the_uploaded_certificate_gets_a_user_token() {
    let sandbox = started_with_certificate("console-key").await;
    let g = grant(&sandbox, signing(key_pair(), "console-key"));
    let shown = preview(&g, SystemTime::now()).unwrap();
    assert_eq!(shown.header["kid"], "console-key", "the preview shows the alias as kid");
    let token = send(g, SystemTime::now()).await.expect("the sandbox accepts the assertion");
    let claims = oauth_console_core::jwt::decode(token.access_token.expose()).unwrap().claims;
    assert_eq!(claims["sub"], sandbox.credentials().username, "the token is the user's");
    assert_eq!(claims["sub_type"], "user");
}

#[tokio::test]
async fn the_x5t_thumbprint_identifies_the_certificate_too() {
    let sandbox = started_with_certificate("console-key").await;
    let mut s = signing(key_pair(), "");
    s.key_id_kind = KeyIdKind::X5t;
    send(grant(&sandbox, s), SystemTime::now()).await.expect("x5t names the uploaded certificate");
}

#[tokio::test]
async fn a_wrong_alias_is_refused_and_the_hint_names_the_certificate_alias() {
    let sandbox = started_with_certificate("console-key").await;
    let err = send(grant(&sandbox, signing(key_pair(), "other-alias")), SystemTime::now()).await.unwrap_err();
    let ipc = IpcError::from(err);
    assert_eq!(ipc.code, "invalid_grant");
    assert!(ipc.message.contains("other-alias"), "{}", ipc.message);
    let hint = ipc.hint.unwrap();
    assert!(hint.contains("Alias") && hint.contains("Import certificate"), "{hint}");
}

#[tokio::test]
async fn a_key_that_is_not_the_uploaded_certificates_is_refused() {
    let sandbox = started_with_certificate("console-key").await;
    let other = KeyPair::generate("another-key", 1).unwrap();
    // The app checks key and certificate belong together, so sign with the
    // other key and its own certificate under the uploaded alias.
    let err = send(grant(&sandbox, signing(&other, "console-key")), SystemTime::now()).await.unwrap_err();
    let ipc = IpcError::from(err);
    assert_eq!(ipc.code, "invalid_grant");
    assert!(ipc.message.contains("signature"), "{}", ipc.message);
    assert!(ipc.hint.unwrap().contains("certificate"));
}

#[tokio::test]
async fn a_wrong_audience_is_refused_with_the_audience_hint() {
    let sandbox = started_with_certificate("console-key").await;
    let mut s = signing(key_pair(), "console-key");
    s.audience = "https://idcs-wrong.identity.oraclecloud.com".into();
    let ipc = IpcError::from(send(grant(&sandbox, s), SystemTime::now()).await.unwrap_err());
    assert_eq!(ipc.code, "invalid_grant");
    assert!(ipc.hint.unwrap().contains("Assertion Audience"), "{}", ipc.message);
}

#[tokio::test]
async fn an_assertion_from_a_clock_an_hour_behind_is_expired_and_the_hint_says_clock() {
    let sandbox = started_with_certificate("console-key").await;
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let ipc = IpcError::from(send(grant(&sandbox, signing(key_pair(), "console-key")), an_hour_ago).await.unwrap_err());
    assert_eq!(ipc.code, "invalid_grant");
    assert!(ipc.message.contains("expired"), "{}", ipc.message);
    assert!(ipc.hint.unwrap().contains("clock"));
}

#[tokio::test]
async fn a_client_without_the_jwt_assertion_grant_gets_unauthorized_client() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials().clone();
    upload(&sandbox, &c.cc_only_client_id, &c.cc_only_client_secret, "cc-key", key_pair()).await;
    let mut g = grant(&sandbox, signing(key_pair(), "cc-key"));
    g.client.client_id = c.cc_only_client_id.clone();
    g.client.client_secret = Secret::new(c.cc_only_client_secret.clone());
    let ipc = IpcError::from(send(g, SystemTime::now()).await.unwrap_err());
    assert_eq!(ipc.code, "unauthorized_client");
    assert!(ipc.hint.unwrap().contains("JWT Assertion"));
}

#[tokio::test]
async fn a_user_without_the_service_invoker_role_is_refused() {
    let sandbox = started_with_certificate("console-key").await;
    let mut g = grant(&sandbox, signing(key_pair(), "console-key"));
    g.username = sandbox.credentials().no_role_username.clone();
    let ipc = IpcError::from(send(g, SystemTime::now()).await.unwrap_err());
    assert_eq!(ipc.code, "invalid_grant");
    assert!(ipc.message.contains("ServiceInvoker"), "{}", ipc.message);
}

#[tokio::test]
async fn the_sandbox_profiles_own_key_pair_is_accepted_without_any_upload() {
    let sandbox = Sandbox::start().await.unwrap();
    let own = sandbox.sandbox_key_pair().expect("the sandbox makes its key pair");
    assert_eq!(own.alias, oauth_console_sandbox::SANDBOX_KEY_ALIAS);
    assert!(!format!("{own:?}").contains(&own.private_key_pem), "Debug hides the key");
    // The app imports it like any key pair the user brings.
    let pair = KeyPair::import(&own.private_key_pem, &own.certificate_pem).expect("a valid pair");
    let token = send(grant(&sandbox, signing(&pair, &own.alias)), SystemTime::now())
        .await
        .expect("the sandbox trusts its own certificate");
    assert!(!token.access_token.is_empty());
}
