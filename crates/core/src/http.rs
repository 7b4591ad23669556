//! The one HTTP client of the app, built once with redirects off (the sender
//! follows redirects itself, hop by hop), TLS verification on, keep-alive
//! connection reuse, and a request timeout; the corporate-network settings
//! (proxy, extra CA certificates); and the translation of transport failures
//! into [`Error`]s.
//!
//! Certificate checks cannot be turned off: a custom CA bundle only adds
//! roots to the built-in ones.

use crate::error::{Error, Result};
use serde::{Deserialize, Deserializer};
use std::error::Error as _;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long an idle keep-alive connection stays open for the next request.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Hosts that never go through an explicit proxy: this computer.
pub(crate) const LOOPBACK_NO_PROXY: &str = "localhost,127.0.0.1,::1";

/// The network settings the client is built from, as the Settings page sends
/// them: `{"timeoutSeconds": 30, "proxy": "http://proxy:8080", "caBundle": "/path/ca.pem"}`.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HttpSettings {
    /// Each request, from connect to the last byte of the body.
    #[serde(rename = "timeoutSeconds", deserialize_with = "seconds")]
    pub timeout: Duration,
    /// An explicit HTTP(S) proxy such as `http://proxy.example.com:8080`
    /// (`http://user:password@...` when it asks for credentials). `None` or
    /// blank: the system's `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`. This
    /// computer (localhost, 127.0.0.1, ::1) is always reached directly.
    pub proxy: Option<String>,
    /// A PEM file of CA certificates trusted in addition to the built-in
    /// roots, for networks that inspect TLS.
    pub ca_bundle: Option<PathBuf>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            timeout: DEFAULT_TIMEOUT,
            proxy: None,
            ca_bundle: None,
        }
    }
}

impl HttpSettings {
    /// The explicit proxy, checked: `None` when unset or blank; a value
    /// without a scheme is taken as `http://`.
    pub fn proxy_url(&self) -> Result<Option<Url>> {
        let Some(value) = self
            .proxy
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        else {
            return Ok(None);
        };
        parse_proxy(value).map(Some)
    }

    /// The CA bundle path, unless unset or blank.
    pub fn ca_bundle_path(&self) -> Option<&Path> {
        self.ca_bundle
            .as_deref()
            .filter(|p| !p.as_os_str().is_empty())
    }
}

impl fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A proxy URL may carry a password.
        let proxy = self.proxy.as_deref().map(|p| match parse_proxy(p.trim()) {
            Ok(url) => proxy_display(&url, Some("[redacted]")),
            Err(_) => "[unparsable]".to_owned(),
        });
        f.debug_struct("HttpSettings")
            .field("timeout", &self.timeout)
            .field("proxy", &proxy)
            .field("ca_bundle", &self.ca_bundle)
            .finish()
    }
}

fn seconds<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Duration, D::Error> {
    let seconds = u64::deserialize(deserializer)?;
    Ok(if seconds == 0 {
        DEFAULT_TIMEOUT
    } else {
        Duration::from_secs(seconds)
    })
}

fn parse_proxy(value: &str) -> Result<Url> {
    let with_scheme = if value.contains("://") {
        value.to_owned()
    } else {
        format!("http://{value}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| Error::InvalidUrl {
        field: "Proxy",
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::InvalidUrl {
            field: "Proxy",
            reason: format!("the scheme must be http or https, not {}", url.scheme()),
        });
    }
    if url.host_str().map_or(true, str::is_empty) {
        return Err(Error::InvalidUrl {
            field: "Proxy",
            reason: "it has no host".into(),
        });
    }
    Ok(url)
}

/// `scheme://[user[:password]@]host[:port]`, with the password replaced by
/// `password` (left out when `None`: then the user name goes too).
pub(crate) fn proxy_display(url: &Url, password: Option<&str>) -> String {
    let host = url.host_str().unwrap_or_default();
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let credentials = match password {
        Some(password) if !url.username().is_empty() || url.password().is_some() => {
            let secret = if url.password().is_some() {
                format!(":{password}")
            } else {
                String::new()
            };
            format!("{}{secret}@", url.username())
        }
        _ => String::new(),
    };
    format!("{}://{credentials}{host}{port}", url.scheme())
}

