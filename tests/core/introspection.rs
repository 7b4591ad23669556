//! Introspection (RFC 7662) and revocation (RFC 7009) of a token, with the
//! client that got it: against the built-in sandbox and against
//! django-oauth-toolkit's `/o/introspect/` and `/o/revoke_token/`.

use crate::idp;
use oauth_console_core::grants::client_credentials::ClientCredentials;
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::introspection::{introspect, revoke, TokenKind};
use oauth_console_core::{request_token, ClientAuth, Secret, Token, TokenRequest};
use oauth_console_sandbox::Sandbox;
use std::time::SystemTime;

fn http() -> HttpClient {
    HttpClient::new(HttpSettings::default()).unwrap()
}

async fn token_for(client: &Client, scope: &str) -> Token {
    let request = TokenRequest::ClientCredentials(ClientCredentials { client: client.clone(), scope: scope.to_owned() });
    request_token(&http(), &request, SystemTime::now()).await.expect("a token")
}

fn sandbox_client(sandbox: &Sandbox) -> Client {
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

#[tokio::test]
async fn the_sandbox_says_a_fresh_token_is_active_and_inactive_once_revoked() {
    let sandbox = Sandbox::start().await.unwrap();
    let client = sandbox_client(&sandbox);
    let token = token_for(&client, &sandbox.credentials().scope_all).await;
    let base = sandbox.identity_url();
    let (introspect_url, revoke_url) = (format!("{base}/oauth2/v1/introspect"), format!("{base}/oauth2/v1/revoke"));

    let found = introspect(&http(), &client, &introspect_url, &token.access_token, TokenKind::AccessToken, SystemTime::now())
        .await
        .unwrap();
    assert!(found.active);
    assert_eq!(found.client_id.as_deref(), Some(client.client_id.as_str()));
    // As OCI IAM does: the audience in `aud`, the scope without it.
    assert_eq!(found.scope.as_deref(), Some("urn:opc:resource:consumer::all"));
    assert_eq!(found.aud, [sandbox.credentials().audience.clone()]);
    assert!(found.expires_in.is_some_and(|s| s > 0 && s <= 3600), "{found:?}");

    revoke(&http(), &client, &revoke_url, &token.access_token, TokenKind::AccessToken, SystemTime::now())
        .await
        .unwrap();
    let after = introspect(&http(), &client, &introspect_url, &token.access_token, TokenKind::AccessToken, SystemTime::now())
        .await
        .unwrap();
    assert!(!after.active, "revoked: {after:?}");

    // A client with the wrong secret is refused, not told anything.
    let wrong = Client { client_secret: Secret::new("not-the-secret"), ..client };
    let err = introspect(&http(), &wrong, &introspect_url, &token.access_token, TokenKind::AccessToken, SystemTime::now())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_client");
}

fn idp_client() -> Client {
    Client {
        token_url: idp::token_url(),
        client_id: idp::var("OC_IDP_CC_CLIENT_ID"),
        client_secret: Secret::new(idp::var("OC_IDP_CC_CLIENT_SECRET")),
        client_auth: ClientAuth::BasicHeader,
        client_assertion: None,
        mutual_tls: false,
        extra_roots: Vec::new(),
    }
}

#[tokio::test]
async fn at_django_oauth_toolkit_a_token_is_active_until_it_is_revoked() {
    let client = idp_client();
    let token = token_for(&client, &idp::scope()).await;
    let base = idp::base();
    let (introspect_url, revoke_url) = (format!("{base}/o/introspect/"), format!("{base}/o/revoke_token/"));

    let found = introspect(&http(), &client, &introspect_url, &token.access_token, TokenKind::AccessToken, SystemTime::now())
        .await
        .expect("django-oauth-toolkit answers the client that got the token");
    assert!(found.active, "{found:?}");
    assert_eq!(found.scope.as_deref(), Some(idp::scope().as_str()));
    assert!(found.expires_in.is_some_and(|s| s > 3000 && s <= 3600), "{found:?}");

    revoke(&http(), &client, &revoke_url, &token.access_token, TokenKind::AccessToken, SystemTime::now())
        .await
        .expect("django-oauth-toolkit revokes it");
    let after = introspect(&http(), &client, &introspect_url, &token.access_token, TokenKind::AccessToken, SystemTime::now())
        .await
        .unwrap();
    assert!(!after.active, "revoked: {after:?}");
}
