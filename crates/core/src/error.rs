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
            Error::OAuth { error, .. } => error.clone(),
            Error::HtmlResponse { .. } => "html_response".into(),
            Error::EmptyResponse { .. } => "empty_response".into(),
            Error::MissingAccessToken { .. } => "missing_access_token".into(),
            Error::UnexpectedResponse { .. } => "unexpected_response".into(),
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
