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

pub mod curl;
pub mod pretty;
pub mod redirect;
pub mod response;

pub use redirect::{
    default_trusted_hosts, FollowAuthorization, Forwarding, RedirectPolicy, TrustedHost,
    MAX_REDIRECTS,
};
pub use response::{ApiResponse, BodyKind, HeaderLine, Hop, ResponseBody, Size, Timing};

use crate::error::{Error, Result};
use crate::http::{endpoint_url, HttpClient};
use crate::secret::Secret;
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
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A body may carry a password (a connection update, say).
        match self {
            RequestBody::None => f.write_str("None"),
            RequestBody::Json { text } => write!(f, "Json({} bytes)", text.len()),
            RequestBody::Form { fields } => f.debug_tuple("Form").field(fields).finish(),
            RequestBody::Text { text } => write!(f, "Text({} bytes)", text.len()),
        }
    }
}

impl RequestBody {
    /// The bytes and the Content-Type to send; `None` for no body (blank
    /// text, no enabled field).
    fn encode(&self) -> Option<(Vec<u8>, &'static str)> {
        match self {
            RequestBody::None => None,
            RequestBody::Json { text } if !text.trim().is_empty() => {
                Some((text.clone().into_bytes(), "application/json"))
            }
            RequestBody::Text { text } if !text.is_empty() => {
                Some((text.clone().into_bytes(), "text/plain; charset=UTF-8"))
            }
            RequestBody::Form { fields } => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                let mut any = false;
                for field in sent_fields(fields) {
                    form.append_pair(field.name.trim(), &field.value);
                    any = true;
                }
                any.then(|| {
                    (
                        form.finish().into_bytes(),
                        "application/x-www-form-urlencoded",
                    )
                })
            }
            RequestBody::Json { .. } | RequestBody::Text { .. } => None,
        }
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
    pub body: Option<Vec<u8>>,
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
    let body = request.body.encode().map(|(bytes, content_type)| {
        if !headers.iter().any(|(name, _)| name == CONTENT_TYPE) {
            headers.push((CONTENT_TYPE, HeaderValue::from_static(content_type)));
        }
        bytes
    });
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
    /// A redirect status that is not followed, and why.
    NotFollowed(String),
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
    let Some(location) = headers.get(http::header::LOCATION) else {
        return Next::NotFollowed(format!(
            "the {} response has no Location header, so it was not followed",
            status.as_u16()
        ));
    };
    let Ok(location) = location.to_str() else {
        return Next::NotFollowed(
            "the Location header is not valid text, so it was not followed".into(),
        );
    };
    let target = match url.join(location.trim()) {
        Ok(target) => target,
        Err(e) => {
            return Next::NotFollowed(format!(
            "the Location header \"{location}\" is not a valid URL ({e}), so it was not followed"
        ))
        }
    };
    if !matches!(target.scheme(), "http" | "https") {
        return Next::NotFollowed(format!(
            "the redirect to a {}: URL was not followed",
            target.scheme()
        ));
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
    let Prepared {
        mut method,
        mut url,
        mut headers,
        mut body,
        policy,
    } = prepare(request, authorization)?;
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

    loop {
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
        if let Some(bytes) = &body {
            builder = builder.body(bytes.clone());
        }
        let mut response = builder
            .send()
            .await
            .map_err(|e| http.classify(&e, url.as_str()))?;
        let to_headers = hop_started.elapsed();
        let status = response.status();
        hops.push(Hop::new(&method, &url, status, forwarding, to_headers));

        let note = match next_hop(status, response.headers(), &url, &method) {
            Next::Done => None,
            Next::NotFollowed(note) => Some(note),
            Next::Follow {
                url: next_url,
                method: next_method,
                keep_body,
            } => {
                if hops.len() > MAX_REDIRECTS {
                    return Err(Error::TooManyRedirects {
                        limit: MAX_REDIRECTS,
                        url: next_url.to_string(),
                    });
                }
                forwarding = if !has_credentials {
                    Forwarding::NotSet
                } else if !carrying {
                    Forwarding::DroppedEarlier
                } else {
                    policy.decide(&url, &next_url)
                };
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
                continue;
            }
        };

        let redirects = hop_started.duration_since(started);
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
        let bytes = response
            .bytes()
            .await
            .map_err(|e| http.classify(&e, url.as_str()))?
            .to_vec();
        let download = download_started.elapsed();
        let reason = reason(status);
        let size = Size {
            headers: head_size(&version, status.as_u16(), &reason, &response_headers),
            body: bytes.len() as u64,
        };
        return Ok(ApiResponse {
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
        });
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
        assert_eq!(prepared.body.as_deref(), Some(&b"a=1+2"[..]));
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
            matches!(next_hop(http::StatusCode::FOUND, &headers, &url, &Method::GET), Next::NotFollowed(n) if n.contains("no Location"))
        );
        headers.insert(
            http::header::LOCATION,
            HeaderValue::from_static("ftp://files.example.com/x"),
        );
        assert!(
            matches!(next_hop(http::StatusCode::FOUND, &headers, &url, &Method::GET), Next::NotFollowed(n) if n.contains("ftp"))
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
}
