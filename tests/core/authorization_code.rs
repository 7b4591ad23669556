//! Authorization code with PKCE against the third-party server
//! (django-oauth-toolkit) and the built-in sandbox: a reqwest "browser"
//! performs the sign-in over HTTP, then either delivers the redirect to the
//! loopback listener (system-browser mode) or hands the redirected URL over
//! as the user would paste it.

use crate::idp;
use oauth_console_core::cancel::InFlight;
use oauth_console_core::grants::authorization_code::{
    finish, sign_in_with_system_browser, start, AuthorizationCode, CodeChallengeMethod,
    PendingAuthorization,
};
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::{ClientAuth, Error, IpcError, Secret};
use oauth_console_sandbox::Sandbox;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::sync::oneshot;
use url::Url;

/// A browser without a window: one cookie jar, redirects followed by hand
/// (each hop is checked), never following the last one to the Callback URL.
#[derive(Clone)]
pub struct Browser {
    http: reqwest::Client,
    cookies: Arc<Mutex<HashMap<String, String>>>,
}

impl Browser {
    pub fn new() -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Arc::default(),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let cookie = {
            let jar = self.cookies.lock().unwrap();
            jar.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let request = if cookie.is_empty() {
            request
        } else {
            request.header("cookie", cookie)
        };
        let response = request.send().await.expect("the identity server answers");
        let mut jar = self.cookies.lock().unwrap();
        for set in response.headers().get_all("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            if let Some((name, value)) = pair.split_once('=') {
                jar.insert(name.trim().to_owned(), value.trim().to_owned());
            }
        }
        response
    }

    fn location(response: &reqwest::Response) -> Url {
        assert_eq!(
            response.status(),
            302,
            "expected a redirect from {}",
            response.url()
        );
        let location = response.headers()["location"].to_str().unwrap();
        response.url().join(location).unwrap()
    }

    /// Signs in at django-oauth-toolkit (tests/idp/README.md, steps 1-4) and
    /// returns where the server redirects to: the Callback URL with the code.
    /// A wrong password ends on the login page: `Err(its HTML)`.
    pub async fn sign_in_at_idp(
        &self,
        authorize_url: &str,
        username: &str,
        password: &str,
    ) -> Result<Url, String> {
        let to_login = Self::location(&self.send(self.http.get(authorize_url)).await);
        let login_page = self.send(self.http.get(to_login.clone())).await;
        assert_eq!(login_page.status(), 200);
        let next = to_login
            .query_pairs()
            .find(|(k, _)| k == "next")
            .unwrap()
            .1
            .into_owned();
        let csrf = self.cookies.lock().unwrap()["csrftoken"].clone();
        let form = [
            ("csrfmiddlewaretoken", csrf.as_str()),
            ("username", username),
            ("password", password),
            ("next", next.as_str()),
        ];
        let signed_in = self
            .send(
                self.http
                    .post(to_login.join("/accounts/login/").unwrap())
                    .form(&form),
            )
            .await;
        if signed_in.status() == 200 {
            return Err(signed_in.text().await.unwrap());
        }
        let to_authorize = Self::location(&signed_in);
        Ok(Self::location(
            &self.send(self.http.get(to_authorize)).await,
        ))
    }

    /// Signs in (or cancels, when `password` is `None`) on the sandbox's
    /// sign-in page and returns the redirect to the Callback URL.
    pub async fn sign_in_at_sandbox(
        &self,
        authorize_url: &str,
        username: &str,
        password: Option<&str>,
    ) -> Url {
        let page = self.send(self.http.get(authorize_url)).await;
        assert_eq!(page.status(), 200, "the sandbox shows its sign-in page");
        let action = page.url().join("/oauth2/v1/authorize").unwrap();
        let html = page.text().await.unwrap();
        let txn = html
            .split("name=\"txn\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let form = match password {
            Some(password) => vec![
                ("txn", txn.as_str()),
                ("username", username),
                ("password", password),
                ("action", "sign-in"),
            ],
            None => vec![("txn", txn.as_str()), ("action", "cancel")],
        };
        Self::location(&self.send(self.http.post(action).form(&form)).await)
    }

    /// The user's part of the device flow (RFC 8628) at django-oauth-toolkit:
    /// open the Verification URL (DOT's `/o/device/`, which wants a signed-in
    /// user and sends to the login page first), sign in, enter the code,
    /// and press Accept or Deny (`action`: `accept` or `deny`) on DOT's
    /// confirm page. Returns the page DOT ends on (the device's status).
    pub async fn decide_device_at_idp(
        &self,
        verification_uri: &str,
        user_code: &str,
        username: &str,
        password: &str,
        action: &str,
    ) -> String {
        let to_login = Self::location(&self.send(self.http.get(verification_uri)).await);
        let login_page = self.send(self.http.get(to_login.clone())).await;
        assert_eq!(login_page.status(), 200, "DOT's device page asks for a sign-in first");
        let next = to_login.query_pairs().find(|(k, _)| k == "next").unwrap().1.into_owned();
        let csrf = self.cookies.lock().unwrap()["csrftoken"].clone();
        let form = [
            ("csrfmiddlewaretoken", csrf.as_str()),
            ("username", username),
            ("password", password),
            ("next", next.as_str()),
        ];
        let signed_in = self.send(self.http.post(to_login.join("/accounts/login/").unwrap()).form(&form)).await;
        let code_page_url = Self::location(&signed_in);
        let code_page = self.send(self.http.get(code_page_url.clone())).await;
        assert_eq!(code_page.status(), 200, "signed in, the device page asks for the code");
        // The sign-in rotated the CSRF cookie.
        let csrf = self.cookies.lock().unwrap()["csrftoken"].clone();
        let entered = self
            .send(self.http.post(code_page_url).form(&[("csrfmiddlewaretoken", csrf.as_str()), ("user_code", user_code)]))
            .await;
        let confirm = Self::location(&entered);
        let confirm_page = self.send(self.http.get(confirm.clone())).await;
        assert_eq!(confirm_page.status(), 200, "DOT asks to accept or deny the device");
        let decided = self
            .send(self.http.post(confirm).form(&[("csrfmiddlewaretoken", csrf.as_str()), ("action", action)]))
            .await;
        let status_page = Self::location(&decided);
        self.send(self.http.get(status_page)).await.text().await.unwrap()
    }

    /// Follows the last redirect, to the loopback listener, and returns the
    /// page it shows.
    pub async fn deliver(&self, callback: Url) -> String {
        let response = self.send(self.http.get(callback)).await;
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }
}

