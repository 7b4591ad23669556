//! The one token-exchange path every grant uses: `oauth2` builds the
//! request, [`Transport`] sends it with the app's client and keeps the raw
//! response, and [`crate::response`] reads it.

use crate::error::{Error, Result};
use crate::http::{endpoint_url, HttpClient, TOKEN_RESPONSE_LIMIT};
use crate::response::{parse_token_response, RawResponse};
use crate::assertion::Signing;
use crate::secret::Secret;
use crate::token::{ClientAuth, Token};
use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::{AuthType, ClientId, ClientSecret, EndpointNotSet, EndpointSet, HttpRequest, HttpResponse, Scope, TokenUrl};
use serde::Deserialize;
use std::sync::Mutex;
use std::time::SystemTime;

/// The confidential application, as the identity domain knows it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Client {
    pub token_url: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Secret,
    #[serde(default)]
    pub client_auth: ClientAuth,
    /// The profile's key pair: it signs client assertions for
    /// [`ClientAuth::ClientAssertion`] (claims `iss` = `sub` = the client
    /// ID, see [`crate::assertion`]), and its certificate and key are the
    /// TLS client certificate when the client presents one
    /// ([`Client::presents_certificate`]).
    #[serde(default)]
    pub client_assertion: Option<Signing>,
    /// "Send client certificate (mutual TLS)": present the key pair's
    /// certificate in the TLS handshake whatever the client authentication
    /// (for certificate-bound tokens); always on for
    /// [`ClientAuth::TlsClientAuth`].
    #[serde(default)]
    pub mutual_tls: bool,
    /// Certificates trusted for the mutual-TLS connection besides the
    /// system's and the CA bundle's: the app adds the built-in sandbox's
    /// own CA (made in memory, for 127.0.0.1 only). Never from the window.
    #[serde(skip)]
    pub extra_roots: Vec<String>,
}

/// The `client_assertion_type` of RFC 7523 §2.2.
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// What stands in a request's `client_assertion`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Proof {
    /// An assertion signed at this time, for a request that is sent.
    SignedAt(SystemTime),
    /// [`CLIENT_ASSERTION_PLACEHOLDER`], for a request that is only shown
    /// (Copy as cURL): nothing is signed, and no key is needed.
    Placeholder,
}

impl From<SystemTime> for Proof {
    fn from(now: SystemTime) -> Proof {
        Proof::SignedAt(now)
    }
}

/// The `client_assertion` of a request that is shown, not sent: a signed
/// one expires within minutes, so Copy as cURL shows where it goes.
pub const CLIENT_ASSERTION_PLACEHOLDER: &str = "<signed client assertion JWT>";

impl Client {
    /// Whether the token request presents the key pair's certificate in the
    /// TLS handshake.
    pub fn presents_certificate(&self) -> bool {
        self.mutual_tls || self.client_auth == ClientAuth::TlsClientAuth
    }

    /// The client for this client's token requests: `http` itself, or,
    /// when it presents a certificate, one that does (built per request:
    /// token requests are few, and the key stays out of any shared state).
    pub(crate) fn http_for(&self, http: &HttpClient) -> Result<HttpClient> {
        if !self.presents_certificate() {
            return Ok(http.clone());
        }
        let signing = self.client_assertion.as_ref().ok_or(Error::MissingField { field: "Private Key" })?;
        if signing.certificate.trim().is_empty() {
            return Err(Error::MissingField { field: "Certificate" });
        }
        if signing.private_key.is_empty() {
            return Err(Error::MissingField { field: "Private Key" });
        }
        // A key that is not the certificate's would fail the handshake with
        // a bare alert; say so plainly before connecting.
        crate::keys::KeyPair::import(signing.private_key.expose(), &signing.certificate).map_err(Error::Key)?;
        http.with_client_certificate(&signing.certificate, &signing.private_key, &self.extra_roots)
    }

