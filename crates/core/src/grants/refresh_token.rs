//! Refresh token (RFC 6749 §6): a new access token for a refresh token, with
//! the same client authentication as the grant that issued it (Basic stays
//! Basic), as in Oracle's "Update the Access Token":
//!
//! ```text
//! POST /oauth2/v1/token
//! Authorization: Basic base64(client_id:client_secret)
//! Content-Type: application/x-www-form-urlencoded;charset=UTF-8
//!
//! grant_type=refresh_token&refresh_token=<refresh token>
//! ```
//!
//! This is the one refresh path: the Refresh action, a refresh token pasted by
//! the user and auto-refresh ([`crate::expiry`]) all come here. A rotated
//! refresh token replaces the one sent; when the server does not rotate, the
//! one sent is kept. `invalid_grant` becomes [`Error::RefreshRejected`], so
//! the app marks the token expired and asks for a new one.

use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::secret::Secret;
use crate::grants::exchange::{at_once, oauth_client, scopes, with_assertion_hints, Client, Outcome, Proof, Transport};
use crate::token::Token;
use oauth2::HttpRequest;
use serde::Deserialize;
use std::time::SystemTime;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshToken {
    #[serde(flatten)]
    pub client: Client,
    pub refresh_token: Secret,
    /// Usually empty: the new token has the scope of the original grant. A
    /// narrower scope may be asked for.
    #[serde(default)]
    pub scope: String,
}

pub async fn request(http: &HttpClient, grant: &RefreshToken, now: SystemTime) -> Result<Token> {
    let sent = grant.refresh_token.expose().trim();
    let transport = Transport::new(http, &grant.client, &grant.client.token_url)?;
    let outcome = exchange(&transport, grant, now.into()).await?;
    match with_assertion_hints(&grant.client, transport.finish(outcome, now)) {
        Ok(mut token) => {
            if token.refresh_token.is_none() {
                token.refresh_token = Some(Secret::new(sent));
            }
            Ok(token)
        }
        Err(Error::OAuth {
            error, description, ..
        }) if error == "invalid_grant" => Err(Error::RefreshRejected { description }),
        Err(other) => Err(other),
    }
}

/// The request [`request`] sends, built and kept instead of sent (Copy as
/// cURL); a client assertion is a placeholder.
pub fn unsent(grant: &RefreshToken) -> Result<HttpRequest> {
    let transport = Transport::capture(&grant.client.token_url);
    let outcome = at_once(exchange(&transport, grant, Proof::Placeholder))?;
    transport.captured(outcome)
}

