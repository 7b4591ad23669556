//! Resource owner password credentials (RFC 6749 §4.3): the application sends
//! a user's name and password with its own credentials, as in Oracle's "Call
//! the Developer APIs with Resource Owner Password Credentials":
//!
//! ```text
//! POST /oauth2/v1/token
//! Authorization: Basic base64(client_id:client_secret)
//! Content-Type: application/x-www-form-urlencoded;charset=UTF-8
//!
//! grant_type=password&username=<user>&password=<password>&scope=<app scope>%20offline_access
//! ```
//!
//! The user must exist in the identity domain with a local password (single
//! sign-on users cannot use this grant) and hold the ServiceInvoker role; the
//! `invalid_grant` hint says so.

use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::secret::Secret;
use crate::grants::exchange::{at_once, oauth_client, requested_scopes, with_assertion_hints, Client, Outcome, Proof, Transport};
use crate::token::Token;
use oauth2::{HttpRequest, ResourceOwnerPassword, ResourceOwnerUsername};
use serde::Deserialize;
use std::time::SystemTime;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredentials {
    #[serde(flatten)]
    pub client: Client,
    pub username: String,
    pub password: Secret,
    #[serde(default)]
    pub scope: String,
    /// "Request refresh token (offline_access)": appends `offline_access`.
    #[serde(default)]
    pub request_refresh_token: bool,
}

pub async fn request(
    http: &HttpClient,
    grant: &PasswordCredentials,
    now: SystemTime,
) -> Result<Token> {
    let transport = Transport::new(http, &grant.client, &grant.client.token_url)?;
    let outcome = exchange(&transport, grant, now.into()).await?;
    with_assertion_hints(&grant.client, transport.finish(outcome, now))
}

/// The request [`request`] sends, built and kept instead of sent (Copy as
/// cURL); a client assertion is a placeholder.
pub fn unsent(grant: &PasswordCredentials) -> Result<HttpRequest> {
    let transport = Transport::capture(&grant.client.token_url);
    let outcome = at_once(exchange(&transport, grant, Proof::Placeholder))?;
    transport.captured(outcome)
}

