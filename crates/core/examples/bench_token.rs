//! `make bench`'s network figures, measured against the built-in sandbox on
//! 127.0.0.1 (scripts/bench.sh runs this in release):
//!
//! - the token round trip: `request_token` of the app's core (one client,
//!   built once, as the app does) beside `curl` making the same
//!   client-credentials POST from one process over one kept-alive
//!   connection (`--next`), so both sides reuse their connection;
//! - how many TCP connections 100 API calls in a row open, counted by a
//!   small proxy in front of the sandbox's OIC design-time origin, with the
//!   core's sender (`send::send`), back to back (each call starts as soon as
//!   the previous body is read) and a fresh client for each of the runs.
//!
//! Prints one JSON object on stdout. The sandbox's credentials are its own
//! obvious sandbox values, not secrets.
//!
//! `cargo run --release -p oauth-console-core --example bench_token -- [SAMPLES] [RUNS]`

use oauth_console_core::http::{HttpClient, HttpSettings};
use oauth_console_core::send::{send, ApiRequest};
use oauth_console_core::{request_token, Secret, TokenRequest};
use oauth_console_sandbox::Sandbox;
use serde_json::json;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio::net::{TcpListener, TcpStream};

/// API calls in a row, per run of the connection count.
const CALLS: usize = 100;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let samples: usize = args
        .next()
        .map_or(25, |a| a.parse().expect("SAMPLES is a number"));
    let runs: usize = args
        .next()
        .map_or(5, |a| a.parse().expect("RUNS is a number"));

    let sandbox = Sandbox::start()
        .await
        .expect("the sandbox could not start on 127.0.0.1");
    let credentials = sandbox.credentials().clone();
    let request: TokenRequest = serde_json::from_value(json!({
        "grantType": "client_credentials",
        "tokenUrl": sandbox.token_url(),
        "clientId": credentials.client_id,
        "clientSecret": credentials.client_secret,
        "scope": credentials.scope_all,
        "clientAuth": "basic_header",
    }))
    .expect("a client-credentials request");

    // The core: one client, as in the app; one unmeasured call opens the
    // connection the app would already have after its first token.
    let http = client();
    let token = request_token(&http, &request, SystemTime::now())
        .await
        .expect("the sandbox refused the core's token request");
    let mut core = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        request_token(&http, &request, SystemTime::now())
            .await
            .expect("the sandbox refused the core's token request");
        core.push(started.elapsed());
    }

    // curl: the same POST (Basic client authentication, the form body,
    // Oracle's content type) from one curl process over one kept-alive
    // connection (`--next` chains the transfers), like with like: the core
    // above also reuses its connection. The first transfer opens the
    // connection and is not counted, as the core's unmeasured first call.
    let basic = format!("{}:{}", credentials.client_id, credentials.client_secret);
    let scope = format!("scope={}", credentials.scope_all);
    let token_url = sandbox.token_url();
    let mut command = Command::new("curl");
    command.args(["--silent", "--show-error"]);
    for i in 0..=samples {
        if i > 0 {
            command.arg("--next");
        }
        command
            .args(["--output", "/dev/null", "--write-out", "%{http_code} %{time_total} %{num_connects}\\n"])
            .args(["--user", &basic])
            .args(["--header", "Content-Type: application/x-www-form-urlencoded;charset=UTF-8"])
            .args(["--header", "Accept: application/json"])
            .args(["--data-urlencode", "grant_type=client_credentials"])
            .args(["--data-urlencode", &scope])
            .arg(&token_url);
    }
    let output = command
        .stdin(Stdio::null())
        .output()
        .expect("curl could not run (scripts/deps.sh bench installs it)");
    assert!(
        output.status.success(),
        "curl's token requests failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let transfers: Vec<(String, f64, u32)> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let mut words = line.split_whitespace();
            let status = words.next().unwrap_or_default().to_owned();
            let seconds = words.next().and_then(|w| w.parse().ok()).unwrap_or(f64::NAN);
            let connects = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
            (status, seconds, connects)
        })
        .collect();
    assert_eq!(transfers.len(), samples + 1, "one line per transfer");
    assert!(
        transfers.iter().all(|(status, ..)| status == "200"),
        "curl's token requests were refused: {transfers:?}"
    );
    let curl_connections: u32 = transfers.iter().map(|(_, _, c)| c).sum();
    let mut curl: Vec<Duration> = transfers[1..]
        .iter()
        .map(|(_, seconds, _)| Duration::from_secs_f64(*seconds))
        .collect();

    // Connections for 100 calls: a fresh client per run, as a freshly
    // started app has.
    let authorization = Secret::new(format!("Bearer {}", token.access_token.expose()));
    let design = sandbox
        .design_url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut connections = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (proxy_url, opened) = counting_proxy(design.clone()).await;
        let call: ApiRequest = serde_json::from_value(json!({
            "method": "GET",
            "url": format!("{proxy_url}/ic/api/integration/v1/connections"),
        }))
        .expect("an API request");
        let http = client();
        for _ in 0..CALLS {
            let response = send(&http, &call, Some(&authorization))
                .await
                .expect("an API call to the sandbox failed");
            assert_eq!(
                response.status, 200,
                "the sandbox answered an API call with {}",
                response.status
            );
        }
        connections.push(opened.load(Ordering::SeqCst));
    }

    println!(
        "{}",
        json!({
            "tokenCoreMs": median_ms(&mut core),
            "tokenCurlMs": median_ms(&mut curl),
            "tokenCurlConnections": curl_connections,
            "tokenSamples": samples,
            "connectionsPer100Calls": median(&mut connections),
            "connectionRuns": connections,
        })
    );
    sandbox.shutdown().await;
}

fn client() -> HttpClient {
    HttpClient::new(HttpSettings::default()).expect("the core's HTTP client")
}

/// A TCP proxy on 127.0.0.1 in front of `target` (host:port) that counts the
/// connections it accepts. Returns its base URL and the counter.
async fn counting_proxy(target: String) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("the proxy's address");
    let opened = Arc::new(AtomicUsize::new(0));
    let counter = opened.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let target = target.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = TcpStream::connect(&target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    (format!("http://{address}"), opened)
}

fn median_ms(samples: &mut [Duration]) -> f64 {
    samples.sort();
    let middle = samples.len() / 2;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    if samples.len() % 2 == 1 {
        ms(samples[middle])
    } else {
        (ms(samples[middle - 1]) + ms(samples[middle])) / 2.0
    }
}

fn median(values: &mut [usize]) -> usize {
    values.sort_unstable();
    values[values.len() / 2]
}
