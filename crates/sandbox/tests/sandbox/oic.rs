//! The OIC instance: the runtime origin's redirect to the design-time
//! origin, and the design-time origin's bearer-token checks and resources.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, LOCATION, WWW_AUTHENTICATE};
use reqwest::StatusCode;

use crate::support::*;

const CONNECTIONS: &str = "/ic/api/integration/v1/connections";

async fn access_token(sandbox: &oauth_console_sandbox::Sandbox) -> String {
    client_credentials(sandbox, &sandbox.credentials().scope_all)
        .await
        .access_token()
        .to_owned()
}

#[tokio::test]
async fn the_runtime_origin_redirects_developer_apis_to_the_design_origin_with_the_same_path_and_query(
) {
    let sandbox = start().await;
    assert_ne!(sandbox.runtime_url(), sandbox.design_url(), "two origins");
    let path =
        format!("{CONNECTIONS}?integrationInstance=sandbox&limit=2&q=%7Bname%3A%2FREST%2F%7D");
    let response = api_get(&format!("{}{path}", sandbox.runtime_url()), None).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response.headers()[LOCATION],
        format!("{}{path}", sandbox.design_url()).as_str()
    );
}

#[tokio::test]
async fn the_runtime_origin_redirects_any_path_under_ic_api_even_with_a_bad_token() {
    let sandbox = start().await;
    let url = format!(
        "{}/ic/api/integration/v1/integrations",
        sandbox.runtime_url()
    );
    let response = api_get(&url, Some("not-a-token")).await;
    assert_eq!(
        response.status(),
        StatusCode::FOUND,
        "the runtime origin does not check the token"
    );
    assert_eq!(
        response.headers()[LOCATION],
        format!(
            "{}/ic/api/integration/v1/integrations",
            sandbox.design_url()
        )
        .as_str()
    );
    let other = api_get(
        &format!("{}/ic/api/anything/else", sandbox.runtime_url()),
        None,
    )
    .await;
    assert_eq!(other.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn the_runtime_origin_has_nothing_outside_ic_api() {
    let sandbox = start().await;
    let response = api_get(&format!("{}/", sandbox.runtime_url()), None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn following_the_redirect_with_the_token_returns_a_page_of_connections() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    let response = api_get(
        &format!("{}{CONNECTIONS}", sandbox.runtime_url()),
        Some(&token),
    )
    .await;
    let location = response.headers()[LOCATION].to_str().unwrap().to_owned();

    let followed = api_get(&location, Some(&token)).await;
    assert_eq!(followed.status(), StatusCode::OK);
    let page = json(followed).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 10);
    assert_eq!(page["totalResults"], 25);
    assert_eq!(page["hasMore"], true);
}

#[tokio::test]
async fn following_the_redirect_without_the_token_is_401_with_a_bearer_challenge() {
    let sandbox = start().await;
    let response = api_get(&format!("{}{CONNECTIONS}", sandbox.runtime_url()), None).await;
    let location = response.headers()[LOCATION].to_str().unwrap().to_owned();
    let followed = api_get(&location, None).await;
    assert_eq!(followed.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        followed.headers()[WWW_AUTHENTICATE],
        "Bearer realm=\"sandbox\"",
        "RFC 6750 §3.1: no error code without credentials"
    );
    let body = json(followed).await;
    assert_eq!(body["status"], 401);
    assert!(
        body["detail"].as_str().unwrap().contains("Authorization"),
        "{body}"
    );
}

async fn assert_invalid_token(
    sandbox: &oauth_console_sandbox::Sandbox,
    authorization: &str,
) -> String {
    let response = http()
        .get(format!("{}{CONNECTIONS}", sandbox.design_url()))
        .header(AUTHORIZATION, authorization)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "{authorization}"
    );
    let challenge = response.headers()[WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    assert!(challenge.contains("error_description=\""), "{challenge}");
    assert_eq!(json(response).await["status"], 401);
    challenge
}

#[tokio::test]
async fn a_malformed_or_forged_token_is_invalid_token() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    let mut parts: Vec<&str> = token.split('.').collect();
    let forged_claims = {
        use base64::Engine;
        let mut claims = jwt_claims(&token);
        claims["sub"] = "someone-else".into();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string())
    };
    parts[1] = &forged_claims;
    let forged = parts.join(".");
    for authorization in [
        "Bearer not-a-jwt".to_owned(),
        format!("Bearer {forged}"),
        format!("Basic {token}"),
        "Bearer".to_owned(),
    ] {
        assert_invalid_token(&sandbox, &authorization).await;
    }
}

