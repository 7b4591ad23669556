//! The API request sender against local servers on 127.0.0.1 (plain http,
//! https with a test CA or a self-signed certificate, a CONNECT proxy) and
//! against the sandbox's OIC; every generated cURL command is run with the
//! `curl` binary against the same servers. The redirect rules have their own
//! module, `redirects`, which uses the servers defined here.

use crate::idp;
use oauth_console_core::cancel::InFlight;
use oauth_console_core::grants::client_credentials::ClientCredentials;
use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::send::{self, curl, ApiRequest, BodyKind, FollowAuthorization, Forwarding};
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::{request_token, ClientAuth, Error, IpcError, Secret, TokenRequest};
use oauth_console_sandbox::Sandbox;
use servers::{reply, run_curl, Server, TestCa};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// An obviously fake token the local servers expect.
pub const TOKEN: &str = "test-access-token-not-real";

pub fn bearer() -> Secret {
    Secret::new(format!("Bearer {TOKEN}"))
}

pub fn http() -> HttpClient {
    HttpClient::new(HttpSettings::default()).unwrap()
}

pub fn get(url: &str, follow: FollowAuthorization, trusted: &[String]) -> ApiRequest {
    serde_json::from_value(serde_json::json!({
        "method": "GET",
        "url": url,
        "headers": [{"name": "Accept", "value": "application/json", "enabled": true}],
        "followAuthorization": follow,
        "trustedHosts": trusted,
    }))
    .unwrap()
}

/// Local HTTP(S) servers that record what they receive, certificates for
/// them, and a runner for the generated cURL commands.
pub mod servers {
    use axum::body::Body;
    use axum::extract::Request;
    use axum::response::Response;
    use axum::Router;
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use tokio::io::{AsyncRead, AsyncWrite};
    use tokio::net::TcpListener;
    use tokio::task::JoinHandle;
    use tokio_rustls::TlsAcceptor;

    /// A request as a server received it.
    #[derive(Clone, Debug)]
    pub struct Seen {
        pub method: String,
        /// Path and query.
        pub uri: String,
        pub headers: http::HeaderMap,
        pub body: String,
    }

    impl Seen {
        pub fn header(&self, name: &str) -> Option<String> {
            self.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        }
    }

