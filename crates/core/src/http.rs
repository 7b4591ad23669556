//! The one HTTP client of the app, built once with redirects off (the sender
//! follows redirects itself, hop by hop), TLS verification on, keep-alive
//! connection reuse, and a request timeout; the corporate-network settings
//! (proxy, extra CA certificates); and the translation of transport failures
//! into [`Error`]s.
//!
//! Certificate checks cannot be turned off: a custom CA bundle only adds
//! roots to the built-in ones.

use crate::error::{Error, Result};
use crate::secret::Secret;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::error::Error as _;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The most of a response body the sender keeps in memory by default.
pub const DEFAULT_MAX_BODY: u64 = 50 * MEGABYTE;

/// The most of a token endpoint's answer that is read: a token response is a
/// few KB.
pub const TOKEN_RESPONSE_LIMIT: u64 = MEGABYTE;

pub const MEGABYTE: u64 = 1024 * 1024;

/// The largest CA bundle file that is read.
const CA_BUNDLE_LIMIT: u64 = MEGABYTE;

/// How long after a response body was read a new connection waits for
/// that response's connection to be back in the pool; see [`ReuseFirst`].
const CONNECTION_RETURN: Duration = Duration::from_millis(5);

/// How long an idle keep-alive connection stays open for the next request.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Hosts that never go through an explicit proxy: this computer (as curl's
/// `--noproxy` reads it).
pub(crate) const LOOPBACK_NO_PROXY: &str = "localhost,127.0.0.1,::1";

/// This computer as the client's no-proxy list reads it: the whole
/// 127.0.0.0/8, ::1 and localhost (with its subdomains). Applies to the
/// proxy of the Settings page and to the system proxy alike.
const LOOPBACK_NO_PROXY_CLIENT: &str = "localhost,127.0.0.0/8,::1";

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
    /// The most of an API response body kept in memory, in bytes (the
    /// Settings page sends megabytes); past it reading stops and the
    /// response says it was truncated.
    #[serde(rename = "maxBodyMegabytes", deserialize_with = "megabytes")]
    pub max_body: u64,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            timeout: DEFAULT_TIMEOUT,
            proxy: None,
            ca_bundle: None,
            max_body: DEFAULT_MAX_BODY,
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
            .field("max_body", &self.max_body)
            .finish()
    }
}

/// Written in the spelling the Settings page sends (the settings file holds
/// it under Settings; the proxy password is taken out before that).
impl Serialize for HttpSettings {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("HttpSettings", 4)?;
        out.serialize_field("timeoutSeconds", &self.timeout.as_secs())?;
        out.serialize_field("proxy", &self.proxy)?;
        out.serialize_field("caBundle", &self.ca_bundle)?;
        out.serialize_field("maxBodyMegabytes", &self.max_body.div_ceil(MEGABYTE))?;
        out.end()
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

fn megabytes<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<u64, D::Error> {
    let megabytes = u64::deserialize(deserializer)?;
    Ok(if megabytes == 0 {
        DEFAULT_MAX_BODY
    } else {
        megabytes.saturating_mul(MEGABYTE)
    })
}

/// A body read up to a cap.
#[derive(Debug)]
pub(crate) struct CappedBody {
    pub bytes: Vec<u8>,
    /// The cap, when the body went past it and reading stopped there.
    pub truncated_at: Option<u64>,
}

/// A body that stopped before its end: the transport error, and how much of
/// the body had arrived (and was announced) by then.
#[derive(Debug)]
pub(crate) struct BodyFailed {
    pub error: reqwest::Error,
    pub received: u64,
    pub expected: Option<u64>,
}

/// Reads `response`'s body chunk by chunk, keeping at most `cap` bytes: the
/// rest is not read (the connection is then closed, not reused).
pub(crate) async fn read_capped(
    response: &mut reqwest::Response,
    cap: u64,
) -> std::result::Result<CappedBody, BodyFailed> {
    let cap_len = usize::try_from(cap).unwrap_or(usize::MAX);
    let announced = response.content_length();
    let expected = announced
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected.min(cap_len).min(8 * MEGABYTE as usize));
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(error) => {
                return Err(BodyFailed {
                    error,
                    received: bytes.len() as u64,
                    expected: announced,
                })
            }
        };
        let room = cap_len - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return Ok(CappedBody {
                bytes,
                truncated_at: Some(cap),
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(CappedBody {
        bytes,
        truncated_at: None,
    })
}

/// A small JSON document (discovery, JWKS): GET `url`, at most `cap`
/// bytes. `Err(reason)` in plain words for an answer that is not a whole
/// 2xx body; transport failures are classified as for every request.
pub(crate) async fn get_document(
    client: &HttpClient,
    url: &Url,
    cap: u64,
) -> Result<std::result::Result<Vec<u8>, String>> {
    let mut response = client
        .reqwest()
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| client.classify(&e, url.as_str()))?;
    let status = response.status();
    let body = read_capped(&mut response, cap)
        .await
        .map_err(|failed| client.classify_body(&failed, url.as_str()))?;
    if !status.is_success() {
        return Ok(Err(format!("it answered HTTP {}", status.as_u16())));
    }
    if body.truncated_at.is_some() {
        return Ok(Err(format!("its answer is larger than {} KB", cap / 1024)));
    }
    Ok(Ok(body.bytes))
}

