//! The authorization-code grant through the sign-in page, with and without
//! PKCE, and every way the authorization request or the exchange can fail.

use std::time::Duration;

use reqwest::header::LOCATION;
use reqwest::StatusCode;
use url::Url;

use crate::support::*;

#[tokio::test]
async fn the_sign_in_page_has_a_post_form_with_labelled_fields_and_a_sign_in_button() {
    let sandbox = start().await;
    let (_, html) = sign_in_page(&sandbox, &[]).await;
    assert!(html.contains("<form method=\"post\""), "{html}");
    assert!(html.contains("<label for=\"username\">"));
    assert!(html.contains("<input id=\"username\" name=\"username\""));
    assert!(html.contains("<label for=\"password\">"));
    assert!(html.contains("<input id=\"password\" name=\"password\" type=\"password\""));
    assert!(html.contains(">Sign In</button>"));
    assert!(!html.contains("<script"), "the page needs no JavaScript");
    assert!(
        !input_value(&html, "txn").is_empty(),
        "the request waits under a transaction id"
    );
}

#[tokio::test]
async fn signing_in_redirects_with_a_code_and_the_state_that_exchange_for_tokens() {
    let sandbox = start().await;
    let redirect = sign_in(
        &sandbox,
        &[
            (
                "scope",
                &format!("openid {}", offline(&sandbox.credentials().scope_all)),
            ),
            ("nonce", "n-0S6"),
        ],
    )
    .await;
    assert_eq!(
        redirect["state"], "state-123",
        "the state comes back unchanged"
    );

    let answer = exchange_code(&sandbox, &redirect["code"], &[]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.headers["cache-control"], "no-store");
    assert!(
        !answer.refresh_token().is_empty(),
        "offline_access gives a refresh token"
    );
    let claims = jwt_claims(answer.access_token());
    assert_eq!(claims["sub"], "sandbox.invoker");
    assert_eq!(
        claims["scope"],
        "openid urn:opc:resource:consumer::all offline_access"
    );
    let id_token = jwt_claims(
        answer.body["id_token"]
            .as_str()
            .expect("openid gives an ID token"),
    );
    assert_eq!(
        id_token["nonce"], "n-0S6",
        "the nonce of the authorization request"
    );
    assert!(id_token["auth_time"].is_u64());
}

