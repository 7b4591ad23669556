//! The core's errors, and their shape at the IPC boundary: `{code, message,
//! hint}`. The UI switches on `code`; `message` says what happened and `hint`
//! what to do. No variant carries a secret.

use crate::hints;
use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{field} is empty")]
    MissingField { field: &'static str },

    #[error("{field} is not a valid URL: {reason}")]
    InvalidUrl { field: &'static str, reason: String },

    #[error("{field} uses plain http to a host that is not this computer")]
    InsecureUrl { field: &'static str },

    #[error("no answer from {host} after {seconds} s")]
    Timeout { host: String, seconds: u64 },

    #[error("the request was cancelled")]
    Cancelled,

    #[error("could not find the host {host}")]
    Dns { host: String },

    #[error("{host} refused the connection")]
    ConnectionRefused { host: String },

    #[error("the secure connection to {host} failed: {detail}")]
    Tls { host: String, detail: String },

    #[error("could not reach {host}: {detail}")]
    Network { host: String, detail: String },

    /// The answer began, then the connection ended before its body did.
    #[error("the connection to {host} closed before the whole body arrived ({})", received_of(*.received, *.expected))]
    BodyCut {
        host: String,
        received: u64,
        expected: Option<u64>,
    },

    #[error("the proxy {proxy} failed: {detail}")]
    Proxy { proxy: String, detail: String },

    #[error("the CA bundle {path} cannot be used: {reason}")]
    CaBundle { path: String, reason: String },

    /// The server's TLS alert says it wants a client certificate, or does
    /// not accept the one presented.
    #[error("{host} asked for a client certificate or refused the one presented (TLS alert {alert})")]
    ClientCertificateRefused { host: String, alert: String },

    /// The key pair could not be made a TLS client certificate.
    #[error("the client certificate cannot be used for mutual TLS: {reason}")]
    ClientCertificate { reason: String },

    #[error("stopped after {limit} redirects: the server kept redirecting (the next one was to {url})")]
    TooManyRedirects { limit: usize, url: String },

    #[error("redirect loop: the server sent the request back to {url}, which was already requested")]
    RedirectLoop { url: String },

    #[error("the trusted host \"{entry}\" is not valid: {reason}")]
    InvalidTrustedHost { entry: String, reason: String },

    #[error("the header \"{name}\" is not valid: {reason}")]
    InvalidHeader { name: String, reason: String },

    #[error("the file {path} cannot be sent: {reason}")]
    BodyFile { path: String, reason: String },

    #[error("\"{method}\" is not a valid HTTP method")]
    InvalidMethod { method: String },

    #[error("{}", oauth_message(.error, .description.as_deref(), *.status))]
    OAuth {
        status: u16,
        error: String,
        description: Option<String>,
    },

    #[error("the server answered with an HTML page (HTTP {status}{}) instead of a JSON token response", title_suffix(.title.as_deref()))]
    HtmlResponse { status: u16, title: Option<String> },

    #[error("the server answered HTTP {status} with an empty body")]
    EmptyResponse { status: u16 },

    #[error("the server answered HTTP {status} with JSON that has no access_token")]
    MissingAccessToken { status: u16 },

    #[error("the server answered HTTP {status} with {content_type} that is not an OAuth response: {snippet}")]
    UnexpectedResponse {
        status: u16,
        content_type: String,
        snippet: String,
    },

    #[error("the state returned to the Callback URL {} the one sent, so its code or token was refused: the redirect may be forged (cross-site request forgery)", if *.missing { "is missing; it must equal" } else { "differs from" })]
    StateMismatch { missing: bool },

    #[error("{}", authorization_message(.error, .description.as_deref()))]
    AuthorizationFailed { error: String, description: Option<String> },

    #[error("no sign-in came back to {callback_url} within {seconds} s; OAuth Console stopped listening")]
    CallbackTimeout { callback_url: String, seconds: u64 },

    #[error("the Implicit grant returns the token in the Callback URL's #fragment, which a browser never sends to a server, so OAuth Console cannot receive it from the system browser")]
    ImplicitNeedsFragmentReader,

    #[error("could not listen on {address} for the Callback URL: {detail}")]
    CallbackListen { address: String, detail: String },

    #[error("the identity domain refused the refresh token (invalid_grant{}); the token can no longer be refreshed", description_suffix(.description.as_deref()))]
    RefreshRejected { description: Option<String> },

    #[error("could not {action} {path}: {detail}")]
    Storage { action: &'static str, path: String, detail: String },

    #[error("no {what} with the id {id}")]
    NotFound { what: &'static str, id: String },

    #[error("the only profile cannot be deleted")]
    LastProfile,

    #[error("the keychain refused the request: {detail}")]
    Keychain { detail: String },

    #[error("the saved {what} was saved for {saved_for}, and the Access Token URL now points at {now}, so it was not sent")]
    SecretForOtherOrigin { what: &'static str, saved_for: String, now: String },

    #[error("only a client secret or a password can be saved this way")]
    NotASavedSecret,

    #[error("this token has no refresh token, so it cannot be refreshed")]
    NoRefreshToken,

    #[error("{what} answered HTTP {status} with more than {} MB, so OAuth Console stopped reading it", .limit / (1024 * 1024))]
    ResponseTooLarge {
        what: &'static str,
        status: u16,
        limit: u64,
    },

    #[error("{0}")]
    Key(crate::keys::KeyError),

    #[error("the user code expired before anyone entered it and signed in (expired_token)")]
    DeviceCodeExpired,

    /// The token endpoint refused a request authenticated or granted by a
    /// signed assertion; the hint names the assertion's likely fault.
    #[error("{}", oauth_message(.error, .description.as_deref(), *.status))]
    AssertionRejected {
        status: u16,
        error: String,
        description: Option<String>,
    },

    #[error("The discovery document at {url} was refused: {reason}")]
    DiscoveryRefused { url: String, reason: String },

    #[error("The signing keys (JWKS) at {url} could not be read: {reason}")]
    JwksUnavailable { url: String, reason: String },

    #[error("The ID token was refused: {reason}")]
    IdTokenRefused { reason: String },

    #[error("The access token's signature was not accepted: {reason}")]
    TokenSignatureRefused { reason: String },

    /// `{{name}}` in the request with no variable of that name in the
    /// profile. Names only: a variable's value is never in a message.
    #[error("no variable named {} in this profile, so the request was not sent", .names.iter().map(|n| format!("{{{{{n}}}}}")).collect::<Vec<_>>().join(", "))]
    UnresolvedVariable { names: Vec<String> },

    /// A curl command, Postman collection or environment that could not be read.
    #[error("{what} could not be read: {reason}")]
    Import { what: &'static str, reason: String },

    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The stable code the UI switches on. For errors from the identity
    /// server it is the RFC 6749 `error` value itself (`invalid_client`, ...).
    pub fn code(&self) -> String {
        match self {
            Error::MissingField { .. } => "missing_field".into(),
            Error::InvalidUrl { .. } => "invalid_url".into(),
            Error::InsecureUrl { .. } => "insecure_url".into(),
            Error::Timeout { .. } => "timeout".into(),
            Error::Cancelled => "cancelled".into(),
            Error::Dns { .. } => "dns".into(),
            Error::ConnectionRefused { .. } => "connection_refused".into(),
            Error::Tls { .. } => "tls".into(),
            Error::Network { .. } => "network".into(),
            Error::BodyCut { .. } => "body_cut".into(),
            Error::Proxy { .. } => "proxy".into(),
            Error::CaBundle { .. } => "ca_bundle".into(),
            Error::ClientCertificate { .. } => "client_certificate".into(),
            Error::ClientCertificateRefused { .. } => "client_certificate_refused".into(),
            Error::TooManyRedirects { .. } => "too_many_redirects".into(),
            Error::RedirectLoop { .. } => "redirect_loop".into(),
            Error::InvalidTrustedHost { .. } => "invalid_trusted_host".into(),
            Error::InvalidHeader { .. } => "invalid_header".into(),
            Error::InvalidMethod { .. } => "invalid_method".into(),
            Error::BodyFile { .. } => "body_file".into(),
            Error::OAuth { error, .. } => error.clone(),
            Error::HtmlResponse { .. } => "html_response".into(),
            Error::EmptyResponse { .. } => "empty_response".into(),
            Error::MissingAccessToken { .. } => "missing_access_token".into(),
            Error::UnexpectedResponse { .. } => "unexpected_response".into(),
            Error::StateMismatch { .. } => "state_mismatch".into(),
            Error::AuthorizationFailed { error, .. } => error.clone(),
            Error::CallbackTimeout { .. } => "callback_timeout".into(),
            Error::CallbackListen { .. } => "callback_listen".into(),
            Error::ImplicitNeedsFragmentReader => "implicit_needs_window_or_paste".into(),
            Error::RefreshRejected { .. } => "refresh_rejected".into(),
            Error::NoRefreshToken => "no_refresh_token".into(),
            Error::Storage { .. } => "storage".into(),
            Error::NotFound { .. } => "not_found".into(),
            Error::LastProfile => "last_profile".into(),
            Error::Keychain { .. } => "keychain".into(),
            Error::ResponseTooLarge { .. } => "response_too_large".into(),
            Error::SecretForOtherOrigin { .. } => "secret_for_other_origin".into(),
            Error::NotASavedSecret => "invalid_secret_kind".into(),
            Error::Key(key) => key.code().into(),
            Error::DeviceCodeExpired => "expired_token".into(),
            Error::AssertionRejected { error, .. } => error.clone(),
            Error::DiscoveryRefused { .. } => "discovery_refused".into(),
            Error::JwksUnavailable { .. } => "jwks_unavailable".into(),
            Error::IdTokenRefused { .. } => "id_token_refused".into(),
            Error::TokenSignatureRefused { .. } => "token_signature_refused".into(),
            Error::UnresolvedVariable { .. } => "unresolved_variable".into(),
            Error::Import { .. } => "import".into(),
            Error::Internal(_) => "internal".into(),
        }
    }

    pub fn hint(&self) -> Option<String> {
        hints::for_error(self)
    }
}

fn oauth_message(error: &str, description: Option<&str>, status: u16) -> String {
    let plain = hints::plain_words(error);
    match description.map(str::trim).filter(|d| !d.is_empty()) {
        Some(description) => format!("{plain} ({error}, HTTP {status}: {description})"),
        None => format!("{plain} ({error}, HTTP {status})"),
    }
}

fn authorization_message(error: &str, description: Option<&str>) -> String {
    format!(
        "the sign-in returned the error {error} instead of a code or token{}",
        description_suffix(description)
    )
}

fn description_suffix(description: Option<&str>) -> String {
    description
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| format!(": {d}"))
        .unwrap_or_default()
}

fn title_suffix(title: Option<&str>) -> String {
    title.map(|t| format!(", \"{t}\"")).unwrap_or_default()
}

/// An error as the UI receives it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IpcError {
    pub code: String,
    pub message: String,
    pub hint: Option<String>,
}

impl From<Error> for IpcError {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        let mut chars = message.chars();
        let message = match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => message,
        };
        IpcError {
            code: error.code(),
            hint: error.hint(),
            message,
        }
    }
}

/// "1000 of 100000 bytes", or "1000 bytes" when no length was announced.
fn received_of(received: u64, expected: Option<u64>) -> String {
    match expected {
        Some(expected) => format!("{received} of {expected} bytes"),
        None => format!("{received} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oauth_error_keeps_its_rfc_code_and_explains_it() {
        let ipc = IpcError::from(Error::OAuth {
            status: 401,
            error: "invalid_client".into(),
            description: Some("Client authentication failed.".into()),
        });
        assert_eq!(ipc.code, "invalid_client");
        assert!(ipc.message.contains("invalid_client"), "{}", ipc.message);
        assert!(ipc.message.contains("Client authentication failed."), "{}", ipc.message);
        let hint = ipc.hint.expect("invalid_client has a hint");
        assert!(hint.contains("activated"), "{hint}");
    }

    #[test]
    fn messages_start_with_a_capital_letter() {
        let ipc = IpcError::from(Error::Cancelled);
        assert_eq!(ipc.message, "The request was cancelled");
    }
}
