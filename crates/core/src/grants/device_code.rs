//! Device code (RFC 8628): the app asks the identity domain's device
//! endpoint for a user code, the user enters it at the verification URL in
//! any browser and signs in, and meanwhile the app polls the token endpoint.
//!
//! ```text
//! POST /oauth2/v1/device
//! response_type=device_code&scope=<app scope>&client_id=<client id>
//!
//! POST /oauth2/v1/token            (every `interval` seconds)
//! grant_type=urn:ietf:params:oauth:grant-type:device_code&device_code=<device code>
//! ```
//!
//! Polling follows RFC 8628 §3.5: `authorization_pending` waits another
//! interval, `slow_down` adds 5 s to it for the rest of the flow,
//! `expired_token` and `access_denied` end it, and so does the code's own
//! `expires_in`. The clock and the pause are passed in ([`poll`]), so the
//! state machine ([`Polling`]) is tested without waiting; the shell runs
//! [`poll`] under [`crate::cancel::InFlight`] so Cancel stops it.

use crate::error::{Error, Result};
use crate::grants::exchange::{
    at_once, form_request, post_form, requested_scopes, with_assertion_hints, Client, Proof, Transport, TransportFailed,
};
use crate::http::{endpoint_url, HttpClient};
use crate::response::parse_token_response;
use crate::secret::Secret;
use crate::token::Token;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::time::{Duration, SystemTime};

/// The `grant_type` of RFC 8628 §3.4.
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The interval RFC 8628 §3.2 prescribes when the server names none.
pub const DEFAULT_INTERVAL_SECS: u64 = 5;

/// What `slow_down` adds to the interval (RFC 8628 §3.5).
pub const SLOW_DOWN_SECS: u64 = 5;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCode {
    #[serde(flatten)]
    pub client: Client,
    /// The device authorization endpoint, `<domain>/oauth2/v1/device`.
    pub device_url: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub request_refresh_token: bool,
}

/// The device endpoint's answer (RFC 8628 §3.2).
#[derive(Debug, Clone)]
pub struct DeviceAuthorization {
    /// Sent back when polling; never shown.
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: u64,
    pub interval: u64,
}

/// What the window shows: **User Code**, **Verification URL**, the
/// countdown; not the device code.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DeviceAuthorizationView {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: u64,
    pub interval: u64,
}

impl DeviceAuthorization {
    pub fn view(&self) -> DeviceAuthorizationView {
        DeviceAuthorizationView {
            user_code: self.user_code.clone(),
            verification_uri: self.verification_uri.clone(),
            verification_uri_complete: self.verification_uri_complete.clone(),
            expires_in: self.expires_in,
            interval: self.interval,
        }
    }
}

#[derive(Deserialize)]
struct Answer {
    device_code: String,
    user_code: String,
    #[serde(alias = "verification_url")]
    verification_uri: String,
    verification_uri_complete: Option<String>,
    expires_in: u64,
    interval: Option<u64>,
}

