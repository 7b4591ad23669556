//! What the sandbox tests share: a clock tests move by hand, an HTTP client
//! that does not follow redirects, token requests, JWT decoding and a
//! browser-like walk through the sign-in page.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use oauth_console_sandbox::{Clock, Sandbox, SandboxConfig};
use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::{redirect, Client, StatusCode};
use serde_json::Value;
use url::Url;

pub const FORM: &str = "application/x-www-form-urlencoded;charset=UTF-8";
/// The RFC 7636 Appendix B verifier and its S256 challenge.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const S256_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
pub const REDIRECT_URI: &str = "http://127.0.0.1:53682/callback";

/// A clock that stands still until the test moves it.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<SystemTime>>);

impl TestClock {
    pub fn new() -> TestClock {
        TestClock(Arc::new(Mutex::new(SystemTime::now())))
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap();
        *now += by;
    }

    pub fn clock(&self) -> Clock {
        let now = self.0.clone();
        Clock::from_fn(move || *now.lock().unwrap())
    }
}

pub async fn start() -> Sandbox {
    Sandbox::start()
        .await
        .expect("the sandbox starts on loopback")
}

pub async fn start_with_clock() -> (Sandbox, TestClock) {
    let clock = TestClock::new();
    let sandbox = Sandbox::start_with(SandboxConfig {
        clock: clock.clock(),
        ..SandboxConfig::default()
    })
    .await
    .expect("the sandbox starts on loopback");
    (sandbox, clock)
}

/// A client that shows redirects instead of following them.
pub fn http() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .expect("a reqwest client builds")
}

/// How a token request authenticates the client.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    Basic(&'a str, &'a str),
    Body(&'a str, &'a str),
    None,
}

impl<'a> Auth<'a> {
    pub fn basic(sandbox: &'a Sandbox) -> Auth<'a> {
        let credentials = sandbox.credentials();
        Auth::Basic(&credentials.client_id, &credentials.client_secret)
    }
}

pub fn encode(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// The answer of the token endpoint.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or("<no error>")
    }

    pub fn description(&self) -> &str {
        self.body["error_description"].as_str().unwrap_or_default()
    }

    pub fn access_token(&self) -> &str {
        self.body["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("expected a token, got {} {}", self.status, self.body))
    }

    pub fn refresh_token(&self) -> &str {
        self.body["refresh_token"].as_str().unwrap_or_else(|| {
            panic!(
                "expected a refresh token, got {} {}",
                self.status, self.body
            )
        })
    }

    /// Asserts an RFC 6749 §5.2 error with this status and code.
    pub fn assert_error(&self, status: StatusCode, error: &str) {
        assert_eq!(
            (self.status, self.error()),
            (status, error),
            "unexpected answer: {}",
            self.body
        );
        assert!(
            !self.description().is_empty(),
            "every error says what happened: {}",
            self.body
        );
        assert_eq!(
            self.headers["cache-control"], "no-store",
            "token errors are not cached"
        );
    }
}

/// POSTs `params` to the token endpoint as a form.
pub async fn token(sandbox: &Sandbox, auth: Auth<'_>, params: &[(&str, &str)]) -> Answer {
    let mut params = params.to_vec();
    let mut request = http().post(sandbox.token_url()).header(CONTENT_TYPE, FORM);
    match auth {
        Auth::Basic(id, secret) => request = request.header(AUTHORIZATION, basic(id, secret)),
        Auth::Body(id, secret) => params.extend([("client_id", id), ("client_secret", secret)]),
        Auth::None => {}
    }
    send_token(request.body(encode(&params))).await
}

pub async fn send_token(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("the token endpoint answers");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.expect("the body arrives");
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("JSON expected, got {status}: {text}"));
    Answer {
        status,
        headers,
        body,
    }
}

pub async fn client_credentials(sandbox: &Sandbox, scope: &str) -> Answer {
    token(
        sandbox,
        Auth::basic(sandbox),
        &[("grant_type", "client_credentials"), ("scope", scope)],
    )
    .await
}

pub async fn password_grant(sandbox: &Sandbox, scope: &str) -> Answer {
    let credentials = sandbox.credentials();
    token(
        sandbox,
        Auth::basic(sandbox),
        &[
            ("grant_type", "password"),
            ("username", &credentials.username),
            ("password", &credentials.password),
            ("scope", scope),
        ],
    )
    .await
}

