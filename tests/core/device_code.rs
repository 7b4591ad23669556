//! The Device Code grant (RFC 8628) against the built-in sandbox, whose
//! clock the test moves: the app starts, the "user" enters the User Code at
//! the Verification URL over HTTP, and the app's polling (its pause moves
//! the clock instead of sleeping) ends with a token or the right error.
//! Then the same against a third-party server, django-oauth-toolkit
//! (`tests/idp/`), where the "user" signs in and accepts or denies the
//! device through DOT's own pages.

use crate::authorization_code::Browser;
use crate::idp;
use oauth_console_core::grants::device_code::{poll, poll_once, start, DeviceAuthorization, DeviceCode};
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::{ClientAuth, Error, IpcError, Secret};
use oauth_console_sandbox::{Clock, Sandbox, SandboxConfig};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

async fn sandbox() -> (Sandbox, Arc<Mutex<SystemTime>>) {
    let now = Arc::new(Mutex::new(SystemTime::now()));
    let read = now.clone();
    let sandbox = Sandbox::start_with(SandboxConfig {
        clock: Clock::from_fn(move || *read.lock().unwrap()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    (sandbox, now)
}

fn grant(sandbox: &Sandbox) -> DeviceCode {
    let c = sandbox.credentials();
    DeviceCode {
        client: Client {
            token_url: sandbox.token_url(),
            client_id: c.client_id.clone(),
            client_secret: Secret::new(c.client_secret.clone()),
            client_auth: ClientAuth::BasicHeader,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        device_url: sandbox.device_url(),
        scope: c.scope_all.clone(),
        request_refresh_token: true,
    }
}

/// What a user does in a browser: open the Verification URL, type the
/// code, sign in, and press Allow (or Deny).
async fn user_decides(authorization: &DeviceAuthorization, username: &str, password: &str, action: &str) -> String {
    let browser = reqwest::Client::new();
    let page = browser.get(&authorization.verification_uri).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("name=\"user_code\""), "the page asks for the code");
    let answer = browser
        .post(&authorization.verification_uri)
        .form(&[
            ("user_code", authorization.user_code.to_lowercase().as_str()),
            ("username", username),
            ("password", password),
            ("action", action),
        ])
        .send()
        .await
        .unwrap();
    answer.text().await.unwrap()
}

/// The test clock's time. Read into a local first: a guard held across an
/// `.await` would block the sandbox, which reads the same clock.
fn read(now: &Mutex<SystemTime>) -> SystemTime {
    *now.lock().unwrap()
}

fn http() -> HttpClient {
    HttpClient::new(HttpSettings::default()).unwrap()
}

#[tokio::test]
async fn the_user_enters_the_code_and_polling_ends_with_the_users_token() {
    let (sandbox, now) = sandbox().await;
    let g = grant(&sandbox);
    let authorization = start(&http(), &g, read(&now)).await.expect("a user code");
    assert_eq!(authorization.user_code.len(), 9, "XXXX-XXXX: {}", authorization.user_code);
    assert!(authorization.verification_uri.starts_with(&sandbox.identity_url()));
    assert_eq!(authorization.interval, 5);

    let pauses = AtomicU32::new(0);
    let c = sandbox.credentials().clone();
    let token = poll(&http(), &g, &authorization, || *now.lock().unwrap(), |wait| {
        *now.lock().unwrap() += wait;
        let n = pauses.fetch_add(1, Ordering::SeqCst);
        let (authorization, c) = (authorization.clone(), c.clone());
        async move {
            // Two polls find the code pending, then the user approves.
            if n == 2 {
                let page = user_decides(&authorization, &c.username, &c.password, "approve").await;
                assert!(page.contains("Device connected"), "{page}");
            }
        }
    })
    .await
    .expect("the approved device gets a token");
    assert_eq!(pauses.load(Ordering::SeqCst), 3, "polled at the interval until approved");
    let claims = oauth_console_core::jwt::decode(token.access_token.expose()).unwrap().claims;
    assert_eq!(claims["sub"], sandbox.credentials().username);
    assert!(token.refresh_token.is_some(), "offline_access gives a refresh token");
}

#[tokio::test]
async fn polling_faster_than_the_interval_gets_slow_down_and_the_app_adds_five_seconds() {
    let (sandbox, now) = sandbox().await;
    let g = grant(&sandbox);
    let authorization = start(&http(), &g, read(&now)).await.unwrap();
    let waits = Mutex::new(Vec::new());
    let c = sandbox.credentials().clone();
    poll(&http(), &g, &authorization, || *now.lock().unwrap(), |wait| {
        let n = {
            let mut waits = waits.lock().unwrap();
            waits.push(wait);
            waits.len()
        };
        // The first two pauses move the clock only 1 s: the sandbox sees
        // polls too close together.
        *now.lock().unwrap() += if n <= 2 { Duration::from_secs(1) } else { wait };
        let (authorization, c) = (authorization.clone(), c.clone());
        async move {
            if n == 3 {
                user_decides(&authorization, &c.username, &c.password, "approve").await;
            }
        }
    })
    .await
    .expect("a token after slowing down");
    let waits = waits.lock().unwrap().clone();
    assert_eq!(waits[0], Duration::from_secs(5));
    assert_eq!(waits[1], Duration::from_secs(5), "the first poll was only pending");
    assert_eq!(waits[2], Duration::from_secs(10), "slow_down adds 5 s");
}

#[tokio::test]
async fn a_denied_device_ends_with_access_denied() {
    let (sandbox, now) = sandbox().await;
    let g = grant(&sandbox);
    let authorization = start(&http(), &g, read(&now)).await.unwrap();
    let page = user_decides(&authorization, "", "", "deny").await;
    assert!(page.contains("Access denied"), "{page}");
    let err = poll(&http(), &g, &authorization, || *now.lock().unwrap(), |wait| {
        *now.lock().unwrap() += wait;
        async {}
    })
    .await
    .unwrap_err();
    let ipc = IpcError::from(err);
    assert_eq!(ipc.code, "access_denied");
    assert!(ipc.hint.unwrap().contains("Verification URL"));
}

#[tokio::test]
async fn a_code_nobody_enters_expires() {
    let (sandbox, now) = sandbox().await;
    let g = grant(&sandbox);
    let authorization = start(&http(), &g, read(&now)).await.unwrap();
    let err = poll(&http(), &g, &authorization, || *now.lock().unwrap(), |wait| {
        *now.lock().unwrap() += wait;
        async {}
    })
    .await
    .unwrap_err();
    assert!(matches!(err, Error::DeviceCodeExpired), "{err:?}");
    assert!(IpcError::from(err).hint.unwrap().contains("User Code"));
}

#[tokio::test]
async fn a_client_without_the_device_code_grant_is_refused_at_the_start() {
    let (sandbox, now) = sandbox().await;
    let mut g = grant(&sandbox);
    g.client.client_id = sandbox.credentials().cc_only_client_id.clone();
    g.client.client_secret = Secret::new(sandbox.credentials().cc_only_client_secret.clone());
    let err = start(&http(), &g, read(&now)).await.unwrap_err();
    assert_eq!(err.code(), "unauthorized_client");
}

#[tokio::test]
async fn a_wrong_password_on_the_device_page_does_not_approve() {
    let (sandbox, now) = sandbox().await;
    let g = grant(&sandbox);
    let authorization = start(&http(), &g, read(&now)).await.unwrap();
    let page = user_decides(&authorization, &sandbox.credentials().username, "wrong-password", "approve").await;
    assert!(page.contains("incorrect"), "{page}");
    let err = oauth_console_core::grants::device_code::poll_once(&http(), &g, &authorization, read(&now)).await.unwrap_err();
    assert_eq!(err.code(), "authorization_pending");
}

// ------------------------------------------------ django-oauth-toolkit

/// DOT's device client: public (no secret), as device apps are.
fn idp_grant() -> DeviceCode {
    DeviceCode {
        client: Client {
            token_url: idp::token_url(),
            client_id: idp::var("OC_IDP_DC_CLIENT_ID"),
            client_secret: Secret::new(""),
            client_auth: ClientAuth::BasicHeader,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        device_url: idp::var("OC_IDP_DEVICE_URL"),
        scope: idp::scope(),
        request_refresh_token: true,
    }
}

#[tokio::test]
async fn at_django_oauth_toolkit_the_user_accepts_the_code_and_polling_ends_with_a_token() {
    let g = idp_grant();
    let authorization = start(&http(), &g, SystemTime::now()).await.expect("DOT hands out a user code");
    assert!(authorization.verification_uri.starts_with(&idp::base()), "{}", authorization.verification_uri);
    assert_eq!(authorization.interval, 5, "DOT's DEVICE_FLOW_INTERVAL");
    let complete = authorization.verification_uri_complete.clone().unwrap_or_default();
    assert!(complete.ends_with(&format!("user_code={}", authorization.user_code)), "{complete}");

    let pauses = AtomicU32::new(0);
    let browser = Browser::new();
    let token = poll(&http(), &g, &authorization, SystemTime::now, |_wait| {
        let n = pauses.fetch_add(1, Ordering::SeqCst);
        let (authorization, browser) = (authorization.clone(), browser.clone());
        async move {
            // The first poll finds the code pending; then the user accepts.
            if n == 1 {
                let page = browser
                    .decide_device_at_idp(
                        &authorization.verification_uri,
                        &authorization.user_code,
                        &idp::var("OC_IDP_USERNAME"),
                        &idp::var("OC_IDP_PASSWORD"),
                        "accept",
                    )
                    .await;
                assert!(!page.is_empty(), "DOT shows the device's status");
            }
        }
    })
    .await
    .expect("the accepted device gets a token");
    assert_eq!(pauses.load(Ordering::SeqCst), 2, "pending once, then the token");
    assert!(!token.access_token.expose().is_empty());
    assert_eq!(token.scope.as_deref().map(|s| s.contains("offline_access")), Some(true), "{:?}", token.scope);
    assert!(token.refresh_token.is_some(), "offline_access gives a refresh token");
}

#[tokio::test]
async fn at_django_oauth_toolkit_a_denied_device_ends_with_access_denied() {
    let g = idp_grant();
    let authorization = start(&http(), &g, SystemTime::now()).await.unwrap();
    let pending = poll_once(&http(), &g, &authorization, SystemTime::now()).await.unwrap_err();
    assert_eq!(pending.code(), "authorization_pending");
    Browser::new()
        .decide_device_at_idp(
            &authorization.verification_uri,
            &authorization.user_code,
            &idp::var("OC_IDP_USERNAME"),
            &idp::var("OC_IDP_PASSWORD"),
            "deny",
        )
        .await;
    let err = poll(&http(), &g, &authorization, SystemTime::now, |_| async {}).await.unwrap_err();
    let ipc = IpcError::from(err);
    assert_eq!(ipc.code, "access_denied");
    assert!(ipc.hint.unwrap().contains("Verification URL"));
}
