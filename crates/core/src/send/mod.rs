//! The API request sender: the call the administrator composed (method, URL,
//! headers, body), sent with the app's one client, following redirects hop by
//! hop so that each hop decides whether the credentials go along (see
//! [`redirect`]), and answered with the final response and the chain.
//!
//! The access token arrives apart from the request, as a [`Secret`] holding
//! the whole Authorization value (`Bearer ...`); it wins over an
//! Authorization row typed among the headers. This module touches the network
//! only through [`HttpClient`]; Cancel stops a call by dropping it (run it
//! under [`crate::cancel::InFlight`]).

mod body;
pub mod curl;
pub mod pretty;
pub mod redirect;
pub mod response;
pub mod variables;

pub use redirect::{
    default_trusted_hosts, FollowAuthorization, Forwarding, RedirectPolicy, StopReason,
    StoppedRedirect, TrustedHost, MAX_REDIRECTS,
};
pub use response::{ApiResponse, BodyKind, HeaderLine, Hop, ResponseBody, Size, Timing};

use crate::error::{Error, Result};
use crate::http::{endpoint_url, HttpClient};
use crate::secret::Secret;
use body::OutBody;
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE, HOST};
use http::{HeaderMap, Method};
use response::{is_credential_header, reason};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{Duration, Instant};
use url::Url;

/// The most of a redirect response's body that is read (to keep its
/// connection for the next request); the rest is dropped.
const REDIRECT_BODY_LIMIT: usize = 64 * 1024;

/// A call as the request editor sends it:
/// `{"method": "GET", "url": "...", "headers": [{"name", "value", "enabled"}],
/// "body": {"kind": "json", "text": "..."}, "followAuthorization": "trusted",
/// "trustedHosts": ["oraclecloud.com"]}`. A profile stores its request
/// panel and its saved requests in this same shape (`crate::store::profile`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiRequest {
    #[serde(default = "get")]
    pub method: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub headers: Vec<NameValue>,
    #[serde(default)]
    pub body: RequestBody,
    #[serde(default)]
    pub follow_authorization: FollowAuthorization,
    #[serde(default = "oracle_cloud")]
    pub trusted_hosts: Vec<String>,
}

impl Default for ApiRequest {
    /// An empty GET, with the same defaults as a request read from JSON.
    fn default() -> Self {
        ApiRequest {
            method: get(),
            url: String::new(),
            headers: Vec::new(),
            body: RequestBody::None,
            follow_authorization: FollowAuthorization::default(),
            trusted_hosts: oracle_cloud(),
        }
    }
}

fn get() -> String {
    "GET".into()
}

fn oracle_cloud() -> Vec<String> {
    vec![redirect::ORACLE_CLOUD.to_owned()]
}

/// A header row or a form field; disabled rows are kept by the editor but
/// not sent.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameValue {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: String,
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// The user marked the row secret (the lock on the row): like a
    /// credential header, its value is masked and kept out of files.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
}

fn enabled() -> bool {
    true
}

impl NameValue {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> NameValue {
        NameValue {
            name: name.into(),
            value: value.into(),
            enabled: true,
            secret: false,
        }
    }

    /// Whether the value must be masked: a credential header or a form field
    /// named like a secret.
    pub fn is_secret(&self) -> bool {
        self.secret || is_credential_header(self.name.trim()) || is_secret_field(self.name.trim())
    }
}

impl fmt::Debug for NameValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value: &dyn fmt::Debug = if self.is_secret() {
            &"[redacted]"
        } else {
            &self.value
        };
        f.debug_struct("NameValue")
            .field("name", &self.name)
            .field("value", value)
            .field("enabled", &self.enabled)
            .field("secret", &self.secret)
            .finish()
    }
}

/// Form fields whose values are secrets in OAuth and OIC requests.
pub(crate) fn is_secret_field(name: &str) -> bool {
    [
        "client_secret",
        "password",
        "access_token",
        "refresh_token",
        "id_token",
        "code",
        "code_verifier",
        "assertion",
        "client_assertion",
    ]
    .iter()
    .any(|n| name.eq_ignore_ascii_case(n))
}