/// The host of `url` as the user wrote it, with its port when the URL
/// names one: on this computer the port tells one server from another.
fn address_of(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
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
    let io_problem = |e: std::io::Error| {
        problem(match e.kind() {
            std::io::ErrorKind::NotFound => "the file does not exist".into(),
            std::io::ErrorKind::PermissionDenied => {
                "the file cannot be read (permission denied)".into()
            }
            _ => format!("the file cannot be read ({e})"),
        })
    };
    // Looked at before it is opened: opening a FIFO blocks, reading
    // /dev/zero never ends.
    let metadata = std::fs::metadata(path).map_err(io_problem)?;
    if metadata.is_dir() {
        return Err(problem("it is a folder, not a file".into()));
    }
    if !metadata.is_file() {
        return Err(problem(
            "it is not a regular file (a device, a pipe or a socket)".into(),
        ));
    }
    let too_large = || {
        problem(format!(
            "it is larger than {} MB; a CA bundle is a few KB",
            CA_BUNDLE_LIMIT / MEGABYTE
        ))
    };
    if metadata.len() > CA_BUNDLE_LIMIT {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(
            std::fs::File::open(path).map_err(io_problem)?,
            CA_BUNDLE_LIMIT + 1,
        ),
        &mut bytes,
    )
    .map_err(io_problem)?;
    if bytes.len() as u64 > CA_BUNDLE_LIMIT {
        return Err(too_large());
    }
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

/// The system proxy, read from the environment once, when the client is
/// built: `HTTP_PROXY` for http, `HTTPS_PROXY` for https, `ALL_PROXY` for
/// either when the other is unset (upper or lower case), and `NO_PROXY`.
/// The app reads these itself, instead of letting reqwest do it, so that this
/// computer is never sent through them (reqwest would proxy 127.0.0.1 when
/// `NO_PROXY` is unset).
#[derive(Clone, Default)]
struct SystemProxy {
    http: Option<Url>,
    https: Option<Url>,
    no_proxy: String,
}

impl SystemProxy {
    fn from_env(env: &dyn Fn(&str) -> Option<String>) -> SystemProxy {
        let first = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| env(name).filter(|v| !v.trim().is_empty()))
        };
        // A value that is not an http(s) proxy URL is ignored, as reqwest
        // ignores it: the app must start whatever the environment holds.
        let proxy = |names: &[&str]| first(names).and_then(|v| parse_proxy(v.trim()).ok());
        SystemProxy {
            http: proxy(&["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]),
            https: proxy(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]),
            no_proxy: first(&["NO_PROXY", "no_proxy"]).unwrap_or_default(),
        }
    }

    fn for_scheme(&self, scheme: &str) -> Option<&Url> {
        match scheme {
            "https" => self.https.as_ref(),
            _ => self.http.as_ref(),
        }
    }

    /// Whether `NO_PROXY` names the URL's host (domains with their
    /// subdomains, exact IPs, `*`).
    fn bypasses(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        self.no_proxy
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .any(|entry| {
                let entry = entry.trim_start_matches('.').to_ascii_lowercase();
                entry == "*" || host == entry || host.ends_with(&format!(".{entry}"))
            })
    }

    /// The no-proxy list the client gets: this computer, then `NO_PROXY`.
    fn client_no_proxy(&self) -> Option<reqwest::NoProxy> {
        let user = self.no_proxy.trim().trim_matches(',');
        if user.is_empty() {
            reqwest::NoProxy::from_string(LOOPBACK_NO_PROXY_CLIENT)
        } else {
            reqwest::NoProxy::from_string(&format!("{LOOPBACK_NO_PROXY_CLIENT},{user}"))
        }
    }
}

