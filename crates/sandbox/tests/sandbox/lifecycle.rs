//! Starting, configuring and stopping the sandbox.

use std::time::{Duration, Instant};

use oauth_console_sandbox::{Sandbox, SandboxConfig};
use reqwest::StatusCode;

use crate::support::*;

#[tokio::test]
async fn the_sandbox_listens_on_three_loopback_origins() {
    let sandbox = start().await;
    let origins = [
        sandbox.identity_url(),
        sandbox.runtime_url(),
        sandbox.design_url(),
    ];
    for origin in &origins {
        assert!(origin.starts_with("http://127.0.0.1:"), "{origin}");
        assert!(!origin.ends_with('/'), "no trailing slash: {origin}");
    }
    assert_ne!(origins[0], origins[1]);
    assert_ne!(origins[1], origins[2]);
    assert_ne!(origins[0], origins[2]);
    assert_eq!(
        sandbox.token_url(),
        format!("{}/oauth2/v1/token", origins[0])
    );
    assert_eq!(
        sandbox.authorize_url(),
        format!("{}/oauth2/v1/authorize", origins[0])
    );
}

#[tokio::test]
async fn the_seeded_credentials_are_obviously_sandbox_values() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    assert_eq!(
        (
            credentials.client_id.as_str(),
            credentials.client_secret.as_str()
        ),
        ("sandbox-client", "sandbox-secret")
    );
    assert_eq!(
        (credentials.username.as_str(), credentials.password.as_str()),
        ("sandbox.invoker", "sandbox-password")
    );
    assert_eq!(
        credentials.audience,
        "https://sandbox.integration.local:443"
    );
    assert_eq!(
        credentials.scope_all,
        "https://sandbox.integration.local:443urn:opc:resource:consumer::all"
    );
    assert_eq!(
        credentials.scope_api,
        "https://sandbox.integration.local:443/ic/api/"
    );
    assert_eq!(
        credentials.redirect_uris,
        [
            "http://127.0.0.1:53682/callback",
            "https://oauth.pstmn.io/v1/callback"
        ]
    );
}

#[tokio::test]
async fn a_configured_token_lifetime_is_the_expires_in() {
    let sandbox = Sandbox::start_with(SandboxConfig {
        token_ttl: Duration::from_secs(5),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let answer = client_credentials(&sandbox, &sandbox.credentials().scope_all).await;
    assert_eq!(answer.body["expires_in"], 5);
    let claims = jwt_claims(answer.access_token());
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        5
    );
}

#[tokio::test]
async fn a_configured_code_lifetime_expires_codes() {
    let clock = TestClock::new();
    let sandbox = Sandbox::start_with(SandboxConfig {
        code_ttl: Duration::from_secs(5),
        clock: clock.clock(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let code = sign_in(&sandbox, &[]).await["code"].clone();
    clock.advance(Duration::from_secs(5));
    exchange_code(&sandbox, &code, &[])
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn shutdown_stops_all_three_servers_promptly_even_with_open_connections() {
    let sandbox = start().await;
    let client = http();
    let token = client_credentials(&sandbox, &sandbox.credentials().scope_all).await;
    let design = format!("{}/ic/api/integration/v1/connections", sandbox.design_url());
    let kept_alive = client
        .get(&design)
        .bearer_auth(token.access_token())
        .send()
        .await
        .unwrap();
    assert_eq!(kept_alive.status(), StatusCode::OK);
    let origins = [
        sandbox.identity_url(),
        sandbox.runtime_url(),
        sandbox.design_url(),
    ];

    let started = Instant::now();
    sandbox.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "idle connections do not hold up shutdown"
    );
    for origin in origins {
        assert!(
            http().get(&origin).send().await.is_err(),
            "{origin} no longer answers"
        );
    }
}

#[tokio::test]
async fn dropping_the_sandbox_stops_its_servers() {
    let sandbox = start().await;
    let origin = sandbox.identity_url();
    drop(sandbox);
    let deadline = Instant::now() + Duration::from_secs(3);
    while http().get(&origin).send().await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "{origin} still answers after drop"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
fn the_sandbox_can_live_in_shared_app_state() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Sandbox>();
    assert_send_sync::<SandboxConfig>();
}
