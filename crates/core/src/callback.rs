//! The way back from the identity domain's sign-in page to the app: the
//! Callback URL (the application's Redirect URL) with `code` and `state`, or
//! `error` and `error_description`, in its query.
//!
//! Three ways bring that URL here, and all end in [`read_redirect`] and
//! [`Redirect::into_code`], which refuses a code whose `state` is not the one
//! sent:
//! - the in-app login window: the app asks [`is_callback`] about every
//!   navigation and stops the one that reaches the Callback URL, unloaded;
//! - the system browser: [`LoopbackListener`] listens on the loopback Callback
//!   URL (RFC 8252 §7.3) until a `GET` of its path carries the `state` that
//!   was sent (any other request gets a 400 page and is ignored, so a stray
//!   local request can neither end nor forge the sign-in), answers it with a
//!   page that says to close the tab, and stops listening;
//! - the redirected URL pasted by the user.
//!
//! This module touches the loopback network only; it never loads the Callback
//! URL.

use crate::error::{Error, Result};
use crate::secret::Secret;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use url::{Host, Url};

const CALLBACK_FIELD: &str = "Callback URL";
const REDIRECTED_FIELD: &str = "Redirected URL";

/// How long one browser connection may take to send its request line and
/// headers before the listener gives up on that connection (not on the
/// sign-in).
const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The most a request head may weigh; a redirect with a code is far smaller.
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// Reads the Callback URL field: an absolute http(s) URL with a host and no
/// fragment (RFC 6749 §3.1.2), such as
/// `https://<oic host>/icsapis/agent/oauth/callback`,
/// `https://oauth.pstmn.io/v1/callback` or `http://127.0.0.1:53682/callback`.
pub fn callback_url(value: &str) -> Result<Url> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::MissingField {
            field: CALLBACK_FIELD,
        });
    }
    let url = Url::parse(value).map_err(|e| Error::InvalidUrl {
        field: CALLBACK_FIELD,
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::InvalidUrl {
            field: CALLBACK_FIELD,
            reason: format!(
                "the scheme must be https (or http to this computer), not {}",
                url.scheme()
            ),
        });
    }
    if url.host_str().map_or(true, str::is_empty) {
        return Err(Error::InvalidUrl {
            field: CALLBACK_FIELD,
            reason: "it has no host".into(),
        });
    }
    if url.fragment().is_some() {
        return Err(Error::InvalidUrl {
            field: CALLBACK_FIELD,
            reason: "a Redirect URL cannot have a #fragment".into(),
        });
    }
    Ok(url)
}

/// Whether `navigated` is the Callback URL: same scheme, host, port and path;
/// the query and fragment (where the code is) do not matter.
pub fn is_callback(callback: &Url, navigated: &str) -> bool {
    let Ok(navigated) = Url::parse(navigated.trim()) else {
        return false;
    };
    navigated.scheme() == callback.scheme()
        && navigated.host() == callback.host()
        && navigated.port_or_known_default() == callback.port_or_known_default()
        && navigated.path() == callback.path()
}

/// What the identity domain sent back to the Callback URL.
#[derive(Debug)]
pub enum Redirect {
    Code {
        code: Secret,
        state: Option<String>,
    },
    Error {
        error: String,
        description: Option<String>,
        state: Option<String>,
    },
}

/// Reads a redirected URL: the whole address (what the login window or the
/// browser reached, or what the user pasted), or just its `?query`.
pub fn read_redirect(value: &str) -> Result<Redirect> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::MissingField {
            field: REDIRECTED_FIELD,
        });
    }
    let pairs = match Url::parse(value) {
        Ok(url) => {
            let query = pairs(url.query().unwrap_or_default());
            if has_answer(&query) {
                query
            } else {
                pairs(url.fragment().unwrap_or_default())
            }
        }
        Err(_) if value.contains('=') => pairs(value.trim_start_matches(['?', '#'])),
        Err(e) => {
            return Err(Error::InvalidUrl {
                field: REDIRECTED_FIELD,
                reason: e.to_string(),
            })
        }
    };
    let state = single(&pairs, "state")?;
    if let Some(error) = single(&pairs, "error")?.filter(|e| !e.is_empty()) {
        return Ok(Redirect::Error {
            error,
            description: single(&pairs, "error_description")?,
            state,
        });
    }
    match single(&pairs, "code")?.filter(|c| !c.is_empty()) {
        Some(code) => Ok(Redirect::Code {
            code: Secret::new(code),
            state,
        }),
        None => Err(Error::InvalidUrl {
            field: REDIRECTED_FIELD,
            reason: "it has neither a code nor an error; paste the whole address the browser shows after signing in".into(),
        }),
    }
}