/// A configured client and the settings it was built from. Clones share one
/// connection pool, so keep-alive connections are reused across requests.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    settings: HttpSettings,
    proxy: Option<Url>,
    system_proxy: SystemProxy,
    /// When the last response body was read to its end; see [`ReuseFirst`].
    released: Arc<Mutex<Option<Instant>>>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Proxy URLs may carry a password.
        let show = |url: &Option<Url>| url.as_ref().map(|u| proxy_display(u, Some("[redacted]")));
        f.debug_struct("HttpClient")
            .field("settings", &self.settings)
            .field("system_http_proxy", &show(&self.system_proxy.http))
            .field("system_https_proxy", &show(&self.system_proxy.https))
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// A client for `settings`, with the system proxy of this process's
    /// environment.
    pub fn new(settings: HttpSettings) -> Result<Self> {
        HttpClient::with_env(settings, |name| std::env::var(name).ok())
    }

    /// A client for `settings` whose system proxy comes from `env` (a
    /// variable's value by name) instead of the process environment, so a
    /// test can give one client a proxy without touching the others.
    pub fn with_env(settings: HttpSettings, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        HttpClient::build(settings, SystemProxy::from_env(&env), &[], None)
    }

    /// This client's settings and proxies, presenting `certificate` (PEM)
    /// with `private_key` (PEM) when a server asks for a client certificate
    /// (mutual TLS), and trusting `extra_roots` (PEM certificates) besides
    /// the usual roots. A new connection pool: the identity is per client.
    pub fn with_client_certificate(&self, certificate: &str, private_key: &Secret, extra_roots: &[String]) -> Result<Self> {
        let mut pem = private_key.expose().trim().to_owned();
        pem.push('\n');
        pem.push_str(certificate.trim());
        pem.push('\n');
        let identity = reqwest::Identity::from_pem(pem.as_bytes()).map_err(|e| Error::ClientCertificate {
            // reqwest's message names the PEM part it could not read, never its content.
            reason: last_cause(&e),
        })?;
        let mut roots = Vec::new();
        for root in extra_roots {
            roots.push(reqwest::Certificate::from_pem(root.as_bytes()).map_err(|e| Error::Internal(format!("a built-in CA certificate is not valid: {}", last_cause(&e))))?);
        }
        HttpClient::build(self.settings.clone(), self.system_proxy.clone(), &roots, Some(identity))
    }

    fn build(settings: HttpSettings, system_proxy: SystemProxy, extra_roots: &[reqwest::Certificate], identity: Option<reqwest::Identity>) -> Result<Self> {
        let proxy = settings.proxy_url()?;
        let released = Arc::new(Mutex::new(None));
        let mut builder = reqwest::Client::builder()
            .connector_layer(ReuseFirst {
                released: released.clone(),
            })
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(15)))
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .tcp_keepalive(Duration::from_secs(60))
            .user_agent(concat!("OAuthConsole/", env!("CARGO_PKG_VERSION")))
            // No proxy reqwest finds by itself: only the ones below.
            .no_proxy();
        let invalid = |e: reqwest::Error| Error::InvalidUrl {
            field: "Proxy",
            reason: last_cause(&e),
        };
        if let Some(proxy) = &proxy {
            let explicit = reqwest::Proxy::all(proxy.as_str())
                .map_err(invalid)?
                .no_proxy(reqwest::NoProxy::from_string(LOOPBACK_NO_PROXY_CLIENT));
            builder = builder.proxy(explicit);
        } else {
            if let Some(url) = &system_proxy.http {
                builder = builder.proxy(
                    reqwest::Proxy::http(url.as_str())
                        .map_err(invalid)?
                        .no_proxy(system_proxy.client_no_proxy()),
                );
            }
            if let Some(url) = &system_proxy.https {
                builder = builder.proxy(
                    reqwest::Proxy::https(url.as_str())
                        .map_err(invalid)?
                        .no_proxy(system_proxy.client_no_proxy()),
                );
            }
        }
        if let Some(path) = settings.ca_bundle_path() {
            for certificate in read_ca_bundle(path)? {
                builder = builder.add_root_certificate(certificate);
            }
        }
        for root in extra_roots {
            builder = builder.add_root_certificate(root.clone());
        }
        if let Some(identity) = identity {
            builder = builder.identity(identity);
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
            system_proxy,
            released,
        })
    }

    pub fn reqwest(&self) -> &reqwest::Client {
        &self.client
    }

    /// Marks that a response was read to its end, so its keep-alive
    /// connection is on its way back to the pool (see [`ReuseFirst`]).
    pub(crate) fn body_finished(&self) {
        *lock(&self.released) = Some(Instant::now());
    }

    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// Turns a transport failure into what happened, in plain words. The
    /// kind of failure comes from the typed errors of its `source()` chain
    /// ([`Cause`]), never from searching the message, which holds the URL.
    pub fn classify(&self, error: &reqwest::Error, url: &str) -> Error {
        let parsed = Url::parse(url).ok();
        // A name lookup is about the host alone; the rest name the port too.
        let host = parsed
            .as_ref()
            .and_then(address_of)
            .unwrap_or_else(|| url.to_owned());
        if error.is_timeout() {
            return Error::Timeout {
                host,
                seconds: self.settings.timeout.as_secs(),
            };
        }
        let cause = Cause::of(error);
        if let Cause::Tls(rustls::Error::AlertReceived(alert)) = &cause {
            use rustls::AlertDescription as A;
            if matches!(alert, A::CertificateRequired | A::BadCertificate | A::UnknownCA | A::CertificateUnknown | A::UnsupportedCertificate) {
                return Error::ClientCertificateRefused { host, alert: format!("{alert:?}") };
            }
        }
        if let Cause::Tls(tls) = &cause {
            return Error::Tls {
                host,
                detail: tls_detail(tls),
            };
        }
        if let Some(proxy) = parsed.as_ref().and_then(|u| self.proxy_in_use(u)) {
            if error.is_connect() || matches!(cause, Cause::ProxyAuth | Cause::TunnelRefused) {
                return Error::Proxy {
                    proxy,
                    detail: proxy_detail(&cause, &host, error),
                };
            }
        }
        match cause {
            Cause::Dns => Error::Dns {
                host: parsed
                    .as_ref()
                    .and_then(|u| u.host_str().map(str::to_owned))
                    .unwrap_or(host),
            },
            Cause::Io(std::io::ErrorKind::ConnectionRefused) => Error::ConnectionRefused { host },
            Cause::Io(std::io::ErrorKind::TimedOut) => Error::Timeout {
                host,
                seconds: self.settings.timeout.as_secs(),
            },
            _ => Error::Network {
                host,
                detail: last_cause(error),
            },
        }
    }

    /// A body that stopped before its end: a timeout is a timeout; any
    /// other failure once the answer had begun (the server or a proxy
    /// closed or reset the connection) says how much arrived, not that the
    /// host could not be reached.
    pub(crate) fn classify_body(&self, failed: &BodyFailed, url: &str) -> Error {
        if failed.error.is_timeout() {
            return self.classify(&failed.error, url);
        }
        Error::BodyCut {
            host: Url::parse(url)
                .ok()
                .as_ref()
                .and_then(address_of)
                .unwrap_or_else(|| url.to_owned()),
            received: failed.received,
            expected: failed.expected,
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
        let proxy = self.system_proxy.for_scheme(url.scheme())?;
        if self.system_proxy.bypasses(url) {
            return None;
        }
        Some(proxy_display(proxy, None))
    }
}

