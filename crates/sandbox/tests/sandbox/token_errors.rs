//! Every RFC 6749 §5.2 error of the token endpoint: status, `error`, and the
//! Basic challenge when Basic authentication failed.

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::StatusCode;

use crate::support::*;

async fn raw(
    sandbox: &oauth_console_sandbox::Sandbox,
    content_type: Option<&str>,
    body: &str,
) -> Answer {
    let credentials = sandbox.credentials();
    let mut request = http()
        .post(sandbox.token_url())
        .header(
            AUTHORIZATION,
            basic(&credentials.client_id, &credentials.client_secret),
        )
        .body(body.to_owned());
    if let Some(content_type) = content_type {
        request = request.header(CONTENT_TYPE, content_type);
    }
    send_token(request).await
}

#[tokio::test]
async fn a_json_body_is_invalid_request() {
    let sandbox = start().await;
    let body = format!(
        r#"{{"grant_type":"client_credentials","scope":"{}"}}"#,
        sandbox.credentials().scope_all
    );
    raw(&sandbox, Some("application/json"), &body)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn a_body_without_content_type_is_invalid_request() {
    let sandbox = start().await;
    raw(&sandbox, None, "grant_type=client_credentials")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn a_charset_other_than_utf8_is_invalid_request() {
    let sandbox = start().await;
    raw(
        &sandbox,
        Some("application/x-www-form-urlencoded; charset=ISO-8859-1"),
        "grant_type=client_credentials",
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn the_form_content_type_without_charset_is_accepted() {
    let sandbox = start().await;
    let body = encode(&[
        ("grant_type", "client_credentials"),
        ("scope", &sandbox.credentials().scope_all),
    ]);
    let answer = raw(&sandbox, Some("application/x-www-form-urlencoded"), &body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn a_repeated_parameter_is_invalid_request() {
    let sandbox = start().await;
    let scope = &sandbox.credentials().scope_all;
    let answer = token(
        &sandbox,
        Auth::basic(&sandbox),
        &[
            ("grant_type", "client_credentials"),
            ("scope", scope),
            ("scope", scope),
        ],
    )
    .await;
    answer.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    assert!(
        answer.description().contains("scope"),
        "{}",
        answer.description()
    );
}

#[tokio::test]
async fn basic_auth_and_a_body_secret_together_are_invalid_request() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    token(
        &sandbox,
        Auth::basic(&sandbox),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &credentials.client_id),
            ("client_secret", &credentials.client_secret),
            ("scope", &credentials.scope_all),
        ],
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn a_body_client_id_that_differs_from_basic_is_invalid_request() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    token(
        &sandbox,
        Auth::basic(&sandbox),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &credentials.cc_only_client_id),
            ("scope", &credentials.scope_all),
        ],
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn a_wrong_secret_with_basic_is_401_invalid_client_with_a_basic_challenge() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = token(
        &sandbox,
        Auth::Basic(&credentials.client_id, "wrong-secret"),
        &[
            ("grant_type", "client_credentials"),
            ("scope", &credentials.scope_all),
        ],
    )
    .await;
    answer.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
    assert_eq!(answer.headers[WWW_AUTHENTICATE], "Basic realm=\"sandbox\"");
    assert!(
        !answer.description().contains("wrong-secret"),
        "secrets are never echoed"
    );
}

#[tokio::test]
async fn a_wrong_secret_in_the_body_is_401_invalid_client_without_a_challenge() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = token(
        &sandbox,
        Auth::Body(&credentials.client_id, "wrong-secret"),
        &[
            ("grant_type", "client_credentials"),
            ("scope", &credentials.scope_all),
        ],
    )
    .await;
    answer.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
    assert!(answer.headers.get(WWW_AUTHENTICATE).is_none());
}

#[tokio::test]
async fn an_unknown_client_is_invalid_client() {
    let sandbox = start().await;
    let answer = token(
        &sandbox,
        Auth::Basic("no-such-client", "x"),
        &[
            ("grant_type", "client_credentials"),
            ("scope", &sandbox.credentials().scope_all),
        ],
    )
    .await;
    answer.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
    assert!(
        answer.description().contains("no-such-client"),
        "{}",
        answer.description()
    );
}

#[tokio::test]
async fn no_client_authentication_at_all_is_invalid_client() {
    let sandbox = start().await;
    let answer = token(
        &sandbox,
        Auth::None,
        &[
            ("grant_type", "client_credentials"),
            ("scope", &sandbox.credentials().scope_all),
        ],
    )
    .await;
    answer.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
}

#[tokio::test]
async fn a_client_id_without_its_secret_is_invalid_client() {
    let sandbox = start().await;
    let answer = token(
        &sandbox,
        Auth::None,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &sandbox.credentials().client_id),
            ("scope", &sandbox.credentials().scope_all),
        ],
    )
    .await;
    answer.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
}

#[tokio::test]
async fn a_missing_grant_type_is_invalid_request() {
    let sandbox = start().await;
    token(
        &sandbox,
        Auth::basic(&sandbox),
        &[("scope", &sandbox.credentials().scope_all)],
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn an_unknown_grant_type_is_unsupported_grant_type() {
    let sandbox = start().await;
    token(
        &sandbox,
        Auth::basic(&sandbox),
        &[("grant_type", "urn:ietf:params:oauth:grant-type:saml2-bearer")],
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
}

#[tokio::test]
async fn the_client_credentials_only_client_is_unauthorized_for_the_password_grant() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let answer = token(
        &sandbox,
        Auth::Basic(
            &credentials.cc_only_client_id,
            &credentials.cc_only_client_secret,
        ),
        &[
            ("grant_type", "password"),
            ("username", &credentials.username),
            ("password", &credentials.password),
            ("scope", &credentials.scope_all),
        ],
    )
    .await;
    answer.assert_error(StatusCode::BAD_REQUEST, "unauthorized_client");
    assert!(
        answer.description().contains("client_credentials"),
        "{}",
        answer.description()
    );
}

#[tokio::test]
async fn an_unknown_scope_is_invalid_scope_mentioning_the_audience() {
    let sandbox = start().await;
    let answer = client_credentials(&sandbox, "urn:opc:resource:consumer::all").await;
    answer.assert_error(StatusCode::BAD_REQUEST, "invalid_scope");
    assert!(
        answer
            .description()
            .contains("https://sandbox.integration.local:443"),
        "the description explains the audience prefix: {}",
        answer.description()
    );
}

#[tokio::test]
async fn a_scope_with_a_space_after_the_audience_is_invalid_scope() {
    let sandbox = start().await;
    let answer = client_credentials(
        &sandbox,
        "https://sandbox.integration.local:443 urn:opc:resource:consumer::all",
    )
    .await;
    answer.assert_error(StatusCode::BAD_REQUEST, "invalid_scope");
}

#[tokio::test]
async fn a_missing_scope_is_invalid_scope() {
    let sandbox = start().await;
    token(
        &sandbox,
        Auth::basic(&sandbox),
        &[("grant_type", "client_credentials")],
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "invalid_scope");
}