/// The certificates of a PEM bundle, or what is wrong with the file.
fn read_ca_bundle(path: &Path) -> Result<Vec<reqwest::Certificate>> {
    let problem = |reason: String| Error::CaBundle {
        path: path.display().to_string(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| {
        problem(match e.kind() {
            std::io::ErrorKind::NotFound => "the file does not exist".into(),
            std::io::ErrorKind::PermissionDenied => {
                "the file cannot be read (permission denied)".into()
            }
            _ => format!("the file cannot be read ({e})"),
        })
    })?;
    let no_certificate =
        || problem("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into());
    if !String::from_utf8_lossy(&bytes).contains("-----BEGIN CERTIFICATE-----") {
        return Err(no_certificate());
    }
    let certificates = reqwest::Certificate::from_pem_bundle(&bytes)
        .map_err(|e| problem(format!("it is not valid PEM ({})", last_cause(&e))))?;
    if certificates.is_empty() {
        return Err(no_certificate());
    }
    Ok(certificates)
}

/// A configured client and the settings it was built from. Clones share one
/// connection pool, so keep-alive connections are reused across requests.
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    settings: HttpSettings,
    proxy: Option<Url>,
}

impl HttpClient {
    pub fn new(settings: HttpSettings) -> Result<Self> {
        let proxy = settings.proxy_url()?;
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(15)))
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .tcp_keepalive(Duration::from_secs(60))
            .user_agent(concat!("OAuthConsole/", env!("CARGO_PKG_VERSION")));
        if let Some(proxy) = &proxy {
            let explicit = reqwest::Proxy::all(proxy.as_str())
                .map_err(|e| Error::InvalidUrl {
                    field: "Proxy",
                    reason: last_cause(&e),
                })?
                .no_proxy(reqwest::NoProxy::from_string(LOOPBACK_NO_PROXY));
            builder = builder.proxy(explicit);
        }
        if let Some(path) = settings.ca_bundle_path() {
            for certificate in read_ca_bundle(path)? {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let client = builder
            .build()
            .map_err(|e| match settings.ca_bundle_path() {
                // The certificates are parsed for real only here.
                Some(path) => Error::CaBundle {
                    path: path.display().to_string(),
                    reason: format!("a certificate in it is not valid ({})", last_cause(&e)),
                },
                None => Error::Internal(format!(
                    "could not build the HTTP client: {}",
                    last_cause(&e)
                )),
            })?;
        Ok(HttpClient {
            client,
            settings,
            proxy,
        })
    }

    pub fn reqwest(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// Turns a transport failure into what happened, in plain words.
    pub fn classify(&self, error: &reqwest::Error, url: &str) -> Error {
        let parsed = Url::parse(url).ok();
        let host = parsed
            .as_ref()
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
        if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
            return Error::Tls {
                host,
                detail: tls_detail(&lower, error),
            };
        }
        if let Some(proxy) = parsed.as_ref().and_then(|u| self.proxy_in_use(u)) {
            if error.is_connect() || lower.contains("tunnel") || lower.contains("proxy") {
                return Error::Proxy {
                    proxy,
                    detail: proxy_detail(&lower, &host, error),
                };
            }
        }
        if lower.contains("dns error")
            || lower.contains("failed to lookup address")
            || lower.contains("name or service not known")
        {
            Error::Dns { host }
        } else if lower.contains("connection refused") {
            Error::ConnectionRefused { host }
        } else {
            Error::Network {
                host,
                detail: last_cause(error),
            }
        }
    }

    /// The proxy a request to `url` goes through, without credentials.
    fn proxy_in_use(&self, url: &Url) -> Option<String> {
        if is_loopback(url) {
            return None;
        }
        if let Some(proxy) = &self.proxy {
            return Some(proxy_display(proxy, None));
        }
        let names: &[&str] = if url.scheme() == "https" {
            &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        } else {
            &["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
        };
        let value = names
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))?;
        if system_no_proxy_matches(url) {
            return None;
        }
        Some(parse_proxy(value.trim()).map_or_else(
            |_| "from the environment".to_owned(),
            |p| proxy_display(&p, None),
        ))
    }
}

/// Whether `NO_PROXY` names the URL's host (domains with their subdomains,
/// exact IPs, `*`), as the system proxy settings read it.
fn system_no_proxy_matches(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    let list = std::env::var("NO_PROXY")
        .or_else(|_| std::env::var("no_proxy"))
        .unwrap_or_default();
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            let entry = entry.trim_start_matches('.').to_ascii_lowercase();
            entry == "*" || host == entry || host.ends_with(&format!(".{entry}"))
        })
}