/// What a transport failure was, read from the typed errors of its
/// `source()` chain.
#[derive(Debug)]
enum Cause {
    /// rustls refused the connection (a certificate, a protocol alert).
    Tls(rustls::Error),
    /// The host name was not resolved.
    Dns,
    /// The proxy answered the CONNECT with 407.
    ProxyAuth,
    /// The proxy answered the CONNECT with another non-2xx status.
    TunnelRefused,
    /// An operating-system error, such as a refused or reset connection.
    Io(std::io::ErrorKind),
    Other,
}

/// hyper-util's connector wraps a failed name lookup in its (private)
/// `ConnectError` whose whole message is this fixed text; it is compared
/// whole, as the name of a type, never searched for in a message.
const HYPER_DNS_ERROR: &str = "dns error";
/// hyper-util's (private) `TunnelError` variants, by their fixed messages.
const TUNNEL_PROXY_AUTH: &str = "tunnel error: proxy authorization required";
const TUNNEL_UNSUCCESSFUL: &str = "tunnel error: unsuccessful";

impl Cause {
    fn of(error: &reqwest::Error) -> Cause {
        let mut io_kind = None;
        let mut dns = false;
        for cause in causes(error) {
            if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
                return Cause::Tls(tls.clone());
            }
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                // An io::Error's source() skips the error it wraps, so look
                // inside it: TLS failures arrive as io::Error(rustls::Error).
                if let Some(tls) = io
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                {
                    return Cause::Tls(tls.clone());
                }
                io_kind.get_or_insert(io.kind());
                continue;
            }
            // Only leaf-free wrapper types with a fixed message are compared,
            // whole; a message carrying request data cannot equal these.
            match cause.to_string().as_str() {
                HYPER_DNS_ERROR => dns = true,
                TUNNEL_PROXY_AUTH => return Cause::ProxyAuth,
                TUNNEL_UNSUCCESSFUL => return Cause::TunnelRefused,
                _ => {}
            }
        }
        match (dns, io_kind) {
            (true, _) => Cause::Dns,
            (false, Some(kind)) => Cause::Io(kind),
            (false, None) => Cause::Other,
        }
    }
}

