//! The refresh-token grant: rotation, replay detection, scope narrowing and
//! expiry by the sandbox clock.

use std::time::Duration;

use reqwest::StatusCode;

use crate::support::*;

async fn refresh(
    sandbox: &oauth_console_sandbox::Sandbox,
    refresh_token: &str,
    scope: Option<&str>,
) -> Answer {
    let mut params = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    params.extend(scope.map(|scope| ("scope", scope)));
    token(sandbox, Auth::basic(sandbox), &params).await
}

#[tokio::test]
async fn a_refresh_rotates_the_refresh_token_and_the_old_one_then_fails() {
    let sandbox = start().await;
    let first = password_grant(&sandbox, &offline(&sandbox.credentials().scope_all)).await;
    let old = first.refresh_token().to_owned();

    let second = refresh(&sandbox, &old, None).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert_eq!(second.headers["cache-control"], "no-store");
    let new = second.refresh_token().to_owned();
    assert_ne!(new, old, "refresh tokens rotate");
    assert_eq!(
        jwt_claims(second.access_token())["sub"],
        "sandbox.invoker",
        "the user stays the subject"
    );

    let replay = refresh(&sandbox, &old, None).await;
    replay.assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert!(
        replay.description().contains("already used"),
        "{}",
        replay.description()
    );
}

#[tokio::test]
async fn replaying_a_rotated_refresh_token_revokes_the_newer_one() {
    let sandbox = start().await;
    let first = password_grant(&sandbox, &offline(&sandbox.credentials().scope_all)).await;
    let old = first.refresh_token().to_owned();
    let new = refresh(&sandbox, &old, None)
        .await
        .refresh_token()
        .to_owned();
    refresh(&sandbox, &old, None)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
    refresh(&sandbox, &new, None)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn a_refresh_keeps_the_original_scope() {
    let sandbox = start().await;
    let scope = offline(&sandbox.credentials().scope_all);
    let first = password_grant(&sandbox, &scope).await;
    let second = refresh(&sandbox, first.refresh_token(), None).await;
    assert_eq!(second.body["scope"], scope.as_str());
    assert_eq!(
        jwt_claims(second.access_token())["scope"],
        "urn:opc:resource:consumer::all offline_access"
    );
}

#[tokio::test]
async fn a_refresh_may_narrow_the_scope_but_never_widen_it() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let first = password_grant(&sandbox, &offline(&credentials.scope_all)).await;

    let wider = refresh(
        &sandbox,
        first.refresh_token(),
        Some(&offline(&credentials.scope_api)),
    )
    .await;
    wider.assert_error(StatusCode::BAD_REQUEST, "invalid_scope");

    let narrower = refresh(
        &sandbox,
        first.refresh_token(),
        Some(&credentials.scope_all),
    )
    .await;
    assert_eq!(
        narrower.status,
        StatusCode::OK,
        "a refused scope does not use up the token: {}",
        narrower.body
    );
    assert_eq!(narrower.body["scope"], credentials.scope_all.as_str());

    let next = refresh(&sandbox, narrower.refresh_token(), None).await;
    assert_eq!(
        next.body["scope"],
        offline(&credentials.scope_all).as_str(),
        "the refresh token keeps the scope of the original grant"
    );
}

#[tokio::test]
async fn a_refresh_token_of_the_authorization_code_grant_refreshes_too() {
    let sandbox = start().await;
    let code = sign_in(&sandbox, &[]).await["code"].clone();
    let tokens = exchange_code(&sandbox, &code, &[]).await;
    let refreshed = refresh(&sandbox, tokens.refresh_token(), None).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    assert!(refreshed.body.get("id_token").is_none());
}

#[tokio::test]
async fn an_unknown_refresh_token_is_invalid_grant() {
    let sandbox = start().await;
    refresh(&sandbox, "made-up", None)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn a_missing_refresh_token_is_invalid_request() {
    let sandbox = start().await;
    token(
        &sandbox,
        Auth::basic(&sandbox),
        &[("grant_type", "refresh_token")],
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn a_refresh_token_expires_after_a_week() {
    let (sandbox, clock) = start_with_clock().await;
    let first = password_grant(&sandbox, &offline(&sandbox.credentials().scope_all)).await;
    clock.advance(Duration::from_secs(7 * 24 * 3600));
    let answer = refresh(&sandbox, first.refresh_token(), None).await;
    answer.assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert!(answer.description().contains("expired"));
}

#[tokio::test]
async fn the_client_credentials_only_client_may_not_refresh() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let first = password_grant(&sandbox, &offline(&credentials.scope_all)).await;
    token(
        &sandbox,
        Auth::Basic(
            &credentials.cc_only_client_id,
            &credentials.cc_only_client_secret,
        ),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", first.refresh_token()),
        ],
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "unauthorized_client");
}