pub(crate) fn scope_of(grant: &DeviceCode) -> String {
    requested_scopes(&grant.scope, grant.request_refresh_token)
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A client without a secret (a public client, as device apps often are)
/// names itself with `client_id` in the body instead of a Basic header.
pub(crate) fn public_client_in_body(client: &Client) -> Client {
    let mut client = client.clone();
    if client.client_secret.is_empty() && client.client_auth == crate::token::ClientAuth::BasicHeader {
        client.client_auth = crate::token::ClientAuth::RequestBody;
    }
    client
}

/// Step 1: asks the device endpoint for a user code.
pub async fn start(http: &HttpClient, grant: &DeviceCode, now: SystemTime) -> Result<DeviceAuthorization> {
    // The media type exactly as RFC 8628 §3.1 shows it: oauthlib's device
    // endpoint refuses `;charset=UTF-8` (django-oauth-toolkit, tests/idp).
    let transport = Transport::new(http, &grant.client, &grant.device_url)?.with_bare_form_type();
    let outcome = authorize_device(&transport, grant, now.into()).await?;
    let raw = transport.finish_raw(outcome)?;
    if raw.status == 200 {
        if let Ok(answer) = serde_json::from_slice::<Answer>(&raw.body) {
            // The window offers to open these in the browser: only web
            // addresses (https, or http to this computer) are taken.
            endpoint_url("Verification URL", &answer.verification_uri)?;
            let verification_uri_complete = answer
                .verification_uri_complete
                .filter(|complete| endpoint_url("Verification URL", complete).is_ok());
            return Ok(DeviceAuthorization {
                device_code: Secret::new(answer.device_code),
                user_code: answer.user_code,
                verification_uri: answer.verification_uri,
                verification_uri_complete,
                expires_in: answer.expires_in,
                interval: answer.interval.filter(|i| *i > 0).unwrap_or(DEFAULT_INTERVAL_SECS),
            });
        }
    }
    // Not a device authorization: an OAuth error, a page, or odd JSON.
    match with_assertion_hints(&grant.client, parse_token_response(&raw, now)) {
        Err(error) => Err(error),
        Ok(_) => Err(Error::UnexpectedResponse {
            status: raw.status,
            content_type: raw.content_type.unwrap_or_default(),
            snippet: "a token instead of device_code, user_code and verification_uri".into(),
        }),
    }
}

/// The request [`start`] sends, built and kept instead of sent (Copy as
/// cURL); a client assertion is a placeholder.
pub fn unsent_start(grant: &DeviceCode) -> Result<oauth2::HttpRequest> {
    let transport = Transport::capture(&grant.device_url).with_bare_form_type();
    let outcome = at_once(authorize_device(&transport, grant, Proof::Placeholder))?;
    transport.captured(outcome)
}

async fn authorize_device(
    transport: &Transport,
    grant: &DeviceCode,
    proof: Proof,
) -> Result<std::result::Result<oauth2::HttpResponse, TransportFailed>> {
    let scope = scope_of(grant);
    let params = [("response_type", "device_code"), ("scope", scope.as_str())];
    // The device endpoint identifies the client by client_id in the body
    // (RFC 8628 §3.1); a secret or assertion goes along as the profile says.
    let client = public_client_in_body(&grant.client);
    let mut request = form_request(&client, "Device Authorization URL", &grant.device_url, &params, proof)?;
    if !String::from_utf8_lossy(request.body()).contains("client_id=") {
        let mut body = request.body().clone();
        body.extend_from_slice(b"&client_id=");
        body.extend(url::form_urlencoded::byte_serialize(client.client_id.trim().as_bytes()).flat_map(str::bytes));
        *request.body_mut() = body;
    }
    Ok(oauth2::AsyncHttpClient::call(transport, request).await)
}

/// The polling state: the interval (grown by `slow_down`) and the deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Polling {
    pub interval: Duration,
    pub deadline: SystemTime,
}

/// What to do after one poll.
#[derive(Debug)]
pub enum Next {
    /// Wait this long, then poll again.
    Wait(Duration),
    Done(Token),
    Stop(Error),
}

impl Polling {
    pub fn new(authorization: &DeviceAuthorization, started: SystemTime) -> Polling {
        Polling {
            interval: Duration::from_secs(authorization.interval.max(1)),
            deadline: started + Duration::from_secs(authorization.expires_in),
        }
    }

    /// Whether the code has expired at `now`, before polling again.
    pub fn expired(&self, now: SystemTime) -> bool {
        now >= self.deadline
    }

    /// RFC 8628 §3.5: what the answer to one poll means.
    pub fn after(&mut self, outcome: Result<Token>) -> Next {
        match outcome {
            Ok(token) => Next::Done(token),
            Err(Error::OAuth { error, .. }) if error == "authorization_pending" => Next::Wait(self.interval),
            Err(Error::OAuth { error, .. }) if error == "slow_down" => {
                self.interval += Duration::from_secs(SLOW_DOWN_SECS);
                Next::Wait(self.interval)
            }
            Err(Error::OAuth { error, .. }) if error == "expired_token" => Next::Stop(Error::DeviceCodeExpired),
            Err(other) => Next::Stop(other),
        }
    }
}

/// One poll of the token endpoint.
pub async fn poll_once(http: &HttpClient, grant: &DeviceCode, authorization: &DeviceAuthorization, now: SystemTime) -> Result<Token> {
    let params = [("grant_type", GRANT_TYPE), ("device_code", authorization.device_code.expose())];
    let client = public_client_in_body(&grant.client);
    with_assertion_hints(&client, post_form(http, &client, &params, now).await)
}