    /// The body parameters that authenticate the client with a fresh signed
    /// client assertion, or none when it authenticates with a secret.
    pub(crate) fn assertion_params(&self, proof: impl Into<Proof>) -> Result<Vec<(&'static str, String)>> {
        if self.client_auth != ClientAuth::ClientAssertion {
            return Ok(Vec::new());
        }
        let assertion = match proof.into() {
            Proof::SignedAt(now) => {
                let signing = self
                    .client_assertion
                    .as_ref()
                    .ok_or(Error::MissingField { field: "Private Key" })?;
                signing.client_assertion(&self.client_id, now)?.jwt.expose().to_owned()
            }
            Proof::Placeholder => CLIENT_ASSERTION_PLACEHOLDER.to_owned(),
        };
        Ok(vec![("client_assertion_type", CLIENT_ASSERTION_TYPE.to_owned()), ("client_assertion", assertion)])
    }
}

pub(crate) type OAuthClient = BasicClient<EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// The `oauth2` client for `client`, after checking what the user typed.
pub(crate) fn oauth_client(client: &Client) -> Result<OAuthClient> {
    let token_url = endpoint_url("Access Token URL", &client.token_url)?;
    let client_id = client.client_id.trim();
    if client_id.is_empty() {
        return Err(Error::MissingField { field: "Client ID" });
    }
    let mut oauth = BasicClient::new(ClientId::new(client_id.to_owned()))
        .set_token_uri(TokenUrl::from_url(token_url))
        .set_auth_type(match client.client_auth {
            ClientAuth::BasicHeader => AuthType::BasicAuth,
            ClientAuth::RequestBody | ClientAuth::ClientAssertion | ClientAuth::TlsClientAuth => AuthType::RequestBody,
        });
    // A client assertion or certificate replaces the secret: none is sent with it.
    if !client.client_secret.is_empty() && client.client_auth.uses_secret() {
        oauth = oauth.set_client_secret(ClientSecret::new(client.client_secret.expose().to_owned()));
    }
    Ok(oauth)
}

/// Sends a token request that `oauth2` has no builder for (the RFC 7523 and
/// RFC 8628 grants): `params` as a form, with `client`'s authentication as
/// [`oauth_client`] would add it (Basic header, or `client_id` and
/// `client_secret` in the body), read like every other exchange.
pub(crate) async fn post_form(http: &HttpClient, client: &Client, params: &[(&str, &str)], now: SystemTime) -> Result<Token> {
    let transport = Transport::new(http, client, &client.token_url)?;
    let outcome = send_form(&transport, client, params, now).await?;
    transport.finish(outcome, now)
}

/// [`post_form`]'s request, through `transport` (which may only capture it).
pub(crate) async fn send_form(
    transport: &Transport,
    client: &Client,
    params: &[(&str, &str)],
    proof: impl Into<Proof>,
) -> Result<std::result::Result<HttpResponse, TransportFailed>> {
    let request = form_request(client, "Access Token URL", &client.token_url, params, proof)?;
    Ok(oauth2::AsyncHttpClient::call(transport, request).await)
}

/// The answer to a token request that `oauth2` built.
pub(crate) type Outcome = std::result::Result<BasicTokenResponse, oauth2::RequestTokenError<TransportFailed, BasicErrorResponse>>;

/// The output of `future` when it is ready at its first poll, as every
/// exchange through a capturing [`Transport`] is (it never waits).
pub(crate) fn at_once<T>(future: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => Err(Error::Internal("building the request waited for something".into())),
    }
}

/// A form POST of `params` to `url` (the field `field`), authenticated as
/// `client` is at the token endpoint.
pub(crate) fn form_request(
    client: &Client,
    field: &'static str,
    url: &str,
    params: &[(&str, &str)],
    proof: impl Into<Proof>,
) -> Result<HttpRequest> {
    let token_url = endpoint_url(field, url)?;
    let client_id = client.client_id.trim();
    if client_id.is_empty() {
        return Err(Error::MissingField { field: "Client ID" });
    }
    let request = {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in params {
            if !value.is_empty() {
                form.append_pair(name, value);
            }
        }
        let mut request = http::Request::builder()
            .method(http::Method::POST)
            .uri(token_url.as_str())
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        match client.client_auth {
            ClientAuth::BasicHeader if !client.client_secret.is_empty() => {
                use base64::Engine;
                // RFC 6749 §2.3.1: the id and secret are form-encoded first, as oauth2 does.
                let encode = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
                let basic = base64::engine::general_purpose::STANDARD
                    .encode(format!("{}:{}", encode(client_id), encode(client.client_secret.expose())));
                request = request.header(http::header::AUTHORIZATION, format!("Basic {basic}"));
            }
            ClientAuth::ClientAssertion => {
                form.append_pair("client_id", client_id);
                for (name, value) in client.assertion_params(proof)? {
                    form.append_pair(name, &value);
                }
            }
            // The certificate in the handshake authenticates; the body names the client.
            ClientAuth::TlsClientAuth => {
                form.append_pair("client_id", client_id);
            }
            _ => {
                form.append_pair("client_id", client_id);
                if !client.client_secret.is_empty() {
                    form.append_pair("client_secret", client.client_secret.expose());
                }
            }
        }
        request
            .body(form.finish().into_bytes())
            .map_err(|e| Error::Internal(format!("the token request could not be built: {e}")))?
    };
    Ok(request)
}