impl Redirect {
    /// The code, when the returned `state` is the one sent; otherwise a
    /// CSRF error. A returned `error` becomes [`Error::AuthorizationFailed`]
    /// only with the state sent; without it, or with another, it is a CSRF
    /// error too.
    pub fn into_code(self, sent_state: &str) -> Result<Secret> {
        match self {
            Redirect::Code { code, state } => match state {
                Some(state) if state == sent_state => Ok(code),
                Some(_) => Err(Error::StateMismatch { missing: false }),
                None => Err(Error::StateMismatch { missing: true }),
            },
            // An error is the identity domain's word only when it carries
            // the state that was sent; anyone can craft `?error=...`.
            Redirect::Error {
                error,
                description,
                state,
            } => match state {
                Some(state) if state == sent_state => {
                    Err(Error::AuthorizationFailed { error, description })
                }
                Some(_) => Err(Error::StateMismatch { missing: false }),
                None => Err(Error::StateMismatch { missing: true }),
            },
        }
    }
}

fn pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn has_answer(pairs: &[(String, String)]) -> bool {
    pairs.iter().any(|(k, _)| k == "code" || k == "error")
}

/// The value of `name`, refusing a parameter that appears twice (RFC 6749
/// §3.1: parameters must not be repeated).
fn single(pairs: &[(String, String)], name: &str) -> Result<Option<String>> {
    let mut values = pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v);
    let first = values.next().cloned();
    if values.next().is_some() {
        return Err(Error::InvalidUrl {
            field: REDIRECTED_FIELD,
            reason: format!("the parameter {name} appears more than once"),
        });
    }
    Ok(first)
}

/// A listener on the loopback Callback URL for the system-browser sign-in
/// (RFC 8252 §7.3). Port 0 picks a free port: [`LoopbackListener::callback_url`]
/// then has the real one, to be sent as `redirect_uri`. Dropping the listener,
/// or the future of [`LoopbackListener::receive`], closes the socket.
///
/// A Callback URL on `localhost` is bound on both 127.0.0.1 and [::1] with
/// the same port, since the browser may resolve `localhost` to either: no
/// other local process can then take the address the browser picks.
pub struct LoopbackListener {
    listeners: Vec<TcpListener>,
    callback: Url,
}

/// How many times a free port is looked for when `localhost:0` must be free
/// on both addresses.
const DUAL_BIND_ATTEMPTS: usize = 8;

