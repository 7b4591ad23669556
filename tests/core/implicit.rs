//! The Implicit grant (response_type=token) against the built-in sandbox: a
//! reqwest "browser" signs in and stops at the Callback URL, whose whole
//! address (fragment included) is handed to the core as the login window or
//! a paste would. No token endpoint is called.

use crate::authorization_code::Browser;
use oauth_console_core::grants::authorization_code::finish;
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::grants::implicit::{start, Implicit};
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::{ClientAuth, Error, IpcError, Secret};
use oauth_console_sandbox::Sandbox;
use std::time::SystemTime;

const CALLBACK: &str = "https://oauth.pstmn.io/v1/callback";

fn http() -> HttpClient {
    HttpClient::new(HttpSettings::default()).unwrap()
}

fn grant(sandbox: &Sandbox, client_id: &str) -> Implicit {
    Implicit {
        client: Client {
            token_url: sandbox.token_url(),
            client_id: client_id.to_owned(),
            client_secret: Secret::new(""),
            client_auth: ClientAuth::BasicHeader,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        callback_url: CALLBACK.into(),
        auth_url: sandbox.authorize_url(),
        scope: format!("openid {}", sandbox.credentials().scope_all),
        state: String::new(),
        nonce: String::new(),
    }
}

#[tokio::test]
async fn an_implicit_sign_in_at_the_sandbox_gives_a_token_from_the_fragment_that_its_oic_accepts() {
    let sandbox = Sandbox::start().await.unwrap();
    let credentials = sandbox.credentials().clone();
    let pending = start(&grant(&sandbox, &credentials.client_id)).unwrap();
    let redirected = Browser::new()
        .sign_in_at_sandbox(pending.authorize_url(), &credentials.username, Some(&credentials.password))
        .await;
    assert!(redirected.fragment().is_some_and(|f| f.contains("access_token=")), "the token is in the fragment");
    assert_eq!(redirected.query(), None);

    let token = finish(&http(), &pending, redirected.as_str(), SystemTime::now()).await.unwrap();
    assert_eq!(token.token_type, "Bearer");
    assert!(token.expires_in.is_some());
    assert!(token.refresh_token.is_none(), "Implicit gives no refresh token");
    assert!(token.id_token.is_some(), "openid in the scope: id_token token was asked for");
    assert!(token.warnings.is_empty(), "the ID token carries the nonce sent: {:?}", token.warnings);

    let api = reqwest::Client::new()
        .get(format!("{}/ic/api/integration/v1/connections", sandbox.design_url()))
        .bearer_auth(token.access_token.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 200, "the token is accepted by the sandbox OIC");
}

#[tokio::test]
async fn an_implicit_redirect_with_another_state_is_refused() {
    let sandbox = Sandbox::start().await.unwrap();
    let credentials = sandbox.credentials().clone();
    let pending = start(&grant(&sandbox, &credentials.client_id)).unwrap();
    let redirected = Browser::new()
        .sign_in_at_sandbox(pending.authorize_url(), &credentials.username, Some(&credentials.password))
        .await;
    let forged = redirected.as_str().replace(&format!("state={}", pending.state()), "state=forged");
    assert_ne!(forged, redirected.as_str());
    let err = finish(&http(), &pending, &forged, SystemTime::now()).await.unwrap_err();
    assert!(matches!(err, Error::StateMismatch { missing: false }), "{err:?}");
}

#[tokio::test]
async fn a_client_not_allowed_implicit_gets_unauthorized_client_with_a_hint() {
    let sandbox = Sandbox::start().await.unwrap();
    let credentials = sandbox.credentials().clone();
    let pending = start(&grant(&sandbox, &credentials.cc_only_client_id)).unwrap();
    let answer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(pending.authorize_url())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302, "the refusal goes back to the client");
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let err = finish(&http(), &pending, &location, SystemTime::now()).await.unwrap_err();
    let ipc = IpcError::from(err);
    assert_eq!(ipc.code, "unauthorized_client");
    assert!(ipc.message.contains("implicit"), "{}", ipc.message);
    assert!(ipc.hint.is_some());
}