/// A refusal of a request that authenticated with a client assertion,
/// with the assertion hints (certificate alias, `aud`, clock) instead of
/// the client-secret ones.
pub(crate) fn with_assertion_hints(client: &Client, outcome: Result<Token>) -> Result<Token> {
    match outcome {
        Err(Error::OAuth { status, error, description }) if client.client_auth == ClientAuth::ClientAssertion && error == "invalid_client" => {
            Err(Error::AssertionRejected { status, error, description })
        }
        other => other,
    }
}

/// The scope field split the way `oauth2` joins it again: on white space.
pub(crate) fn scopes(scope: &str) -> impl Iterator<Item = Scope> + '_ {
    scope.split_whitespace().map(|s| Scope::new(s.to_owned()))
}

/// The scopes to ask for: the Scope field, plus `offline_access` (once) when
/// the user ticked "Request refresh token (offline_access)".
pub(crate) fn requested_scopes(scope: &str, offline_access: bool) -> Vec<Scope> {
    let mut requested: Vec<Scope> = scopes(scope).collect();
    if offline_access && !requested.iter().any(|s| s.as_str() == OFFLINE_ACCESS) {
        requested.push(Scope::new(OFFLINE_ACCESS.to_owned()));
    }
    requested
}

/// The scope that asks the identity domain for a refresh token.
pub const OFFLINE_ACCESS: &str = "offline_access";

/// Sends the requests `oauth2` builds, through the app's client, and keeps the
/// raw response so that it is read by [`parse_token_response`] whatever
/// `oauth2` made of it (its errors drop HTML bodies and status details).
///
/// A capturing transport ([`Transport::capture`]) sends nothing: it keeps
/// the request exactly as it would leave, which is what Copy as cURL shows.
pub(crate) struct Transport {
    /// `None`: capture, do not send.
    http: Option<HttpClient>,
    url: String,
    last: Mutex<Option<RawResponse>>,
    failure: Mutex<Option<Error>>,
    captured: Mutex<Option<HttpRequest>>,
    /// Send the form's media type as built, without `;charset=UTF-8`.
    bare_form_type: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("transport failed")]
pub(crate) struct TransportFailed;

impl<'c> oauth2::AsyncHttpClient<'c> for Transport {
    type Error = TransportFailed;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = std::result::Result<HttpResponse, TransportFailed>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

impl Transport {
    /// Sends `client`'s requests to `url`, with its TLS client certificate
    /// when it presents one.
    pub(crate) fn new(http: &HttpClient, client: &Client, url: &str) -> Result<Self> {
        Ok(Transport::plain(client.http_for(http)?, url))
    }

    fn plain(http: HttpClient, url: &str) -> Self {
        Transport {
            http: Some(http),
            ..Transport::capture(url)
        }
    }

    /// A transport that keeps the request it is given instead of sending it
    /// ([`Transport::captured`]); the exchange then fails at once.
    pub(crate) fn capture(url: &str) -> Self {
        Transport {
            http: None,
            url: url.to_owned(),
            last: Mutex::new(None),
            failure: Mutex::new(None),
            captured: Mutex::new(None),
            bare_form_type: false,
        }
    }