/// The certificate problem in plain words, with rustls' name for it.
fn tls_detail(lower: &str, error: &reqwest::Error) -> String {
    let cause = last_cause(error);
    if lower.contains("unknownissuer") {
        "its certificate is signed by an authority this computer does not trust (UnknownIssuer)"
            .into()
    } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
        "its certificate is not issued for this host name (NotValidForName)".into()
    } else if lower.contains("expired") {
        "its certificate has expired".into()
    } else {
        cause
    }
}

fn proxy_detail(lower: &str, host: &str, error: &reqwest::Error) -> String {
    if lower.contains("proxy authorization required") {
        "it asks for a user name and password (HTTP 407); give them in the proxy URL as http://user:password@host:port".into()
    } else if lower.contains("tunnel error: unsuccessful") {
        format!("it refused to open a connection to {host}")
    } else if lower.contains("connection refused") {
        "nothing is listening at the proxy's address".into()
    } else if lower.contains("dns error") || lower.contains("failed to lookup address") {
        "its host name was not found".into()
    } else {
        last_cause(error)
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

pub(crate) fn is_loopback(url: &Url) -> bool {
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
        let url = endpoint_url(
            "Access Token URL",
            "  https://idcs-x.identity.oraclecloud.com/oauth2/v1/token ",
        )
        .unwrap();
        assert_eq!(
            url.as_str(),
            "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token"
        );
    }

    #[test]
    fn plain_http_is_refused_except_to_this_computer() {
        assert!(matches!(
            endpoint_url(
                "Access Token URL",
                "http://idcs-x.identity.oraclecloud.com/oauth2/v1/token"
            ),
            Err(Error::InsecureUrl { .. })
        ));
        assert!(endpoint_url("Access Token URL", "http://127.0.0.1:8080/token").is_ok());
        assert!(endpoint_url("Access Token URL", "http://localhost:8080/token").is_ok());
        assert!(endpoint_url("Access Token URL", "http://[::1]:8080/token").is_ok());
    }

    #[test]
    fn malformed_urls_say_which_field_is_wrong() {
        let err = endpoint_url(
            "Access Token URL",
            "idcs-x.identity.oraclecloud.com/oauth2/v1/token",
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidUrl {
                    field: "Access Token URL",
                    ..
                }
            ),
            "{err:?}"
        );
        let err = endpoint_url("Access Token URL", "ftp://example.com/token").unwrap_err();
        assert!(err.to_string().contains("scheme"), "{err}");
        assert!(matches!(
            endpoint_url("Access Token URL", " "),
            Err(Error::MissingField { .. })
        ));
    }

    #[tokio::test]
    async fn a_closed_port_is_reported_as_connection_refused() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let url = format!("http://127.0.0.1:{port}/token");
        let err = http.reqwest().get(&url).send().await.unwrap_err();
        assert!(matches!(
            http.classify(&err, &url),
            Error::ConnectionRefused { .. }
        ));
    }

    #[test]
    fn settings_are_read_from_the_settings_page_json() {
        let settings: HttpSettings = serde_json::from_value(serde_json::json!({
            "timeoutSeconds": 12,
            "proxy": "proxy.corp.example:8080",
            "caBundle": "/etc/ssl/corp.pem"
        }))
        .unwrap();
        assert_eq!(settings.timeout, Duration::from_secs(12));
        assert_eq!(
            settings.proxy_url().unwrap().unwrap().as_str(),
            "http://proxy.corp.example:8080/",
            "no scheme means http"
        );
        assert_eq!(
            settings.ca_bundle_path(),
            Some(Path::new("/etc/ssl/corp.pem"))
        );
        let empty: HttpSettings = serde_json::from_value(
            serde_json::json!({"proxy": " ", "caBundle": "", "timeoutSeconds": 0}),
        )
        .unwrap();
        assert_eq!(
            empty.timeout, DEFAULT_TIMEOUT,
            "0 s means the default, not no timeout"
        );
        assert!(empty.proxy_url().unwrap().is_none());
        assert!(empty.ca_bundle_path().is_none());
    }

    #[test]
    fn debug_output_hides_the_proxy_password() {
        let settings = HttpSettings {
            proxy: Some("http://someone:test-proxy-pw-not-real@proxy.corp.example:8080".into()),
            ..HttpSettings::default()
        };
        let printed = format!("{settings:?}");
        assert!(!printed.contains("not-real"), "{printed}");
        assert!(printed.contains("proxy.corp.example:8080"), "{printed}");
    }

    #[test]
    fn a_proxy_with_another_scheme_is_refused_with_the_field_named() {
        let settings = HttpSettings {
            proxy: Some("socks5://proxy.corp.example:1080".into()),
            ..HttpSettings::default()
        };
        let err = HttpClient::new(settings).unwrap_err();
        assert!(
            matches!(err, Error::InvalidUrl { field: "Proxy", .. }),
            "{err:?}"
        );
    }

    fn temp_file(name: &str, content: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("oauth-console-{}-{name}", std::process::id()));
        std::fs::write(&path, content).unwrap();
        path
    }

    fn with_ca_bundle(path: PathBuf) -> Error {
        HttpClient::new(HttpSettings {
            ca_bundle: Some(path),
            ..HttpSettings::default()
        })
        .unwrap_err()
    }

    #[test]
    fn a_missing_ca_bundle_is_an_error_naming_the_file() {
        let path = std::env::temp_dir().join("oauth-console-no-such-bundle.pem");
        let err = with_ca_bundle(path.clone());
        assert_eq!(err.code(), "ca_bundle");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
        assert!(err.to_string().contains("does not exist"), "{err}");
        assert!(err.hint().unwrap().contains("BEGIN CERTIFICATE"));
    }

    #[test]
    fn a_file_without_certificates_is_not_a_ca_bundle() {
        let path = temp_file("not-a-bundle.pem", "this is a note, not a certificate\n");
        let err = with_ca_bundle(path.clone());
        std::fs::remove_file(&path).unwrap();
        assert_eq!(err.code(), "ca_bundle");
        assert!(err.to_string().contains("no PEM certificate"), "{err}");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
    }

    #[test]
    fn a_damaged_certificate_in_the_bundle_is_an_error_naming_the_file() {
        for (name, content) in [
            (
                "bad-base64.pem",
                "-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n",
            ),
            (
                "not-der.pem",
                "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n",
            ),
        ] {
            let path = temp_file(name, content);
            let err = with_ca_bundle(path.clone());
            std::fs::remove_file(&path).unwrap();
            assert_eq!(err.code(), "ca_bundle", "{name}: {err:?}");
            assert!(
                err.to_string().contains(&path.display().to_string()),
                "{err}"
            );
        }
    }

    fn through_proxy(proxy: &str) -> HttpClient {
        HttpClient::new(HttpSettings {
            proxy: Some(proxy.into()),
            timeout: Duration::from_secs(5),
            ..HttpSettings::default()
        })
        .unwrap()
    }

    #[tokio::test]
    async fn a_proxy_that_is_not_running_is_reported_as_a_proxy_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let http = through_proxy(&format!("http://someone:test-pw-not-real@127.0.0.1:{port}"));
        let url = "https://oic.example.test/ic/api/integration/v1/connections";
        let err = http.reqwest().get(url).send().await.unwrap_err();
        let err = http.classify(&err, url);
        assert!(matches!(&err, Error::Proxy { .. }), "{err:?}");
        assert!(
            err.to_string().contains(&format!("127.0.0.1:{port}")),
            "names the proxy: {err}"
        );
        assert!(
            !err.to_string().contains("not-real"),
            "without its password: {err}"
        );
        assert!(err.hint().unwrap().contains("HTTPS_PROXY"));
    }

    #[tokio::test]
    async fn a_proxy_that_refuses_the_tunnel_is_reported_as_a_proxy_error() {
        let (base, _seen) = crate::testing::serve_once(403, "text/plain", "").await;
        let http = through_proxy(&base);
        let url = "https://oic.example.test/ic/api/";
        let err = http.reqwest().get(url).send().await.unwrap_err();
        let err = http.classify(&err, url);
        assert!(
            matches!(&err, Error::Proxy { detail, .. } if detail.contains("oic.example.test")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_proxy_that_wants_credentials_says_so() {
        let (base, _seen) = crate::testing::serve_once(407, "text/plain", "").await;
        let http = through_proxy(&base);
        let url = "https://oic.example.test/ic/api/";
        let err = http.reqwest().get(url).send().await.unwrap_err();
        let err = http.classify(&err, url);
        assert!(
            matches!(&err, Error::Proxy { detail, .. } if detail.contains("407")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn this_computer_is_reached_without_the_proxy() {
        let (base, seen) = crate::testing::serve_once(200, "text/plain", "ok").await;
        let http = through_proxy("http://127.0.0.1:9");
        let response = http
            .reqwest()
            .get(format!("{base}/direct"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            seen.await.unwrap().head.starts_with("GET /direct "),
            "a direct request, not a proxied one"
        );
    }
}