#[tokio::test]
async fn a_loopback_redirect_uri_may_use_another_port() {
    let sandbox = start().await;
    let (page, html) = sign_in_page(
        &sandbox,
        &[("redirect_uri", "http://127.0.0.1:40000/callback")],
    )
    .await;
    let credentials = sandbox.credentials();
    let response = submit_sign_in(
        &page,
        &html,
        &credentials.username,
        &credentials.password,
        "sign-in",
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_eq!(
        location.port(),
        Some(40000),
        "any port of a loopback IP redirect URI (RFC 8252 §7.3)"
    );
    assert_eq!(location.path(), "/callback");
    let code = query_of(&location)["code"].clone();
    let answer = exchange_code(
        &sandbox,
        &code,
        &[("redirect_uri", "http://127.0.0.1:40000/callback")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn the_exchange_may_omit_the_redirect_uri_as_oracle_s_curl_example_does() {
    let sandbox = start().await;
    let redirect = sign_in(&sandbox, &[]).await;
    let answer = token(
        &sandbox,
        Auth::basic(&sandbox),
        &[
            ("grant_type", "authorization_code"),
            ("code", &redirect["code"]),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn wrong_credentials_show_the_page_again_with_an_error() {
    let sandbox = start().await;
    let (page, html) = sign_in_page(&sandbox, &[]).await;
    let response = submit_sign_in(&page, &html, "sandbox.invoker", "wrong", "sign-in").await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the page is shown again, not redirected"
    );
    let again = response.text().await.unwrap();
    assert!(again.contains("incorrect"), "{again}");
    assert_eq!(
        input_value(&again, "username"),
        "sandbox.invoker",
        "the user name is kept"
    );

    let credentials = sandbox.credentials();
    let retry = submit_sign_in(
        &page,
        &again,
        &credentials.username,
        &credentials.password,
        "sign-in",
    )
    .await;
    assert_eq!(
        retry.status(),
        StatusCode::FOUND,
        "the same sign-in can be retried"
    );
}

#[tokio::test]
async fn a_sign_in_page_can_be_submitted_only_once() {
    let sandbox = start().await;
    let (page, html) = sign_in_page(&sandbox, &[]).await;
    let credentials = sandbox.credentials();
    let first = submit_sign_in(
        &page,
        &html,
        &credentials.username,
        &credentials.password,
        "sign-in",
    )
    .await;
    assert_eq!(first.status(), StatusCode::FOUND);
    let second = submit_sign_in(
        &page,
        &html,
        &credentials.username,
        &credentials.password,
        "sign-in",
    )
    .await;
    assert_eq!(second.status(), StatusCode::BAD_REQUEST);
    assert!(second.headers().get(LOCATION).is_none());
}

#[tokio::test]
async fn an_expired_sign_in_page_shows_an_error_instead_of_redirecting() {
    let (sandbox, clock) = start_with_clock().await;
    let (page, html) = sign_in_page(&sandbox, &[]).await;
    clock.advance(Duration::from_secs(601));
    let credentials = sandbox.credentials();
    let response = submit_sign_in(
        &page,
        &html,
        &credentials.username,
        &credentials.password,
        "sign-in",
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("expired"));
}

#[tokio::test]
async fn cancel_redirects_with_access_denied_and_the_state() {
    let sandbox = start().await;
    let (page, html) = sign_in_page(&sandbox, &[]).await;
    let response = submit_sign_in(&page, &html, "", "", "cancel").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    let query = query_of(&location);
    assert_eq!(query["error"], "access_denied");
    assert_eq!(query["state"], "state-123");
}

#[tokio::test]
async fn a_code_is_single_use_and_its_replay_revokes_the_refresh_token() {
    let sandbox = start().await;
    let code = sign_in(&sandbox, &[]).await["code"].clone();
    let first = exchange_code(&sandbox, &code, &[]).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);

    let replay = exchange_code(&sandbox, &code, &[]).await;
    replay.assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert!(
        replay.description().contains("already used"),
        "{}",
        replay.description()
    );

    let refresh = token(
        &sandbox,
        Auth::basic(&sandbox),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", first.refresh_token()),
        ],
    )
    .await;
    refresh.assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn a_code_expires_after_sixty_seconds() {
    let (sandbox, clock) = start_with_clock().await;
    let code = sign_in(&sandbox, &[]).await["code"].clone();
    clock.advance(Duration::from_secs(60));
    let answer = exchange_code(&sandbox, &code, &[]).await;
    answer.assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert!(
        answer.description().contains("expired"),
        "{}",
        answer.description()
    );
}

#[tokio::test]
async fn a_code_is_still_good_just_before_it_expires() {
    let (sandbox, clock) = start_with_clock().await;
    let code = sign_in(&sandbox, &[]).await["code"].clone();
    clock.advance(Duration::from_secs(59));
    let answer = exchange_code(&sandbox, &code, &[]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn an_unknown_code_is_invalid_grant() {
    let sandbox = start().await;
    exchange_code(&sandbox, "made-up-code", &[])
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn a_missing_code_is_invalid_request() {
    let sandbox = start().await;
    token(
        &sandbox,
        Auth::basic(&sandbox),
        &[("grant_type", "authorization_code")],
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn another_redirect_uri_at_the_exchange_is_invalid_grant() {
    let sandbox = start().await;
    let code = sign_in(&sandbox, &[]).await["code"].clone();
    exchange_code(
        &sandbox,
        &code,
        &[("redirect_uri", "https://oauth.pstmn.io/v1/callback")],
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn pkce_s256_needs_the_matching_verifier() {
    let sandbox = start().await;
    let pkce = [
        ("code_challenge", S256_CHALLENGE),
        ("code_challenge_method", "S256"),
    ];

    let code = sign_in(&sandbox, &pkce).await["code"].clone();
    let wrong = "x".repeat(43);
    exchange_code(&sandbox, &code, &[("code_verifier", &wrong)])
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
    let answer = exchange_code(&sandbox, &code, &[("code_verifier", VERIFIER)]).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "a failed verifier does not burn the code: {}",
        answer.body
    );

    let code = sign_in(&sandbox, &pkce).await["code"].clone();
    exchange_code(&sandbox, &code, &[])
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn pkce_plain_is_the_default_method_and_needs_the_same_verifier() {
    let sandbox = start().await;
    let code = sign_in(&sandbox, &[("code_challenge", VERIFIER)]).await["code"].clone();
    exchange_code(&sandbox, &code, &[("code_verifier", S256_CHALLENGE)])
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
    let answer = exchange_code(&sandbox, &code, &[("code_verifier", VERIFIER)]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);

    let explicit = sign_in(
        &sandbox,
        &[
            ("code_challenge", VERIFIER),
            ("code_challenge_method", "plain"),
        ],
    )
    .await;
    let answer = exchange_code(&sandbox, &explicit["code"], &[("code_verifier", VERIFIER)]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn a_code_verifier_without_a_challenge_is_refused() {
    let sandbox = start().await;
    let code = sign_in(&sandbox, &[]).await["code"].clone();
    exchange_code(&sandbox, &code, &[("code_verifier", VERIFIER)])
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn a_user_without_the_role_signs_in_but_the_exchange_is_invalid_grant() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let redirect = sign_in_as(
        &sandbox,
        &[],
        &credentials.no_role_username,
        &credentials.no_role_password,
    )
    .await;
    let answer = exchange_code(&sandbox, &redirect["code"], &[]).await;
    answer.assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert!(answer.description().contains("ServiceInvoker"));
}

/// GETs /authorize with `extra` applied to the standard request.
async fn authorize(
    sandbox: &oauth_console_sandbox::Sandbox,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    http()
        .get(authorize_url(sandbox, &authorize_query(sandbox, extra)))
        .send()
        .await
        .unwrap()
}

async fn redirected_error(
    sandbox: &oauth_console_sandbox::Sandbox,
    extra: &[(&str, &str)],
) -> std::collections::HashMap<String, String> {
    let response = authorize(sandbox, extra).await;
    assert_eq!(
        response.status(),
        StatusCode::FOUND,
        "this error goes back to the client"
    );
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(REDIRECT_URI));
    let query = query_of(&location);
    assert!(query.contains_key("error_description"));
    assert_eq!(query["state"], "state-123");
    query
}

#[tokio::test]
async fn an_unregistered_redirect_uri_shows_an_error_page_and_does_not_redirect() {
    let sandbox = start().await;
    for redirect_uri in [
        "https://evil.example/callback",
        "http://127.0.0.1:53682/other",
        "http://localhost:53682/callback",
        "https://oauth.pstmn.io/v1/callback/extra",
    ] {
        let response = authorize(&sandbox, &[("redirect_uri", redirect_uri)]).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{redirect_uri}");
        assert!(
            response.headers().get(LOCATION).is_none(),
            "never redirect to {redirect_uri}"
        );
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
    }
}

#[tokio::test]
async fn a_missing_redirect_uri_or_unknown_client_shows_an_error_page() {
    let sandbox = start().await;
    for extra in [
        [("redirect_uri", "")],
        [("client_id", "no-such-client")],
        [("client_id", "")],
    ] {
        let response = authorize(&sandbox, &extra).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(response.headers().get(LOCATION).is_none());
    }
}

#[tokio::test]
async fn the_postman_callback_is_registered() {
    let sandbox = start().await;
    let response = authorize(
        &sandbox,
        &[("redirect_uri", "https://oauth.pstmn.io/v1/callback")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_unsupported_response_type_is_redirected_with_the_state() {
    let sandbox = start().await;
    // (`token` alone is Implicit, answered since the sandbox supports it;
    // the hybrid `code token` is not.)
    let query = redirected_error(&sandbox, &[("response_type", "code token")]).await;
    assert_eq!(query["error"], "unsupported_response_type");
    let query = redirected_error(&sandbox, &[("response_type", "")]).await;
    assert_eq!(query["error"], "invalid_request");
}

#[tokio::test]
async fn an_invalid_scope_at_authorize_is_redirected() {
    let sandbox = start().await;
    let query = redirected_error(&sandbox, &[("scope", "urn:opc:resource:consumer::all")]).await;
    assert_eq!(query["error"], "invalid_scope");
    assert!(query["error_description"].contains("sandbox.integration.local:443"));
}

#[tokio::test]
async fn an_unsupported_pkce_method_is_redirected_as_invalid_request() {
    let sandbox = start().await;
    let query = redirected_error(
        &sandbox,
        &[
            ("code_challenge", S256_CHALLENGE),
            ("code_challenge_method", "S512"),
        ],
    )
    .await;
    assert_eq!(query["error"], "invalid_request");
}

#[tokio::test]
async fn a_repeated_parameter_at_authorize_is_redirected_as_invalid_request() {
    let sandbox = start().await;
    let mut query = authorize_query(&sandbox, &[]);
    query.push(("scope".into(), "openid".into()));
    let response = http()
        .get(authorize_url(&sandbox, &query))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_eq!(query_of(&location)["error"], "invalid_request");
}

#[tokio::test]
async fn the_client_credentials_only_client_is_redirected_with_unauthorized_client() {
    let sandbox = start().await;
    let query = redirected_error(&sandbox, &[("client_id", "sandbox-cc-only")]).await;
    assert_eq!(query["error"], "unauthorized_client");
}

#[tokio::test]
async fn the_client_credentials_only_client_cannot_exchange_codes() {
    let sandbox = start().await;
    let code = sign_in(&sandbox, &[]).await["code"].clone();
    let credentials = sandbox.credentials();
    token(
        &sandbox,
        Auth::Basic(
            &credentials.cc_only_client_id,
            &credentials.cc_only_client_secret,
        ),
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "unauthorized_client");
}