    /// The request a capturing transport was given, as it would have been
    /// sent; `outcome` (the exchange's, which failed) explains a missing one.
    pub(crate) fn captured<T, E: std::fmt::Display>(self, outcome: std::result::Result<T, E>) -> Result<HttpRequest> {
        lock(&self.captured).take().ok_or_else(|| {
            Error::Internal(match outcome {
                Ok(_) => "the request was sent instead of kept".into(),
                Err(e) => format!("the request could not be built: {e}"),
            })
        })
    }

    /// Sends `application/x-www-form-urlencoded` as it is, without the
    /// charset that Oracle's token examples add: the media type defines no
    /// parameters, and some device endpoints (oauthlib's) refuse any.
    pub(crate) fn with_bare_form_type(mut self) -> Self {
        self.bare_form_type = true;
        self
    }

    async fn send(&self, mut request: HttpRequest) -> std::result::Result<HttpResponse, TransportFailed> {
        // Oracle's documents send the form with an explicit charset.
        if let Some(ct) = request.headers().get(http::header::CONTENT_TYPE).filter(|_| !self.bare_form_type) {
            if ct.as_bytes().eq_ignore_ascii_case(b"application/x-www-form-urlencoded") {
                request.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static("application/x-www-form-urlencoded;charset=UTF-8"),
                );
            }
        }
        let Some(http) = &self.http else {
            *lock(&self.captured) = Some(request);
            return Err(TransportFailed);
        };
        let outcome = async {
            let classify = |e: reqwest::Error| http.classify(&e, &self.url);
            let request = reqwest::Request::try_from(request).map_err(classify)?;
            let mut response = http.reqwest().execute(request).await.map_err(classify)?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = crate::http::read_capped(&mut response, TOKEN_RESPONSE_LIMIT)
                .await
                .map_err(|failed| http.classify_body(&failed, &self.url))?;
            if body.truncated_at.is_none() {
                http.body_finished();
            }
            Ok::<_, Error>((status, headers, body))
        }
        .await;
        match outcome {
            Ok((status, _, body)) if body.truncated_at.is_some() => {
                *lock(&self.failure) = Some(Error::ResponseTooLarge {
                    what: "the token endpoint",
                    status: status.as_u16(),
                    limit: TOKEN_RESPONSE_LIMIT,
                });
                Err(TransportFailed)
            }
            Ok((status, headers, body)) => {
                let body = body.bytes;
                let content_type = headers
                    .get(http::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                *lock(&self.last) = Some(RawResponse {
                    status: status.as_u16(),
                    content_type,
                    body: body.clone(),
                });
                let mut response = HttpResponse::new(body);
                *response.status_mut() = status;
                *response.headers_mut() = headers;
                Ok(response)
            }
            Err(error) => {
                *lock(&self.failure) = Some(error);
                Err(TransportFailed)
            }
        }
    }

    /// What the server answered, unread, or the transport failure: for
    /// endpoints that do not answer with a token (the device endpoint).
    pub(crate) fn finish_raw<T, E: std::error::Error>(self, oauth_outcome: std::result::Result<T, E>) -> Result<RawResponse> {
        if let Some(failure) = lock(&self.failure).take() {
            return Err(failure);
        }
        lock(&self.last).take().ok_or_else(|| {
            Error::Internal(match oauth_outcome {
                Ok(_) => "the request finished without a response".into(),
                Err(e) => format!("the request could not be sent: {e}"),
            })
        })
    }

    /// The shared end of every exchange: a transport failure, else whatever
    /// the server answered, read by [`parse_token_response`].
    pub(crate) fn finish<T, E>(self, oauth_outcome: std::result::Result<T, E>, now: SystemTime) -> Result<Token>
    where
        E: std::error::Error,
    {
        if let Some(failure) = lock(&self.failure).take() {
            return Err(failure);
        }
        match lock(&self.last).take() {
            Some(raw) => parse_token_response(&raw, now),
            None => Err(Error::Internal(match oauth_outcome {
                Ok(_) => "the token request finished without a response".into(),
                Err(e) => format!("the token request could not be built: {e}"),
            })),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_split_on_any_white_space() {
        let split: Vec<String> = scopes("  a:b/c  offline_access\n").map(|s| s.to_string()).collect();
        assert_eq!(split, ["a:b/c", "offline_access"]);
    }
}