/// Step 2: polls until the user approved, denied, or the code expired.
/// `clock` gives the time and `pause` waits; the app passes the system
/// clock and `tokio::time::sleep`, tests pass their own.
pub async fn poll<C, P, F>(http: &HttpClient, grant: &DeviceCode, authorization: &DeviceAuthorization, clock: C, mut pause: P) -> Result<Token>
where
    C: Fn() -> SystemTime,
    P: FnMut(Duration) -> F,
    F: Future<Output = ()>,
{
    let mut polling = Polling::new(authorization, clock());
    let mut wait = polling.interval;
    loop {
        pause(wait).await;
        let now = clock();
        if polling.expired(now) {
            return Err(Error::DeviceCodeExpired);
        }
        match polling.after(poll_once(http, grant, authorization, now).await) {
            Next::Wait(next) => wait = next,
            Next::Done(token) => return Ok(token),
            Next::Stop(error) => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpSettings;
    use crate::testing::serve_once;
    use crate::token::ClientAuth;
    use std::time::UNIX_EPOCH;

    fn authorization(interval: u64, expires_in: u64) -> DeviceAuthorization {
        DeviceAuthorization {
            device_code: Secret::new("dev-code"),
            user_code: "ABCD-EFGH".into(),
            verification_uri: "https://idcs-x.identity.oraclecloud.com/ui/v1/device".into(),
            verification_uri_complete: None,
            expires_in,
            interval,
        }
    }

    fn oauth(error: &str) -> Result<Token> {
        Err(Error::OAuth { status: 400, error: error.into(), description: None })
    }

    #[test]
    fn pending_waits_one_interval_and_slow_down_adds_five_seconds_for_good() {
        let mut polling = Polling::new(&authorization(5, 600), UNIX_EPOCH);
        assert!(matches!(polling.after(oauth("authorization_pending")), Next::Wait(d) if d == Duration::from_secs(5)));
        assert!(matches!(polling.after(oauth("slow_down")), Next::Wait(d) if d == Duration::from_secs(10)));
        assert!(matches!(polling.after(oauth("authorization_pending")), Next::Wait(d) if d == Duration::from_secs(10)), "slow_down lasts");
        assert!(matches!(polling.after(oauth("slow_down")), Next::Wait(d) if d == Duration::from_secs(15)));
    }

    #[test]
    fn expired_token_and_access_denied_stop_polling() {
        let mut polling = Polling::new(&authorization(5, 600), UNIX_EPOCH);
        assert!(matches!(polling.after(oauth("expired_token")), Next::Stop(Error::DeviceCodeExpired)));
        assert!(matches!(polling.after(oauth("access_denied")), Next::Stop(Error::OAuth { ref error, .. }) if error == "access_denied"));
        assert!(matches!(polling.after(Err(Error::Cancelled)), Next::Stop(Error::Cancelled)));
    }

    #[test]
    fn the_code_expires_at_its_expires_in() {
        let polling = Polling::new(&authorization(5, 600), UNIX_EPOCH);
        assert!(!polling.expired(UNIX_EPOCH + Duration::from_secs(599)));
        assert!(polling.expired(UNIX_EPOCH + Duration::from_secs(600)));
    }

    #[test]
    fn the_view_leaves_the_device_code_out() {
        let view = serde_json::to_string(&authorization(5, 600).view()).unwrap();
        assert!(view.contains("ABCD-EFGH") && view.contains("verificationUri"));
        assert!(!view.contains("dev-code"));
    }

    fn grant(base: &str) -> DeviceCode {
        DeviceCode {
            client: Client {
                token_url: format!("{base}/oauth2/v1/token"),
                client_id: "my-client".into(),
                client_secret: Secret::new(""),
                client_auth: ClientAuth::BasicHeader,
                client_assertion: None,
                mutual_tls: false,
                extra_roots: Vec::new(),
            },
            device_url: format!("{base}/oauth2/v1/device"),
            scope: "urn:opc:idm:__myscopes__".into(),
            request_refresh_token: true,
        }
    }

    fn form(body: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(body.as_bytes()).into_owned().collect()
    }

    #[tokio::test]
    async fn start_sends_response_type_scope_and_client_id_and_reads_the_answer() {
        let (base, seen) = serve_once(
            200,
            "application/json",
            r#"{"device_code":"dc","user_code":"WXYZ-1234","verification_uri":"https://v.example/device","expires_in":300}"#,
        )
        .await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let started = start(&http, &grant(&base), SystemTime::now()).await.unwrap();
        assert_eq!(started.user_code, "WXYZ-1234");
        assert_eq!(started.interval, DEFAULT_INTERVAL_SECS, "no interval means 5 s");
        let seen = seen.await.unwrap();
        assert!(seen.head.starts_with("POST /oauth2/v1/device "), "{}", seen.head);
        let content_type = seen.head.lines().find(|l| l.to_ascii_lowercase().starts_with("content-type:")).unwrap_or_default();
        assert_eq!(content_type.to_ascii_lowercase(), "content-type: application/x-www-form-urlencoded", "no charset at the device endpoint");
        let form = form(&seen.body);
        assert!(form.contains(&("response_type".into(), "device_code".into())), "{form:?}");
        assert!(form.contains(&("client_id".into(), "my-client".into())), "{form:?}");
        assert!(form.contains(&("scope".into(), "urn:opc:idm:__myscopes__ offline_access".into())), "{form:?}");
    }

    #[tokio::test]
    async fn a_verification_url_that_is_not_a_web_address_is_refused_and_a_bad_complete_one_dropped() {
        let (base, _seen) = serve_once(
            200,
            "application/json",
            r#"{"device_code":"dc","user_code":"WXYZ-1234","verification_uri":"file:///etc/passwd","expires_in":300}"#,
        )
        .await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let err = start(&http, &grant(&base), SystemTime::now()).await.unwrap_err();
        assert!(matches!(err, Error::InvalidUrl { field: "Verification URL", .. }), "{err:?}");

        let (base, _seen) = serve_once(
            200,
            "application/json",
            r#"{"device_code":"dc","user_code":"WXYZ-1234","verification_uri":"https://v.example/device","verification_uri_complete":"javascript:alert(1)","expires_in":300}"#,
        )
        .await;
        let started = start(&http, &grant(&base), SystemTime::now()).await.unwrap();
        assert_eq!(started.verification_uri, "https://v.example/device");
        assert_eq!(started.verification_uri_complete, None, "only a web address is offered to open");
    }

    #[tokio::test]
    async fn a_refused_start_is_an_oauth_error() {
        let (base, _seen) = serve_once(400, "application/json", r#"{"error":"unauthorized_client"}"#).await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let err = start(&http, &grant(&base), SystemTime::now()).await.unwrap_err();
        assert_eq!(err.code(), "unauthorized_client");
    }

    #[tokio::test]
    async fn polling_sends_the_device_code_grant_and_waits_the_interval_first() {
        let (base, seen) = serve_once(200, "application/json", r#"{"access_token":"tok","token_type":"Bearer"}"#).await;
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let waits = std::sync::Mutex::new(Vec::new());
        let token = poll(&http, &grant(&base), &authorization(7, 600), SystemTime::now, |d| {
            waits.lock().unwrap().push(d);
            async {}
        })
        .await
        .unwrap();
        assert_eq!(token.access_token.expose(), "tok");
        assert_eq!(*waits.lock().unwrap(), [Duration::from_secs(7)]);
        let form = form(&seen.await.unwrap().body);
        assert!(form.contains(&("grant_type".into(), GRANT_TYPE.into())), "{form:?}");
        assert!(form.contains(&("device_code".into(), "dev-code".into())), "{form:?}");
        assert!(form.contains(&("client_id".into(), "my-client".into())), "a public client names itself: {form:?}");
    }

    #[tokio::test]
    async fn polling_stops_when_the_clock_passes_expires_in_without_sending() {
        let http = HttpClient::new(HttpSettings::default()).unwrap();
        let start = SystemTime::now();
        let calls = std::sync::atomic::AtomicU32::new(0);
        let clock = || {
            // The first call starts the flow; the next is after the deadline.
            let n = calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            start + Duration::from_secs(if n == 0 { 0 } else { 601 })
        };
        let err = poll(&http, &grant("http://127.0.0.1:9"), &authorization(5, 600), clock, |_| async {}).await.unwrap_err();
        assert!(matches!(err, Error::DeviceCodeExpired), "{err:?}");
    }
}