/// The Body tab.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RequestBody {
    #[default]
    None,
    /// Raw JSON, sent as typed with `Content-Type: application/json`.
    Json {
        #[serde(default)]
        text: String,
    },
    /// `application/x-www-form-urlencoded`, from the enabled fields.
    Form {
        #[serde(default)]
        fields: Vec<NameValue>,
    },
    /// Raw text, `Content-Type: text/plain; charset=UTF-8`.
    Text {
        #[serde(default)]
        text: String,
    },
    /// `multipart/form-data` from the enabled parts with a name; a file
    /// part is streamed from disk when sent.
    Multipart {
        #[serde(default)]
        parts: Vec<FormPart>,
    },
    /// One file as the whole body, streamed from disk (never read whole
    /// into memory), with `content_type` or `application/octet-stream`
    /// unless a Content-Type header row says otherwise.
    File {
        #[serde(default)]
        path: String,
        #[serde(default, rename = "contentType", skip_serializing_if = "String::is_empty")]
        content_type: String,
    },
}

/// A part of a `multipart/form-data` body: a text value, or a file sent
/// with its path's last component as the file name.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormPart {
    #[serde(default)]
    pub name: String,
    /// A text part's value; not used by a file part.
    #[serde(default)]
    pub value: String,
    /// A file part: the path of the file sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default = "enabled")]
    pub enabled: bool,
    /// A text part the user marked secret, kept like a secret form field.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
}

impl FormPart {
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> FormPart {
        FormPart {
            name: name.into(),
            value: value.into(),
            file: None,
            content_type: None,
            enabled: true,
            secret: false,
        }
    }

    pub fn file(name: impl Into<String>, path: impl Into<String>) -> FormPart {
        FormPart {
            file: Some(path.into()),
            ..FormPart::text(name, "")
        }
    }

    /// Whether the value must be masked: a text part marked secret or named
    /// like a secret form field. A file part's path is not a secret.
    pub fn is_secret(&self) -> bool {
        self.file.is_none() && (self.secret || is_secret_field(self.name.trim()))
    }
}

impl fmt::Debug for FormPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value: &dyn fmt::Debug = if self.is_secret() {
            &"[redacted]"
        } else {
            &self.value
        };
        f.debug_struct("FormPart")
            .field("name", &self.name)
            .field("value", value)
            .field("file", &self.file)
            .field("content_type", &self.content_type)
            .field("enabled", &self.enabled)
            .field("secret", &self.secret)
            .finish()
    }
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A body may carry a password (a connection update, say).
        match self {
            RequestBody::None => f.write_str("None"),
            RequestBody::Json { text } => write!(f, "Json({} bytes)", text.len()),
            RequestBody::Form { fields } => f.debug_tuple("Form").field(fields).finish(),
            RequestBody::Text { text } => write!(f, "Text({} bytes)", text.len()),
            RequestBody::Multipart { parts } => f.debug_tuple("Multipart").field(parts).finish(),
            RequestBody::File { path, content_type } => f
                .debug_struct("File")
                .field("path", path)
                .field("content_type", content_type)
                .finish(),
        }
    }
}

impl RequestBody {
    /// The body and the Content-Type to send; `None` for no body (blank
    /// text, no enabled field or part). Files are not opened here.
    fn encode(&self) -> Result<Option<(OutBody, String)>> {
        Ok(match self {
            RequestBody::None => None,
            RequestBody::Json { text } if !text.trim().is_empty() => Some((
                OutBody::Bytes(text.clone().into_bytes()),
                "application/json".into(),
            )),
            RequestBody::Text { text } if !text.is_empty() => Some((
                OutBody::Bytes(text.clone().into_bytes()),
                "text/plain; charset=UTF-8".into(),
            )),
            RequestBody::Form { fields } => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                let mut any = false;
                for field in sent_fields(fields) {
                    form.append_pair(field.name.trim(), &field.value);
                    any = true;
                }
                any.then(|| {
                    (
                        OutBody::Bytes(form.finish().into_bytes()),
                        "application/x-www-form-urlencoded".into(),
                    )
                })
            }
            RequestBody::Json { .. } | RequestBody::Text { .. } => None,
            RequestBody::Multipart { parts } => {
                let boundary = body::boundary(parts);
                OutBody::multipart(parts, &boundary)?
                    .map(|body| (body, format!("multipart/form-data; boundary={boundary}")))
            }
            RequestBody::File { path, content_type } => {
                let content_type = content_type.trim();
                Some((
                    OutBody::file(path)?,
                    if content_type.is_empty() {
                        "application/octet-stream".into()
                    } else {
                        content_type.into()
                    },
                ))
            }
        })
    }
}

/// The fields that are sent: enabled, with a name.
pub(crate) fn sent_fields(fields: &[NameValue]) -> impl Iterator<Item = &NameValue> {
    fields
        .iter()
        .filter(|f| f.enabled && !f.name.trim().is_empty())
}

