//! The window's "ready" signal for `make bench`'s cold-start figure. The UI
//! calls `ui_ready` once, when it has booted and is interactive; when the
//! environment variable `OAUTH_CONSOLE_READY_FILE` names a file, the command
//! writes the CLOCK_MONOTONIC time of that moment (nanoseconds) to it. The
//! benchmark reads the clock just before it starts the app, so the
//! difference is process start to first interactive paint. Without the
//! variable, the command does nothing. No secret is involved.

use std::path::PathBuf;

/// The variable naming the file the ready time is written to.
pub const READY_FILE: &str = "OAUTH_CONSOLE_READY_FILE";
/// The benchmark's CLOCK_MONOTONIC reading (ns) just before it started the
/// app: the marks are written as ms since then.
pub const STARTED: &str = "OAUTH_CONSOLE_BENCH_STARTED";

/// The shell's own start-up steps (CLOCK_MONOTONIC ns), kept only when the
/// benchmark asks (`READY_FILE` set): where the time before the page went.
static STEPS: std::sync::Mutex<Vec<(&'static str, u128)>> = std::sync::Mutex::new(Vec::new());

/// Notes that start-up reached `step` (a clock read and a push; nothing
/// when no benchmark is running).
pub fn step(step: &'static str) {
    if std::env::var_os(READY_FILE).is_none() {
        return;
    }
    if let Some(now) = monotonic_nanos() {
        STEPS.lock().unwrap_or_else(|p| p.into_inner()).push((step, now));
    }
}

/// Async, so the two small file writes (bench only) stay off the main thread.
#[tauri::command]
pub async fn ui_ready(marks: Option<Vec<(String, f64)>>, sent_at: Option<f64>) {
    let Some(path) = std::env::var_os(READY_FILE) else {
        return;
    };
    let Some(now) = monotonic_nanos() else {
        return;
    };
    // How long the call took to get here: `sent_at` is the page's wall-clock
    // time (ms since the epoch, performance.timeOrigin + now()) of "ready".
    let wall_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1e3)
        .unwrap_or(0.0);
    let in_transit_ms = sent_at.map(|sent| (wall_ms - sent).clamp(0.0, 1e4)).unwrap_or(0.0);
    // Written whole, then renamed: the benchmark never reads half a number.
    let path = PathBuf::from(path);
    // Where the start-up went, in the page's own clock (ms since the page
    // began loading): one "name ms" line per step, beside the ready file.
    if let Some(mut marks) = marks {
        // With the benchmark's start time: every step as ms since the process
        // was started, the page's marks moved onto that clock (the last page
        // mark, "ready", is `now` less the call's time in transit).
        let started = std::env::var(STARTED).ok().and_then(|s| s.parse::<u128>().ok());
        if let (Some(started), Some(&(_, ready_ms))) = (started, marks.last()) {
            let page_start_ns = now as f64 - (ready_ms + in_transit_ms) * 1e6;
            let since = |ns: f64| (ns - started as f64) / 1e6;
            let steps = STEPS.lock().unwrap_or_else(|p| p.into_inner()).clone();
            let mut all: Vec<(String, f64)> =
                steps.into_iter().map(|(name, ns)| (name.to_owned(), since(ns as f64))).collect();
            all.push(("page begins".into(), since(page_start_ns)));
            all.push(("ui_ready received (shell)".into(), since(now as f64)));
            all.extend(marks.drain(..).map(|(name, ms)| (name, since(page_start_ns + ms * 1e6))));
            all.sort_by(|a, b| a.1.total_cmp(&b.1));
            marks = all;
        }
        let lines: String = marks.iter().map(|(name, ms)| format!("{name} {ms:.1}\n")).collect();
        let _ = std::fs::write(path.with_extension("marks"), lines);
    }
    let partial = path.with_extension("partial");
    if std::fs::write(&partial, now.to_string()).is_ok() {
        let _ = std::fs::rename(&partial, &path);
    }
}

#[cfg(target_os = "linux")]
fn monotonic_nanos() -> Option<u128> {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) } == 0;
    ok.then(|| now.tv_sec as u128 * 1_000_000_000 + now.tv_nsec as u128)
}

#[cfg(not(target_os = "linux"))]
fn monotonic_nanos() -> Option<u128> {
    None
}