/// `error` and each of its sources, looking inside io::Errors that wrap
/// another error.
fn causes(error: &reqwest::Error) -> Vec<&(dyn std::error::Error + 'static)> {
    let mut all: Vec<&(dyn std::error::Error + 'static)> = vec![error];
    let mut next = error.source();
    while let Some(cause) = next {
        all.push(cause);
        next = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
        if all.len() > 32 {
            break;
        }
    }
    all
}

/// A connector layer that lets a kept-alive connection win over a new one.
///
/// The race it closes: hyper-util hands an HTTP/1 connection back to its
/// pool from a task it spawns, which finishes only after the response body
/// was read. A request made right after that (the next send, the next
/// token request) may find the pool empty; hyper-util then starts a new
/// connection and waits for either, and when the pool wins it still
/// finishes the started connection in the background: a second TCP
/// connection (2 for 100 back-to-back sends, in 8 of 20 runs; a raw server
/// showed requests moving to the new one).
///
/// So a connect that starts within [`CONNECTION_RETURN`] of a finished body
/// waits until then before connecting, and gives up, without opening a
/// socket, as soon as hyper-util moves it to a background task: that move
/// happens exactly when the pool delivered the returning connection to the
/// request. A request that gets its connection from the pool pays nothing;
/// one that needs a new connection right after a body waits at most
/// [`CONNECTION_RETURN`].
#[derive(Clone)]
struct ReuseFirst {
    released: Arc<Mutex<Option<Instant>>>,
}

impl<S> tower_layer::Layer<S> for ReuseFirst {
    type Service = ReuseFirstService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ReuseFirstService {
            inner,
            released: self.released.clone(),
        }
    }
}