/// A request checked and ready to go, shared by [`send`] and [`curl`] so that
/// the command line matches what the app sends.
pub(crate) struct Prepared {
    pub method: Method,
    pub url: Url,
    /// In the order the user wrote them, Authorization first; credential
    /// values are marked sensitive.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<OutBody>,
    pub policy: RedirectPolicy,
}

pub(crate) fn prepare(request: &ApiRequest, authorization: Option<&Secret>) -> Result<Prepared> {
    let method_text = request.method.trim().to_ascii_uppercase();
    let method = if method_text.is_empty() {
        Method::GET
    } else {
        Method::from_bytes(method_text.as_bytes()).map_err(|_| Error::InvalidMethod {
            method: request.method.trim().to_owned(),
        })?
    };
    let url = endpoint_url("URL", &request.url)?;
    let policy = RedirectPolicy::new(request.follow_authorization, &request.trusted_hosts)?;
    let authorization = authorization.filter(|a| !a.is_empty());

    let mut headers = Vec::new();
    if let Some(authorization) = authorization {
        let mut value = HeaderValue::from_str(authorization.expose().trim()).map_err(|_| {
            Error::InvalidHeader {
                name: "Authorization".into(),
                reason: "the token has a line break or another character a header cannot carry"
                    .into(),
            }
        })?;
        value.set_sensitive(true);
        headers.push((http::header::AUTHORIZATION, value));
    }
    for row in request
        .headers
        .iter()
        .filter(|r| r.enabled && !r.name.trim().is_empty())
    {
        let name_text = row.name.trim();
        let name =
            HeaderName::from_bytes(name_text.as_bytes()).map_err(|_| Error::InvalidHeader {
                name: name_text.to_owned(),
                reason: "a header name is letters, digits and - only".into(),
            })?;
        // The client computes these from the body.
        if name == http::header::CONTENT_LENGTH || name == http::header::TRANSFER_ENCODING {
            continue;
        }
        if name == http::header::AUTHORIZATION && authorization.is_some() {
            continue;
        }
        let mut value =
            HeaderValue::from_str(row.value.trim()).map_err(|_| Error::InvalidHeader {
                name: name_text.to_owned(),
                reason: "the value has a line break or another character a header cannot carry"
                    .into(),
            })?;
        if is_credential_header(name.as_str()) {
            value.set_sensitive(true);
        }
        headers.push((name, value));
    }
    let body = match request.body.encode()? {
        Some((body, content_type)) => {
            // A multipart body's boundary is ours: a typed Content-Type
            // would not name it.
            if matches!(request.body, RequestBody::Multipart { .. }) {
                headers.retain(|(name, _)| name != CONTENT_TYPE);
            }
            if !headers.iter().any(|(name, _)| name == CONTENT_TYPE) {
                let value =
                    HeaderValue::from_str(&content_type).map_err(|_| Error::InvalidHeader {
                        name: "Content-Type".into(),
                        reason: "the file's content type has a character a header cannot carry"
                            .into(),
                    })?;
                headers.push((CONTENT_TYPE, value));
            }
            Some(body)
        }
        None => None,
    };
    Ok(Prepared {
        method,
        url,
        headers,
        body,
        policy,
    })
}

/// Where a response sends the request next.
enum Next {
    /// Not a redirect: this is the answer.
    Done,
    /// A redirect status that is not followed, and why; `stopped` when the
    /// Redirects tab lists it as stopped.
    NotFollowed {
        note: String,
        stopped: Option<StoppedRedirect>,
    },
    Follow {
        url: Url,
        method: Method,
        keep_body: bool,
    },
}

fn next_hop(status: http::StatusCode, headers: &HeaderMap, url: &Url, method: &Method) -> Next {
    let Some((next_method, keep_body)) = redirect::next_method(status.as_u16(), method) else {
        return Next::Done;
    };
    let not_followed = |note: String| Next::NotFollowed {
        note,
        stopped: None,
    };
    let Some(location) = headers.get(http::header::LOCATION) else {
        return not_followed(format!(
            "the {} response has no Location header, so it was not followed",
            status.as_u16()
        ));
    };
    let Ok(location) = location.to_str() else {
        return not_followed(
            "the Location header is not valid text, so it was not followed".into(),
        );
    };
    let target = match url.join(location.trim()) {
        Ok(target) => target,
        Err(e) => {
            return not_followed(format!(
                "the Location header is not a valid URL ({e}), so it was not followed"
            ))
        }
    };
    if redirect::stop_reason(url, &target, false, false) == Some(StopReason::Scheme) {
        // Only the scheme is shown: a data: or javascript: URL is content.
        let scheme = target.scheme();
        let note = format!(
            "the server redirected to a {scheme}: address, which OAuth Console never opens; only http and https redirects are followed"
        );
        return Next::NotFollowed {
            stopped: Some(StoppedRedirect::new(
                StopReason::Scheme,
                &next_method,
                format!("{scheme}:"),
                note.clone(),
            )),
            note,
        };
    }
    Next::Follow {
        url: target,
        method: next_method,
        keep_body,
    }
}

