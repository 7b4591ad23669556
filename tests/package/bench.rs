//! `make bench`'s measurements of the release app through its real window,
//! beside an empty Tauri 2 window built from the same tauri (ignored in the
//! normal run; scripts/bench.sh runs it and prints the table):
//!
//! - cold start: from just before the process is started to the moment the
//!   UI reports it is ready (`ui_ready`; the empty window reports its page
//!   load), both on CLOCK_MONOTONIC, launched directly, no WebDriver;
//! - memory: PSS of the app process plus its WebKit processes, after start
//!   and after 100 API calls sent through the window (Send after Send),
//!   launched through tauri-driver like the empty window it is compared with,
//!   the two taking turns; beside it, the tree's physical pages counted once,
//!   which other programs sharing WebKit's libraries do not change;
//! - TCP connections those 100 calls open, counted by a small proxy in front
//!   of the app's sandbox OIC origin (the URL field points at the proxy);
//! - a 20 MB JSON response, from the moment the window has the response
//!   (its status is shown) to the body drawn in the viewer (two animation
//!   frames after the viewer has it), timed in the page with
//!   `performance.now()`; and, while it loads, the longest a script sent
//!   through WebDriver waits for the window's answer;
//! - Get New Access Token pressed → token shown (the Sandbox profile's own
//!   client credentials, against the built-in sandbox), timed in the page;
//! - a soak: 1,000 more sends through the window, PSS after ÷ PSS before.
//!
//! Everything talks to 127.0.0.1 only: the app's built-in sandbox and a
//! local server for the 20 MB body. Samples go, unsummarised, to the JSON
//! file `OC_BENCH_OUT`.