fn http() -> HttpClient {
    HttpClient::new(HttpSettings::default()).unwrap()
}

fn idp_grant(callback_url: &str) -> AuthorizationCode {
    AuthorizationCode {
        client: Client {
            token_url: idp::token_url(),
            client_id: idp::var("OC_IDP_AC_CLIENT_ID"),
            client_secret: Secret::new(idp::var("OC_IDP_AC_CLIENT_SECRET")),
            client_auth: ClientAuth::BasicHeader,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        callback_url: callback_url.to_owned(),
        auth_url: idp::var("OC_IDP_AUTH_URL"),
        scope: idp::scope(),
        state: String::new(),
        nonce: String::new(),
        code_challenge_method: CodeChallengeMethod::S256,
        request_refresh_token: true,
    }
}

fn sandbox_grant(sandbox: &Sandbox, callback_url: &str) -> AuthorizationCode {
    let credentials = sandbox.credentials();
    AuthorizationCode {
        client: Client {
            token_url: sandbox.token_url(),
            client_id: credentials.client_id.clone(),
            client_secret: Secret::new(credentials.client_secret.clone()),
            client_auth: ClientAuth::BasicHeader,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        callback_url: callback_url.to_owned(),
        auth_url: sandbox.authorize_url(),
        scope: format!("{} openid", credentials.scope_all),
        state: String::new(),
        nonce: String::new(),
        code_challenge_method: CodeChallengeMethod::S256,
        request_refresh_token: true,
    }
}

async fn is_closed(port: u16) -> bool {
    tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
}

/// The "open the system browser" callback of a test: the reqwest browser
/// signs in and delivers the redirect; the listener's port and the page the
/// browser showed come back through the receivers.
fn open_browser_at_idp(
    pages: oneshot::Sender<String>,
    ports: oneshot::Sender<u16>,
) -> impl FnOnce(&PendingAuthorization) -> oauth_console_core::Result<()> {
    move |pending| {
        let _ = ports.send(pending.callback_url().port().unwrap());
        let url = pending.authorize_url().to_owned();
        tokio::spawn(async move {
            let browser = Browser::new();
            let callback = browser
                .sign_in_at_idp(
                    &url,
                    &idp::var("OC_IDP_USERNAME"),
                    &idp::var("OC_IDP_PASSWORD"),
                )
                .await
                .expect("the seeded user signs in");
            let _ = pages.send(browser.deliver(callback).await);
        });
        Ok(())
    }
}

#[tokio::test]
async fn the_system_browser_sign_in_gets_a_token_through_the_loopback_listener() {
    let (page_tx, page_rx) = oneshot::channel();
    let (port_tx, port_rx) = oneshot::channel();
    let grant = idp_grant("http://127.0.0.1:0/callback");
    let token = sign_in_with_system_browser(
        &http(),
        &grant,
        Duration::from_secs(30),
        open_browser_at_idp(page_tx, port_tx),
        SystemTime::now,
    )
    .await
    .expect("the code from the loopback redirect is exchanged");
    assert_eq!(token.token_type, "Bearer");
    assert!(
        token.refresh_token.is_some(),
        "the server issues a refresh token with the code"
    );
    assert_eq!(
        token.scope.as_deref(),
        Some(format!("{} offline_access", idp::scope()).as_str())
    );
    let page = page_rx.await.unwrap();
    assert!(
        page.contains("You can close this tab and return to OAuth Console"),
        "{page}"
    );
    assert!(
        is_closed(port_rx.await.unwrap()).await,
        "nothing listens after the code arrived"
    );
}

#[tokio::test]
async fn a_pasted_redirect_url_gets_a_token_with_either_client_authentication() {
    for auth in [ClientAuth::BasicHeader, ClientAuth::RequestBody] {
        let mut grant = idp_grant(&idp::var("OC_IDP_REDIRECT_URI"));
        grant.client.client_auth = auth;
        let pending = start(&grant).unwrap();
        let redirected = Browser::new()
            .sign_in_at_idp(
                pending.authorize_url(),
                &idp::var("OC_IDP_USERNAME"),
                &idp::var("OC_IDP_PASSWORD"),
            )
            .await
            .unwrap();
        assert!(
            pending.is_callback(redirected.as_str()),
            "the server redirects to the Callback URL: {redirected}"
        );
        let token = finish(&http(), &pending, redirected.as_str(), SystemTime::now())
            .await
            .unwrap_or_else(|e| panic!("{auth:?}: {e:?}"));
        assert!(!token.access_token.is_empty());
    }
}

#[tokio::test]
async fn a_forged_state_is_refused_and_the_code_is_not_spent() {
    let pending = start(&idp_grant(&idp::var("OC_IDP_REDIRECT_URI"))).unwrap();
    let redirected = Browser::new()
        .sign_in_at_idp(
            pending.authorize_url(),
            &idp::var("OC_IDP_USERNAME"),
            &idp::var("OC_IDP_PASSWORD"),
        )
        .await
        .unwrap();
    let mut forged = redirected.clone();
    let pairs: Vec<(String, String)> = redirected
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                "forged-by-someone-else".into()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);

    let err = finish(&http(), &pending, forged.as_str(), SystemTime::now())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::StateMismatch { missing: false }),
        "{err:?}"
    );
    let ipc = IpcError::from(err);
    assert_eq!(ipc.code, "state_mismatch");
    assert!(ipc.message.contains("forgery"), "{}", ipc.message);

    finish(&http(), &pending, redirected.as_str(), SystemTime::now())
        .await
        .expect("the refused code was never sent, so the genuine redirect still works");
}

