//! The one HTTP client of the app, built once with redirects off (the sender
//! follows redirects itself, hop by hop), TLS verification on, and a request
//! timeout; and the translation of transport failures into [`Error`]s.

use crate::error::{Error, Result};
use std::error::Error as _;
use std::time::Duration;
use url::Url;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// The whole request, from connect to the last byte of the body.
    pub timeout: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// A configured client and the settings it was built from.
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    settings: HttpSettings,
}

impl HttpClient {
    pub fn new(settings: HttpSettings) -> Result<Self> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(15)))
            .user_agent(concat!("OAuthConsole/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Internal(format!("could not build the HTTP client: {e}")))?;
        Ok(HttpClient { client, settings })
    }

    pub fn reqwest(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// Turns a transport failure into what happened, in plain words.
    pub fn classify(&self, error: &reqwest::Error, url: &str) -> Error {
        let host = Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| url.to_owned());
        if error.is_timeout() {
            return Error::Timeout {
                host,
                seconds: self.settings.timeout.as_secs(),
            };
        }
        let chain = source_chain(error);
        let lower = chain.to_lowercase();
        if lower.contains("dns error") || lower.contains("failed to lookup address") || lower.contains("name or service not known") {
            Error::Dns { host }
        } else if lower.contains("connection refused") {
            Error::ConnectionRefused { host }
        } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
            Error::Tls {
                host,
                detail: last_cause(error),
            }
        } else {
            Error::Network {
                host,
                detail: last_cause(error),
            }
        }
    }
}

/// Validates a URL typed by the user for an endpoint that receives
/// credentials: it must be absolute, http(s), and plain http only to this
/// computer.
pub fn endpoint_url(field: &'static str, value: &str) -> Result<Url> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::MissingField { field });
    }
    let url = Url::parse(value).map_err(|e| Error::InvalidUrl {
        field,
        reason: e.to_string(),
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => return Err(Error::InsecureUrl { field }),
        other => {
            return Err(Error::InvalidUrl {
                field,
                reason: format!("the scheme must be https, not {other}"),
            })
        }
    }
    if url.host_str().map_or(true, str::is_empty) {
        return Err(Error::InvalidUrl {
            field,
            reason: "it has no host".into(),
        });
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn source_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn last_cause(error: &reqwest::Error) -> String {
    let mut last: &dyn std::error::Error = error;
    while let Some(cause) = last.source() {
        last = cause;
    }
    last.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_https_url_is_accepted_and_trimmed() {
        let url = endpoint_url("Access Token URL", "  https://idcs-x.identity.oraclecloud.com/oauth2/v1/token ").unwrap();
        assert_eq!(url.as_str(), "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token");
    }

    #[test]
    fn plain_http_is_refused_except_to_this_computer() {
        assert!(matches!(
            endpoint_url("Access Token URL", "http://idcs-x.identity.oraclecloud.com/oauth2/v1/token"),
            Err(Error::InsecureUrl { .. })
        ));
        assert!(endpoint_url("Access Token URL", "http://127.0.0.1:8080/token").is_ok());
        assert!(endpoint_url("Access Token URL", "http://localhost:8080/token").is_ok());
        assert!(endpoint_url("Access Token URL", "http://[::1]:8080/token").is_ok());
    }

    #[test]
    fn malformed_urls_say_which_field_is_wrong() {
        let err = endpoint_url("Access Token URL", "idcs-x.identity.oraclecloud.com/oauth2/v1/token").unwrap_err();
        assert!(matches!(err, Error::InvalidUrl { field: "Access Token URL", .. }), "{err:?}");
        let err = endpoint_url("Access Token URL", "ftp://example.com/token").unwrap_err();
        assert!(err.to_string().contains("scheme"), "{err}");
        assert!(matches!(endpoint_url("Access Token URL", " "), Err(Error::MissingField { .. })));
    }

    #[tokio::test]
    async fn a_closed_port_is_reported_as_connection_refused() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let url = format!("http://127.0.0.1:{port}/token");
        let err = http.reqwest().get(&url).send().await.unwrap_err();
        assert!(matches!(http.classify(&err, &url), Error::ConnectionRefused { .. }));
    }
}
