//! Resource owner password credentials against the third-party server
//! (django-oauth-toolkit) and the built-in sandbox.

use crate::idp;
use oauth_console_core::grants::password::PasswordCredentials;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::{request_token, ClientAuth, Error, IpcError, Secret, Token, TokenRequest};
use oauth_console_sandbox::Sandbox;
use std::time::SystemTime;

pub fn idp_grant(password: &str, auth: ClientAuth) -> PasswordCredentials {
    PasswordCredentials {
        client: Client {
            token_url: idp::token_url(),
            client_id: idp::var("OC_IDP_PW_CLIENT_ID"),
            client_secret: Secret::new(idp::var("OC_IDP_PW_CLIENT_SECRET")),
            client_auth: auth,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        username: idp::var("OC_IDP_USERNAME"),
        password: Secret::new(password),
        scope: idp::scope(),
        request_refresh_token: true,
    }
}

pub fn sandbox_grant(
    sandbox: &Sandbox,
    username: &str,
    password: &str,
    offline: bool,
) -> PasswordCredentials {
    let credentials = sandbox.credentials();
    PasswordCredentials {
        client: Client {
            token_url: sandbox.token_url(),
            client_id: credentials.client_id.clone(),
            client_secret: Secret::new(credentials.client_secret.clone()),
            client_auth: ClientAuth::BasicHeader,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        username: username.to_owned(),
        password: Secret::new(password),
        scope: credentials.scope_all.clone(),
        request_refresh_token: offline,
    }
}

async fn get(grant: PasswordCredentials) -> oauth_console_core::Result<Token> {
    let http = HttpClient::new(HttpSettings::default()).unwrap();
    request_token(&http, &TokenRequest::Password(grant), SystemTime::now()).await
}

#[tokio::test]
async fn the_seeded_user_gets_a_token_and_a_refresh_token_with_basic_auth() {
    let token = get(idp_grant(
        &idp::var("OC_IDP_PASSWORD"),
        ClientAuth::BasicHeader,
    ))
    .await
    .expect("the seeded user gets a token");
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.expires_in, Some(3600));
    assert!(token.refresh_token.is_some());
    assert_eq!(
        token.scope.as_deref(),
        Some(format!("{} offline_access", idp::scope()).as_str()),
        "offline_access was appended to the scope"
    );
}

#[tokio::test]
async fn the_seeded_user_gets_a_token_with_credentials_in_the_body() {
    let token = get(idp_grant(
        &idp::var("OC_IDP_PASSWORD"),
        ClientAuth::RequestBody,
    ))
    .await
    .unwrap();
    assert!(!token.access_token.is_empty());
}

#[tokio::test]
async fn a_wrong_password_gives_invalid_grant_with_the_local_user_hint() {
    let err = get(idp_grant("wrong-password", ClientAuth::BasicHeader))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { status: 400, error, .. } if error == "invalid_grant"),
        "{err:?}"
    );
    let ipc = IpcError::from(err);
    let hint = ipc.hint.unwrap();
    assert!(
        hint.contains("local password") && hint.contains("ServiceInvoker"),
        "{hint}"
    );
    assert!(
        !ipc.message.contains("wrong-password"),
        "the password never appears in a message"
    );
}

#[tokio::test]
async fn a_client_without_the_password_grant_gives_unauthorized_client() {
    let mut grant = idp_grant(&idp::var("OC_IDP_PASSWORD"), ClientAuth::BasicHeader);
    grant.client.client_id = idp::var("OC_IDP_CC_CLIENT_ID");
    grant.client.client_secret = Secret::new(idp::var("OC_IDP_CC_CLIENT_SECRET"));
    let err = get(grant).await.unwrap_err();
    assert_eq!(err.code(), "unauthorized_client", "{err:?}");
}

#[tokio::test]
async fn the_sandbox_gives_a_refresh_token_only_for_offline_access() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials().clone();
    let with = get(sandbox_grant(&sandbox, &c.username, &c.password, true))
        .await
        .unwrap();
    assert!(
        with.refresh_token.is_some(),
        "offline_access asks Oracle for a refresh token"
    );
    let without = get(sandbox_grant(&sandbox, &c.username, &c.password, false))
        .await
        .unwrap();
    assert!(
        without.refresh_token.is_none(),
        "no offline_access, no refresh token"
    );
}

#[tokio::test]
async fn a_sandbox_user_without_the_service_invoker_role_is_refused_with_the_hint() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials().clone();
    let err = get(sandbox_grant(
        &sandbox,
        &c.no_role_username,
        &c.no_role_password,
        false,
    ))
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { error, description: Some(d), .. } if error == "invalid_grant" && d.contains("ServiceInvoker")),
        "{err:?}"
    );
    assert!(err.hint().unwrap().contains("ServiceInvoker"));
}

#[tokio::test]
async fn a_wrong_sandbox_password_gives_invalid_grant() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials().clone();
    let err = get(sandbox_grant(
        &sandbox,
        &c.username,
        "not-the-password",
        false,
    ))
    .await
    .unwrap_err();
    assert_eq!(err.code(), "invalid_grant", "{err:?}");
}