/// Headers about the body, dropped when a redirect drops the body.
fn describes_body(name: &HeaderName) -> bool {
    [
        "content-type",
        "content-encoding",
        "content-language",
        "content-location",
    ]
    .contains(&name.as_str())
}

/// Sends `request` and follows up to [`MAX_REDIRECTS`] redirects, deciding
/// per hop whether `authorization` (the whole header value, such as
/// `Bearer <token>`), Cookie and Proxy-Authorization go along. A redirect
/// loop or one redirect too many ends with an error that says so.
pub async fn send(
    http: &HttpClient,
    request: &ApiRequest,
    authorization: Option<&Secret>,
) -> Result<ApiResponse> {
    send_prepared(http, prepare(request, authorization)?).await
}

/// "Follow once without credentials" for a redirect the sender stopped
/// (see [`StoppedRedirect`]): sends `request` again to the stopped hop's URL
/// and method, without the token and without any Authorization, Cookie or
/// Proxy-Authorization row, with forwarding off for the rest of the chain.
/// The body goes along only when the method stays the same (a 307/308). A
/// plain http URL to another computer is allowed here, and only here,
/// because nothing secret goes with it. A refused scheme (`javascript:`,
/// ...) is never followed.
pub async fn follow_once(
    http: &HttpClient,
    request: &ApiRequest,
    stopped: &StoppedRedirect,
) -> Result<ApiResponse> {
    send_prepared(http, prepare_follow_once(request, stopped)?).await
}

pub(crate) fn prepare_follow_once(
    request: &ApiRequest,
    stopped: &StoppedRedirect,
) -> Result<Prepared> {
    if !stopped.can_follow_once {
        return Err(Error::InvalidUrl {
            field: "URL",
            reason: "this redirect is not to an http or https address, so it is never followed"
                .into(),
        });
    }
    let target = Url::parse(&stopped.url).map_err(|e| Error::InvalidUrl {
        field: "URL",
        reason: e.to_string(),
    })?;
    let same_method = request.method.trim().eq_ignore_ascii_case(&stopped.method);
    let once = ApiRequest {
        method: stopped.method.clone(),
        // Checked as an https URL; the real one is put back below.
        url: {
            let mut checked = target.clone();
            let _ = checked.set_scheme("https");
            checked.to_string()
        },
        headers: request
            .headers
            .iter()
            .filter(|row| {
                let name = row.name.trim();
                !is_credential_header(name) && !name.eq_ignore_ascii_case("host")
            })
            .cloned()
            .collect(),
        body: if same_method {
            request.body.clone()
        } else {
            RequestBody::None
        },
        follow_authorization: FollowAuthorization::Off,
        trusted_hosts: Vec::new(),
    };
    let mut prepared = prepare(&once, None)?;
    prepared.url = target;
    Ok(prepared)
}

async fn send_prepared(http: &HttpClient, prepared: Prepared) -> Result<ApiResponse> {
    let last = until_final(http, prepared).await?;
    read_into_memory(http, last).await
}

