//! TLS Client Authentication against the built-in sandbox's secure token
//! endpoint (its `secure_token_endpoint`): the key pair's certificate goes
//! in the TLS handshake, only `client_id` in the body, and the endpoint
//! accepts certificates uploaded to the client and nothing else. Every key
//! pair is generated here.

use crate::jwt_assertion::{key_pair, signing, upload};
use oauth_console_core::discovery::discover;
use oauth_console_core::grants::client_credentials::ClientCredentials;
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::keys::KeyPair;
use oauth_console_core::{request_token, ClientAuth, IpcError, Secret, TokenRequest};
use oauth_console_sandbox::Sandbox;
use std::time::SystemTime;

fn grant(sandbox: &Sandbox, client_auth: ClientAuth, pair: Option<&KeyPair>) -> ClientCredentials {
    let credentials = sandbox.credentials();
    ClientCredentials {
        client: Client {
            token_url: sandbox.secure_token_url(),
            client_id: credentials.client_id.clone(),
            client_secret: Secret::new(credentials.client_secret.clone()),
            client_auth,
            client_assertion: pair.map(|pair| signing(pair, "tls-key")),
            mutual_tls: false,
            extra_roots: vec![sandbox.tls_ca_pem()],
        },
        scope: credentials.scope_all.clone(),
    }
}

async fn send(http: &HttpClient, grant: ClientCredentials) -> oauth_console_core::Result<oauth_console_core::Token> {
    request_token(http, &TokenRequest::ClientCredentials(grant), SystemTime::now()).await
}

fn http() -> HttpClient {
    HttpClient::new(HttpSettings::default()).unwrap()
}

async fn started_with_certificate() -> Sandbox {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials().clone();
    upload(&sandbox, &c.client_id, &c.client_secret, "tls-key", key_pair()).await;
    sandbox
}

#[tokio::test]
async fn an_uploaded_client_certificate_in_the_handshake_gets_a_token_without_a_secret() {
    let sandbox = started_with_certificate().await;
    let mut g = grant(&sandbox, ClientAuth::TlsClientAuth, Some(key_pair()));
    // Proof that no secret is what authenticated: the sandbox would refuse this one.
    g.client.client_secret = Secret::new("not-the-secret");
    let token = send(&http(), g).await.expect("the secure endpoint accepts the uploaded certificate");
    assert!(!token.access_token.expose().is_empty());
}

#[tokio::test]
async fn a_client_certificate_never_uploaded_is_refused_as_invalid_client() {
    let sandbox = started_with_certificate().await;
    let stranger = KeyPair::generate("not uploaded", 1).unwrap();
    let error = send(&http(), grant(&sandbox, ClientAuth::TlsClientAuth, Some(&stranger))).await.unwrap_err();
    let ipc = IpcError::from(error);
    assert_eq!(ipc.code, "invalid_client", "{}", ipc.message);
    assert!(ipc.message.contains("not one uploaded"), "the server's reason is shown: {}", ipc.message);
}

#[tokio::test]
async fn tls_client_authentication_without_a_key_pair_names_the_missing_field_before_sending() {
    let sandbox = Sandbox::start().await.unwrap();
    let error = send(&http(), grant(&sandbox, ClientAuth::TlsClientAuth, None)).await.unwrap_err();
    assert_eq!(IpcError::from(error).code, "missing_field");
}

#[tokio::test]
async fn a_secret_without_a_certificate_at_the_secure_endpoint_is_told_the_endpoint_wants_one() {
    let sandbox = Sandbox::start().await.unwrap();
    // The sandbox's CA trusted through the CA bundle setting, so that the
    // handshake gets as far as the server's request for a certificate.
    let bundle = std::env::temp_dir().join(format!("oauth-console-sandbox-ca-{}.pem", std::process::id()));
    std::fs::write(&bundle, sandbox.tls_ca_pem()).unwrap();
    let settings = HttpSettings {
        ca_bundle: Some(bundle.clone()),
        ..HttpSettings::default()
    };
    let http = HttpClient::new(settings).unwrap();
    let error = send(&http, grant(&sandbox, ClientAuth::BasicHeader, None)).await.unwrap_err();
    std::fs::remove_file(&bundle).unwrap();
    let ipc = IpcError::from(error);
    assert_eq!(ipc.code, "client_certificate_refused", "{}", ipc.message);
    assert!(ipc.hint.unwrap_or_default().contains("TLS client certificate"));
}

#[tokio::test]
async fn send_client_certificate_presents_it_beside_a_secret() {
    let sandbox = started_with_certificate().await;
    let mut g = grant(&sandbox, ClientAuth::BasicHeader, Some(key_pair()));
    g.client.mutual_tls = true;
    send(&http(), g).await.expect("Basic authenticates, the certificate is presented in the handshake");
}

#[tokio::test]
async fn a_key_that_does_not_belong_to_the_certificate_fails_before_anything_is_sent() {
    let sandbox = started_with_certificate().await;
    let other = KeyPair::generate("another key", 1).unwrap();
    let mut g = grant(&sandbox, ClientAuth::TlsClientAuth, Some(key_pair()));
    if let Some(s) = g.client.client_assertion.as_mut() {
        s.private_key = Secret::new(other.private_key.expose_pem());
    }
    let error = send(&http(), g).await.unwrap_err();
    let ipc = IpcError::from(error);
    assert_eq!(ipc.code, "key_certificate_mismatch", "{}", ipc.message);
    assert!(!ipc.message.contains("PRIVATE KEY"), "no key material in the message");
}

#[tokio::test]
async fn discover_finds_the_secure_token_endpoint_in_idcs_configuration() {
    let sandbox = Sandbox::start().await.unwrap();
    let found = discover(&http(), &sandbox.identity_url()).await.unwrap();
    assert_eq!(found.secure_token_endpoint.as_deref(), Some(sandbox.secure_token_url().as_str()));
}