impl LoopbackListener {
    /// Listens on the host and port of `callback_url`, which must be
    /// `http://127.0.0.1:<port>/<path>` (or `[::1]`, or `localhost`, bound on
    /// both 127.0.0.1 and [::1]).
    pub async fn bind(callback_url: &str) -> Result<LoopbackListener> {
        let mut callback = self::callback_url(callback_url)?;
        let not_loopback = || {
            Error::InvalidUrl {
            field: CALLBACK_FIELD,
            reason: "to receive the sign-in from the system browser, OAuth Console listens on this computer, so the Callback URL must be http://127.0.0.1:<port>/<path>, registered as a Redirect URL of the application".into(),
        }
        };
        if callback.scheme() != "http" {
            return Err(not_loopback());
        }
        let addresses: Vec<IpAddr> = match callback.host() {
            Some(Host::Ipv4(ip)) if ip.is_loopback() => vec![ip.into()],
            Some(Host::Ipv6(ip)) if ip.is_loopback() => vec![ip.into()],
            Some(Host::Domain(domain)) if domain.eq_ignore_ascii_case("localhost") => {
                vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()]
            }
            _ => return Err(not_loopback()),
        };
        let Some(port) = callback.port() else {
            return Err(Error::InvalidUrl {
                field: CALLBACK_FIELD,
                reason: "it has no port: add one, such as http://127.0.0.1:53682/callback, or use :0 for a free port".into(),
            });
        };
        let attempts = if port == 0 && addresses.len() > 1 {
            DUAL_BIND_ATTEMPTS
        } else {
            1
        };
        let mut failed = None;
        for _ in 0..attempts {
            match bind_all(&addresses, port).await {
                Ok((listeners, bound)) => {
                    callback.set_port(Some(bound)).map_err(|()| {
                        Error::Internal("could not set the port of the Callback URL".into())
                    })?;
                    return Ok(LoopbackListener {
                        listeners,
                        callback,
                    });
                }
                Err(e) => failed = Some(e),
            }
        }
        let Some((address, error)) = failed else {
            return Err(Error::Internal("no address to listen on".into()));
        };
        if address.is_ipv6() && addresses.len() > 1 {
            // localhost: 127.0.0.1 was free, [::1] was not (or has no IPv6).
            return Err(Error::InvalidUrl {
                field: CALLBACK_FIELD,
                reason: format!(
                    "a browser may reach localhost at [::1], and OAuth Console could not listen on {address} ({error}), so another program could receive the sign-in; use http://127.0.0.1:<port>{} as the Callback URL (registered as a Redirect URL of the application)",
                    callback.path()
                ),
            });
        }
        Err(listen_error(address, &error))
    }

    /// The Callback URL as listened on (the real port when 0 was asked for).
    pub fn callback_url(&self) -> &Url {
        &self.callback
    }

    /// The addresses listened on: one, or two for `localhost`.
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect()
    }

    /// Waits for the browser's `GET` of the Callback URL's path that carries
    /// `state` (the one sent in the authorize URL) and returns the full URL it
    /// asked for. Other paths get 404, other methods 405, a request without
    /// that state (a stray request, another sign-in, a forged `error=`) 400,
    /// and waiting goes on. Stops listening when it returns, on timeout, or
    /// when this future is dropped (Cancel).
    pub async fn receive(self, state: &str, timeout: Duration) -> Result<Url> {
        let LoopbackListener {
            listeners,
            callback,
        } = self;
        let (accepted_tx, mut accepted_rx) = tokio::sync::mpsc::channel(16);
        // Dropped (so aborted) when this future ends.
        let mut accepting = JoinSet::new();
        for listener in listeners {
            let accepted_tx = accepted_tx.clone();
            accepting.spawn(async move {
                loop {
                    let accepted = listener.accept().await.map(|(stream, _)| stream);
                    let fatal = matches!(&accepted, Err(e) if !is_transient(e));
                    if accepted_tx.send(accepted).await.is_err() || fatal {
                        return;
                    }
                }
            });
        }
        drop(accepted_tx);
        let mut connections = JoinSet::new();
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                () = &mut deadline => {
                    return Err(Error::CallbackTimeout {
                        callback_url: callback.to_string(),
                        seconds: timeout.as_millis().div_ceil(1000).try_into().unwrap_or(u64::MAX),
                    });
                }
                accepted = accepted_rx.recv() => match accepted {
                    Some(Ok(stream)) => {
                        connections.spawn(answer(stream, callback.clone(), state.to_owned()));
                    }
                    Some(Err(e)) if is_transient(&e) => {}
                    Some(Err(e)) => {
                        return Err(Error::CallbackListen {
                            address: callback.host_str().unwrap_or_default().to_owned(),
                            detail: e.to_string(),
                        });
                    }
                    None => {
                        return Err(Error::CallbackListen {
                            address: callback.host_str().unwrap_or_default().to_owned(),
                            detail: "the listener stopped".into(),
                        });
                    }
                },
                Some(answered) = connections.join_next() => {
                    if let Ok(Some(url)) = answered {
                        return Ok(url);
                    }
                }
            }
        }
    }
}

fn listen_error(address: SocketAddr, error: &std::io::Error) -> Error {
    Error::CallbackListen {
        address: address.to_string(),
        detail: error.to_string(),
    }
}