#[tokio::test]
async fn a_pkce_verifier_mismatch_is_refused_by_the_server() {
    let mut grant = idp_grant(&idp::var("OC_IDP_REDIRECT_URI"));
    grant.state = "same-state-for-both-sign-ins".into();
    let signed_in = start(&grant).unwrap();
    let other = start(&grant).unwrap();
    let redirected = Browser::new()
        .sign_in_at_idp(
            signed_in.authorize_url(),
            &idp::var("OC_IDP_USERNAME"),
            &idp::var("OC_IDP_PASSWORD"),
        )
        .await
        .unwrap();

    // Same state, other sign-in's verifier: only PKCE tells them apart.
    let err = finish(&http(), &other, redirected.as_str(), SystemTime::now())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { status: 400, error, .. } if error == "invalid_grant"),
        "{err:?}"
    );
    assert!(
        err.hint().unwrap().contains("code verifier"),
        "{:?}",
        err.hint()
    );
}

#[tokio::test]
async fn a_sign_in_without_pkce_still_works_where_the_server_allows_it() {
    let mut grant = idp_grant(&idp::var("OC_IDP_REDIRECT_URI"));
    grant.code_challenge_method = CodeChallengeMethod::Off;
    let pending = start(&grant).unwrap();
    let redirected = Browser::new()
        .sign_in_at_idp(
            pending.authorize_url(),
            &idp::var("OC_IDP_USERNAME"),
            &idp::var("OC_IDP_PASSWORD"),
        )
        .await
        .unwrap();
    finish(&http(), &pending, redirected.as_str(), SystemTime::now())
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unknown_scope_comes_back_to_the_callback_as_an_error() {
    let mut grant = idp_grant(&idp::var("OC_IDP_REDIRECT_URI"));
    grant.scope = "https://wrong.example:443urn:opc:resource:consumer::all".into();
    let pending = start(&grant).unwrap();
    let redirected = Browser::new()
        .sign_in_at_idp(
            pending.authorize_url(),
            &idp::var("OC_IDP_USERNAME"),
            &idp::var("OC_IDP_PASSWORD"),
        )
        .await
        .unwrap();
    let err = finish(&http(), &pending, redirected.as_str(), SystemTime::now())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::AuthorizationFailed { error, .. } if error == "invalid_scope"),
        "{err:?}"
    );
    assert!(IpcError::from(err)
        .hint
        .unwrap()
        .contains("Token Issuance Policy"));
}

