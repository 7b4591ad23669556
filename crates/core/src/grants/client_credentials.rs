//! Client credentials (RFC 6749 §4.4): the confidential application asks for
//! a token for itself, as in Oracle's "Call the Developer APIs with Client
//! Credentials":
//!
//! ```text
//! POST /oauth2/v1/token
//! Authorization: Basic base64(client_id:client_secret)
//! Content-Type: application/x-www-form-urlencoded;charset=UTF-8
//!
//! grant_type=client_credentials&scope=<audience>urn:opc:resource:consumer::all
//! ```

use crate::error::Result;
use crate::http::HttpClient;
use crate::grants::exchange::{at_once, oauth_client, scopes, with_assertion_hints, Client, Outcome, Proof, Transport};
use crate::token::Token;
use oauth2::HttpRequest;
use serde::Deserialize;
use std::time::SystemTime;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientCredentials {
    #[serde(flatten)]
    pub client: Client,
    #[serde(default)]
    pub scope: String,
}

pub async fn request(http: &HttpClient, grant: &ClientCredentials, now: SystemTime) -> Result<Token> {
    let transport = Transport::new(http, &grant.client, &grant.client.token_url)?;
    let outcome = exchange(&transport, grant, now.into()).await?;
    with_assertion_hints(&grant.client, transport.finish(outcome, now))
}

/// The request [`request`] sends, built and kept instead of sent (Copy as
/// cURL); a client assertion is a placeholder.
pub fn unsent(grant: &ClientCredentials) -> Result<HttpRequest> {
    let transport = Transport::capture(&grant.client.token_url);
    let outcome = at_once(exchange(&transport, grant, Proof::Placeholder))?;
    transport.captured(outcome)
}

