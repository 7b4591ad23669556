//! The client-credentials grant (Oracle's "Call the Developer APIs with
//! Client Credentials") and the two ways of authenticating the client.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::StatusCode;

use crate::support::*;

#[tokio::test]
async fn client_credentials_with_basic_auth_returns_a_signed_bearer_token() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = client_credentials(&sandbox, &credentials.scope_all).await;

    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        answer.headers["cache-control"], "no-store",
        "tokens must not be cached"
    );
    assert_eq!(answer.body["token_type"], "Bearer");
    assert_eq!(answer.body["expires_in"], 3600, "Oracle's default lifetime");
    assert_eq!(answer.body["scope"], credentials.scope_all.as_str());
    assert!(answer.body.get("refresh_token").is_none());
    assert!(answer.body.get("id_token").is_none());

    let header = jwt_header(answer.access_token());
    assert_eq!(header["alg"], "HS256");
    assert!(header["kid"]
        .as_str()
        .is_some_and(|kid| kid.starts_with("sandbox-")));
    let claims = jwt_claims(answer.access_token());
    assert_eq!(claims["sub"], "sandbox-client");
    assert_eq!(claims["sub_type"], "client");
    assert_eq!(claims["client_id"], "sandbox-client");
    assert_eq!(claims["aud"], "https://sandbox.integration.local:443");
    assert_eq!(
        claims["scope"], "urn:opc:resource:consumer::all",
        "Oracle drops the audience in the claim"
    );
    assert_eq!(claims["iss"], sandbox.identity_url().as_str());
    assert_eq!(claims["tok_type"], "AT");
    assert!(claims["jti"].as_str().is_some_and(|jti| !jti.is_empty()));
    let (iat, exp) = (
        claims["iat"].as_u64().unwrap(),
        claims["exp"].as_u64().unwrap(),
    );
    assert_eq!(exp - iat, 3600);
}

#[tokio::test]
async fn client_credentials_with_the_secret_in_the_body_works_too() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = token(
        &sandbox,
        Auth::Body(&credentials.client_id, &credentials.client_secret),
        &[
            ("grant_type", "client_credentials"),
            ("scope", &credentials.scope_api),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(jwt_claims(answer.access_token())["scope"], "/ic/api/");
}

#[tokio::test]
async fn basic_credentials_may_be_form_urlencoded_before_base64() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let encoded = format!(
        "Basic {}",
        STANDARD.encode("sandbox%2Dclient:sandbox%2Dsecret")
    );
    let request = http()
        .post(sandbox.token_url())
        .header(CONTENT_TYPE, FORM)
        .header(AUTHORIZATION, encoded)
        .body(encode(&[
            ("grant_type", "client_credentials"),
            ("scope", &credentials.scope_all),
        ]));
    let answer = send_token(request).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "RFC 6749 §2.3.1 encoding is accepted: {}",
        answer.body
    );
}

#[tokio::test]
async fn the_client_id_may_repeat_in_the_body_next_to_basic_auth() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = token(
        &sandbox,
        Auth::basic(&sandbox),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &credentials.client_id),
            ("scope", &credentials.scope_all),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn client_credentials_never_return_a_refresh_token() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = client_credentials(&sandbox, &offline(&credentials.scope_all)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(
        answer.body.get("refresh_token").is_none(),
        "RFC 6749 §4.4.3"
    );
    assert_eq!(
        answer.body["scope"],
        credentials.scope_all.as_str(),
        "offline_access is not granted"
    );
}

#[tokio::test]
async fn the_client_credentials_only_client_gets_tokens() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = token(
        &sandbox,
        Auth::Basic(
            &credentials.cc_only_client_id,
            &credentials.cc_only_client_secret,
        ),
        &[
            ("grant_type", "client_credentials"),
            ("scope", &credentials.scope_all),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(
        jwt_claims(answer.access_token())["client_id"],
        "sandbox-cc-only"
    );
}

#[tokio::test]
async fn every_token_has_its_own_jti() {
    let sandbox = start().await;
    let scope = &sandbox.credentials().scope_all;
    let first = jwt_claims(client_credentials(&sandbox, scope).await.access_token());
    let second = jwt_claims(client_credentials(&sandbox, scope).await.access_token());
    assert_ne!(first["jti"], second["jti"]);
}
