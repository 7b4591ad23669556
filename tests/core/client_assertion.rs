//! Client authentication with a signed client assertion (RFC 7523 §2.2,
//! `private_key_jwt`) against the built-in sandbox, with the grants that
//! take it: client credentials, password, JWT assertion.

use crate::jwt_assertion::{key_pair, signing, upload};
use oauth_console_core::assertion::Signing;
use oauth_console_core::grants::client_credentials::ClientCredentials;
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::grants::jwt_assertion::JwtAssertion;
use oauth_console_core::grants::password::PasswordCredentials;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::{request_token, ClientAuth, IpcError, Secret, TokenRequest};
use oauth_console_sandbox::Sandbox;
use std::time::SystemTime;

fn client(sandbox: &Sandbox, assertion: Signing) -> Client {
    Client {
        token_url: sandbox.token_url(),
        client_id: sandbox.credentials().client_id.clone(),
        // Typed but never sent: the assertion replaces it.
        client_secret: Secret::new(sandbox.credentials().client_secret.clone()),
        client_auth: ClientAuth::ClientAssertion,
        client_assertion: Some(assertion),
        mutual_tls: false,
        extra_roots: Vec::new(),
    }
}

async fn sandbox_with_certificate(alias: &str) -> Sandbox {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials().clone();
    upload(&sandbox, &c.client_id, &c.client_secret, alias, key_pair()).await;
    sandbox
}

async fn send(request: TokenRequest) -> oauth_console_core::Result<oauth_console_core::Token> {
    let http = HttpClient::new(HttpSettings::default()).unwrap();
    request_token(&http, &request, SystemTime::now()).await
}

#[tokio::test]
async fn client_credentials_with_a_client_assertion_get_a_client_token() {
    let sandbox = sandbox_with_certificate("client-key").await;
    let token = send(TokenRequest::ClientCredentials(ClientCredentials {
        client: client(&sandbox, signing(key_pair(), "client-key")),
        scope: sandbox.credentials().scope_all.clone(),
    }))
    .await
    .expect("the sandbox accepts the client assertion");
    let claims = oauth_console_core::jwt::decode(token.access_token.expose()).unwrap().claims;
    assert_eq!(claims["sub_type"], "client");
    assert_eq!(claims["client_id"], sandbox.credentials().client_id);
}

#[tokio::test]
async fn the_password_grant_takes_a_client_assertion_too() {
    let sandbox = sandbox_with_certificate("client-key").await;
    let c = sandbox.credentials().clone();
    send(TokenRequest::Password(PasswordCredentials {
        client: client(&sandbox, signing(key_pair(), "client-key")),
        username: c.username.clone(),
        password: Secret::new(c.password.clone()),
        scope: c.scope_all.clone(),
        request_refresh_token: false,
    }))
    .await
    .expect("a password grant authenticated by assertion");
}

#[tokio::test]
async fn a_jwt_assertion_grant_can_authenticate_its_client_by_assertion() {
    let sandbox = sandbox_with_certificate("client-key").await;
    let c = sandbox.credentials().clone();
    send(TokenRequest::JwtAssertion(JwtAssertion {
        client: client(&sandbox, signing(key_pair(), "client-key")),
        username: c.username.clone(),
        signing: signing(key_pair(), "client-key"),
        scope: c.scope_all.clone(),
        request_refresh_token: true,
    }))
    .await
    .expect("user assertion and client assertion, no secret");
}

#[tokio::test]
async fn a_client_assertion_under_an_alias_not_uploaded_is_invalid_client_with_the_alias_hint() {
    let sandbox = sandbox_with_certificate("client-key").await;
    let err = send(TokenRequest::ClientCredentials(ClientCredentials {
        client: client(&sandbox, signing(key_pair(), "not-uploaded")),
        scope: sandbox.credentials().scope_all.clone(),
    }))
    .await
    .unwrap_err();
    let ipc = IpcError::from(err);
    assert_eq!(ipc.code, "invalid_client");
    assert!(ipc.message.contains("not-uploaded"), "{}", ipc.message);
    let hint = ipc.hint.unwrap();
    assert!(hint.contains("Alias"), "the hint is about the certificate, not the secret: {hint}");
    assert!(!hint.contains("Client Secret"), "{hint}");
}

#[tokio::test]
async fn a_client_assertion_for_another_audience_is_refused() {
    let sandbox = sandbox_with_certificate("client-key").await;
    let mut s = signing(key_pair(), "client-key");
    s.audience = "https://elsewhere.example/".into();
    let ipc = IpcError::from(
        send(TokenRequest::ClientCredentials(ClientCredentials {
            client: client(&sandbox, s),
            scope: sandbox.credentials().scope_all.clone(),
        }))
        .await
        .unwrap_err(),
    );
    assert_eq!(ipc.code, "invalid_client");
    assert!(ipc.hint.unwrap().contains("Assertion Audience"));
}