#[tokio::test]
async fn a_token_of_another_sandbox_is_invalid_token() {
    let sandbox = start().await;
    let other = start().await;
    let token = access_token(&other).await;
    let challenge = assert_invalid_token(&sandbox, &format!("Bearer {token}")).await;
    assert!(challenge.contains("not this sandbox's key"), "{challenge}");
}

#[tokio::test]
async fn an_id_token_is_not_an_access_token() {
    let sandbox = start().await;
    let answer = password_grant(
        &sandbox,
        &format!("openid {}", sandbox.credentials().scope_all),
    )
    .await;
    let id_token = answer.body["id_token"].as_str().unwrap();
    assert_invalid_token(&sandbox, &format!("Bearer {id_token}")).await;
}

#[tokio::test]
async fn an_expired_token_is_invalid_token() {
    let (sandbox, clock) = start_with_clock().await;
    let token = access_token(&sandbox).await;
    let url = format!("{}{CONNECTIONS}", sandbox.design_url());
    clock.advance(Duration::from_secs(3599));
    assert_eq!(
        api_get(&url, Some(&token)).await.status(),
        StatusCode::OK,
        "valid until exp"
    );
    clock.advance(Duration::from_secs(1));
    let challenge = assert_invalid_token(&sandbox, &format!("Bearer {token}")).await;
    assert!(challenge.contains("expired"), "{challenge}");
}

#[tokio::test]
async fn a_token_without_a_developer_api_scope_is_403_insufficient_scope() {
    let sandbox = start().await;
    let answer = password_grant(&sandbox, "openid").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let response = api_get(
        &format!("{}{CONNECTIONS}", sandbox.design_url()),
        Some(answer.access_token()),
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let challenge = response.headers()[WWW_AUTHENTICATE].to_str().unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(challenge
        .contains("scope=\"https://sandbox.integration.local:443urn:opc:resource:consumer::all\""));
}

#[tokio::test]
async fn the_developer_api_scope_alone_is_enough() {
    let sandbox = start().await;
    let token = client_credentials(&sandbox, &sandbox.credentials().scope_api).await;
    let response = api_get(
        &format!("{}{CONNECTIONS}", sandbox.design_url()),
        Some(token.access_token()),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_user_token_from_the_sign_in_page_calls_the_api() {
    let sandbox = start().await;
    let code = sign_in(&sandbox, &[]).await["code"].clone();
    let tokens = exchange_code(&sandbox, &code, &[]).await;
    let response = api_get(
        &format!("{}{CONNECTIONS}", sandbox.design_url()),
        Some(tokens.access_token()),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn one_connection_is_found_by_id_and_an_unknown_id_is_404_json() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    let url = format!(
        "{}{CONNECTIONS}/SANDBOX_REST_CONN?integrationInstance=sandbox",
        sandbox.design_url()
    );
    let response = api_get(&url, Some(&token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let connection = json(response).await;
    assert_eq!(connection["id"], "SANDBOX_REST_CONN");
    assert_eq!(connection["adapterType"]["displayName"], "REST");
    assert_eq!(connection["status"], "CONFIGURED");

    let missing = api_get(
        &format!("{}{CONNECTIONS}/NO_SUCH_CONN", sandbox.design_url()),
        Some(&token),
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(json(missing).await["status"], 404);
}

#[tokio::test]
async fn integrations_and_monitoring_instances_are_listed_with_integration_instance_ignored() {
    let sandbox = start().await;
    let token = access_token(&sandbox).await;
    for path in [
        "/ic/api/integration/v1/integrations?integrationInstance=sandbox-instance",
        "/ic/api/integration/v1/monitoring/instances?integrationInstance=sandbox-instance&q=%7Btimewindow%3A%271h%27%7D",
    ] {
        let response = api_get(&format!("{}{path}", sandbox.design_url()), Some(&token)).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let page = json(response).await;
        let total = page["totalResults"].as_u64().unwrap();
        assert!(total >= 5, "{path}: a few items");
        assert_eq!(page["items"].as_array().unwrap().len() as u64, total.min(10));
    }
}

#[tokio::test]
async fn an_unknown_api_path_needs_a_token_and_then_is_404() {
    let sandbox = start().await;
    let url = format!(
        "{}/ic/api/integration/v1/nothing-here",
        sandbox.design_url()
    );
    assert_eq!(api_get(&url, None).await.status(), StatusCode::UNAUTHORIZED);
    let token = access_token(&sandbox).await;
    assert_eq!(
        api_get(&url, Some(&token)).await.status(),
        StatusCode::NOT_FOUND
    );
}