pub fn offline(scope: &str) -> String {
    format!("{scope} offline_access")
}

fn jwt_part(jwt: &str, index: usize) -> Value {
    let part = jwt.split('.').nth(index).expect("a JWT has three parts");
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .expect("JWT parts are base64url without padding");
    serde_json::from_slice(&bytes).expect("JWT parts are JSON")
}

pub fn jwt_header(jwt: &str) -> Value {
    jwt_part(jwt, 0)
}

pub fn jwt_claims(jwt: &str) -> Value {
    jwt_part(jwt, 1)
}

/// The value of the hidden or text `input` called `name` in a page.
pub fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\"");
    let tag_start = html.find(&marker).and_then(|at| html[..at].rfind("<input"));
    let tag = tag_start
        .map(|start| &html[start..start + html[start..].find('>').unwrap()])
        .unwrap_or_else(|| panic!("no input {name} in {html}"));
    let value = tag.split("value=\"").nth(1).unwrap_or_default();
    value[..value.find('"').unwrap_or(0)].to_owned()
}

/// The query parameters of a URL.
pub fn query_of(url: &Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

/// The standard authorization request, with `extra` parameters added or
/// replacing the defaults.
pub fn authorize_query(sandbox: &Sandbox, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let credentials = sandbox.credentials();
    let mut query: Vec<(String, String)> = [
        ("client_id", credentials.client_id.as_str()),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT_URI),
        ("scope", &offline(&credentials.scope_all)),
        ("state", "state-123"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (name, value) in extra {
        query.retain(|(existing, _)| existing != name);
        if !value.is_empty() {
            query.push((name.to_string(), value.to_string()));
        }
    }
    query
}

pub fn authorize_url(sandbox: &Sandbox, query: &[(String, String)]) -> Url {
    let mut url = Url::parse(&sandbox.authorize_url()).unwrap();
    url.query_pairs_mut().extend_pairs(query);
    url
}

/// Loads the sign-in page and returns its URL and HTML.
pub async fn sign_in_page(sandbox: &Sandbox, extra: &[(&str, &str)]) -> (Url, String) {
    let url = authorize_url(sandbox, &authorize_query(sandbox, extra));
    let response = http().get(url.clone()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "the sign-in page shows");
    (url, response.text().await.unwrap())
}

/// Submits the sign-in form of `html` (loaded from `page`) the way a browser
/// would, and returns the response.
pub async fn submit_sign_in(
    page: &Url,
    html: &str,
    username: &str,
    password: &str,
    action: &str,
) -> reqwest::Response {
    let form_action = html
        .split("<form method=\"post\" action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page has a POST form with an action");
    let target = page.join(form_action).unwrap();
    let txn = input_value(html, "txn");
    http()
        .post(target)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(encode(&[
            ("txn", &txn),
            ("username", username),
            ("password", password),
            ("action", action),
        ]))
        .send()
        .await
        .unwrap()
}

/// Walks the whole browser part of the authorization-code flow as the
/// seeded ServiceInvoker user and returns the redirect's query.
pub async fn sign_in(sandbox: &Sandbox, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let credentials = sandbox.credentials();
    sign_in_as(sandbox, extra, &credentials.username, &credentials.password).await
}

pub async fn sign_in_as(
    sandbox: &Sandbox,
    extra: &[(&str, &str)],
    username: &str,
    password: &str,
) -> HashMap<String, String> {
    let (page, html) = sign_in_page(sandbox, extra).await;
    let response = submit_sign_in(&page, &html, username, password, "sign-in").await;
    assert_eq!(
        response.status(),
        StatusCode::FOUND,
        "a successful sign-in redirects"
    );
    let location = Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap();
    query_of(&location)
}

/// Exchanges `code` with the default redirect URI and `extra` parameters.
pub async fn exchange_code(sandbox: &Sandbox, code: &str, extra: &[(&str, &str)]) -> Answer {
    let mut params = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT_URI),
    ];
    for (name, value) in extra {
        params.retain(|(existing, _)| existing != name);
        params.push((name, value));
    }
    token(sandbox, Auth::basic(sandbox), &params).await
}

/// GETs a design-time or runtime URL with an optional bearer token.
pub async fn api_get(url: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = http().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("the OIC origin answers")
}

pub async fn json(response: reqwest::Response) -> Value {
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON expected, got {text}"))
}