/// Sends and follows redirects up to the final response, whose body is left
/// unread.
async fn until_final(http: &HttpClient, prepared: Prepared) -> Result<FinalHop> {
    let Prepared {
        mut method,
        mut url,
        mut headers,
        mut body,
        policy,
    } = prepared;
    let has_credentials = headers
        .iter()
        .any(|(name, _)| is_credential_header(name.as_str()));
    let mut carrying = has_credentials;
    let mut forwarding = if has_credentials {
        Forwarding::Sent
    } else {
        Forwarding::NotSet
    };
    let mut hops: Vec<Hop> = Vec::new();
    let mut visited: Vec<(Method, Url, bool)> = Vec::new();
    let started = Instant::now();

    'hops: loop {
        visited.push((method.clone(), url.clone(), carrying));
        let hop_started = Instant::now();
        let mut map = HeaderMap::new();
        for (name, value) in headers
            .iter()
            .filter(|(name, _)| carrying || !is_credential_header(name.as_str()))
        {
            map.append(name.clone(), value.clone());
        }
        let mut builder = http
            .reqwest()
            .request(method.clone(), url.clone())
            .headers(map);
        if let Some(body) = &body {
            let (body, length) = body.open().await?;
            builder = builder
                .header(http::header::CONTENT_LENGTH, length)
                .body(body);
        }
        let mut response = builder
            .send()
            .await
            .map_err(|e| http.classify(&e, url.as_str()))?;
        let to_headers = hop_started.elapsed();
        let status = response.status();
        hops.push(Hop::new(&method, &url, status, forwarding, to_headers));

        let (note, stopped) = match next_hop(status, response.headers(), &url, &method) {
            Next::Done => (None, None),
            Next::NotFollowed { note, stopped } => (Some(note), stopped),
            Next::Follow {
                url: next_url,
                method: next_method,
                keep_body,
            } => 'follow: {
                let decision = if !has_credentials {
                    Forwarding::NotSet
                } else if !carrying {
                    Forwarding::DroppedEarlier
                } else {
                    policy.decide(&url, &next_url)
                };
                let resends_body = keep_body && body.is_some();
                let dropped = has_credentials && !decision.forwarded();
                if let Some(reason) = redirect::stop_reason(&url, &next_url, resends_body, dropped)
                {
                    let message = stop_message(reason, status.as_u16(), &next_url);
                    let stopped = StoppedRedirect::new(
                        reason,
                        &next_method,
                        next_url.to_string(),
                        message.clone(),
                    );
                    break 'follow (Some(message), Some(stopped));
                }
                if hops.len() > MAX_REDIRECTS {
                    return Err(Error::TooManyRedirects {
                        limit: MAX_REDIRECTS,
                        url: next_url.to_string(),
                    });
                }
                forwarding = decision;
                carrying = carrying && forwarding.forwarded();
                if !keep_body {
                    body = None;
                    headers.retain(|(name, _)| !describes_body(name));
                }
                if url.origin() != next_url.origin() {
                    headers.retain(|(name, _)| name != HOST);
                }
                if visited
                    .iter()
                    .any(|(m, u, c)| *m == next_method && *u == next_url && *c == carrying)
                {
                    return Err(Error::RedirectLoop {
                        url: next_url.to_string(),
                    });
                }
                drain(&mut response).await;
                method = next_method;
                url = next_url;
                continue 'hops;
            }
        };

        return Ok(FinalHop {
            response,
            url,
            hops,
            note,
            stopped,
            started,
            redirects: hop_started.duration_since(started),
            to_headers,
        });
    }
}

/// The last response of a chain, its body not read yet.
struct FinalHop {
    response: reqwest::Response,
    url: Url,
    hops: Vec<Hop>,
    note: Option<String>,
    stopped: Option<StoppedRedirect>,
    started: Instant,
    redirects: Duration,
    to_headers: Duration,
}

/// Reads the final body into memory, up to the client's body limit.
async fn read_into_memory(http: &HttpClient, last: FinalHop) -> Result<ApiResponse> {
    let FinalHop {
        mut response,
        url,
        hops,
        note,
        stopped,
        started,
        redirects,
        to_headers,
    } = last;
    let status = response.status();
    let version = format!("{:?}", response.version());
    let response_headers: Vec<HeaderLine> = response
        .headers()
        .iter()
        .map(|(name, value)| HeaderLine {
            name: name.as_str().to_owned(),
            value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
        })
        .collect();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let download_started = Instant::now();
    let crate::http::CappedBody {
        bytes,
        truncated_at,
    } = crate::http::read_capped(&mut response, http.settings().max_body)
        .await
        .map_err(|failed| http.classify_body(&failed, url.as_str()))?;
    if truncated_at.is_none() {
        http.body_finished();
    }
    let download = download_started.elapsed();
    let reason = reason(status);
    let size = Size {
        headers: head_size(&version, status.as_u16(), &reason, &response_headers),
        body: bytes.len() as u64,
    };
    Ok(ApiResponse {
        status: status.as_u16(),
        reason,
        url: url.to_string(),
        http_version: version,
        headers: response_headers,
        body: ResponseBody::new(bytes, content_type.as_deref()),
        size,
        timing: Timing {
            total: started.elapsed(),
            redirects,
            to_headers,
            download,
        },
        hops,
        note,
        stopped,
        truncated_at,
    })
}

/// What [`save_body_to_file`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Saved {
    /// The status of the response whose body was saved.
    pub status: u16,
    /// The URL that answered, after the redirects.
    pub url: String,
    pub bytes: u64,
}