async fn exchange(transport: &Transport, grant: &RefreshToken, proof: Proof) -> Result<Outcome> {
    let oauth = oauth_client(&grant.client)?;
    let sent = grant.refresh_token.expose().trim();
    if sent.is_empty() {
        return Err(Error::MissingField {
            field: "Refresh Token",
        });
    }
    let refresh_token = oauth2::RefreshToken::new(sent.to_owned());
    let mut exchange = oauth.exchange_refresh_token(&refresh_token).add_scopes(scopes(&grant.scope));
    for (name, value) in grant.client.assertion_params(proof)? {
        exchange = exchange.add_extra_param(name, value);
    }
    Ok(exchange.request_async(transport).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpSettings;
    use crate::testing::serve_once;
    use crate::grants::TokenRequest;
    use crate::token::ClientAuth;
    use crate::IpcError;
    use base64::Engine;

    fn grant(base: &str, auth: ClientAuth) -> RefreshToken {
        RefreshToken {
            client: Client {
                token_url: format!("{base}/oauth2/v1/token"),
                client_id: "my-client".into(),
                client_secret: Secret::new("my-secret"),
                client_auth: auth,
                client_assertion: None,
                mutual_tls: false,
                extra_roots: Vec::new(),
            },
            refresh_token: Secret::new("old-refresh"),
            scope: String::new(),
        }
    }

    fn form(body: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    }

    #[tokio::test]
    async fn refresh_keeps_basic_client_auth_and_sends_only_the_refresh_token() {
        let (base, seen) = serve_once(
            200,
            "application/json",
            r#"{"access_token":"new","token_type":"Bearer","expires_in":3600,"refresh_token":"rotated"}"#,
        )
        .await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let token = request(
            &http,
            &grant(&base, ClientAuth::BasicHeader),
            SystemTime::now(),
        )
        .await
        .unwrap();
        assert_eq!(
            token.refresh_token.as_ref().map(Secret::expose),
            Some("rotated"),
            "a rotated refresh token replaces the old one"
        );

        let seen = seen.await.unwrap();
        let expected = base64::engine::general_purpose::STANDARD.encode("my-client:my-secret");
        assert_eq!(
            seen.header("authorization"),
            Some(format!("Basic {expected}").as_str())
        );
        let form = form(&seen.body);
        assert_eq!(
            form,
            vec![
                ("grant_type".into(), "refresh_token".into()),
                ("refresh_token".into(), "old-refresh".into())
            ],
            "Oracle's refresh request carries nothing else"
        );
    }

    #[tokio::test]
    async fn refresh_with_body_auth_sends_the_credentials_in_the_form() {
        let (base, seen) = serve_once(
            200,
            "application/json",
            r#"{"access_token":"new","token_type":"Bearer"}"#,
        )
        .await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        request(
            &http,
            &grant(&base, ClientAuth::RequestBody),
            SystemTime::now(),
        )
        .await
        .unwrap();
        let seen = seen.await.unwrap();
        assert_eq!(seen.header("authorization"), None);
        let form = form(&seen.body);
        assert!(
            form.contains(&("client_secret".into(), "my-secret".into())),
            "{form:?}"
        );
    }

    #[tokio::test]
    async fn a_server_that_does_not_rotate_leaves_the_old_refresh_token_in_place() {
        let (base, _seen) = serve_once(
            200,
            "application/json",
            r#"{"access_token":"new","token_type":"Bearer","expires_in":60}"#,
        )
        .await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let token = request(
            &http,
            &grant(&base, ClientAuth::BasicHeader),
            SystemTime::now(),
        )
        .await
        .unwrap();
        assert_eq!(
            token.refresh_token.as_ref().map(Secret::expose),
            Some("old-refresh")
        );
    }

    #[tokio::test]
    async fn invalid_grant_on_refresh_is_a_refresh_rejected_error_that_says_get_a_new_token() {
        let (base, _seen) = serve_once(
            400,
            "application/json",
            r#"{"error":"invalid_grant","error_description":"the refresh token expired"}"#,
        )
        .await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let err = request(
            &http,
            &grant(&base, ClientAuth::BasicHeader),
            SystemTime::now(),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&err, Error::RefreshRejected { description: Some(d) } if d == "the refresh token expired"),
            "{err:?}"
        );
        let ipc = IpcError::from(err);
        assert_eq!(ipc.code, "refresh_rejected");
        assert!(
            ipc.message
                .contains("invalid_grant: the refresh token expired"),
            "{}",
            ipc.message
        );
        assert!(ipc.hint.unwrap().starts_with("Get a new token"));
        assert!(
            !ipc.message.contains("old-refresh"),
            "the refresh token never appears in a message"
        );
    }

    #[tokio::test]
    async fn other_errors_keep_their_rfc_code() {
        let (base, _seen) =
            serve_once(401, "application/json", r#"{"error":"invalid_client"}"#).await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let err = request(
            &http,
            &grant(&base, ClientAuth::BasicHeader),
            SystemTime::now(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.code(), "invalid_client");
    }

    #[tokio::test]
    async fn an_empty_refresh_token_is_reported_before_anything_is_sent() {
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let mut g = grant("http://127.0.0.1:9", ClientAuth::BasicHeader);
        g.refresh_token = Secret::new("  ");
        let err = request(&http, &g, SystemTime::now()).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::MissingField {
                    field: "Refresh Token"
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_refresh_request_is_read_from_the_ui_json_and_hides_the_token() {
        let request: TokenRequest = serde_json::from_value(serde_json::json!({
            "grantType": "refresh_token",
            "tokenUrl": "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token",
            "clientId": "abc",
            "clientSecret": "def",
            "clientAuth": "basic_header",
            "refreshToken": "not-a-real-refresh-token"
        }))
        .unwrap();
        let TokenRequest::RefreshToken(grant) = request else {
            panic!("grantType refresh_token must be read as RefreshToken")
        };
        assert_eq!(grant.refresh_token.expose(), "not-a-real-refresh-token");
        assert!(grant.scope.is_empty());
        assert!(!format!("{grant:?}").contains("not-a-real-refresh-token"));
    }
}
