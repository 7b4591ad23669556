use crate::idp;
use oauth_console_core::grants::client_credentials::ClientCredentials;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::{request_token, ClientAuth, Error, IpcError, Secret, TokenRequest};
use std::time::SystemTime;

fn grant(secret: &str, scope: &str, auth: ClientAuth) -> TokenRequest {
    TokenRequest::ClientCredentials(ClientCredentials {
        client: Client {
            token_url: idp::token_url(),
            client_id: idp::var("OC_IDP_CC_CLIENT_ID"),
            client_secret: Secret::new(secret),
            client_auth: auth,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        scope: scope.to_owned(),
    })
}

fn http() -> HttpClient {
    HttpClient::new(HttpSettings::default()).unwrap()
}

async fn get(request: TokenRequest) -> oauth_console_core::Result<oauth_console_core::Token> {
    request_token(&http(), &request, SystemTime::now()).await
}

#[tokio::test]
async fn a_valid_client_gets_a_bearer_token_with_basic_auth() {
    let secret = idp::var("OC_IDP_CC_CLIENT_SECRET");
    let token = get(grant(&secret, &idp::scope(), ClientAuth::BasicHeader))
        .await
        .expect("the seeded client gets a token");
    assert!(!token.access_token.is_empty());
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.expires_in, Some(3600), "the server is configured for one hour");
    assert_eq!(token.scope.as_deref(), Some(idp::scope().as_str()), "the Oracle-style scope comes back as sent");
    assert!(token.refresh_token.is_none(), "client credentials never get a refresh token");
}

#[tokio::test]
async fn a_valid_client_gets_a_token_with_credentials_in_the_body() {
    let secret = idp::var("OC_IDP_CC_CLIENT_SECRET");
    let token = get(grant(&secret, &idp::scope(), ClientAuth::RequestBody))
        .await
        .expect("body client authentication is accepted");
    assert_eq!(token.token_type, "Bearer");
}

#[tokio::test]
async fn a_wrong_secret_gives_invalid_client_with_a_hint() {
    let err = get(grant("wrong-secret", &idp::scope(), ClientAuth::BasicHeader)).await.unwrap_err();
    assert!(matches!(&err, Error::OAuth { status: 401, error, .. } if error == "invalid_client"), "{err:?}");
    let ipc = IpcError::from(err);
    assert_eq!(ipc.code, "invalid_client");
    assert!(ipc.hint.unwrap().contains("activated"));
    assert!(!ipc.message.contains("wrong-secret"), "the secret never appears in a message");
}

#[tokio::test]
async fn a_wrong_secret_in_the_body_also_gives_invalid_client() {
    let err = get(grant("wrong-secret", &idp::scope(), ClientAuth::RequestBody)).await.unwrap_err();
    assert_eq!(err.code(), "invalid_client", "{err:?}");
}

#[tokio::test]
async fn a_scope_the_application_does_not_have_gives_invalid_scope() {
    let secret = idp::var("OC_IDP_CC_CLIENT_SECRET");
    let err = get(grant(&secret, "https://wrong.example:443urn:opc:resource:consumer::all", ClientAuth::BasicHeader))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::OAuth { status: 400, error, .. } if error == "invalid_scope"), "{err:?}");
    assert!(IpcError::from(err).hint.unwrap().contains("Token Issuance Policy"));
}

#[tokio::test]
async fn a_token_url_that_serves_an_html_page_is_reported_as_such() {
    let secret = idp::var("OC_IDP_CC_CLIENT_SECRET");
    let TokenRequest::ClientCredentials(mut request) = grant(&secret, &idp::scope(), ClientAuth::BasicHeader) else {
        unreachable!()
    };
    // The server's sign-in page answers a POST with an HTML error page.
    request.client.token_url = format!("{}/accounts/login/", idp::base());
    let err = get(TokenRequest::ClientCredentials(request)).await.unwrap_err();
    assert!(matches!(err, Error::HtmlResponse { .. }), "{err:?}");
}