/// Binds `port` on every address; with port 0, the first address picks the
/// port and the others take the same one. Returns the listeners and the
/// port, or the address that could not be bound.
async fn bind_all(
    addresses: &[IpAddr],
    port: u16,
) -> std::result::Result<(Vec<TcpListener>, u16), (SocketAddr, std::io::Error)> {
    let mut listeners: Vec<TcpListener> = Vec::new();
    let mut port = port;
    for ip in addresses {
        let address = SocketAddr::new(*ip, port);
        let listener = TcpListener::bind(address).await.map_err(|e| (address, e))?;
        port = listener.local_addr().map_err(|e| (address, e))?.port();
        listeners.push(listener);
    }
    Ok((listeners, port))
}

impl fmt::Debug for LoopbackListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopbackListener")
            .field("callback", &self.callback.as_str())
            .field("addresses", &self.local_addrs())
            .finish_non_exhaustive()
    }
}

fn is_transient(error: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        error.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
    )
}

/// Serves one connection: the callback with the expected state (page + its
/// URL), or a 404/405/400 that is otherwise ignored.
async fn answer(mut stream: TcpStream, callback: Url, state: String) -> Option<Url> {
    let head = tokio::time::timeout(REQUEST_READ_TIMEOUT, read_head(&mut stream))
        .await
        .ok()??;
    let mut request_line = head.lines().next().unwrap_or_default().split(' ');
    let (method, target) = (
        request_line.next().unwrap_or_default(),
        request_line.next().unwrap_or_default(),
    );
    let reached = target.starts_with('/').then(|| {
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        let mut url = callback.clone();
        url.set_path(path);
        url.set_query(query);
        url
    });
    let Some(url) = reached.filter(|url| url.path() == callback.path()) else {
        respond(
            &mut stream,
            "404 Not Found",
            "text/plain; charset=utf-8",
            "Not found",
        )
        .await;
        return None;
    };
    if method != "GET" {
        respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            "Use GET",
        )
        .await;
        return None;
    }
    let failed = match read_redirect(url.as_str()) {
        Ok(Redirect::Code {
            state: Some(got), ..
        }) if got == state => false,
        Ok(Redirect::Error {
            state: Some(got), ..
        }) if got == state => true,
        _ => {
            respond(
                &mut stream,
                "400 Bad Request",
                "text/html; charset=utf-8",
                &page(Page::NotThisSignIn),
            )
            .await;
            return None;
        }
    };
    respond(
        &mut stream,
        "200 OK",
        "text/html; charset=utf-8",
        &page(if failed { Page::Failed } else { Page::Received }),
    )
    .await;
    Some(url)
}

/// The request line and headers, or `None` when the connection closes first
/// or sends too much.
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 2048];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            return Some(String::from_utf8_lossy(&buffer[..end]).into_owned());
        }
        if buffer.len() > MAX_REQUEST_HEAD {
            return None;
        }
    }
}

async fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &str) {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nContent-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // The browser may have gone already; the callback URL is read either way.
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Which page the browser gets.
#[derive(Debug, Clone, Copy)]
enum Page {
    Received,
    Failed,
    /// No state, or another sign-in's: ignored.
    NotThisSignIn,
}

/// The page the browser shows after the redirect: self-contained, no script,
/// nothing from the request echoed back.
fn page(which: Page) -> String {
    let (title, text) = match which {
        Page::Failed => (
            "Sign-in not completed",
            "The identity domain returned an error. You can close this tab and return to OAuth Console, which shows it.",
        ),
        Page::Received => (
            "Sign-in received",
            "You can close this tab and return to OAuth Console.",
        ),
        Page::NotThisSignIn => (
            "Not the sign-in OAuth Console is waiting for",
            "This request does not carry the state of the sign-in OAuth Console started, so it was ignored. OAuth Console is still waiting for the sign-in.",
        ),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} - OAuth Console</title>\
<style>body{{font-family:system-ui,sans-serif;background:#f4f3f0;margin:0}}main{{max-width:28rem;margin:4rem auto;\
background:#fff;padding:2rem;border-radius:6px;box-shadow:0 1px 4px #0002}}h1{{font-size:1.3rem;margin-top:0}}</style>\
</head><body><main><h1>{title}</h1><p>{text}</p></main></body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    fn url(value: &str) -> Url {
        Url::parse(value).unwrap()
    }

    #[test]
    fn the_callback_url_must_be_an_absolute_http_url_without_fragment() {
        assert!(callback_url(" https://oic.example.com/icsapis/agent/oauth/callback ").is_ok());
        assert!(callback_url("http://127.0.0.1:53682/callback").is_ok());
        assert!(matches!(
            callback_url(""),
            Err(Error::MissingField {
                field: "Callback URL"
            })
        ));
        assert!(matches!(
            callback_url("oauth.pstmn.io/v1/callback"),
            Err(Error::InvalidUrl { .. })
        ));
        assert!(matches!(
            callback_url("ftp://host/callback"),
            Err(Error::InvalidUrl { .. })
        ));
        assert!(matches!(
            callback_url("https://host/callback#x"),
            Err(Error::InvalidUrl { .. })
        ));
    }

    #[test]
    fn a_navigation_to_the_callback_url_matches_whatever_its_query() {
        let oic = url("https://oic.example.com/icsapis/agent/oauth/callback");
        assert!(is_callback(
            &oic,
            "https://oic.example.com/icsapis/agent/oauth/callback?code=abc&state=xyz"
        ));
        assert!(is_callback(
            &oic,
            "https://OIC.example.com:443/icsapis/agent/oauth/callback#frag"
        ));
        let postman = url("https://oauth.pstmn.io/v1/callback");
        assert!(is_callback(
            &postman,
            "https://oauth.pstmn.io/v1/callback?error=access_denied"
        ));
        let loopback = url("http://127.0.0.1:53682/callback");
        assert!(is_callback(
            &loopback,
            "http://127.0.0.1:53682/callback?code=a"
        ));
    }

    #[test]
    fn other_pages_of_the_sign_in_are_not_the_callback() {
        let callback = url("https://oic.example.com/icsapis/agent/oauth/callback");
        for other in [
            "https://idcs-x.identity.oraclecloud.com/oauth2/v1/authorize?redirect_uri=https%3A%2F%2Foic.example.com%2Ficsapis%2Fagent%2Foauth%2Fcallback",
            "http://oic.example.com/icsapis/agent/oauth/callback?code=a",
            "https://oic.example.com:8443/icsapis/agent/oauth/callback?code=a",
            "https://oic.example.com/icsapis/agent/oauth/callback/other?code=a",
            "https://evil.example.com/icsapis/agent/oauth/callback?code=a",
            "not a url",
        ] {
            assert!(!is_callback(&callback, other), "{other} is not the callback");
        }
    }

    #[test]
    fn a_redirect_with_a_code_gives_the_code_once_the_state_matches() {
        let redirect =
            read_redirect("https://oauth.pstmn.io/v1/callback?code=AQAg3jKM4Gc%3D&state=12345544")
                .unwrap();
        let code = redirect.into_code("12345544").unwrap();
        assert_eq!(code.expose(), "AQAg3jKM4Gc=", "the code is URL-decoded");
    }

    #[test]
    fn a_forged_state_is_refused_with_a_csrf_error() {
        let err = read_redirect("http://127.0.0.1:53682/callback?code=abc&state=forged")
            .unwrap()
            .into_code("sent")
            .unwrap_err();
        assert!(
            matches!(err, Error::StateMismatch { missing: false }),
            "{err:?}"
        );
        assert_eq!(err.code(), "state_mismatch");
        assert!(
            err.to_string().contains("cross-site request forgery"),
            "{err}"
        );
        assert!(
            !err.to_string().contains("abc"),
            "the code never appears in a message"
        );
        let err = read_redirect("http://127.0.0.1:53682/callback?code=abc")
            .unwrap()
            .into_code("sent")
            .unwrap_err();
        assert!(
            matches!(err, Error::StateMismatch { missing: true }),
            "a missing state is refused too: {err:?}"
        );
    }

    #[test]
    fn a_returned_error_is_shown_as_such_with_its_description() {
        let err = read_redirect("https://oauth.pstmn.io/v1/callback?error=access_denied&error_description=The+user+cancelled&state=s")
            .unwrap()
            .into_code("s")
            .unwrap_err();
        assert!(
            matches!(&err, Error::AuthorizationFailed { error, .. } if error == "access_denied"),
            "{err:?}"
        );
        assert_eq!(err.code(), "access_denied");
        assert!(err.to_string().contains("The user cancelled"), "{err}");
        assert!(err.hint().unwrap().contains("ServiceInvoker"));
        let err = read_redirect("https://h/cb?error=invalid_scope&state=other")
            .unwrap()
            .into_code("s")
            .unwrap_err();
        assert!(
            matches!(err, Error::StateMismatch { .. }),
            "an error with a foreign state is not trusted: {err:?}"
        );
    }

    #[test]
    fn a_pasted_query_or_fragment_is_read_too() {
        let code = read_redirect("?code=c1&state=s")
            .unwrap()
            .into_code("s")
            .unwrap();
        assert_eq!(code.expose(), "c1");
        let code = read_redirect("https://h/cb#code=c2&state=s")
            .unwrap()
            .into_code("s")
            .unwrap();
        assert_eq!(code.expose(), "c2");
    }

    #[test]
    fn a_url_without_code_or_with_repeated_parameters_is_refused() {
        let err = read_redirect("https://h/cb?state=s").unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidUrl {
                    field: "Redirected URL",
                    ..
                }
            ),
            "{err:?}"
        );
        let err = read_redirect("https://h/cb?code=a&state=s&state=t").unwrap_err();
        assert!(
            err.to_string().contains("state appears more than once"),
            "{err}"
        );
        assert!(matches!(
            read_redirect("  "),
            Err(Error::MissingField { .. })
        ));
        assert!(matches!(
            read_redirect("just words"),
            Err(Error::InvalidUrl { .. })
        ));
    }

    async fn get(port: u16, request: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        response
    }

    async fn is_closed(port: u16) -> bool {
        TcpStream::connect(("127.0.0.1", port)).await.is_err()
    }

    #[tokio::test]
    async fn port_zero_listens_on_a_free_port_and_says_which() {
        let listener = LoopbackListener::bind("http://127.0.0.1:0/callback")
            .await
            .unwrap();
        let port = listener.callback_url().port().unwrap();
        assert_ne!(port, 0);
        assert_eq!(
            listener.callback_url().as_str(),
            format!("http://127.0.0.1:{port}/callback")
        );
        drop(listener);
        assert!(
            is_closed(port).await,
            "dropping the listener closes the port"
        );
    }

    #[tokio::test]
    async fn the_listener_answers_the_callback_with_a_close_this_tab_page_and_stops() {
        let listener = LoopbackListener::bind("http://127.0.0.1:0/callback")
            .await
            .unwrap();
        let port = listener.callback_url().port().unwrap();
        let waiting =
            tokio::spawn(async move { listener.receive("s", Duration::from_secs(10)).await });

        // A connection that never speaks must not hold the callback up.
        let _silent = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let favicon = get(port, "GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n").await;
        assert!(favicon.starts_with("HTTP/1.1 404"), "{favicon}");
        let post = get(
            port,
            "POST /callback HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        )
        .await;
        assert!(post.starts_with("HTTP/1.1 405"), "{post}");
        let page = get(
            port,
            "GET /callback?code=c%3D&state=s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        )
        .await;
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert!(
            page.contains("You can close this tab and return to OAuth Console"),
            "{page}"
        );
        assert!(
            !page.contains("<script") && !page.contains("src="),
            "the page loads nothing: {page}"
        );

        let reached = waiting.await.unwrap().unwrap();
        assert_eq!(
            reached.as_str(),
            format!("http://127.0.0.1:{port}/callback?code=c%3D&state=s")
        );
        assert!(
            is_closed(port).await,
            "nothing listens after the code arrived"
        );
    }

    #[tokio::test]
    async fn an_error_redirect_gets_a_page_that_does_not_claim_success() {
        let listener = LoopbackListener::bind("http://127.0.0.1:0/cb")
            .await
            .unwrap();
        let port = listener.callback_url().port().unwrap();
        let waiting =
            tokio::spawn(async move { listener.receive("s", Duration::from_secs(10)).await });
        let page = get(port, "GET /cb?error=access_denied&state=s HTTP/1.1\r\n\r\n").await;
        assert!(page.contains("Sign-in not completed"), "{page}");
        assert!(
            !page.contains("access_denied"),
            "nothing from the request is echoed: {page}"
        );
        assert!(waiting.await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn the_listener_stops_after_its_timeout() {
        let listener = LoopbackListener::bind("http://127.0.0.1:0/callback")
            .await
            .unwrap();
        let port = listener.callback_url().port().unwrap();
        let err = listener
            .receive("s", Duration::from_millis(200))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::CallbackTimeout { seconds: 1, .. }),
            "{err:?}"
        );
        assert_eq!(err.code(), "callback_timeout");
        assert!(is_closed(port).await, "nothing listens after the timeout");
    }

    #[tokio::test]
    async fn a_cancelled_wait_closes_the_port() {
        let listener = LoopbackListener::bind("http://127.0.0.1:0/callback")
            .await
            .unwrap();
        let port = listener.callback_url().port().unwrap();
        let waiting =
            tokio::spawn(async move { listener.receive("s", Duration::from_secs(30)).await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        waiting.abort();
        assert!(waiting.await.unwrap_err().is_cancelled());
        assert!(is_closed(port).await, "nothing listens after Cancel");
    }

    #[tokio::test]
    async fn only_a_loopback_http_callback_with_a_port_can_be_listened_on() {
        for (value, why) in [
            ("https://oauth.pstmn.io/v1/callback", "not this computer"),
            ("https://127.0.0.1:53682/callback", "https cannot be served"),
            ("http://192.0.2.1:53682/callback", "not loopback"),
            ("http://127.0.0.1/callback", "no port"),
        ] {
            let err = LoopbackListener::bind(value).await.unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidUrl {
                        field: "Callback URL",
                        ..
                    }
                ),
                "{value} ({why}): {err:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_busy_port_is_reported_with_a_hint_to_change_it() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = LoopbackListener::bind(&format!("http://127.0.0.1:{port}/callback"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::CallbackListen { .. }), "{err:?}");
        assert!(err.hint().unwrap().contains("port 0"));
    }

    #[tokio::test]
    async fn a_request_with_another_state_or_none_gets_400_and_the_listener_keeps_waiting() {
        let listener = LoopbackListener::bind("http://127.0.0.1:0/callback")
            .await
            .unwrap();
        let port = listener.callback_url().port().unwrap();
        let waiting =
            tokio::spawn(async move { listener.receive("sent", Duration::from_secs(10)).await });
        for stray in [
            "GET /callback HTTP/1.1\r\n\r\n",
            "GET /callback?code=c1 HTTP/1.1\r\n\r\n",
            "GET /callback?code=c2&state=other HTTP/1.1\r\n\r\n",
            "GET /callback?code=c3&state=sent&state=sent HTTP/1.1\r\n\r\n",
        ] {
            let page = get(port, stray).await;
            assert!(page.starts_with("HTTP/1.1 400"), "{stray}: {page}");
            assert!(page.contains("still waiting"), "{page}");
            assert!(!waiting.is_finished(), "{stray} did not end the wait");
        }
        let page = get(port, "GET /callback?code=right&state=sent HTTP/1.1\r\n\r\n").await;
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        let reached = waiting.await.unwrap().unwrap();
        assert_eq!(reached.query(), Some("code=right&state=sent"));
    }

    #[tokio::test]
    async fn an_error_without_the_right_state_is_ignored_not_shown_as_the_identity_domains_word() {
        let listener = LoopbackListener::bind("http://127.0.0.1:0/cb")
            .await
            .unwrap();
        let port = listener.callback_url().port().unwrap();
        let waiting =
            tokio::spawn(async move { listener.receive("sent", Duration::from_millis(800)).await });
        for forged in [
            "GET /cb?error=access_denied HTTP/1.1\r\n\r\n",
            "GET /cb?error=invalid_scope&error_description=Call+the+helpdesk&state=other HTTP/1.1\r\n\r\n",
        ] {
            let page = get(port, forged).await;
            assert!(page.starts_with("HTTP/1.1 400"), "{forged}: {page}");
            assert!(!page.contains("helpdesk"), "nothing echoed: {page}");
        }
        let err = waiting.await.unwrap().unwrap_err();
        assert!(
            matches!(err, Error::CallbackTimeout { .. }),
            "the forged errors were ignored, the wait went on to its end: {err:?}"
        );
    }

    #[test]
    fn an_error_is_the_identity_domains_word_only_with_the_state_sent() {
        let err = read_redirect("https://h/cb?error=access_denied")
            .unwrap()
            .into_code("s")
            .unwrap_err();
        assert!(
            matches!(err, Error::StateMismatch { missing: true }),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn localhost_is_listened_on_at_both_127_0_0_1_and_ipv6_loopback() {
        let listener = LoopbackListener::bind("http://localhost:0/callback")
            .await
            .unwrap();
        let port = listener.callback_url().port().unwrap();
        assert_eq!(
            listener.callback_url().host_str(),
            Some("localhost"),
            "the URL keeps what was registered"
        );
        let addresses = listener.local_addrs();
        assert_eq!(
            addresses,
            [
                SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
                SocketAddr::from((Ipv6Addr::LOCALHOST, port))
            ]
        );
        assert!(
            std::net::TcpListener::bind((Ipv6Addr::LOCALHOST, port)).is_err(),
            "no other program can take [::1] on the same port"
        );
        let waiting =
            tokio::spawn(async move { listener.receive("s", Duration::from_secs(10)).await });
        let mut v6 = TcpStream::connect((Ipv6Addr::LOCALHOST, port))
            .await
            .unwrap();
        v6.write_all(b"GET /callback?code=c&state=s HTTP/1.1\r\n\r\n")
            .await
            .unwrap();
        let mut page = String::new();
        v6.read_to_string(&mut page).await.unwrap();
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert!(waiting.await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn a_localhost_callback_whose_ipv6_address_is_taken_says_to_use_127_0_0_1() {
        let taken = std::net::TcpListener::bind((Ipv6Addr::LOCALHOST, 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = LoopbackListener::bind(&format!("http://localhost:{port}/callback"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidUrl { field: "Callback URL", reason } if reason.contains("http://127.0.0.1:<port>/callback")),
            "{err:?}"
        );
        assert!(
            TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                .await
                .is_err(),
            "127.0.0.1 is not left listening"
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn encode(value: &str) -> String {
            url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            #[test]
            fn any_text_is_a_redirect_or_a_typed_error(text in "\\PC{0,120}") {
                match read_redirect(&text) {
                    Ok(redirect) => {
                        let result = redirect.into_code("a-state-no-one-sends \u{1F600}");
                        prop_assert!(
                            matches!(result, Err(Error::StateMismatch { .. })),
                            "without the state sent nothing is accepted: {result:?}"
                        );
                    }
                    Err(e) => prop_assert!(
                        matches!(e.code().as_str(), "invalid_url" | "missing_field"),
                        "{e:?}"
                    ),
                }
            }

            /// The code comes out, decoded, exactly when the state that comes
            /// back is the one sent; an error is the identity domain's word
            /// only with that state.
            #[test]
            fn a_code_or_error_is_accepted_only_with_the_state_sent(
                code in "\\PC{1,40}",
                sent in "\\PC{1,20}",
                returned in prop::option::of("\\PC{0,20}"),
                as_error in any::<bool>(),
                other in prop::collection::vec(("[a-z_]{1,8}", "\\PC{0,10}"), 0..3),
                in_fragment in any::<bool>(),
            ) {
                let mut pairs: Vec<String> = other
                    .iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "code" | "state" | "error" | "error_description"))
                    .map(|(k, v)| format!("{k}={}", encode(v)))
                    .collect();
                pairs.push(if as_error {
                    format!("error={}", encode(&code))
                } else {
                    format!("code={}", encode(&code))
                });
                if let Some(state) = &returned {
                    pairs.push(format!("state={}", encode(state)));
                }
                let separator = if in_fragment { '#' } else { '?' };
                let url = format!("http://127.0.0.1:53682/callback{separator}{}", pairs.join("&"));
                let result = read_redirect(&url).unwrap().into_code(&sent);
                let state_ok = returned.as_deref() == Some(sent.as_str());
                match result {
                    Ok(got) => {
                        prop_assert!(state_ok && !as_error);
                        prop_assert_eq!(got.expose(), code.as_str());
                    }
                    Err(Error::AuthorizationFailed { error, .. }) => {
                        prop_assert!(state_ok && as_error);
                        prop_assert_eq!(error, code);
                    }
                    Err(Error::StateMismatch { missing }) => {
                        prop_assert!(!state_ok);
                        prop_assert_eq!(missing, returned.is_none());
                    }
                    Err(other) => prop_assert!(false, "unexpected {other:?}"),
                }
            }
        }
    }
}
