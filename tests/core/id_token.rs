//! Verified ID tokens against the built-in sandbox, which signs them ES256
//! with the key it publishes at /admin/v1/SigningCert/jwk and can be told to
//! get them wrong (POST /sandbox/v1/id-token-fault): each wrong one fails
//! the sign-in with what was wrong; a key rotation is followed.

use crate::authorization_code::Browser;
use oauth_console_core::grants::authorization_code::{self, finish, AuthorizationCode, CodeChallengeMethod};
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::grants::implicit::{self, Implicit};
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::{ClientAuth, Secret};
use oauth_console_sandbox::Sandbox;
use std::time::SystemTime;

fn http() -> HttpClient {
    HttpClient::new(HttpSettings::default()).unwrap()
}

fn client(sandbox: &Sandbox) -> Client {
    let c = sandbox.credentials();
    Client {
        token_url: sandbox.token_url(),
        client_id: c.client_id.clone(),
        client_secret: Secret::new(c.client_secret.clone()),
        client_auth: ClientAuth::BasicHeader,
        client_assertion: None,
        mutual_tls: false,
        extra_roots: Vec::new(),
    }
}

async fn fault(sandbox: &Sandbox, mode: &str) {
    let answer = reqwest::Client::new()
        .post(format!("{}/sandbox/v1/id-token-fault", sandbox.identity_url()))
        .form(&[("mode", mode)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "the sandbox takes mode={mode}");
}

/// An implicit sign-in with openid: the result of checking its ID token.
async fn implicit_sign_in(sandbox: &Sandbox) -> oauth_console_core::Result<oauth_console_core::Token> {
    let c = sandbox.credentials().clone();
    let grant = Implicit {
        client: client(sandbox),
        callback_url: "https://oauth.pstmn.io/v1/callback".into(),
        auth_url: sandbox.authorize_url(),
        scope: format!("openid {}", c.scope_all),
        state: String::new(),
        nonce: String::new(),
    };
    let pending = implicit::start(&grant).unwrap();
    let redirected = Browser::new().sign_in_at_sandbox(pending.authorize_url(), &c.username, Some(&c.password)).await;
    finish(&http(), &pending, redirected.as_str(), SystemTime::now()).await
}

#[tokio::test]
async fn an_authorization_code_sign_in_verifies_the_id_token_with_the_published_key() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials().clone();
    let grant = AuthorizationCode {
        client: client(&sandbox),
        callback_url: "http://127.0.0.1:53682/callback".into(),
        auth_url: sandbox.authorize_url(),
        scope: format!("{} openid", c.scope_all),
        state: String::new(),
        nonce: String::new(),
        code_challenge_method: CodeChallengeMethod::S256,
        request_refresh_token: false,
    };
    let pending = authorization_code::start(&grant).unwrap();
    let redirected = Browser::new().sign_in_at_sandbox(pending.authorize_url(), &c.username, Some(&c.password)).await;
    let token = finish(&http(), &pending, redirected.as_str(), SystemTime::now()).await.unwrap();
    assert_eq!(
        token.id_token_check.as_deref(),
        Some("Signature verified with key sandbox-id-1 (ES256); issuer, audience, expiry and nonce checked.")
    );
    assert!(token.warnings.is_empty(), "{:?}", token.warnings);
}

#[tokio::test]
async fn a_wrong_nonce_a_foreign_key_or_another_audience_fails_the_sign_in_with_the_reason() {
    let sandbox = Sandbox::start().await.unwrap();
    assert!(implicit_sign_in(&sandbox).await.unwrap().id_token_check.unwrap().starts_with("Signature verified"));
    for (mode, said) in [
        ("wrong_nonce", "its nonce differs from the one sent with this sign-in"),
        ("wrong_key", "its signature does not match key sandbox-id-1"),
        ("wrong_audience", "its audience is another-client, which does not include the Client ID"),
    ] {
        fault(&sandbox, mode).await;
        let err = implicit_sign_in(&sandbox).await.expect_err(mode);
        assert_eq!(err.code(), "id_token_refused", "{mode}");
        assert!(err.to_string().contains(said), "{mode}: {err}");
    }
    fault(&sandbox, "none").await;
    assert!(implicit_sign_in(&sandbox).await.is_ok(), "right again");
}

#[tokio::test]
async fn a_rotated_key_is_fetched_once_and_verifies() {
    let sandbox = Sandbox::start().await.unwrap();
    let first = implicit_sign_in(&sandbox).await.unwrap();
    assert!(first.id_token_check.unwrap().contains("sandbox-id-1"));
    fault(&sandbox, "rotate").await;
    let second = implicit_sign_in(&sandbox).await.unwrap();
    assert!(second.id_token_check.unwrap().contains("key sandbox-id-2"), "the JWKS was fetched again for the new kid");
}

#[tokio::test]
async fn verify_signature_accepts_a_jwt_signed_with_the_published_keys_and_says_why_an_hs256_one_is_not() {
    let sandbox = Sandbox::start().await.unwrap();
    let token = implicit_sign_in(&sandbox).await.unwrap();
    let signed = token.id_token.as_ref().unwrap().expose().to_owned();
    let said = oauth_console_core::id_token::verify_access_token(&http(), &sandbox.token_url(), "", &signed, SystemTime::now())
        .await
        .unwrap();
    assert_eq!(said, "Signature verified with key sandbox-id-1 (ES256); issuer and expiry checked.");
    // The sandbox's access tokens are HS256 (a shared secret): not checkable.
    let err = oauth_console_core::id_token::verify_access_token(
        &http(),
        &sandbox.token_url(),
        "",
        token.access_token.expose(),
        SystemTime::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "token_signature_refused");
    assert!(err.to_string().contains("signed with HS256"), "{err}");
}
