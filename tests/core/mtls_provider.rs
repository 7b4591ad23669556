//! TLS Client Authentication (RFC 8705) against a third-party server:
//! node-oidc-provider with `self_signed_tls_client_auth` (§2.2), served over
//! HTTPS by the test identity server (`tests/idp/mtls_provider.mjs`;
//! django-oauth-toolkit and Authlib have no RFC 8705). Each test generates
//! its key pair and registers a client for its certificate by dynamic
//! client registration (RFC 7591), so the tests share nothing but the
//! server. The server's certificate is trusted through the CA bundle
//! setting, as a user would for a private CA.

use crate::idp;
use crate::jwt_assertion::signing;
use oauth_console_core::grants::client_credentials::ClientCredentials;
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::introspection::{introspect, TokenKind};
use oauth_console_core::keys::KeyPair;
use oauth_console_core::{request_token, ClientAuth, IpcError, Secret, Token, TokenRequest};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::SystemTime;

/// The certificate's DER, from its PEM.
fn der(pair: &KeyPair) -> Vec<u8> {
    use base64::Engine;
    let body: String = pair.certificate.pem().lines().filter(|line| !line.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD.decode(body).expect("PEM body is base64")
}

/// The certificate's public key as a JWK with the certificate in `x5c`:
/// what `self_signed_tls_client_auth` registers (RFC 8705 §2.2.2).
fn jwk(pair: &KeyPair) -> Value {
    use base64::Engine;
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::traits::PublicKeyParts;
    let key = rsa::RsaPublicKey::from_pkcs1_der(pair.certificate.rsa_public_key()).expect("an RSA public key");
    let b64url = |bytes: Vec<u8>| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    json!({
        "kty": "RSA",
        "n": b64url(key.n().to_bytes_be()),
        "e": b64url(key.e().to_bytes_be()),
        "x5c": [base64::engine::general_purpose::STANDARD.encode(der(pair))],
    })
}

/// Registers a client credentials client that authenticates with `pair`'s
/// self-signed certificate; returns its `client_id`.
async fn register(pair: &KeyPair) -> String {
    let ca = std::fs::read(idp::var("OC_IDP_MTLS_CA")).expect("the mTLS server's CA file");
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&ca).expect("a PEM CA"))
        .build()
        .unwrap();
    let metadata = json!({
        "token_endpoint_auth_method": "self_signed_tls_client_auth",
        "grant_types": ["client_credentials"],
        "response_types": [],
        "redirect_uris": [],
        "tls_client_certificate_bound_access_tokens": true,
        "scope": idp::var("OC_IDP_MTLS_SCOPE"),
        "jwks": { "keys": [jwk(pair)] },
    });
    let response = http
        .post(idp::var("OC_IDP_MTLS_REGISTRATION_URL"))
        .header("content-type", "application/json")
        .body(metadata.to_string())
        .send()
        .await
        .expect("the mTLS server answers");
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(status, 201, "registration refused: {body}");
    let registered: Value = serde_json::from_str(&body).expect("a JSON registration answer");
    assert_eq!(registered["token_endpoint_auth_method"], "self_signed_tls_client_auth");
    registered["client_id"].as_str().expect("a client_id").to_owned()
}

/// The app's client: TLS Client Authentication with `pair` as the profile's
/// key pair, no secret.
fn client(client_id: &str, pair: &KeyPair) -> Client {
    Client {
        token_url: idp::var("OC_IDP_MTLS_TOKEN_URL"),
        client_id: client_id.to_owned(),
        client_secret: Secret::default(),
        client_auth: ClientAuth::TlsClientAuth,
        client_assertion: Some(signing(pair, "mtls")),
        mutual_tls: false,
        extra_roots: Vec::new(),
    }
}

/// An HTTP client that trusts the mTLS server's CA through the CA bundle
/// setting (a file), as a user would.
fn http() -> HttpClient {
    let settings = HttpSettings {
        ca_bundle: Some(PathBuf::from(idp::var("OC_IDP_MTLS_CA"))),
        ..HttpSettings::default()
    };
    HttpClient::new(settings).unwrap()
}

async fn token(client: Client) -> oauth_console_core::Result<Token> {
    let grant = ClientCredentials {
        client,
        scope: idp::var("OC_IDP_MTLS_SCOPE"),
    };
    request_token(&http(), &TokenRequest::ClientCredentials(grant), SystemTime::now()).await
}

fn generated(name: &str) -> KeyPair {
    KeyPair::generate(name, 1).expect("a generated key pair")
}

#[tokio::test]
async fn a_registered_certificate_presented_in_the_handshake_gets_an_access_token_from_oidc_provider() {
    let pair = generated("mtls registered");
    let client_id = register(&pair).await;
    let token = token(client(&client_id, &pair)).await.expect("oidc-provider accepts the registered certificate");
    assert!(!token.access_token.is_empty());
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.scope.as_deref(), Some(idp::var("OC_IDP_MTLS_SCOPE").as_str()));
}

#[tokio::test]
async fn a_certificate_other_than_the_registered_one_is_refused_as_invalid_client() {
    let registered = generated("mtls registered");
    let client_id = register(&registered).await;
    let stranger = generated("mtls stranger");
    let error = token(client(&client_id, &stranger)).await.expect_err("oidc-provider refuses another certificate");
    let ipc = IpcError::from(error);
    assert_eq!(ipc.code, "invalid_client", "{}", ipc.message);
}

#[tokio::test]
async fn the_access_token_is_bound_to_the_certificate_thumbprint_presented() {
    let pair = generated("mtls bound");
    let client_id = register(&pair).await;
    let client = client(&client_id, &pair);
    let token = token(client.clone()).await.expect("a token");
    // Introspection, authenticated the same way (the certificate in the handshake).
    let found = introspect(
        &http(),
        &client,
        &idp::var("OC_IDP_MTLS_INTROSPECTION_URL"),
        &token.access_token,
        TokenKind::AccessToken,
        SystemTime::now(),
    )
    .await
    .expect("oidc-provider introspects the token for its client");
    assert!(found.active);
    assert_eq!(found.client_id.as_deref(), Some(client_id.as_str()));
    // RFC 8705 §3.1: cnf.x5t#S256, the base64url SHA-256 of the certificate's DER.
    use base64::Engine;
    let thumbprint = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, &der(&pair)));
    assert_eq!(found.fields["cnf"]["x5t#S256"], thumbprint.as_str(), "{:?}", found.fields);
}