/// **Save to file**: sends `request` again, with the same redirect rules as
/// [`send`], and streams the whole final body to `path`, however large (no
/// body limit), calling `progress(bytes written, Content-Length)` as it
/// goes. The body goes to a temporary file beside `path`, renamed onto it
/// only when complete; an error or Cancel (dropping this future) removes it
/// and leaves `path` as it was.
pub async fn save_body_to_file(
    http: &HttpClient,
    request: &ApiRequest,
    authorization: Option<&Secret>,
    path: &std::path::Path,
    mut progress: impl FnMut(u64, Option<u64>),
) -> Result<Saved> {
    use tokio::io::AsyncWriteExt;
    let mut last = until_final(http, prepare(request, authorization)?).await?;
    let total = last.response.content_length();
    let storage = |action: &'static str, e: std::io::Error| Error::Storage {
        action,
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    let partial = PartialFile::beside(path);
    let mut file = tokio::fs::File::create(&partial.0)
        .await
        .map_err(|e| storage("create a file beside", e))?;
    let mut written = 0u64;
    progress(0, total);
    loop {
        let chunk = match last.response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(error) => {
                let failed = crate::http::BodyFailed {
                    error,
                    received: written,
                    expected: total,
                };
                return Err(http.classify_body(&failed, last.url.as_str()));
            }
        };
        file.write_all(&chunk)
            .await
            .map_err(|e| storage("write the body to", e))?;
        written += chunk.len() as u64;
        progress(written, total);
    }
    file.flush()
        .await
        .map_err(|e| storage("write the body to", e))?;
    file.sync_all()
        .await
        .map_err(|e| storage("write the body to", e))?;
    drop(file);
    http.body_finished();
    tokio::fs::rename(&partial.0, path)
        .await
        .map_err(|e| storage("save the body as", e))?;
    partial.keep();
    Ok(Saved {
        status: last.response.status().as_u16(),
        url: last.url.to_string(),
        bytes: written,
    })
}

/// A temporary file beside the target, removed when dropped unless kept.
struct PartialFile(std::path::PathBuf, bool);