use crate::app::{fresh_config_home, App};
use crate::procs::{
    find_descendant, foreign_webkit_processes, monotonic_nanos, tree, tree_pss_kib,
    tree_unique_kib, wait_gone,
};
use serde_json::{json, Map, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The variable through which the app and the empty window report ready.
const READY_FILE: &str = "OAUTH_CONSOLE_READY_FILE";
/// Time for the windows to settle before their memory is read.
const SETTLE: Duration = Duration::from_secs(3);
/// API calls before the second memory reading.
const CALLS: usize = 100;
/// Sends of the soak, after the second memory reading.
const SOAK_CALLS: usize = 1000;
/// Timed presses of Get New Access Token per run (after one unmeasured).
const TOKEN_PRESSES: usize = 5;
/// The size of the big JSON response.
const BIG_JSON_BYTES: usize = 20 * 1024 * 1024;

fn path_from(name: &str) -> PathBuf {
    let value =
        std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run `make bench`"));
    let path = PathBuf::from(value);
    assert!(
        path.is_file(),
        "{name}: {} does not exist (scripts/bench.sh builds it)",
        path.display()
    );
    path
}

fn runs() -> usize {
    std::env::var("OC_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .max(5)
}

#[tokio::test]
#[ignore = "run by `make bench`"]
async fn measure_the_release_app_beside_an_empty_window() {
    let app = path_from("OC_BENCH_APP");
    let empty = path_from("OC_BENCH_EMPTY");
    let out = std::env::var("OC_BENCH_OUT").expect("OC_BENCH_OUT is not set: run `make bench`");
    let runs = runs();
    let mut result = Map::new();
    let mut missing = Map::new();

    eprintln!("bench: cold start, {runs} runs each (after one unmeasured launch)");
    // Taking turns, so that whatever else the machine does weighs on both.
    let (app_ms, empty_ms, app_marks, empty_marks) = cold_starts(&app, &empty, runs);
    result.insert("coldStartAppMs".into(), json!(app_ms));
    result.insert("coldStartEmptyMs".into(), json!(empty_ms));
    result.insert("coldStartAppMarks".into(), json!(app_marks));
    result.insert("coldStartEmptyMarks".into(), json!(empty_marks));

    // The app and the empty window take turns, so that both are measured
    // in the same conditions (other programs on the machine change PSS).
    let server = BigJsonServer::start();
    let mut app_start = Vec::new();
    let mut app_after = Vec::new();
    let mut empty_start = Vec::new();
    let mut connections = Vec::new();
    let mut big_json = Vec::new();
    let mut big_json_answer = Vec::new();
    let mut token_shown = Vec::new();
    let mut soak = Vec::new();
    for run in 1..=runs {
        eprintln!("bench: the app through its window, run {run} of {runs}");
        let figures = app_session(&app, &server.url()).await;
        app_start.push(figures.start);
        match figures.after_calls {
            Ok((memory, opened)) => {
                app_after.push(memory);
                connections.push(opened);
            }
            Err(why) => {
                missing.insert("appAfterCalls".into(), json!(why));
                missing.insert("connectionsAppPer100Calls".into(), json!(why));
            }
        }
        match figures.big_json_ms {
            Ok((ms, answer)) => {
                big_json.push(ms);
                big_json_answer.push(answer);
            }
            Err(why) => {
                missing.insert("bigJsonMs".into(), json!(why));
                missing.insert("bigJsonAnswerMs".into(), json!(why));
            }
        }
        match figures.token_shown_ms {
            Ok(samples) => token_shown.extend(samples),
            Err(why) => {
                missing.insert("tokenShownMs".into(), json!(why));
            }
        }
        match figures.soak {
            Ok(figures) => soak.push(figures),
            Err(why) => {
                missing.insert("soak".into(), json!(why));
            }
        }
        eprintln!("bench: the empty window, run {run} of {runs}");
        empty_start.push(empty_session(&empty).await);
    }
    result.insert("appStart".into(), json!(app_start));
    result.insert("appAfterCalls".into(), json!(app_after));
    result.insert("emptyStart".into(), json!(empty_start));
    result.insert("connectionsAppPer100Calls".into(), json!(connections));
    result.insert("bigJsonMs".into(), json!(big_json));
    result.insert("bigJsonAnswerMs".into(), json!(big_json_answer));
    result.insert("tokenShownMs".into(), json!(token_shown));
    result.insert("soak".into(), json!(soak));
    result.insert("soakCalls".into(), json!(SOAK_CALLS));
    result.insert("bigJsonBytes".into(), json!(server.size));
    result.insert("runs".into(), json!(runs));
    result.insert("missing".into(), Value::Object(missing));
    std::fs::write(
        &out,
        serde_json::to_string_pretty(&Value::Object(result)).unwrap(),
    )
    .unwrap_or_else(|e| panic!("could not write {out}: {e}"));
}

/// Process start to ready, in ms, of the app and of the empty window taking
/// turns: one unmeasured launch each, then `runs` each. Also the marks of
/// each one's last launch (the app's `ui_ready`: where the page's time went;
/// the empty window's shell steps), to compare them step by step.
#[allow(clippy::type_complexity)]
fn cold_starts(app: &Path, empty: &Path, runs: usize) -> (Vec<f64>, Vec<f64>, Vec<(String, f64)>, Vec<(String, f64)>) {
    let dir = std::env::temp_dir().join(format!("oc-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let ready = dir.join("ready");
    let (mut app_ms, mut empty_ms) = (Vec::new(), Vec::new());
    let (mut app_marks, mut empty_marks) = (Vec::new(), Vec::new());
    for launch in 0..=runs {
        for (binary, samples, marks) in [(app, &mut app_ms, &mut app_marks), (empty, &mut empty_ms, &mut empty_marks)] {
            let _ = std::fs::remove_file(ready.with_extension("marks"));
            let ms = cold_start(binary, &ready);
            if launch > 0 {
                samples.push(ms);
            }
            *marks = read_marks(&ready.with_extension("marks"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    (app_ms, empty_ms, app_marks, empty_marks)
}

/// The "name ms" lines a launch wrote beside its ready file.
fn read_marks(path: &Path) -> Vec<(String, f64)> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let (name, ms) = line.rsplit_once(' ')?;
            Some((name.to_owned(), ms.parse().ok()?))
        })
        .collect()
}

/// One launch of `binary`: process start to the time it writes to `ready`.
fn cold_start(binary: &Path, ready: &Path) -> f64 {
    let _ = std::fs::remove_file(ready);
    let started = monotonic_nanos();
    let mut child = Command::new(binary)
        .env(READY_FILE, ready)
        .env("OAUTH_CONSOLE_BENCH_STARTED", started.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", binary.display()));
    let deadline = Instant::now() + Duration::from_secs(60);
    let at: u128 = loop {
        if let Some(at) = std::fs::read_to_string(ready)
            .ok()
            .and_then(|t| t.trim().parse().ok())
        {
            break at;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{} exited ({status}) before it was ready", binary.display());
        }
        assert!(
            Instant::now() < deadline,
            "{} did not report ready within 60 s",
            binary.display()
        );
        std::thread::sleep(Duration::from_millis(1));
    };
    let pids = tree(child.id());
    // SAFETY: plain kill(2) of the child we started.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let _ = child.wait();
    wait_gone(&pids, Duration::from_secs(10));
    at.saturating_sub(started) as f64 / 1e6
}

/// The memory of a window: the app (or the empty window) and its WebKit
/// processes, read `SETTLE` after the moment it stands for.
fn memory(pid: u32) -> Value {
    let (pss, parts) = tree_pss_kib(pid);
    json!({
        "pssKib": pss,
        "uniqueKib": tree_unique_kib(pid),
        "partsKib": parts,
        "foreignWebKit": foreign_webkit_processes(),
    })
}

struct AppFigures {
    start: Value,
    /// The memory after the calls, and the connections they opened.
    after_calls: Result<(Value, usize), String>,
    /// Response received → body drawn, and the longest script answer
    /// meanwhile, in ms.
    big_json_ms: Result<(f64, f64), String>,
    /// Get New Access Token pressed → token shown, in ms, per press.
    token_shown_ms: Result<Vec<f64>, String>,
    /// The memory before and after the soak's sends.
    soak: Result<Value, String>,
}

async fn app_session(binary: &Path, big_json_url: &str) -> AppFigures {
    // A config folder of its own: every run starts as a first launch, on the
    // Sandbox profile.
    let config = fresh_config_home();
    let binary_path = binary.to_str().expect("a UTF-8 path");
    let app = App::launch_with_env(binary_path, &[("XDG_CONFIG_HOME", &config)]).await;
    let pid = find_descendant(binary, Duration::from_secs(20));
    tokio::time::sleep(SETTLE).await;
    let start = memory(pid);

    let token_shown_ms = token_times(&app, TOKEN_PRESSES).await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer")
        .await;
    app.click("Use Token").await;
    let mut soak = Err("the 100 calls before it did not finish".to_owned());
    let after_calls = match sandbox_design_origin(&app).await {
        Ok(design) => {
            let proxy = CountingProxy::start(design);
            let url = format!("{}/ic/api/integration/v1/connections", proxy.url());
            app.fill("URL", &url).await;
            match send_many(&app, CALLS).await {
                Ok(()) => {
                    let opened = proxy.opened();
                    tokio::time::sleep(SETTLE).await;
                    let before = memory(pid);
                    soak = match send_many(&app, SOAK_CALLS).await {
                        Ok(()) => {
                            tokio::time::sleep(SETTLE).await;
                            Ok(json!({ "before": before.clone(), "after": memory(pid) }))
                        }
                        Err(why) => Err(why),
                    };
                    Ok((before, opened))
                }
                Err(why) => Err(why),
            }
        }
        Err(why) => Err(why),
    };
    let big_json_ms = match &after_calls {
        Ok(_) => show_big_json(&app, big_json_url).await,
        Err(why) => Err(why.clone()),
    };

    let pids = tree(pid);
    app.close().await;
    wait_gone(&pids, Duration::from_secs(10));
    AppFigures {
        start,
        after_calls,
        big_json_ms,
        token_shown_ms,
        soak,
    }
}

async fn empty_session(binary: &Path) -> Value {
    let window = App::launch_binary(binary.to_str().expect("a UTF-8 path")).await;
    let pid = find_descendant(binary, Duration::from_secs(20));
    tokio::time::sleep(SETTLE).await;
    let figures = memory(pid);
    let pids = tree(pid);
    window.close().await;
    wait_gone(&pids, Duration::from_secs(10));
    figures
}

/// The host:port of the app's sandbox OIC design-time origin, as the app's
/// `sandbox_start` reports it (it returns the running sandbox), asked through
/// Tauri's IPC internals: the window has no `window.__TAURI__` global.
async fn sandbox_design_origin(app: &App) -> Result<String, String> {
    const ASK: &str = r#"
        const done = arguments[arguments.length - 1];
        window.__TAURI_INTERNALS__.invoke("sandbox_start").then(
          (s) => done({ designUrl: s.designUrl }),
          (e) => done({ error: String(e && e.message || e) }));
    "#;
    let answer = app
        .client
        .execute_async(ASK, vec![])
        .await
        .map_err(|e| format!("WebDriver: {e}"))?;
    let url = answer
        .get("designUrl")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("sandbox_start did not answer with a designUrl: {answer}"))?;
    Ok(url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned())
}

/// A TCP proxy on 127.0.0.1 in front of `target` (host:port) that counts the
/// connections it accepts. Its threads end with the test.
struct CountingProxy {
    port: u16,
    opened: Arc<AtomicUsize>,
}

impl CountingProxy {
    fn start(target: String) -> CountingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().unwrap().port();
        let opened = Arc::new(AtomicUsize::new(0));
        let counter = opened.clone();
        std::thread::spawn(move || {
            for inbound in listener.incoming().flatten() {
                counter.fetch_add(1, Ordering::SeqCst);
                let Ok(outbound) = TcpStream::connect(&target) else {
                    continue;
                };
                pipe(inbound.try_clone().unwrap(), outbound.try_clone().unwrap());
                pipe(outbound, inbound);
            }
        });
        CountingProxy { port, opened }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn opened(&self) -> usize {
        self.opened.load(Ordering::SeqCst)
    }
}

/// Copies `from` to `to` on a thread until `from` ends.
fn pipe(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(Shutdown::Write);
    });
}

/// Presses Send `calls` times, each after the previous response is shown.
async fn send_many(app: &App, calls: usize) -> Result<(), String> {
    const START: &str = r#"
        const calls = arguments[0];
        window.__benchCalls = { done: 0 };
        (async () => {
          const send = document.getElementById("send");
          const error = document.getElementById("response-error");
          for (let i = 0; i < calls; i++) {
            const before = document.body.dataset.responseShown;
            const started = performance.now();
            send.click();
            while (document.body.dataset.responseShown === before || send.disabled) {
              if (!error.hidden) {
                window.__benchCalls.error = error.textContent.replace(/\s+/g, " ").trim();
                return;
              }
              if (performance.now() - started > 30000) {
                window.__benchCalls.error = "no response within 30 s";
                return;
              }
              await new Promise((resolve) => setTimeout(resolve, 2));
            }
            window.__benchCalls.done = i + 1;
          }
        })();
    "#;
    app.client
        .execute(START, vec![json!(calls)])
        .await
        .map_err(|e| format!("WebDriver: {e}"))?;
    let started = Instant::now();
    loop {
        let state = app
            .client
            .execute("return window.__benchCalls;", vec![])
            .await
            .map_err(|e| format!("WebDriver: {e}"))?;
        if let Some(error) = state.get("error").and_then(Value::as_str) {
            return Err(format!("Send failed: {error}"));
        }
        if state.get("done").and_then(Value::as_u64) == Some(calls as u64) {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(300) {
            return Err(format!("{calls} calls did not finish within 300 s"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Presses Get New Access Token once unmeasured, then `presses` times,
/// each once the previous token is shown; returns, per timed press, the ms
/// from the press to the token drawn (two animation frames after the Token
/// Details show it), timed in the page.
async fn token_times(app: &App, presses: usize) -> Result<Vec<f64>, String> {
    const START: &str = r#"
        const presses = arguments[0];
        const bench = (window.__benchToken = { samples: [] });
        (async () => {
          const button = document.getElementById("get-token");
          const type = document.getElementById("token-type");
          const error = document.getElementById("error");
          const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          for (let i = 0; i <= presses; i++) {
            while (button.disabled) await new Promise((r) => setTimeout(r, 2));
            type.textContent = "";
            const shown = new Promise((resolve) => {
              new MutationObserver((_, observer) => {
                if (type.textContent !== "Bearer") return;
                observer.disconnect();
                resolve();
              }).observe(type, { childList: true, characterData: true, subtree: true });
            });
            const started = performance.now();
            button.click();
            const failed = new Promise((resolve) => {
              const poll = () => (!error.hidden ? resolve(error.textContent.replace(/\s+/g, " ").trim())
                : performance.now() - started > 30000 ? resolve("no token within 30 s")
                : setTimeout(poll, 5));
              poll();
            });
            const outcome = await Promise.race([shown.then(() => null), failed]);
            if (outcome !== null) { bench.error = outcome; return; }
            await frames();
            if (i > 0) bench.samples.push(performance.now() - started);
          }
          bench.done = true;
        })();
    "#;
    app.client
        .execute(START, vec![json!(presses)])
        .await
        .map_err(|e| format!("WebDriver: {e}"))?;
    let started = Instant::now();
    loop {
        let state = app
            .client
            .execute("return window.__benchToken;", vec![])
            .await
            .map_err(|e| format!("WebDriver: {e}"))?;
        if let Some(error) = state.get("error").and_then(Value::as_str) {
            return Err(format!("Get New Access Token failed: {error}"));
        }
        if state.get("done").and_then(Value::as_bool) == Some(true) {
            let samples: Vec<f64> = state
                .get("samples")
                .and_then(Value::as_array)
                .map(|s| s.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            return Ok(samples);
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(format!("{presses} tokens were not shown within 120 s"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Sends one request for the 20 MB JSON and returns the ms from "the window
/// has the response" to "the body is drawn", and the longest a script sent
/// through WebDriver (the polls below) waited for the window's answer while
/// the body loaded.
async fn show_big_json(app: &App, url: &str) -> Result<(f64, f64), String> {
    app.fill("URL", url).await;
    const WATCH: &str = r#"
        const bench = (window.__benchBig = {});
        const before = document.body.dataset.responseShown;
        new MutationObserver((_, observer) => {
          bench.received = performance.now();
          observer.disconnect();
        }).observe(document.getElementById("response-status"), { childList: true, characterData: true, subtree: true });
        new MutationObserver((_, observer) => {
          if (document.body.dataset.responseShown === before) return;
          observer.disconnect();
          requestAnimationFrame(() => requestAnimationFrame(() => { bench.shown = performance.now(); }));
        }).observe(document.body, { attributes: true, attributeFilter: ["data-response-shown"] });
    "#;
    app.client
        .execute(WATCH, vec![])
        .await
        .map_err(|e| format!("WebDriver: {e}"))?;
    app.click("Send").await;
    let started = Instant::now();
    let mut longest_answer = 0f64;
    loop {
        let asked = Instant::now();
        let bench = app
            .client
            .execute(
                r#"const e = document.getElementById("response-error");
                   return Object.assign({}, window.__benchBig,
                     { error: e.hidden ? null : e.textContent.replace(/\s+/g, " ").trim(),
                       status: document.getElementById("response-status").textContent,
                       size: document.getElementById("response-size").textContent });"#,
                vec![],
            )
            .await
            .map_err(|e| format!("WebDriver: {e}"))?;
        longest_answer = longest_answer.max(asked.elapsed().as_secs_f64() * 1000.0);
        if let Some(error) = bench.get("error").and_then(Value::as_str) {
            return Err(format!("the 20 MB response failed: {error}"));
        }
        if let (Some(received), Some(shown)) = (
            bench.get("received").and_then(Value::as_f64),
            bench.get("shown").and_then(Value::as_f64),
        ) {
            let status = bench
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if status != "200 OK" {
                return Err(format!("the 20 MB response came back as {status:?}"));
            }
            return Ok((shown - received, longest_answer));
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err("the 20 MB response was not shown within 120 s".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A local HTTP/1.1 server answering every request with the same 20 MB JSON
/// document (keep-alive), on 127.0.0.1. Its threads end with the test.
struct BigJsonServer {
    port: u16,
    size: usize,
}

impl BigJsonServer {
    fn start() -> BigJsonServer {
        let body: &'static [u8] = Box::leak(big_json().into_boxed_slice());
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || serve(stream, body));
            }
        });
        BigJsonServer {
            port,
            size: body.len(),
        }
    }

    fn url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/ic/api/integration/v1/monitoring/instances",
            self.port
        )
    }
}

fn serve(stream: TcpStream, body: &[u8]) {
    let mut reader = BufReader::new(stream.try_clone().expect("a socket"));
    let mut writer = stream;
    loop {
        // The request head; GET has no body.
        let mut line = String::new();
        let mut any = false;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line == "\r\n" || line == "\n" => break,
                Ok(_) => any = true,
            }
        }
        if !any {
            return;
        }
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n",
            body.len()
        );
        if writer
            .write_all(head.as_bytes())
            .and_then(|_| writer.write_all(body))
            .is_err()
        {
            return;
        }
    }
}

/// About 20 MB of monitoring records, the kind of list OIC answers with.
fn big_json() -> Vec<u8> {
    let mut out = String::with_capacity(BIG_JSON_BYTES + 4096);
    out.push_str("{\"items\":[");
    let mut i = 0u64;
    while out.len() < BIG_JSON_BYTES - 512 {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            "{{\"id\":\"{i:012}\",\"integration\":\"ORDER_SYNC_{}\",\"version\":\"01.00.{:04}\",\"status\":\"{}\",\"creationDate\":\"2026-01-{:02}T{:02}:{:02}:{:02}Z\",\"durationMs\":{},\"trackings\":[{{\"name\":\"orderId\",\"value\":\"SO-{}\"}}]}}",
            i % 37,
            i % 10000,
            if i % 11 == 0 { "FAILED" } else { "COMPLETED" },
            i % 28 + 1,
            i % 24,
            i % 60,
            (i * 7) % 60,
            (i * 7919) % 100_000,
            100_000 + i
        ));
        i += 1;
    }
    out.push_str(&format!("],\"totalResults\":{i},\"hasMore\":false}}"));
    out.into_bytes()
}
