//! Tokens as data: what the identity domain issued ([`Token`]), what the
//! window sees of one ([`TokenView`]), and how a client authenticates
//! ([`ClientAuth`]). No I/O here: the exchange path is
//! [`crate::grants::exchange`], the dispatcher [`crate::grants::request_token`].

use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How the client proves who it is at the token endpoint (Postman's "Client
/// Authentication").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// `Authorization: Basic base64(client_id:client_secret)`.
    #[default]
    BasicHeader,
    /// `client_id` and `client_secret` in the form body.
    RequestBody,
    /// Signed JWT (client assertion), RFC 7523 §2.2 (`private_key_jwt`):
    /// `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`
    /// and `client_assertion=<JWT>` with `client_id` in the body; no secret.
    ClientAssertion,
    /// TLS client authentication (RFC 8705 `tls_client_auth`, OCI IAM's
    /// *TLS Client Authentication*): the profile's certificate is presented
    /// in the TLS handshake to the identity domain's secure token endpoint,
    /// and only `client_id` goes in the body; no secret.
    TlsClientAuth,
}

impl ClientAuth {
    /// Whether this method sends a client secret (Basic or in the body).
    pub fn uses_secret(self) -> bool {
        matches!(self, ClientAuth::BasicHeader | ClientAuth::RequestBody)
    }
}

/// A token as the identity domain issued it.
#[derive(Debug, Clone)]
pub struct Token {
    pub access_token: Secret,
    pub token_type: String,
    pub expires_in: Option<u64>,
    /// Unix seconds.
    pub issued_at: u64,
    /// Unix seconds; `None` when the server did not say.
    pub expires_at: Option<u64>,
    pub scope: Option<String>,
    pub refresh_token: Option<Secret>,
    pub id_token: Option<Secret>,
    /// Every other field of the response, as returned.
    pub extra: Map<String, Value>,
    /// Oddities of the response worth telling the user.
    pub warnings: Vec<String>,
    /// What the check of the ID token found ("Signature verified with key
    /// …" or why it could not be checked); `None` without an ID token or
    /// before a sign-in checked it.
    pub id_token_check: Option<String>,
}

impl Token {
    /// What the token details panel shows: everything but the token values,
    /// which leave the core only on purpose (Show, Use Token, Copy).
    pub fn view(&self, id: &str, name: &str) -> TokenView {
        TokenView {
            id: id.to_owned(),
            name: name.to_owned(),
            access_token_length: self.access_token.expose().chars().count(),
            token_type: self.token_type.clone(),
            expires_in: self.expires_in,
            issued_at: self.issued_at,
            expires_at: self.expires_at,
            scope: self.scope.clone(),
            has_refresh_token: self.refresh_token.is_some(),
            has_id_token: self.id_token.is_some(),
            extra: self.extra.clone(),
            warnings: self.warnings.clone(),
            jwt: crate::jwt::decode(self.access_token.expose()),
            id_token_jwt: self.id_token.as_ref().and_then(|t| crate::jwt::decode(t.expose())),
            revoked: false,
            id_token_check: self.id_token_check.clone(),
        }
    }
}

/// A token as the UI sees it. The decoded claims are not secret on their
/// own (the signature is not included), so they travel; the token does not.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub access_token_length: usize,
    pub token_type: String,
    pub expires_in: Option<u64>,
    pub issued_at: u64,
    pub expires_at: Option<u64>,
    pub scope: Option<String>,
    pub has_refresh_token: bool,
    pub has_id_token: bool,
    pub extra: Map<String, Value>,
    pub warnings: Vec<String>,
    pub jwt: Option<crate::jwt::DecodedJwt>,
    pub id_token_jwt: Option<crate::jwt::DecodedJwt>,
    /// The access token was revoked at the server (set by the app's shelf).
    pub revoked: bool,
    /// See [`Token::id_token_check`].
    pub id_token_check: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_never_carries_the_access_token() {
        let token = Token {
            access_token: Secret::new("eyJhidden"),
            token_type: "Bearer".into(),
            expires_in: None,
            issued_at: 0,
            expires_at: None,
            scope: None,
            refresh_token: None,
            id_token: None,
            extra: Map::new(),
            warnings: vec![],
            id_token_check: None,
        };
        let view = token.view("t1", "Client Credentials");
        assert!(!format!("{token:?} {view:?}").contains("eyJhidden"));
        assert!(!serde_json::to_string(&view).unwrap().contains("eyJhidden"), "the view carries no token");
        assert_eq!(view.access_token_length, 9);
    }
}