#[tokio::test]
async fn a_wrong_password_at_the_sign_in_page_gets_no_code() {
    let pending = start(&idp_grant(&idp::var("OC_IDP_REDIRECT_URI"))).unwrap();
    let page = Browser::new()
        .sign_in_at_idp(
            pending.authorize_url(),
            &idp::var("OC_IDP_USERNAME"),
            "wrong-password",
        )
        .await
        .expect_err("the login page comes back");
    assert!(
        page.contains("id=\"error\""),
        "DOT shows its error on the form"
    );
}

#[tokio::test]
async fn the_sandbox_sign_in_in_the_system_browser_gets_a_token_refresh_token_and_id_token() {
    let sandbox = Sandbox::start().await.unwrap();
    let credentials = sandbox.credentials().clone();
    let grant = sandbox_grant(&sandbox, "http://127.0.0.1:0/callback");
    let (page_tx, page_rx) = oneshot::channel();
    let token = sign_in_with_system_browser(
        &http(),
        &grant,
        Duration::from_secs(30),
        move |pending| {
            let url = pending.authorize_url().to_owned();
            tokio::spawn(async move {
                let browser = Browser::new();
                let callback = browser
                    .sign_in_at_sandbox(&url, &credentials.username, Some(&credentials.password))
                    .await;
                let _ = page_tx.send(browser.deliver(callback).await);
            });
            Ok(())
        },
        SystemTime::now,
    )
    .await
    .expect("the sandbox sign-in returns a token");
    assert!(
        token.refresh_token.is_some(),
        "offline_access was asked for"
    );
    assert!(token.id_token.is_some(), "openid was asked for");
    assert!(
        token.warnings.is_empty(),
        "the ID token carries the nonce sent: {:?}",
        token.warnings
    );
    assert!(page_rx.await.unwrap().contains("You can close this tab"));

    let api = reqwest::Client::new()
        .get(format!(
            "{}/ic/api/integration/v1/connections",
            sandbox.design_url()
        ))
        .bearer_auth(token.access_token.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.status(),
        200,
        "the token is accepted by the sandbox OIC"
    );
}

