//! An empty Tauri 2 window: the reference `make bench` measures OAuth
//! Console against (start time and memory of the app plus its WebKit
//! processes). Same tauri version and features as the app, an empty page, no
//! commands. When `OAUTH_CONSOLE_READY_FILE` is set, it writes the
//! CLOCK_MONOTONIC time (nanoseconds) at which its page finished loading to
//! that file, as the app does when its UI is ready.

use tauri::webview::PageLoadEvent;

fn main() {
    step("run() entered");
    tauri::Builder::default()
        .on_page_load(|_, payload| match payload.event() {
            PageLoadEvent::Started => step("page load started (shell)"),
            PageLoadEvent::Finished => {
                step("page load finished (shell)");
                report_ready();
            }
        })
        .setup(|_| {
            step("setup begins");
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the empty window could not start");
}

/// The same start-up steps as the app's (its `commands::bench::step`), so
/// `make bench` can show where the two differ: a clock read, kept only when
/// the benchmark asks (`OAUTH_CONSOLE_READY_FILE` set).
static STEPS: std::sync::Mutex<Vec<(&'static str, u128)>> = std::sync::Mutex::new(Vec::new());

fn step(name: &'static str) {
    if std::env::var_os("OAUTH_CONSOLE_READY_FILE").is_none() {
        return;
    }
    if let Some(now) = monotonic_nanos() {
        STEPS.lock().unwrap_or_else(|p| p.into_inner()).push((name, now));
    }
}

/// Writes the ready time, and beside it (`.marks`) each step as ms since
/// the benchmark started the process (`OAUTH_CONSOLE_BENCH_STARTED`, ns).
fn report_ready() {
    let Some(path) = std::env::var_os("OAUTH_CONSOLE_READY_FILE") else {
        return;
    };
    let Some(now) = monotonic_nanos() else {
        return;
    };
    let path = std::path::PathBuf::from(path);
    if let Some(started) = std::env::var("OAUTH_CONSOLE_BENCH_STARTED").ok().and_then(|s| s.parse::<u128>().ok()) {
        let steps = STEPS.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let lines: String = steps
            .iter()
            .map(|(name, ns)| format!("{name} {:.1}\n", (*ns as f64 - started as f64) / 1e6))
            .collect();
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
