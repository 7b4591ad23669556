//! The Implicit grant (`response_type=token`) through the sign-in page: the
//! token, and every refusal, come back in the redirect's fragment.

use std::collections::HashMap;

use reqwest::header::LOCATION;
use reqwest::StatusCode;
use url::Url;

use crate::support::*;

fn fragment_of(url: &Url) -> HashMap<String, String> {
    url::form_urlencoded::parse(url.fragment().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// Signs in as the seeded user with `extra` on the Implicit request, and
/// returns the redirect's address.
async fn implicit_sign_in(sandbox: &oauth_console_sandbox::Sandbox, extra: &[(&str, &str)]) -> Url {
    let mut extra: Vec<(&str, &str)> = extra.to_vec();
    if !extra.iter().any(|(k, _)| *k == "response_type") {
        extra.push(("response_type", "token"));
    }
    let (page, html) = sign_in_page(sandbox, &extra).await;
    let credentials = sandbox.credentials();
    let response = submit_sign_in(&page, &html, &credentials.username, &credentials.password, "sign-in").await;
    assert_eq!(response.status(), StatusCode::FOUND, "a successful sign-in redirects");
    Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap()
}

#[tokio::test]
async fn an_implicit_sign_in_redirects_with_the_token_in_the_fragment_and_no_refresh_token() {
    let sandbox = start().await;
    let location = implicit_sign_in(&sandbox, &[]).await;
    assert!(location.as_str().starts_with(REDIRECT_URI));
    assert_eq!(location.query(), None, "nothing in the query, where a server would see it");
    let fragment = fragment_of(&location);
    assert_eq!(fragment["state"], "state-123");
    assert_eq!(fragment["token_type"], "Bearer");
    assert!(fragment["expires_in"].parse::<u64>().unwrap() > 0);
    assert!(!fragment.contains_key("refresh_token"), "Implicit never gives a refresh token: {:?}", fragment.keys());
    assert!(!fragment.contains_key("id_token"), "response_type=token asks for no ID token");
    let claims = jwt_claims(&fragment["access_token"]);
    assert_eq!(claims["sub"], "sandbox.invoker");
    assert_eq!(claims["client_id"], sandbox.credentials().client_id.as_str());
}

#[tokio::test]
async fn id_token_token_with_openid_adds_an_id_token_with_the_nonce() {
    let sandbox = start().await;
    let scope = format!("openid {}", sandbox.credentials().scope_all);
    let location = implicit_sign_in(
        &sandbox,
        &[("response_type", "id_token token"), ("scope", &scope), ("nonce", "n-implicit")],
    )
    .await;
    let fragment = fragment_of(&location);
    let id_token = jwt_claims(&fragment["id_token"]);
    assert_eq!(id_token["nonce"], "n-implicit");
}

#[tokio::test]
async fn a_client_not_allowed_implicit_gets_unauthorized_client_in_the_fragment() {
    let sandbox = start().await;
    let credentials = sandbox.credentials();
    let response = http()
        .get(authorize_url(
            &sandbox,
            &authorize_query(&sandbox, &[("response_type", "token"), ("client_id", &credentials.cc_only_client_id)]),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND, "this error goes back to the client");
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    assert_eq!(location.query(), None);
    let fragment = fragment_of(&location);
    assert_eq!(fragment["error"], "unauthorized_client");
    assert!(fragment["error_description"].contains("implicit"), "{fragment:?}");
    assert_eq!(fragment["state"], "state-123");
}

#[tokio::test]
async fn cancel_of_an_implicit_sign_in_puts_access_denied_in_the_fragment() {
    let sandbox = start().await;
    let (page, html) = sign_in_page(&sandbox, &[("response_type", "token")]).await;
    let response = submit_sign_in(&page, &html, "", "", "cancel").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    let fragment = fragment_of(&location);
    assert_eq!(fragment["error"], "access_denied");
    assert_eq!(fragment["state"], "state-123");
}

#[tokio::test]
async fn an_implicit_token_is_not_asked_for_at_the_token_endpoint() {
    let sandbox = start().await;
    let answer = token(&sandbox, Auth::basic(&sandbox), &[("grant_type", "implicit")]).await;
    answer.assert_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
}
