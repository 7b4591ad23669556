//! Refresh tokens and auto-refresh against the third-party server
//! (django-oauth-toolkit, which rotates refresh tokens) and the sandbox,
//! whose clock the test moves so that tokens really expire at the server.

use crate::password::{idp_grant, sandbox_grant};
use oauth_console_core::expiry::{fresh_for_request, is_expired, refresh, should_refresh};
use oauth_console_core::grants::refresh_token::RefreshToken;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::{request_token, ClientAuth, Error, IpcError, Secret, Token, TokenRequest};
use oauth_console_sandbox::{Clock, Sandbox, SandboxConfig};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn http() -> HttpClient {
    HttpClient::new(HttpSettings::default()).unwrap()
}

async fn password_token(
    grant: &oauth_console_core::grants::password::PasswordCredentials,
    now: SystemTime,
) -> Token {
    request_token(&http(), &TokenRequest::Password(grant.clone()), now)
        .await
        .expect("the password grant gives a token")
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token_and_the_old_one_is_then_rejected() {
    let grant = idp_grant(&crate::idp::var("OC_IDP_PASSWORD"), ClientAuth::BasicHeader);
    let first = password_token(&grant, SystemTime::now()).await;
    let second = refresh(&http(), &grant.client, &first, SystemTime::now())
        .await
        .expect("the refresh token is accepted with Basic client authentication");
    assert_ne!(second.access_token.expose(), first.access_token.expose());
    let (old, new) = (
        first.refresh_token.as_ref().unwrap(),
        second.refresh_token.as_ref().unwrap(),
    );
    assert_ne!(
        new.expose(),
        old.expose(),
        "the server rotated the refresh token and the new one is kept"
    );
    assert_eq!(second.scope, first.scope);

    let err = refresh(&http(), &grant.client, &first, SystemTime::now())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RefreshRejected { .. }), "{err:?}");
    let ipc = IpcError::from(err);
    assert_eq!(ipc.code, "refresh_rejected");
    assert!(ipc.hint.unwrap().starts_with("Get a new token"));

    refresh(&http(), &grant.client, &second, SystemTime::now())
        .await
        .expect("the rotated refresh token still works");
}

#[tokio::test]
async fn a_pasted_refresh_token_is_exchanged_with_credentials_in_the_body() {
    let grant = idp_grant(&crate::idp::var("OC_IDP_PASSWORD"), ClientAuth::RequestBody);
    let first = password_token(&grant, SystemTime::now()).await;
    let pasted = TokenRequest::RefreshToken(RefreshToken {
        client: grant.client.clone(),
        refresh_token: Secret::new(first.refresh_token.as_ref().unwrap().expose()),
        scope: String::new(),
    });
    let token = request_token(&http(), &pasted, SystemTime::now())
        .await
        .unwrap();
    assert!(token.refresh_token.is_some());
}

/// A sandbox whose clock the test sets, with five-minute access tokens.
async fn sandbox_at(start: SystemTime) -> (Sandbox, Arc<Mutex<SystemTime>>) {
    let now = Arc::new(Mutex::new(start));
    let read = now.clone();
    let sandbox = Sandbox::start_with(SandboxConfig {
        token_ttl: Duration::from_secs(300),
        clock: Clock::from_fn(move || *read.lock().unwrap()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    (sandbox, now)
}

async fn call_oic(sandbox: &Sandbox, token: &Token) -> u16 {
    reqwest::Client::new()
        .get(format!(
            "{}/ic/api/integration/v1/connections",
            sandbox.design_url()
        ))
        .bearer_auth(token.access_token.expose())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn auto_refresh_replaces_a_token_about_to_expire_before_the_request() {
    let t0 = UNIX_EPOCH + Duration::from_secs(1_900_000_000);
    let (sandbox, clock) = sandbox_at(t0).await;
    let c = sandbox.credentials().clone();
    let grant = sandbox_grant(&sandbox, &c.username, &c.password, true);
    let old = password_token(&grant, t0).await;
    assert_eq!(call_oic(&sandbox, &old).await, 200);

    // 250 s later the token has 50 s left: the request refreshes it first.
    let t1 = t0 + Duration::from_secs(250);
    *clock.lock().unwrap() = t1;
    assert!(should_refresh(&old, true, t1));
    let new = fresh_for_request(&http(), &grant.client, &old, true, t1)
        .await
        .unwrap()
        .expect("a token with 50 s left is refreshed");
    assert_ne!(
        new.refresh_token.as_ref().unwrap().expose(),
        old.refresh_token.as_ref().unwrap().expose()
    );

    // 310 s after the start the old token is dead at the server, the new one is not.
    let t2 = t0 + Duration::from_secs(310);
    *clock.lock().unwrap() = t2;
    assert!(is_expired(&old, t2) && !is_expired(&new, t2));
    assert_eq!(
        call_oic(&sandbox, &old).await,
        401,
        "the sandbox refuses the expired token"
    );
    assert_eq!(
        call_oic(&sandbox, &new).await,
        200,
        "the refreshed token is accepted"
    );
    let unchanged = fresh_for_request(&http(), &grant.client, &new, true, t2)
        .await
        .unwrap();
    assert!(unchanged.is_none(), "a fresh token is not refreshed again");
}

#[tokio::test]
async fn without_auto_refresh_an_expired_token_is_left_as_it_is() {
    let t0 = UNIX_EPOCH + Duration::from_secs(1_900_000_000);
    let (sandbox, _clock) = sandbox_at(t0).await;
    let c = sandbox.credentials().clone();
    let grant = sandbox_grant(&sandbox, &c.username, &c.password, true);
    let token = password_token(&grant, t0).await;
    let later = t0 + Duration::from_secs(3_600);
    assert!(
        fresh_for_request(&http(), &grant.client, &token, false, later)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_reused_refresh_token_is_rejected_so_the_app_asks_for_a_new_token() {
    let t0 = UNIX_EPOCH + Duration::from_secs(1_900_000_000);
    let (sandbox, _clock) = sandbox_at(t0).await;
    let c = sandbox.credentials().clone();
    let grant = sandbox_grant(&sandbox, &c.username, &c.password, true);
    let old = password_token(&grant, t0).await;
    refresh(&http(), &grant.client, &old, t0).await.unwrap();
    let err = fresh_for_request(
        &http(),
        &grant.client,
        &old,
        true,
        t0 + Duration::from_secs(400),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::RefreshRejected { description: Some(d) } if d.contains("already used")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_token_without_refresh_token_cannot_be_refreshed() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = sandbox.credentials().clone();
    let grant = sandbox_grant(&sandbox, &c.username, &c.password, false);
    let token = password_token(&grant, SystemTime::now()).await;
    let err = refresh(&http(), &grant.client, &token, SystemTime::now())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "no_refresh_token");
}
