//! An empty Tauri 2 window: the reference `make bench` measures OAuth
//! Console against (start time and memory of the app plus its WebKit
//! processes). Same tauri version and features as the app, an empty page, no
//! commands. When `OAUTH_CONSOLE_READY_FILE` is set, it writes the
//! CLOCK_MONOTONIC time (nanoseconds) at which its page finished loading to
//! that file, as the app does when its UI is ready.

use tauri::webview::PageLoadEvent;

fn main() {
    tauri::Builder::default()
        .on_page_load(|_, payload| {
            if payload.event() == PageLoadEvent::Finished {
                report_ready();
            }
        })
        .run(tauri::generate_context!())
        .expect("the empty window could not start");
}

fn report_ready() {
    let Some(path) = std::env::var_os("OAUTH_CONSOLE_READY_FILE") else {
        return;
    };
    let Some(now) = monotonic_nanos() else {
        return;
    };
    let path = std::path::PathBuf::from(path);
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