    /// What a server answers.
    pub struct Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    }

    pub fn reply(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    impl Reply {
        pub fn header(mut self, name: &str, value: &str) -> Reply {
            self.headers.push((name.to_owned(), value.to_owned()));
            self
        }

        pub fn body(mut self, body: &str) -> Reply {
            self.body = body.to_owned();
            self
        }

        pub fn redirect(status: u16, location: &str) -> Reply {
            reply(status).header("Location", location)
        }
    }

    type Handler = Arc<dyn Fn(&Seen) -> Reply + Send + Sync>;

    /// A certificate chain and its key, for an https server.
    pub struct Identity {
        chain: Vec<CertificateDer<'static>>,
        key: Vec<u8>,
    }

    /// A test certificate authority; its PEM goes into a CA bundle file.
    pub struct TestCa {
        pub pem: String,
        issuer: Issuer<'static, KeyPair>,
    }

    impl TestCa {
        pub fn new() -> TestCa {
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params
                .distinguished_name
                .push(DnType::CommonName, "OAuth Console Test CA");
            params.key_usages = vec![
                KeyUsagePurpose::KeyCertSign,
                KeyUsagePurpose::CrlSign,
                KeyUsagePurpose::DigitalSignature,
            ];
            let key = KeyPair::generate().unwrap();
            let certificate = params.self_signed(&key).unwrap();
            TestCa {
                pem: certificate.pem(),
                issuer: Issuer::new(params, key),
            }
        }

        /// A server certificate for `names` (DNS names or IPs), signed by this CA.
        pub fn leaf(&self, names: &[&str]) -> Identity {
            let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            let mut params = CertificateParams::new(names).unwrap();
            params
                .distinguished_name
                .push(DnType::CommonName, "OAuth Console test server");
            params.use_authority_key_identifier_extension = true;
            let key = KeyPair::generate().unwrap();
            let certificate = params.signed_by(&key, &self.issuer).unwrap();
            Identity {
                chain: vec![certificate.der().clone()],
                key: key.serialize_der(),
            }
        }

        /// Writes the CA certificate to a new PEM file.
        pub fn bundle_file(&self) -> PathBuf {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "oauth-console-test-ca-{}-{}.pem",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::write(&path, &self.pem).unwrap();
            path
        }
    }

    /// A certificate for 127.0.0.1 that signs itself: no one trusts it.
    pub fn self_signed() -> Identity {
        let params =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
        let key = KeyPair::generate().unwrap();
        let certificate = params.self_signed(&key).unwrap();
        Identity {
            chain: vec![certificate.der().clone()],
            key: key.serialize_der(),
        }
    }

    pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
    impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

    /// A loopback listener, plain or TLS, that counts its connections.
    struct Listener {
        tcp: TcpListener,
        tls: Option<TlsAcceptor>,
        connections: Arc<AtomicUsize>,
    }

    impl axum::serve::Listener for Listener {
        type Io = Box<dyn Stream + 'static>;
        type Addr = std::net::SocketAddr;

        async fn accept(&mut self) -> (Self::Io, Self::Addr) {
            loop {
                let Ok((stream, address)) = self.tcp.accept().await else {
                    continue;
                };
                self.connections.fetch_add(1, Ordering::SeqCst);
                match &self.tls {
                    None => return (Box::new(stream), address),
                    Some(acceptor) => {
                        // A client that refuses the certificate ends here.
                        if let Ok(Ok(tls)) = tokio::time::timeout(
                            std::time::Duration::from_secs(5),
                            acceptor.accept(stream),
                        )
                        .await
                        {
                            return (Box::new(tls), address);
                        }
                    }
                }
            }
        }

        fn local_addr(&self) -> std::io::Result<Self::Addr> {
            self.tcp.local_addr()
        }
    }

    /// A server on 127.0.0.1 that records each request and answers with
    /// its handler. Stops when dropped.
    pub struct Server {
        /// `http://127.0.0.1:port` or `https://127.0.0.1:port`.
        pub base: String,
        pub port: u16,
        seen: Arc<Mutex<Vec<Seen>>>,
        connections: Arc<AtomicUsize>,
        task: JoinHandle<()>,
    }

    impl Server {
        pub async fn http(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Server {
            Server::start(None, Arc::new(handler)).await
        }

        pub async fn https(
            identity: &Identity,
            handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static,
        ) -> Server {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(
                    identity.chain.clone(),
                    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key.clone())),
                )
                .unwrap();
            Server::start(Some(TlsAcceptor::from(Arc::new(config))), Arc::new(handler)).await
        }

        async fn start(tls: Option<TlsAcceptor>, handler: Handler) -> Server {
            let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = tcp.local_addr().unwrap().port();
            let scheme = if tls.is_some() { "https" } else { "http" };
            let seen = Arc::new(Mutex::new(Vec::new()));
            let connections = Arc::new(AtomicUsize::new(0));
            let record = seen.clone();
            let router = Router::new().fallback(move |request: Request| {
                let handler = handler.clone();
                let record = record.clone();
                async move {
                    let (parts, body) = request.into_parts();
                    let body = axum::body::to_bytes(body, 1 << 20)
                        .await
                        .unwrap_or_default();
                    let seen = Seen {
                        method: parts.method.to_string(),
                        uri: parts
                            .uri
                            .path_and_query()
                            .map_or("/".to_owned(), |pq| pq.to_string()),
                        headers: parts.headers,
                        body: String::from_utf8_lossy(&body).into_owned(),
                    };
                    let answer = handler(&seen);
                    record.lock().unwrap().push(seen);
                    let mut response = Response::builder().status(answer.status);
                    for (name, value) in &answer.headers {
                        response = response.header(name, value);
                    }
                    response.body(Body::from(answer.body)).unwrap()
                }
            });
            let listener = Listener {
                tcp,
                tls,
                connections: connections.clone(),
            };
            let task = tokio::spawn(async move {
                let _ = axum::serve(listener, router).await;
            });
            Server {
                base: format!("{scheme}://127.0.0.1:{port}"),
                port,
                seen,
                connections,
                task,
            }
        }

        pub fn url(&self, path: &str) -> String {
            format!("{}{path}", self.base)
        }

        /// Every request received so far, oldest first.
        pub fn seen(&self) -> Vec<Seen> {
            self.seen.lock().unwrap().clone()
        }

        /// TCP connections accepted so far.
        pub fn connections(&self) -> usize {
            self.connections.load(Ordering::SeqCst)
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    /// What a generated cURL command did.
    #[derive(Debug)]
    pub struct CurlRun {
        /// curl's exit code (0 on success; 47 too many redirects; 60 untrusted certificate).
        pub exit: i32,
        /// The status of the last response curl printed with `-i`.
        pub status: Option<u16>,
        pub output: String,
    }

    /// Runs `command` with `sh -c`, away from the async runtime the servers
    /// run on, and without proxy variables from the environment.
    pub async fn run_curl(command: &str) -> CurlRun {
        let command = command.to_owned();
        tokio::task::spawn_blocking(move || {
            let output = std::process::Command::new("sh")
                .arg("-c")
                .arg(&command)
                .env_remove("http_proxy")
                .env_remove("HTTP_PROXY")
                .env_remove("https_proxy")
                .env_remove("HTTPS_PROXY")
                .env_remove("all_proxy")
                .env_remove("ALL_PROXY")
                .output()
                .expect("curl runs (the curl binary is installed)");
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            let status = text
                .lines()
                .filter(|line| {
                    line.starts_with("HTTP/") && !line.contains("Connection established")
                })
                .filter_map(|line| line.split_whitespace().nth(1)?.parse().ok())
                .next_back();
            CurlRun {
                exit: output.status.code().unwrap_or(-1),
                status,
                output: format!("{text}{}", String::from_utf8_lossy(&output.stderr)),
            }
        })
        .await
        .unwrap()
    }
}

/// A CONNECT proxy on 127.0.0.1 that tunnels every target to `upstream`
/// (so test names need no DNS) and records the CONNECT lines.
struct TunnelProxy {
    base: String,
    requests: Arc<std::sync::Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TunnelProxy {
    async fn start(upstream: u16) -> TunnelProxy {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let record = record.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if client.read_exact(&mut byte).await.is_err() {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    record
                        .lock()
                        .unwrap()
                        .push(head.lines().next().unwrap_or_default().to_owned());
                    let Ok(mut server) =
                        tokio::net::TcpStream::connect(("127.0.0.1", upstream)).await
                    else {
                        return;
                    };
                    if client
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .await
                        .is_err()
                    {
                        return;
                    }
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
            }
        });
        TunnelProxy {
            base,
            requests,
            task,
        }
    }
}