async fn exchange(transport: &Transport, grant: &ClientCredentials, proof: Proof) -> Result<Outcome> {
    let oauth = oauth_client(&grant.client)?;
    let mut exchange = oauth.exchange_client_credentials().add_scopes(scopes(&grant.scope));
    for (name, value) in grant.client.assertion_params(proof)? {
        exchange = exchange.add_extra_param(name, value);
    }
    Ok(exchange.request_async(transport).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::http::HttpSettings;
    use crate::testing::serve_once;
    use crate::token::ClientAuth;
    use crate::Secret;
    use base64::Engine;

    const OK: &str = r#"{"access_token":"tok","token_type":"Bearer","expires_in":3600}"#;

    fn grant(base: &str, auth: ClientAuth) -> ClientCredentials {
        ClientCredentials {
            client: Client {
                token_url: format!("{base}/oauth2/v1/token"),
                client_id: "my-client".into(),
                client_secret: Secret::new("my-secret"),
                client_auth: auth,
                client_assertion: None,
                mutual_tls: false,
                extra_roots: Vec::new(),
            },
            scope: "https://aud.example:443urn:opc:resource:consumer::all".into(),
        }
    }

    fn form(body: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(body.as_bytes()).into_owned().collect()
    }

    #[tokio::test]
    async fn basic_auth_sends_the_credentials_in_the_header_and_the_scope_in_the_form() {
        let (base, seen) = serve_once(200, "application/json", OK).await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let token = request(&http, &grant(&base, ClientAuth::BasicHeader), SystemTime::now()).await.unwrap();
        assert_eq!(token.access_token.expose(), "tok");

        let seen = seen.await.unwrap();
        assert!(seen.head.starts_with("POST /oauth2/v1/token "), "{}", seen.head);
        let expected = base64::engine::general_purpose::STANDARD.encode("my-client:my-secret");
        assert_eq!(seen.header("authorization"), Some(format!("Basic {expected}").as_str()));
        assert_eq!(
            seen.header("content-type"),
            Some("application/x-www-form-urlencoded;charset=UTF-8"),
            "Oracle's documents send an explicit charset"
        );
        let form = form(&seen.body);
        assert!(form.contains(&("grant_type".into(), "client_credentials".into())), "{form:?}");
        assert!(form.contains(&("scope".into(), "https://aud.example:443urn:opc:resource:consumer::all".into())), "{form:?}");
        assert!(!form.iter().any(|(k, _)| k == "client_secret"), "the secret is not also in the body");
    }

    #[tokio::test]
    async fn body_auth_sends_the_credentials_in_the_form_and_no_authorization_header() {
        let (base, seen) = serve_once(200, "application/json", OK).await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        request(&http, &grant(&base, ClientAuth::RequestBody), SystemTime::now()).await.unwrap();

        let seen = seen.await.unwrap();
        assert_eq!(seen.header("authorization"), None);
        let form = form(&seen.body);
        assert!(form.contains(&("client_id".into(), "my-client".into())), "{form:?}");
        assert!(form.contains(&("client_secret".into(), "my-secret".into())), "{form:?}");
    }

    #[tokio::test]
    async fn a_client_assertion_replaces_the_secret_with_a_signed_jwt() {
        let (base, seen) = serve_once(200, "application/json", OK).await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let pair = crate::keys::tests::test_pair();
        let mut g = grant(&base, ClientAuth::ClientAssertion);
        g.client.client_assertion = Some(crate::assertion::Signing {
            private_key: Secret::new(pair.private_key.expose_pem()),
            certificate: pair.certificate.pem().to_owned(),
            key_id: "client-key".into(),
            key_id_kind: crate::assertion::KeyIdKind::Alias,
            audience: String::new(),
            lifetime_secs: 0,
        });
        request(&http, &g, SystemTime::now()).await.unwrap();
        let seen = seen.await.unwrap();
        assert_eq!(seen.header("authorization"), None, "no Basic header with a client assertion");
        let form = form(&seen.body);
        assert!(!form.iter().any(|(k, _)| k == "client_secret"), "no secret is sent: {form:?}");
        assert!(form.contains(&("client_id".into(), "my-client".into())), "{form:?}");
        assert!(form.contains(&(
            "client_assertion_type".into(),
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into()
        )));
        let jwt = &form.iter().find(|(k, _)| k == "client_assertion").expect("a client assertion").1;
        let decoded = crate::jwt::decode(jwt).unwrap();
        assert_eq!(decoded.header["kid"], "client-key");
        assert_eq!(decoded.claims["iss"], "my-client");
        assert_eq!(decoded.claims["sub"], "my-client");
        assert_eq!(decoded.claims["aud"], "https://identity.oraclecloud.com/");
    }

    #[tokio::test]
    async fn a_client_assertion_without_a_key_is_reported_before_anything_is_sent() {
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let g = grant("http://127.0.0.1:9", ClientAuth::ClientAssertion);
        let err = request(&http, &g, SystemTime::now()).await.unwrap_err();
        assert!(matches!(err, Error::MissingField { field: "Private Key" }), "{err:?}");
    }

    #[tokio::test]
    async fn an_empty_scope_is_left_out_of_the_request() {
        let (base, seen) = serve_once(200, "application/json", OK).await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let mut g = grant(&base, ClientAuth::BasicHeader);
        g.scope = "   ".into();
        request(&http, &g, SystemTime::now()).await.unwrap();
        let form = form(&seen.await.unwrap().body);
        assert!(!form.iter().any(|(k, _)| k == "scope"), "{form:?}");
    }

    #[tokio::test]
    async fn an_html_page_from_the_token_url_is_reported_as_such() {
        let (base, _seen) = serve_once(200, "text/html", "<html><head><title>Sign In</title></head></html>").await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let err = request(&http, &grant(&base, ClientAuth::BasicHeader), SystemTime::now()).await.unwrap_err();
        assert!(matches!(err, Error::HtmlResponse { status: 200, .. }), "{err:?}");
    }

    #[tokio::test]
    async fn a_missing_client_id_is_reported_before_anything_is_sent() {
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let mut g = grant("http://127.0.0.1:9", ClientAuth::BasicHeader);
        g.client.client_id = " ".into();
        let err = request(&http, &g, SystemTime::now()).await.unwrap_err();
        assert!(matches!(err, Error::MissingField { field: "Client ID" }), "{err:?}");
    }

    #[tokio::test]
    async fn a_server_that_never_answers_times_out_with_a_clear_error() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let _hold = tokio::spawn(async move {
            let _conn = listener.accept().await;
            tokio::time::sleep(std::time::Duration::from_secs(10)).await;
        });
        let http = HttpClient::new(HttpSettings {
            timeout: std::time::Duration::from_millis(300),
            ..HttpSettings::default()
        }).unwrap();
        let err = request(&http, &grant(&base, ClientAuth::BasicHeader), SystemTime::now()).await.unwrap_err();
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    }
}