impl PartialFile {
    fn beside(path: &std::path::Path) -> PartialFile {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "body".into());
        let unique = format!(".{name}.{}.part", std::process::id());
        PartialFile(path.with_file_name(unique), false)
    }

    fn keep(mut self) {
        self.1 = true;
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if !self.1 {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// The words the response panel shows for a stopped redirect.
fn stop_message(reason: StopReason, status: u16, to: &Url) -> String {
    let host = to.host_str().unwrap_or_default();
    match reason {
        StopReason::Downgrade => format!(
            "the {status} redirect from https to plain http ({host}) was not followed: it would leave the secure connection; follow it once without credentials only if you trust it"
        ),
        StopReason::BodyWithoutCredentials => format!(
            "the {status} redirect would send the request body again to {host}, which does not get the credentials, so it was not followed"
        ),
        StopReason::Scheme => format!(
            "the server redirected to a {}: address, which OAuth Console never opens",
            to.scheme()
        ),
    }
}

/// Reads a little of a redirect's body so its connection can serve the next
/// request; errors do not matter here.
async fn drain(response: &mut reqwest::Response) {
    let mut read = 0;
    let deadline = Duration::from_secs(2);
    let _ = tokio::time::timeout(deadline, async {
        while let Ok(Some(chunk)) = response.chunk().await {
            read += chunk.len();
            if read > REDIRECT_BODY_LIMIT {
                break;
            }
        }
    })
    .await;
}

/// The size of the status line and headers as HTTP/1.1 text.
fn head_size(version: &str, status: u16, reason: &str, headers: &[HeaderLine]) -> u64 {
    let status_line = format!("{version} {status} {reason}\r\n").len();
    let lines: usize = headers
        .iter()
        .map(|h| h.name.len() + 2 + h.value.len() + 2)
        .sum();
    (status_line + lines + 2) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: serde_json::Value) -> ApiRequest {
        serde_json::from_value(json).unwrap()
    }

    fn header<'a>(prepared: &'a Prepared, name: &str) -> Option<&'a str> {
        prepared
            .headers
            .iter()
            .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.to_str().ok())
    }

    #[test]
    fn a_request_is_read_from_the_editor_json() {
        let r = request(serde_json::json!({
            "method": "post",
            "url": "https://oic.example.oraclecloud.com/ic/api/integration/v1/connections",
            "headers": [
                {"name": "Accept", "value": "application/json", "enabled": true},
                {"name": "X-Off", "value": "1", "enabled": false}
            ],
            "body": {"kind": "form", "fields": [{"name": "a", "value": "1 2"}, {"name": "b", "value": "x", "enabled": false}]},
            "followAuthorization": "any",
            "trustedHosts": ["oraclecloud.com", "127.0.0.1:8082"]
        }));
        assert_eq!(r.follow_authorization, FollowAuthorization::Any);
        let prepared = prepare(&r, None).unwrap();
        assert_eq!(prepared.method, Method::POST);
        assert_eq!(header(&prepared, "accept"), Some("application/json"));
        assert_eq!(
            header(&prepared, "x-off"),
            None,
            "a disabled row is not sent"
        );
        assert_eq!(
            header(&prepared, "content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(prepared.body.as_ref().and_then(|b| b.bytes()), Some(&b"a=1+2"[..]));
    }

    #[test]
    fn missing_fields_take_safe_defaults() {
        let r = request(serde_json::json!({"url": "https://oic.example.oraclecloud.com/ic/api/"}));
        assert_eq!(r.method, "GET");
        assert_eq!(r.follow_authorization, FollowAuthorization::Trusted);
        assert_eq!(r.trusted_hosts, ["oraclecloud.com"]);
        assert!(matches!(r.body, RequestBody::None));
    }

    #[test]
    fn the_separate_token_wins_over_a_typed_authorization_row_and_is_sensitive() {
        let r = request(serde_json::json!({
            "url": "https://oic.example.oraclecloud.com/ic/api/",
            "headers": [{"name": "authorization", "value": "Bearer typed-not-real"}]
        }));
        let token = Secret::new("Bearer test-token-not-real");
        let prepared = prepare(&r, Some(&token)).unwrap();
        let values: Vec<_> = prepared
            .headers
            .iter()
            .filter(|(n, _)| n == http::header::AUTHORIZATION)
            .collect();
        assert_eq!(values.len(), 1);
        assert_eq!(values[0].1.to_str().unwrap(), "Bearer test-token-not-real");
        assert!(values[0].1.is_sensitive());
        assert!(
            !format!("{:?}", prepared.headers).contains("not-real"),
            "header Debug hides credentials"
        );
    }

    #[test]
    fn a_typed_content_type_is_kept_and_json_gets_its_own_otherwise() {
        let typed = request(serde_json::json!({
            "method": "PUT", "url": "http://127.0.0.1:9/x",
            "headers": [{"name": "Content-Type", "value": "application/vnd.oracle+json"}],
            "body": {"kind": "json", "text": "{\"a\":1}"}
        }));
        assert_eq!(
            header(&prepare(&typed, None).unwrap(), "content-type"),
            Some("application/vnd.oracle+json")
        );
        let plain = request(
            serde_json::json!({"method": "PUT", "url": "http://127.0.0.1:9/x", "body": {"kind": "json", "text": "{}"}}),
        );
        assert_eq!(
            header(&prepare(&plain, None).unwrap(), "content-type"),
            Some("application/json")
        );
        let blank = request(
            serde_json::json!({"method": "PUT", "url": "http://127.0.0.1:9/x", "body": {"kind": "json", "text": "  "}}),
        );
        let prepared = prepare(&blank, None).unwrap();
        assert!(
            prepared.body.is_none() && header(&prepared, "content-type").is_none(),
            "blank JSON sends no body"
        );
    }

    #[test]
    fn bad_input_is_reported_before_anything_is_sent() {
        let base = serde_json::json!({"url": "https://oic.example.oraclecloud.com/x"});
        let with = |patch: serde_json::Value| {
            let mut v = base.clone();
            v.as_object_mut()
                .unwrap()
                .extend(patch.as_object().unwrap().clone());
            prepare(&request(v), None)
                .err()
                .expect("the request is refused")
        };
        assert_eq!(
            with(serde_json::json!({"method": "GE T"})).code(),
            "invalid_method"
        );
        assert_eq!(
            with(serde_json::json!({"url": " "})).code(),
            "missing_field"
        );
        assert_eq!(
            with(serde_json::json!({"url": "http://oic.example.com/x"})).code(),
            "insecure_url"
        );
        assert_eq!(
            with(serde_json::json!({"headers": [{"name": "Bad Name", "value": "x"}]})).code(),
            "invalid_header"
        );
        let err =
            with(serde_json::json!({"headers": [{"name": "X-Secret", "value": "a\nb-not-real"}]}));
        assert_eq!(err.code(), "invalid_header");
        assert!(
            !err.to_string().contains("not-real"),
            "the message names the header, not its value: {err}"
        );
        assert_eq!(
            with(serde_json::json!({"trustedHosts": ["com"]})).code(),
            "invalid_trusted_host"
        );
    }

    #[test]
    fn debug_output_hides_credential_rows_secret_fields_and_bodies() {
        let r = request(serde_json::json!({
            "method": "POST", "url": "https://oic.example.oraclecloud.com/x",
            "headers": [{"name": "Cookie", "value": "s=test-cookie-not-real"}],
            "body": {"kind": "form", "fields": [{"name": "password", "value": "test-password-not-real"}, {"name": "user", "value": "visible"}]}
        }));
        let printed = format!("{r:?}");
        assert!(!printed.contains("not-real"), "{printed}");
        assert!(printed.contains("visible"), "{printed}");
        let json = request(
            serde_json::json!({"url": "https://x.example.com/", "body": {"kind": "json", "text": "{\"pw\":\"test-not-real\"}"}}),
        );
        assert!(!format!("{json:?}").contains("not-real"));
    }

    #[test]
    fn a_redirect_without_a_usable_location_is_not_followed_and_says_why() {
        let url = Url::parse("http://127.0.0.1:9/a").unwrap();
        let mut headers = HeaderMap::new();
        assert!(
            matches!(next_hop(http::StatusCode::FOUND, &headers, &url, &Method::GET), Next::NotFollowed { note, stopped: None } if note.contains("no Location"))
        );
        headers.insert(
            http::header::LOCATION,
            HeaderValue::from_static("ftp://files.example.com/x"),
        );
        assert!(
            matches!(next_hop(http::StatusCode::FOUND, &headers, &url, &Method::GET), Next::NotFollowed { note, .. } if note.contains("ftp"))
        );
        headers.insert(http::header::LOCATION, HeaderValue::from_static("/b?c=1"));
        match next_hop(http::StatusCode::SEE_OTHER, &headers, &url, &Method::POST) {
            Next::Follow {
                url,
                method,
                keep_body,
            } => {
                assert_eq!(
                    url.as_str(),
                    "http://127.0.0.1:9/b?c=1",
                    "a relative Location resolves against the hop"
                );
                assert_eq!(method, Method::GET);
                assert!(!keep_body);
            }
            _ => panic!("a 303 with a Location is followed"),
        }
        assert!(matches!(
            next_hop(http::StatusCode::NOT_MODIFIED, &headers, &url, &Method::GET),
            Next::Done
        ));
    }

    #[test]
    fn following_once_drops_every_credential_and_may_use_plain_http() {
        let r = request(serde_json::json!({
            "method": "POST",
            "url": "https://oic.example.oraclecloud.com/ic/api/x",
            "headers": [
                {"name": "Cookie", "value": "s=test-cookie-not-real"},
                {"name": "proxy-authorization", "value": "Basic test-not-real"},
                {"name": "Authorization", "value": "Bearer typed-not-real"},
                {"name": "Accept", "value": "application/json"}
            ],
            "body": {"kind": "json", "text": "{\"a\":1}"}
        }));
        let stopped = StoppedRedirect::new(
            StopReason::Downgrade,
            &Method::GET,
            "http://files.example.com/x?y=1".into(),
            "stopped".into(),
        );
        let prepared = prepare_follow_once(&r, &stopped).unwrap();
        assert_eq!(prepared.url.as_str(), "http://files.example.com/x?y=1");
        assert_eq!(prepared.method, Method::GET);
        assert!(prepared.body.is_none(), "a 302/303 to GET drops the body");
        assert!(
            prepared
                .headers
                .iter()
                .all(|(name, _)| !is_credential_header(name.as_str())),
            "{:?}",
            prepared.headers
        );
        assert_eq!(header(&prepared, "accept"), Some("application/json"));

        let same = StoppedRedirect::new(
            StopReason::BodyWithoutCredentials,
            &Method::POST,
            "https://elsewhere.example/x".into(),
            "stopped".into(),
        );
        let prepared = prepare_follow_once(&r, &same).unwrap();
        assert_eq!(
            prepared.body.as_ref().and_then(|b| b.bytes()),
            Some(&b"{\"a\":1}"[..]),
            "307/308 keep the body"
        );

        let never = StoppedRedirect::new(
            StopReason::Scheme,
            &Method::GET,
            "javascript:".into(),
            "stopped".into(),
        );
        let refused = prepare_follow_once(&r, &never)
            .err()
            .expect("never followed");
        assert_eq!(refused.code(), "invalid_url");
    }
}