impl Drop for TunnelProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test]
async fn the_response_shows_status_headers_body_size_and_timing() {
    let server = Server::http(|_| {
        reply(404)
            .header("Content-Type", "application/json")
            .header("X-Oracle-Dms-Ecid", "test-ecid")
            .body(r#"{"title":"Not Found","status":404}"#)
    })
    .await;
    let request = get(
        &server.url("/ic/api/integration/v1/connections/NOPE"),
        FollowAuthorization::Trusted,
        &[],
    );
    let response = send::send(&http(), &request, Some(&bearer()))
        .await
        .unwrap();
    assert_eq!(
        (response.status, response.reason.as_str()),
        (404, "Not Found")
    );
    assert!(
        response
            .headers
            .iter()
            .any(|h| h.name == "x-oracle-dms-ecid" && h.value == "test-ecid"),
        "{:?}",
        response.headers
    );
    assert_eq!(response.body.kind, BodyKind::Json);
    assert_eq!(response.size.body, 34);
    assert!(response.size.headers > 0);
    assert!(response.timing.total >= response.timing.to_headers + response.timing.download);
    assert_eq!(response.hops.len(), 1, "no redirect, one hop");
    assert_eq!(response.hops[0].authorization, Forwarding::Sent);
    assert!(response.note.is_none());

    let view = serde_json::to_value(&response).unwrap();
    assert_eq!(view["body"]["kind"], "json");
    assert_eq!(view["hops"][0]["authorizationNote"], "sent");
    assert!(view["timing"]["totalMs"].is_number());
    assert!(
        !view.to_string().contains(TOKEN),
        "the response view carries no token"
    );
    assert!(!format!("{response:?}").contains(TOKEN));

    let seen = server.seen();
    assert_eq!(
        seen[0].header("authorization").as_deref(),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(
        seen[0].header("accept").as_deref(),
        Some("application/json")
    );
}

#[tokio::test]
async fn requests_to_one_server_reuse_one_keep_alive_connection() {
    let server = Server::http(|_| reply(200).body("ok")).await;
    let client = http();
    let request = get(&server.url("/ping"), FollowAuthorization::Trusted, &[]);
    for _ in 0..3 {
        assert_eq!(
            send::send(&client, &request, None).await.unwrap().status,
            200
        );
    }
    assert_eq!(
        server.connections(),
        1,
        "the three calls share one connection"
    );
}

#[tokio::test]
async fn a_server_signed_by_the_custom_ca_bundle_is_trusted() {
    let ca = TestCa::new();
    let server = Server::https(&ca.leaf(&["127.0.0.1"]), |_| reply(200).body("secure")).await;
    let bundle = ca.bundle_file();
    let settings = HttpSettings {
        ca_bundle: Some(bundle.clone()),
        ..HttpSettings::default()
    };
    let request = get(&server.url("/ic/api/"), FollowAuthorization::Trusted, &[]);
    let response = send::send(&HttpClient::new(settings.clone()).unwrap(), &request, None)
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.body.text(), Some("secure"));

    let command =
        curl::for_api_request(&request, None, &settings, Some(&response.hops), false).unwrap();
    assert!(command.contains("--cacert"), "{command}");
    let run = run_curl(&command).await;
    assert_eq!(
        run.status,
        Some(200),
        "curl with --cacert gets the same status: {run:?}"
    );

    let without = send::send(&http(), &request, None).await.unwrap_err();
    assert!(
        matches!(without, Error::Tls { .. }),
        "without the bundle the CA is unknown: {without:?}"
    );
    std::fs::remove_file(bundle).unwrap();
}

#[tokio::test]
async fn an_untrusted_self_signed_certificate_is_refused_with_the_ca_bundle_hint() {
    let server = Server::https(&servers::self_signed(), |_| {
        reply(200).body("should not be read")
    })
    .await;
    let request = get(&server.url("/ic/api/"), FollowAuthorization::Trusted, &[]);
    let err = send::send(&http(), &request, Some(&bearer()))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Tls { host, .. } if *host == format!("127.0.0.1:{}", server.port)),
        "{err:?}"
    );
    let ipc = IpcError::from(err);
    assert_eq!(ipc.code, "tls");
    assert!(
        ipc.hint
            .as_deref()
            .unwrap_or_default()
            .contains("CA bundle"),
        "{ipc:?}"
    );
    assert!(
        !ipc.message.contains("Error {") && !ipc.message.contains("kind:"),
        "not a raw debug string: {}",
        ipc.message
    );
    assert!(
        server.seen().is_empty(),
        "no request went over the refused connection"
    );

    let run = run_curl(
        &curl::for_api_request(&request, None, &HttpSettings::default(), None, false).unwrap(),
    )
    .await;
    assert_eq!(run.exit, 60, "curl refuses the certificate too: {run:?}");
}