async fn exchange(transport: &Transport, grant: &PasswordCredentials, proof: Proof) -> Result<Outcome> {
    let oauth = oauth_client(&grant.client)?;
    let username = grant.username.trim();
    if username.is_empty() {
        return Err(Error::MissingField { field: "Username" });
    }
    if grant.password.is_empty() {
        return Err(Error::MissingField { field: "Password" });
    }
    let username = ResourceOwnerUsername::new(username.to_owned());
    let password = ResourceOwnerPassword::new(grant.password.expose().to_owned());
    let mut exchange = oauth
        .exchange_password(&username, &password)
        .add_scopes(requested_scopes(&grant.scope, grant.request_refresh_token));
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
    use base64::Engine;

    const OK: &str =
        r#"{"access_token":"tok","token_type":"Bearer","expires_in":3600,"refresh_token":"ref"}"#;
    const SCOPE: &str = "https://aud.example:443urn:opc:resource:consumer::all";

    fn grant(base: &str, auth: ClientAuth, offline: bool) -> PasswordCredentials {
        PasswordCredentials {
            client: Client {
                token_url: format!("{base}/oauth2/v1/token"),
                client_id: "my-client".into(),
                client_secret: Secret::new("my-secret"),
                client_auth: auth,
                client_assertion: None,
                mutual_tls: false,
                extra_roots: Vec::new(),
            },
            username: "  jane.doe ".into(),
            password: Secret::new("pa ss&word="),
            scope: SCOPE.into(),
            request_refresh_token: offline,
        }
    }

    fn form(body: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    }

    #[tokio::test]
    async fn the_password_grant_sends_user_password_and_scope_with_basic_auth() {
        let (base, seen) = serve_once(200, "application/json", OK).await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let token = request(
            &http,
            &grant(&base, ClientAuth::BasicHeader, false),
            SystemTime::now(),
        )
        .await
        .unwrap();
        assert_eq!(
            token.refresh_token.as_ref().map(Secret::expose),
            Some("ref")
        );

        let seen = seen.await.unwrap();
        let expected = base64::engine::general_purpose::STANDARD.encode("my-client:my-secret");
        assert_eq!(
            seen.header("authorization"),
            Some(format!("Basic {expected}").as_str())
        );
        let form = form(&seen.body);
        assert!(
            form.contains(&("grant_type".into(), "password".into())),
            "{form:?}"
        );
        assert!(
            form.contains(&("username".into(), "jane.doe".into())),
            "the user name is trimmed: {form:?}"
        );
        assert!(
            form.contains(&("password".into(), "pa ss&word=".into())),
            "the password is sent as typed: {form:?}"
        );
        assert!(
            form.contains(&("scope".into(), SCOPE.into())),
            "no offline_access unless asked: {form:?}"
        );
    }

    #[tokio::test]
    async fn asking_for_a_refresh_token_appends_offline_access_to_the_scope() {
        let (base, seen) = serve_once(200, "application/json", OK).await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        request(
            &http,
            &grant(&base, ClientAuth::RequestBody, true),
            SystemTime::now(),
        )
        .await
        .unwrap();
        let form = form(&seen.await.unwrap().body);
        assert!(
            form.contains(&("scope".into(), format!("{SCOPE} offline_access"))),
            "{form:?}"
        );
        assert!(
            form.contains(&("client_secret".into(), "my-secret".into())),
            "{form:?}"
        );
    }

    #[tokio::test]
    async fn offline_access_already_in_the_scope_is_not_repeated() {
        let (base, seen) = serve_once(200, "application/json", OK).await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let mut g = grant(&base, ClientAuth::BasicHeader, true);
        g.scope = format!("offline_access {SCOPE}");
        request(&http, &g, SystemTime::now()).await.unwrap();
        let form = form(&seen.await.unwrap().body);
        assert!(
            form.contains(&("scope".into(), format!("offline_access {SCOPE}"))),
            "{form:?}"
        );
    }

    #[tokio::test]
    async fn an_empty_username_or_password_is_reported_before_anything_is_sent() {
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let mut g = grant("http://127.0.0.1:9", ClientAuth::BasicHeader, false);
        g.username = " ".into();
        let err = request(&http, &g, SystemTime::now()).await.unwrap_err();
        assert!(
            matches!(err, Error::MissingField { field: "Username" }),
            "{err:?}"
        );
        let mut g = grant("http://127.0.0.1:9", ClientAuth::BasicHeader, false);
        g.password = Secret::new("");
        let err = request(&http, &g, SystemTime::now()).await.unwrap_err();
        assert!(
            matches!(err, Error::MissingField { field: "Password" }),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn invalid_grant_explains_local_users_and_the_service_invoker_role() {
        let (base, _seen) = serve_once(
            400,
            "application/json",
            r#"{"error":"invalid_grant","error_description":"Invalid credentials given."}"#,
        )
        .await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let err = request(
            &http,
            &grant(&base, ClientAuth::BasicHeader, false),
            SystemTime::now(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.code(), "invalid_grant");
        let hint = err.hint().unwrap();
        assert!(
            hint.contains("local password") && hint.contains("single sign-on"),
            "{hint}"
        );
        assert!(hint.contains("ServiceInvoker"), "{hint}");
        assert!(
            !format!("{err} {err:?}").contains("pa ss&word="),
            "the password never appears in an error"
        );
    }

    #[test]
    fn a_password_request_is_read_from_the_ui_json_and_hides_the_password() {
        let request: TokenRequest = serde_json::from_value(serde_json::json!({
            "grantType": "password",
            "tokenUrl": "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token",
            "clientId": "abc",
            "clientSecret": "def",
            "username": "jane.doe",
            "password": "not-a-real-password",
            "scope": SCOPE,
            "requestRefreshToken": true
        }))
        .unwrap();
        let TokenRequest::Password(grant) = request else {
            panic!("grantType password must be read as Password")
        };
        assert!(grant.request_refresh_token);
        assert_eq!(
            grant.client.client_auth,
            ClientAuth::BasicHeader,
            "Basic is the default"
        );
        assert_eq!(grant.password.expose(), "not-a-real-password");
        assert!(
            !format!("{grant:?}").contains("not-a-real-password"),
            "Debug must not show the password"
        );
    }
}
