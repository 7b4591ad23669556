//! One file per grant type. Each builds its request with `oauth2` and hands it
//! to the shared exchange path in [`exchange`]; [`request_token`] sends a
//! [`TokenRequest`] to its grant.

pub mod authorization_code;
pub mod client_credentials;
pub mod device_code;
pub mod exchange;
pub mod implicit;
pub mod jwt_assertion;
pub mod password;
pub mod refresh_token;

use crate::error::Result;
use crate::http::HttpClient;
use crate::token::Token;
use exchange::Client;
use serde::Deserialize;
use std::time::SystemTime;

/// A request for a new token, one variant per grant type.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "grantType", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TokenRequest {
    ClientCredentials(client_credentials::ClientCredentials),
    Password(password::PasswordCredentials),
    RefreshToken(refresh_token::RefreshToken),
    JwtAssertion(jwt_assertion::JwtAssertion),
}

impl TokenRequest {
    /// Whether sending the same request again gets a new token without the
    /// user (client credentials, password, JWT assertion: not a refresh,
    /// whose refresh token may have rotated).
    pub fn renewable(&self) -> bool {
        matches!(
            self,
            TokenRequest::ClientCredentials(_) | TokenRequest::Password(_) | TokenRequest::JwtAssertion(_)
        )
    }

    /// The client that asks, and the grant's name as the UI shows it.
    pub fn client_and_label(&self) -> (Client, &'static str) {
        match self {
            TokenRequest::ClientCredentials(g) => (g.client.clone(), "Client Credentials"),
            TokenRequest::Password(g) => (g.client.clone(), "Password Credentials"),
            TokenRequest::RefreshToken(g) => (g.client.clone(), "Refresh Token"),
            TokenRequest::JwtAssertion(g) => (g.client.clone(), "JWT Assertion"),
        }
    }
}

/// A sign-in through the identity domain's authorize endpoint (what
/// `start_authorization` takes), tagged by `grantType` like [`TokenRequest`].
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "grantType", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SignInRequest {
    AuthorizationCode(authorization_code::AuthorizationCode),
    Implicit(implicit::Implicit),
}

impl SignInRequest {
    pub fn client(&self) -> &Client {
        match self {
            SignInRequest::AuthorizationCode(g) => &g.client,
            SignInRequest::Implicit(g) => &g.client,
        }
    }

    pub fn set_client(&mut self, client: Client) {
        match self {
            SignInRequest::AuthorizationCode(g) => g.client = client,
            SignInRequest::Implicit(g) => g.client = client,
        }
    }

    /// The grant's name as the window shows it (the start of its token's name).
    pub fn label(&self) -> &'static str {
        match self {
            SignInRequest::AuthorizationCode(_) => "Authorization Code",
            SignInRequest::Implicit(_) => "Implicit",
        }
    }

    /// Builds the authorize URL and what the redirect will be checked
    /// against. Nothing is sent.
    pub fn start(&self) -> Result<authorization_code::PendingAuthorization> {
        match self {
            SignInRequest::AuthorizationCode(g) => authorization_code::start(g),
            SignInRequest::Implicit(g) => implicit::start(g),
        }
    }
}

/// Sends `request` and reads the answer; `now` stamps the token.
pub async fn request_token(http: &HttpClient, request: &TokenRequest, now: SystemTime) -> Result<Token> {
    match request {
        TokenRequest::ClientCredentials(grant) => client_credentials::request(http, grant, now).await,
        TokenRequest::Password(grant) => password::request(http, grant, now).await,
        TokenRequest::RefreshToken(grant) => refresh_token::request(http, grant, now).await,
        TokenRequest::JwtAssertion(grant) => jwt_assertion::request(http, grant, now).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::ClientAuth;

    #[test]
    fn a_token_request_is_read_from_the_ui_json() {
        let request: TokenRequest = serde_json::from_value(serde_json::json!({
            "grantType": "client_credentials",
            "tokenUrl": "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token",
            "clientId": "abc",
            "clientSecret": "def",
            "clientAuth": "request_body",
            "scope": "https://aud:443urn:opc:resource:consumer::all"
        }))
        .unwrap();
        let TokenRequest::ClientCredentials(grant) = request else {
            panic!("client_credentials must be read as ClientCredentials")
        };
        assert_eq!(grant.client.client_auth, ClientAuth::RequestBody);
        assert_eq!(grant.client.client_secret.expose(), "def");
        assert!(!format!("{grant:?}").contains("def"), "Debug must not show the secret");
    }
}