#[tokio::test]
async fn an_explicit_proxy_carries_https_calls_through_a_connect_tunnel() {
    let ca = TestCa::new();
    let server = Server::https(&ca.leaf(&["oic.example.test"]), |seen| {
        reply(200).body(&format!(
            "via tunnel, host {}",
            seen.header("host").unwrap_or_default()
        ))
    })
    .await;
    let proxy = TunnelProxy::start(server.port).await;
    let bundle = ca.bundle_file();
    let settings = HttpSettings {
        proxy: Some(proxy.base.clone()),
        ca_bundle: Some(bundle.clone()),
        ..HttpSettings::default()
    };
    let url = format!(
        "https://oic.example.test:{}/ic/api/integration/v1/connections",
        server.port
    );
    let request = get(&url, FollowAuthorization::Trusted, &[]);
    let response = send::send(
        &HttpClient::new(settings.clone()).unwrap(),
        &request,
        Some(&bearer()),
    )
    .await
    .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(
        proxy.requests.lock().unwrap().first().map(String::as_str),
        Some(format!("CONNECT oic.example.test:{} HTTP/1.1", server.port).as_str()),
        "the call went through the proxy"
    );
    assert_eq!(
        server.seen()[0].header("authorization").as_deref(),
        Some(format!("Bearer {TOKEN}").as_str())
    );

    let command = curl::for_api_request(
        &request,
        Some(&bearer()),
        &settings,
        Some(&response.hops),
        true,
    )
    .unwrap();
    assert!(command.contains("--proxy"), "{command}");
    let run = run_curl(&command).await;
    assert_eq!(
        run.status,
        Some(200),
        "curl through the same proxy: {run:?}"
    );
    assert_eq!(proxy.requests.lock().unwrap().len(), 2);
    std::fs::remove_file(bundle).unwrap();
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_with_a_clear_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/ic/api/", listener.local_addr().unwrap());
    let _hold = tokio::spawn(async move {
        let _connection = listener.accept().await;
        tokio::time::sleep(Duration::from_secs(10)).await;
    });
    let http = HttpClient::new(HttpSettings {
        timeout: Duration::from_millis(300),
        ..HttpSettings::default()
    })
    .unwrap();
    let err = send::send(&http, &get(&url, FollowAuthorization::Trusted, &[]), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.hint().unwrap().contains("timeout"));
}