#[tokio::test]
async fn a_cancelled_sandbox_sign_in_is_shown_as_access_denied() {
    let sandbox = Sandbox::start().await.unwrap();
    let grant = sandbox_grant(&sandbox, "http://127.0.0.1:0/callback");
    let (page_tx, page_rx) = oneshot::channel();
    let err = sign_in_with_system_browser(
        &http(),
        &grant,
        Duration::from_secs(30),
        move |pending| {
            let url = pending.authorize_url().to_owned();
            tokio::spawn(async move {
                let browser = Browser::new();
                let callback = browser.sign_in_at_sandbox(&url, "", None).await;
                let _ = page_tx.send(browser.deliver(callback).await);
            });
            Ok(())
        },
        SystemTime::now,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::AuthorizationFailed { error, .. } if error == "access_denied"),
        "{err:?}"
    );
    assert!(page_rx.await.unwrap().contains("Sign-in not completed"));
}

#[tokio::test]
async fn plain_pkce_works_and_a_wrong_verifier_is_refused_by_the_sandbox() {
    let sandbox = Sandbox::start().await.unwrap();
    let credentials = sandbox.credentials().clone();
    let mut grant = sandbox_grant(&sandbox, "http://127.0.0.1:53682/callback");
    grant.code_challenge_method = CodeChallengeMethod::Plain;
    grant.state = "same-state-for-both-sign-ins".into();
    let signed_in = start(&grant).unwrap();
    let other = start(&grant).unwrap();
    let redirected = Browser::new()
        .sign_in_at_sandbox(
            signed_in.authorize_url(),
            &credentials.username,
            Some(&credentials.password),
        )
        .await;
    let err = finish(&http(), &other, redirected.as_str(), SystemTime::now())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::OAuth { error, .. } if error == "invalid_grant"),
        "{err:?}"
    );
    finish(&http(), &signed_in, redirected.as_str(), SystemTime::now())
        .await
        .expect("the right plain verifier is accepted");
}

#[tokio::test]
async fn the_loopback_listener_stops_when_the_sign_in_times_out() {
    let sandbox = Sandbox::start().await.unwrap();
    let grant = sandbox_grant(&sandbox, "http://127.0.0.1:0/callback");
    let (port_tx, port_rx) = oneshot::channel();
    let err = sign_in_with_system_browser(
        &http(),
        &grant,
        Duration::from_millis(300),
        move |pending| {
            let _ = port_tx.send(pending.callback_url().port().unwrap());
            Ok(())
        },
        SystemTime::now,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::CallbackTimeout { .. }), "{err:?}");
    assert!(
        is_closed(port_rx.await.unwrap()).await,
        "nothing listens after the timeout"
    );
}

#[tokio::test]
async fn a_cancelled_system_browser_sign_in_leaves_nothing_listening() {
    let sandbox = Sandbox::start().await.unwrap();
    let grant = sandbox_grant(&sandbox, "http://127.0.0.1:0/callback");
    let in_flight = Arc::new(InFlight::default());
    let (port_tx, port_rx) = oneshot::channel();
    let runner = in_flight.clone();
    let waiting = tokio::spawn(async move {
        runner
            .run(5, async move {
                sign_in_with_system_browser(
                    &http(),
                    &grant,
                    Duration::from_secs(60),
                    move |pending| {
                        let _ = port_tx.send(pending.callback_url().port().unwrap());
                        Ok(())
                    },
                    SystemTime::now,
                )
                .await
            })
            .await
    });
    let port = port_rx.await.unwrap();
    assert!(!is_closed(port).await, "the listener waits for the browser");
    assert!(in_flight.cancel(5));
    let err = waiting.await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err:?}");
    assert!(is_closed(port).await, "nothing listens after Cancel");
}
