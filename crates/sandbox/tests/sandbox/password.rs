//! The resource owner password credentials grant, including the user who
//! lacks the ServiceInvoker role.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::support::*;

#[tokio::test]
async fn the_password_grant_returns_user_claims_and_a_refresh_token_for_offline_access() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = password_grant(&sandbox, &offline(&credentials.scope_all)).await;

    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(!answer.refresh_token().is_empty());
    assert_eq!(
        answer.body["scope"],
        offline(&credentials.scope_all).as_str()
    );
    let claims = jwt_claims(answer.access_token());
    assert_eq!(claims["sub"], "sandbox.invoker");
    assert_eq!(claims["sub_type"], "user");
    assert_eq!(claims["client_id"], "sandbox-client");
    assert_eq!(claims["user_displayname"], "Sandbox Invoker");
    assert!(claims["user_id"].is_string());
    assert_eq!(
        claims["scope"],
        "urn:opc:resource:consumer::all offline_access"
    );
}

#[tokio::test]
async fn the_password_grant_without_offline_access_has_no_refresh_token() {
    let sandbox = start().await;
    let answer = password_grant(&sandbox, &sandbox.credentials().scope_all).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(answer.body.get("refresh_token").is_none());
}

#[tokio::test]
async fn openid_adds_an_id_token_signed_with_the_published_es256_key() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = password_grant(&sandbox, &format!("openid {}", credentials.scope_all)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);

    let id_token = answer.body["id_token"]
        .as_str()
        .expect("openid asks for an ID token");
    let claims = jwt_claims(id_token);
    assert_eq!(claims["sub"], "sandbox.invoker");
    assert_eq!(
        claims["aud"], "sandbox-client",
        "an ID token is for the client"
    );
    assert_eq!(claims["iss"], sandbox.identity_url().as_str());
    assert!(claims.get("nonce").is_none(), "no nonce was given");
    let digest = Sha256::digest(answer.access_token().as_bytes());
    assert_eq!(
        claims["at_hash"],
        URL_SAFE_NO_PAD.encode(&digest[..16]).as_str()
    );

    // ES256, with the key the sandbox publishes where OCI IAM publishes its own.
    let header: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(id_token.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(header["alg"], "ES256");
    let jwks: serde_json::Value = reqwest::get(format!("{}/admin/v1/SigningCert/jwk", sandbox.identity_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = jwks["keys"].as_array().unwrap().iter().find(|k| k["kid"] == header["kid"]).expect("the kid is published");
    let mut point = vec![4u8];
    point.extend(URL_SAFE_NO_PAD.decode(key["x"].as_str().unwrap()).unwrap());
    point.extend(URL_SAFE_NO_PAD.decode(key["y"].as_str().unwrap()).unwrap());
    let (signing_input, signature) = id_token.rsplit_once('.').unwrap();
    ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, point)
        .verify(signing_input.as_bytes(), &URL_SAFE_NO_PAD.decode(signature).unwrap())
        .expect("the ID token verifies with the published key");
}

#[tokio::test]
async fn user_names_are_not_case_sensitive() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = token(
        &sandbox,
        Auth::basic(&sandbox),
        &[
            ("grant_type", "password"),
            ("username", "Sandbox.Invoker"),
            ("password", &credentials.password),
            ("scope", &credentials.scope_all),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn a_wrong_password_is_invalid_grant() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = token(
        &sandbox,
        Auth::basic(&sandbox),
        &[
            ("grant_type", "password"),
            ("username", &credentials.username),
            ("password", "not-the-password"),
            ("scope", &credentials.scope_all),
        ],
    )
    .await;
    answer.assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn a_user_without_the_service_invoker_role_is_invalid_grant_and_told_why() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = token(
        &sandbox,
        Auth::basic(&sandbox),
        &[
            ("grant_type", "password"),
            ("username", &credentials.no_role_username),
            ("password", &credentials.no_role_password),
            ("scope", &credentials.scope_all),
        ],
    )
    .await;
    answer.assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert!(
        answer.description().contains("ServiceInvoker"),
        "{}",
        answer.description()
    );
    assert!(
        answer.description().contains("sandbox.viewer"),
        "{}",
        answer.description()
    );
}

#[tokio::test]
async fn a_missing_password_is_invalid_request() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = token(
        &sandbox,
        Auth::basic(&sandbox),
        &[
            ("grant_type", "password"),
            ("username", &credentials.username),
            ("scope", &credentials.scope_all),
        ],
    )
    .await;
    answer.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
}