#[tokio::test]
async fn cancel_stops_a_call_in_flight() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/ic/api/slow", listener.local_addr().unwrap());
    let _hold = tokio::spawn(async move {
        let _connection = listener.accept().await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let in_flight = Arc::new(InFlight::default());
    let runner = in_flight.clone();
    let call = tokio::spawn(async move {
        let http = http();
        let request = get(&url, FollowAuthorization::Trusted, &[]);
        runner
            .run(3, async move { send::send(&http, &request, None).await })
            .await
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(in_flight.cancel(3), "the call is in flight");
    let outcome = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .expect("cancel ends the call at once")
        .unwrap();
    assert!(matches!(outcome, Err(Error::Cancelled)), "{outcome:?}");
}

#[tokio::test]
async fn the_sandbox_runtime_redirect_reaches_the_design_time_host_when_it_is_trusted() {
    let sandbox = Sandbox::start().await.unwrap();
    let credentials = sandbox.credentials().clone();
    let token = request_token(
        &http(),
        &TokenRequest::ClientCredentials(ClientCredentials {
            client: Client {
                token_url: sandbox.token_url(),
                client_id: credentials.client_id.clone(),
                client_secret: Secret::new(credentials.client_secret.clone()),
                client_auth: ClientAuth::BasicHeader,
                client_assertion: None,
                mutual_tls: false,
                extra_roots: Vec::new(),
            },
            scope: credentials.scope_all.clone(),
        }),
        SystemTime::now(),
    )
    .await
    .expect("the sandbox issues a token");
    let authorization = Secret::new(format!("Bearer {}", token.access_token.expose()));

    let trusted = send::default_trusted_hosts(Some(&sandbox.design_url()));
    let design_port = url::Url::parse(&sandbox.design_url())
        .unwrap()
        .port()
        .unwrap();
    assert_eq!(
        trusted,
        [
            "oraclecloud.com".to_owned(),
            format!("127.0.0.1:{design_port}")
        ]
    );
    let url = format!(
        "{}/ic/api/integration/v1/connections?limit=2",
        sandbox.runtime_url()
    );
    let request = get(&url, FollowAuthorization::Trusted, &trusted);
    let response = send::send(&http(), &request, Some(&authorization))
        .await
        .unwrap();
    assert_eq!(response.status, 200, "{:?}", response.body.text());
    assert_eq!(response.hops.len(), 2);
    assert_eq!(response.hops[0].status, 302);
    assert_eq!(
        response.hops[1].authorization_note,
        "forwarded (trusted host)"
    );
    assert!(response.url.starts_with(&sandbox.design_url()));
    let body: serde_json::Value = serde_json::from_str(response.body.text().unwrap()).unwrap();
    assert_eq!(body["items"].as_array().map(Vec::len), Some(2), "{body}");

    let command = curl::for_api_request(
        &request,
        Some(&authorization),
        &HttpSettings::default(),
        Some(&response.hops),
        true,
    )
    .unwrap();
    assert!(command.contains("--location-trusted"), "{command}");
    let run = run_curl(&command).await;
    assert_eq!(run.status, Some(200), "{run:?}");

    let untrusted = get(
        &url,
        FollowAuthorization::Trusted,
        &["oraclecloud.com".to_owned()],
    );
    let refused = send::send(&http(), &untrusted, Some(&authorization))
        .await
        .unwrap();
    assert_eq!(
        refused.status, 401,
        "without the design host trusted the token stays behind"
    );
    assert_eq!(
        refused.hops[1].authorization_note,
        "not forwarded (untrusted host)"
    );
    let run = run_curl(
        &curl::for_api_request(
            &untrusted,
            Some(&authorization),
            &HttpSettings::default(),
            Some(&refused.hops),
            true,
        )
        .unwrap(),
    )
    .await;
    assert_eq!(run.status, Some(401), "{run:?}");
}

fn idp_grant(auth: ClientAuth) -> ClientCredentials {
    ClientCredentials {
        client: Client {
            token_url: idp::token_url(),
            client_id: idp::var("OC_IDP_CC_CLIENT_ID"),
            client_secret: Secret::new(idp::var("OC_IDP_CC_CLIENT_SECRET")),
            client_auth: auth,
            client_assertion: None,
            mutual_tls: false,
            extra_roots: Vec::new(),
        },
        scope: idp::scope(),
    }
}

#[tokio::test]
async fn the_client_credentials_curl_command_gets_a_token_from_the_identity_server() {
    for auth in [ClientAuth::BasicHeader, ClientAuth::RequestBody] {
        let grant = idp_grant(auth);
        let command = curl::for_client_credentials(&grant, &HttpSettings::default(), true).unwrap();
        let run = run_curl(&command).await;
        assert_eq!(run.status, Some(200), "{auth:?}: {run:?}");
        assert!(run.output.contains("\"access_token\""), "{run:?}");

        let masked = curl::for_client_credentials(&grant, &HttpSettings::default(), false).unwrap();
        assert!(
            !masked.contains(grant.client.client_secret.expose()),
            "{masked}"
        );
        assert!(
            masked.contains("<client secret>")
                || masked.contains("<base64 of client_id:client_secret>"),
            "{masked}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_sequential_sends_open_one_tcp_connection() {
    let server = Server::http(|_| {
        reply(200)
            .header("Content-Type", "application/json")
            .body(r#"{"items":[],"hasMore":false}"#)
    })
    .await;
    let client = http();
    let request = get(&server.url("/ic/api/"), FollowAuthorization::Trusted, &[]);
    for i in 0..100 {
        let response = send::send(&client, &request, Some(&bearer()))
            .await
            .unwrap();
        assert_eq!(response.status, 200, "send {i}");
    }
    assert_eq!(server.seen().len(), 100);
    assert_eq!(
        server.connections(),
        1,
        "100 sends one after the other share one kept-alive connection"
    );
}

/// A server on 127.0.0.1 that answers every request with 200 and a chunked
/// body that never ends; returns its URL and how many bytes it wrote.
async fn endless_body() -> (String, Arc<std::sync::atomic::AtomicU64>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/big", listener.local_addr().unwrap());
    let written = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let count = written.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = socket.read(&mut head).await;
                let start = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
                if socket.write_all(start.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "a".repeat(64 * 1024));
                while socket.write_all(chunk.as_bytes()).await.is_ok() {
                    count.fetch_add(64 * 1024, std::sync::atomic::Ordering::SeqCst);
                }
            });
        }
    });
    (url, written)
}

#[tokio::test]
async fn a_body_past_the_limit_is_cut_at_the_limit_and_says_so() {
    let server = Server::http(|_| {
        reply(200)
            .header("Content-Type", "text/plain")
            .body(&"x".repeat(10_000))
    })
    .await;
    let client = HttpClient::new(HttpSettings {
        max_body: 4096,
        ..HttpSettings::default()
    })
    .unwrap();
    let request = get(&server.url("/file"), FollowAuthorization::Trusted, &[]);
    let response = send::send(&client, &request, None).await.unwrap();
    assert_eq!(response.truncated_at, Some(4096));
    assert_eq!(response.body.bytes.len(), 4096);
    assert_eq!(response.size.body, 4096);
    assert_eq!(
        serde_json::to_value(&response).unwrap()["truncatedAt"],
        4096
    );

    let whole = send::send(&http(), &request, None).await.unwrap();
    assert_eq!(whole.truncated_at, None, "10 KB is under the default 50 MB");
    assert_eq!(whole.body.bytes.len(), 10_000);
}

#[tokio::test]
async fn an_endless_body_is_read_only_up_to_the_limit() {
    let (url, written) = endless_body().await;
    let client = HttpClient::new(HttpSettings {
        max_body: 2 * 1024 * 1024,
        timeout: Duration::from_secs(20),
        ..HttpSettings::default()
    })
    .unwrap();
    let request = get(&url, FollowAuthorization::Trusted, &[]);
    let response = send::send(&client, &request, None).await.unwrap();
    assert_eq!(response.truncated_at, Some(2 * 1024 * 1024));
    assert_eq!(response.body.bytes.len(), 2 * 1024 * 1024);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sent = written.load(std::sync::atomic::Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        written.load(std::sync::atomic::Ordering::SeqCst),
        sent,
        "reading stopped: the connection was closed, the server can write no more"
    );
}

#[tokio::test]
async fn a_token_endpoint_that_answers_more_than_one_megabyte_is_refused_unread() {
    let (url, _) = endless_body().await;
    let request: TokenRequest = serde_json::from_value(serde_json::json!({
        "grantType": "client_credentials",
        "tokenUrl": url,
        "clientId": "test-client",
        "clientSecret": "test-secret-not-real",
        "scope": "urn:test"
    }))
    .unwrap();
    let err = request_token(&http(), &request, SystemTime::now())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::ResponseTooLarge { limit, status: 200, .. } if *limit == 1024 * 1024),
        "{err:?}"
    );
    let ipc = IpcError::from(err);
    assert_eq!(ipc.code, "response_too_large");
    assert!(ipc.message.contains("more than 1 MB"), "{}", ipc.message);
    assert!(!ipc.message.contains("not-real"));
}