#[derive(Clone)]
struct ReuseFirstService<S> {
    inner: S,
    released: Arc<Mutex<Option<Instant>>>,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<S, R> tower_service::Service<R> for ReuseFirstService<S>
where
    S: tower_service::Service<R, Error = BoxError> + Clone + Send + 'static,
    S::Future: Send + 'static,
    R: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = std::result::Result<S::Response, BoxError>> + Send>,
    >;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::result::Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        // The service that was made ready is the one that is called.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let hold_until = lock(&self.released)
            .map(|at| at + CONNECTION_RETURN)
            .filter(|until| *until > Instant::now());
        Box::pin(async move {
            if let Some(until) = hold_until {
                if (Superseded {
                    sleep: Box::pin(tokio::time::sleep_until(until.into())),
                    waker: None,
                })
                .await
                {
                    return Err("not needed: the kept-alive connection came back".into());
                }
            }
            inner.call(request).await
        })
    }
}

/// Ready with `false` at the deadline, or with `true` as soon as it is
/// polled by another task than the one that first polled it.
struct Superseded {
    sleep: std::pin::Pin<Box<tokio::time::Sleep>>,
    waker: Option<std::task::Waker>,
}

impl std::future::Future for Superseded {
    type Output = bool;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<bool> {
        match &self.waker {
            None => self.waker = Some(cx.waker().clone()),
            Some(first) if !first.will_wake(cx.waker()) => return std::task::Poll::Ready(true),
            Some(_) => {}
        }
        self.sleep.as_mut().poll(cx).map(|()| false)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The certificate problem in plain words, with rustls' name for it.
fn tls_detail(error: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match error {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            "its certificate is signed by an authority this computer does not trust (UnknownIssuer)"
                .into()
        }
        rustls::Error::InvalidCertificate(C::NotValidForName)
        | rustls::Error::InvalidCertificate(C::NotValidForNameContext { .. }) => {
            "its certificate is not issued for this host name (NotValidForName)".into()
        }
        rustls::Error::InvalidCertificate(C::Expired)
        | rustls::Error::InvalidCertificate(C::ExpiredContext { .. }) => {
            "its certificate has expired".into()
        }
        other => other.to_string(),
    }
}

fn proxy_detail(cause: &Cause, host: &str, error: &reqwest::Error) -> String {
    match cause {
        Cause::ProxyAuth => "it asks for a user name and password (HTTP 407); give them in the proxy URL as http://user:password@host:port".into(),
        Cause::TunnelRefused => format!("it refused to open a connection to {host}"),
        Cause::Io(std::io::ErrorKind::ConnectionRefused) => {
            "nothing is listening at the proxy's address".into()
        }
        Cause::Dns => "its host name was not found".into(),
        _ => last_cause(error),
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
                reason: format!("the scheme must be https (or http to this computer), not {other}"),
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

    /// A server on 127.0.0.1 that announces 100,000 bytes, sends 1,000 and
    /// closes the connection.
    fn cut_short_server() -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/cut", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request);
            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
            let _ = socket.write_all(&[b'x'; 1000]);
        });
        url
    }

    #[tokio::test]
    async fn a_body_cut_short_says_how_much_arrived_not_that_the_host_was_unreachable() {
        let url = cut_short_server();
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let mut response = http.reqwest().get(&url).send().await.unwrap();
        let failed = read_capped(&mut response, 1024 * 1024).await.unwrap_err();
        let err = http.classify_body(&failed, &url);
        let port = Url::parse(&url).unwrap().port().unwrap();
        assert!(
            matches!(&err, Error::BodyCut { host, received: 1000, expected: Some(100000) } if *host == format!("127.0.0.1:{port}")),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("the connection to 127.0.0.1:{port} closed before the whole body arrived (1000 of 100000 bytes)")
        );
        assert_eq!(err.code(), "body_cut");
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

    #[tokio::test]
    async fn a_refused_connection_to_a_path_about_certificates_is_not_a_certificate_problem() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        for path in [
            "/tls/certificates",
            "/handshake?certificate=expired",
            "/proxy/tunnel/dns%20error",
        ] {
            let url = format!("http://127.0.0.1:{port}{path}");
            let err = http.reqwest().get(&url).send().await.unwrap_err();
            let err = http.classify(&err, &url);
            assert!(
                matches!(&err, Error::ConnectionRefused { host } if *host == format!("127.0.0.1:{port}")),
                "{path}: the words of the URL decide nothing: {err:?}"
            );
        }
    }

    /// A resolver that finds no host, so no lookup leaves this computer.
    struct NoSuchHost;

    impl reqwest::dns::Resolve for NoSuchHost {
        fn resolve(&self, _: reqwest::dns::Name) -> reqwest::dns::Resolving {
            Box::pin(async {
                Err::<reqwest::dns::Addrs, BoxError>(Box::new(std::io::Error::other(
                    "certificate handshake tunnel: no such host (test)",
                )))
            })
        }
    }

    #[tokio::test]
    async fn a_host_that_is_not_found_is_a_dns_error_whatever_the_words() {
        let failing = reqwest::Client::builder()
            .dns_resolver(std::sync::Arc::new(NoSuchHost))
            .no_proxy()
            .build()
            .unwrap();
        let url = "https://idcs-x.identity.example.test/oauth2/v1/certificates";
        let err = failing.get(url).send().await.unwrap_err();
        // Without a system proxy, whatever this process's environment says.
        let http = HttpClient::with_env(HttpSettings::default(), |_| None).unwrap();
        let err = http.classify(&err, url);
        assert!(
            matches!(&err, Error::Dns { host } if host == "idcs-x.identity.example.test"),
            "{err:?}"
        );
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
    fn the_body_limit_is_read_in_megabytes_with_50_by_default() {
        let settings: HttpSettings =
            serde_json::from_value(serde_json::json!({"maxBodyMegabytes": 5})).unwrap();
        assert_eq!(settings.max_body, 5 * MEGABYTE);
        let default: HttpSettings = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(default.max_body, 50 * MEGABYTE);
        let zero: HttpSettings =
            serde_json::from_value(serde_json::json!({"maxBodyMegabytes": 0})).unwrap();
        assert_eq!(
            zero.max_body, DEFAULT_MAX_BODY,
            "0 means the default, not nothing"
        );
    }

    #[test]
    fn debug_output_of_the_client_hides_proxy_passwords() {
        let env = |name: &str| {
            (name == "HTTPS_PROXY")
                .then(|| "http://someone:test-env-pw-not-real@proxy.corp.example:3128".to_owned())
        };
        let http = HttpClient::with_env(HttpSettings::default(), env).unwrap();
        let printed = format!("{http:?}");
        assert!(!printed.contains("not-real"), "{printed}");
        assert!(printed.contains("proxy.corp.example:3128"), "{printed}");
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
    fn a_folder_a_device_a_pipe_or_a_huge_file_is_refused_without_being_read() {
        let folder = std::env::temp_dir();
        let huge = temp_file("huge.pem", "-----BEGIN CERTIFICATE-----\n");
        std::fs::File::options()
            .write(true)
            .open(&huge)
            .unwrap()
            .set_len(2 * MEGABYTE)
            .unwrap();
        let fifo =
            std::env::temp_dir().join(format!("oauth-console-{}-fifo.pem", std::process::id()));
        let _ = std::fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success(), "mkfifo makes the pipe");
        for (path, words) in [
            (folder.clone(), "a folder"),
            (PathBuf::from("/dev/zero"), "not a regular file"),
            (fifo.clone(), "not a regular file"),
            (huge.clone(), "larger than 1 MB"),
        ] {
            let started = std::time::Instant::now();
            let err = with_ca_bundle(path.clone());
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "{path:?} answered at once"
            );
            assert_eq!(err.code(), "ca_bundle", "{path:?}");
            assert!(err.to_string().contains(words), "{path:?}: {err}");
        }
        std::fs::remove_file(&huge).unwrap();
        std::fs::remove_file(&fifo).unwrap();
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

    /// A proxy on 127.0.0.1 that records the head of every request it gets
    /// and answers 502.
    async fn recording_proxy() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut head = Vec::new();
                let mut chunk = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&chunk[..n]),
                    }
                }
                record
                    .lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let _ = socket
                    .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .await;
            }
        });
        (base, seen)
    }

    #[tokio::test]
    async fn the_system_proxy_from_the_environment_never_carries_requests_to_this_computer() {
        let (proxy, proxied) = recording_proxy().await;
        let env = move |name: &str| {
            matches!(name, "HTTP_PROXY" | "HTTPS_PROXY" | "ALL_PROXY").then(|| proxy.clone())
        };
        let http = HttpClient::with_env(HttpSettings::default(), env).unwrap();

        let (base, seen) = crate::testing::serve_once(200, "text/plain", "ok").await;
        let response = http
            .reqwest()
            .get(format!("{base}/direct"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(seen.await.unwrap().head.starts_with("GET /direct "));

        let (base, seen) = crate::testing::serve_once(200, "text/plain", "ok").await;
        let local = base.replace("127.0.0.1", "localhost");
        assert_eq!(
            http.reqwest().get(&local).send().await.unwrap().status(),
            200
        );
        assert!(seen.await.unwrap().head.starts_with("GET / "));

        // 127.0.0.0/8 is this computer too, not only 127.0.0.1.
        let other = tokio::net::TcpListener::bind("127.0.0.2:0").await.unwrap();
        let other_url = format!("http://{}/x", other.local_addr().unwrap());
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let (mut socket, _) = other.accept().await.unwrap();
            let mut chunk = [0u8; 1024];
            let _ = socket.read(&mut chunk).await;
            let _ = socket
                .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                .await;
        });
        assert_eq!(
            http.reqwest()
                .get(&other_url)
                .send()
                .await
                .unwrap()
                .status(),
            204
        );

        assert!(
            proxied.lock().unwrap().is_empty(),
            "the proxy saw nothing: {:?}",
            proxied.lock().unwrap()
        );
        // The control: another computer does go through the environment's proxy.
        let response = http
            .reqwest()
            .get("http://oic.example.test/ic/api/")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 502, "the recording proxy answered");
        let proxied = proxied.lock().unwrap();
        assert_eq!(proxied.len(), 1, "{proxied:?}");
        assert!(
            proxied[0].starts_with("GET http://oic.example.test/ic/api/ "),
            "{proxied:?}"
        );
    }

    #[test]
    fn the_system_proxy_is_read_from_the_variables_the_client_is_given() {
        let env = |name: &str| match name {
            "https_proxy" => Some("proxy.corp.example:3128".to_owned()),
            "ALL_PROXY" => Some("http://all.corp.example:8080".to_owned()),
            "NO_PROXY" => Some(".internal.example".to_owned()),
            _ => None,
        };
        let http = HttpClient::with_env(HttpSettings::default(), env).unwrap();
        let url = |u: &str| Url::parse(u).unwrap();
        assert_eq!(
            http.proxy_in_use(&url("https://idcs-x.identity.oraclecloud.com/")),
            Some("http://proxy.corp.example:3128".to_owned())
        );
        assert_eq!(
            http.proxy_in_use(&url("http://plain.example.com/")),
            Some("http://all.corp.example:8080".to_owned()),
            "ALL_PROXY when HTTP_PROXY is unset"
        );
        assert_eq!(http.proxy_in_use(&url("https://a.internal.example/")), None);
        assert_eq!(http.proxy_in_use(&url("http://127.0.0.9:8080/")), None);
        assert_eq!(http.proxy_in_use(&url("http://[::1]:8080/")), None);
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