#[tokio::test]
async fn the_system_proxy_from_the_environment_never_sees_a_send_to_the_sandbox() {
    // A recording proxy on 127.0.0.1, given to this client only as its
    // HTTP_PROXY / HTTPS_PROXY / ALL_PROXY (no process-wide variable).
    let proxy = Server::http(|_| reply(502).body("the proxy answered")).await;
    let proxy_url = proxy.base.clone();
    let env = move |name: &str| {
        matches!(
            name,
            "HTTP_PROXY" | "HTTPS_PROXY" | "ALL_PROXY" | "http_proxy" | "all_proxy"
        )
        .then(|| proxy_url.clone())
    };
    let client = HttpClient::with_env(HttpSettings::default(), env).unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let credentials = sandbox.credentials().clone();

    let token = request_token(
        &client,
        &TokenRequest::ClientCredentials(ClientCredentials {
            client: Client {
                token_url: sandbox.token_url(),
                client_id: credentials.client_id.clone(),
                client_secret: Secret::new(credentials.client_secret.clone()),
                client_auth: ClientAuth::BasicHeader,
                client_assertion: None,
                mutual_tls: false,
                extra_roots: Vec::new(),
            },
            scope: credentials.scope_all.clone(),
        }),
        SystemTime::now(),
    )
    .await
    .expect("the sandbox issues a token, directly");
    let authorization = Secret::new(format!("Bearer {}", token.access_token.expose()));
    let trusted = send::default_trusted_hosts(Some(&sandbox.design_url()));
    let url = format!(
        "{}/ic/api/integration/v1/connections?limit=2",
        sandbox.runtime_url()
    );
    let response = send::send(
        &client,
        &get(&url, FollowAuthorization::Trusted, &trusted),
        Some(&authorization),
    )
    .await
    .unwrap();
    assert_eq!(response.status, 200, "{:?}", response.body.text());
    assert!(
        proxy.seen().is_empty() && proxy.connections() == 0,
        "the proxy saw nothing: {:?}",
        proxy.seen()
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn certificate_problems_are_named_from_the_rustls_error_not_the_message() {
    let ca = TestCa::new();
    let bundle = ca.bundle_file();
    let trusting = HttpClient::new(HttpSettings {
        ca_bundle: Some(bundle.clone()),
        ..HttpSettings::default()
    })
    .unwrap();
    // Signed by the trusted CA, but for another name.
    let other_name = Server::https(&ca.leaf(&["design.example.test"]), |_| reply(200)).await;
    let request = get(
        &other_name.url("/tls/certificates"),
        FollowAuthorization::Trusted,
        &[],
    );
    let err = send::send(&trusting, &request, None).await.unwrap_err();
    assert!(
        matches!(&err, Error::Tls { detail, .. } if detail.contains("NotValidForName")),
        "{err:?}"
    );
    let unknown = Server::https(&servers::self_signed(), |_| reply(200)).await;
    let request = get(&unknown.url("/expired"), FollowAuthorization::Trusted, &[]);
    let err = send::send(&http(), &request, None).await.unwrap_err();
    assert!(
        matches!(&err, Error::Tls { detail, .. } if detail.contains("UnknownIssuer")),
        "{err:?}"
    );
    std::fs::remove_file(bundle).unwrap();
}

fn temp_path(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "oc-save-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[tokio::test]
async fn save_to_file_streams_the_whole_body_past_the_memory_limit_with_progress() {
    let body = "0123456789abcdef".repeat(200_000); // 3.2 MB
    let served = body.clone();
    let server = Server::http(move |_| {
        reply(200)
            .header("Content-Type", "text/plain")
            .body(&served)
    })
    .await;
    let client = HttpClient::new(HttpSettings {
        max_body: 1024 * 1024,
        ..HttpSettings::default()
    })
    .unwrap();
    let request = get(
        &server.url("/export.txt"),
        FollowAuthorization::Trusted,
        &[],
    );
    let in_memory = send::send(&client, &request, Some(&bearer()))
        .await
        .unwrap();
    assert_eq!(
        in_memory.truncated_at,
        Some(1024 * 1024),
        "the viewer keeps 1 MB"
    );

    let path = temp_path("export.txt");
    let mut reports = Vec::new();
    let saved =
        send::save_body_to_file(&client, &request, Some(&bearer()), &path, |done, total| {
            reports.push((done, total))
        })
        .await
        .unwrap();
    assert_eq!(saved.status, 200);
    assert_eq!(saved.bytes, body.len() as u64);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        body,
        "the whole body"
    );
    assert_eq!(reports.first(), Some(&(0, Some(body.len() as u64))));
    assert_eq!(
        reports.last(),
        Some(&(body.len() as u64, Some(body.len() as u64)))
    );
    assert!(
        reports.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress only grows"
    );
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        [std::ffi::OsString::from("export.txt")],
        "no partial file left"
    );
    assert_eq!(
        server.seen()[1].header("authorization").as_deref(),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[tokio::test]
async fn cancelling_save_to_file_leaves_no_file_behind() {
    let (url, written) = endless_body().await;
    let path = temp_path("endless.bin");
    let request = get(&url, FollowAuthorization::Trusted, &[]);
    let client = http();
    let saving = send::save_body_to_file(&client, &request, None, &path, |_, _| {});
    let outcome = tokio::time::timeout(Duration::from_millis(500), saving).await;
    assert!(
        outcome.is_err(),
        "an endless body is still being saved when cancelled"
    );
    assert!(
        written.load(std::sync::atomic::Ordering::SeqCst) > 0,
        "the body was streaming"
    );
    let left: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        left.is_empty(),
        "neither the file nor a partial one: {left:?}"
    );
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_token_requests_open_one_tcp_connection() {
    let server = Server::http(|_| {
        reply(200).header("Content-Type", "application/json").body(
            r#"{"access_token":"test-token-not-real","token_type":"Bearer","expires_in":3600}"#,
        )
    })
    .await;
    let client = http();
    let request: TokenRequest = serde_json::from_value(serde_json::json!({
        "grantType": "client_credentials",
        "tokenUrl": server.url("/oauth2/v1/token"),
        "clientId": "test-client",
        "clientSecret": "test-secret-not-real",
        "scope": "urn:test"
    }))
    .unwrap();
    for i in 0..100 {
        request_token(&client, &request, SystemTime::now())
            .await
            .unwrap_or_else(|e| panic!("token {i}: {e}"));
    }
    assert_eq!(server.seen().len(), 100);
    assert_eq!(
        server.connections(),
        1,
        "100 token requests one after the other share one kept-alive connection"
    );
}
