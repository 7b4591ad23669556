//! WebKitGTK settings that keep the window light on Linux. The app shows its
//! own few local pages (forms and a virtualised text viewer), never browses
//! and keeps no history, so two of WebKit's defaults only cost memory:
//!
//! - the "web browser" cache model (a page cache of whole previous pages and
//!   a large memory cache): the document-viewer model turns both off;
//! - GPU compositing: the page needs no 3D, WebGL or video, and without a
//!   GPU (as under Xvfb) WebKit and Mesa's software renderer keep large GL
//!   buffers in the web process. Drawing on the CPU also avoids the blank
//!   windows some GPU drivers give WebKitGTK.
//!
//! Measured with `make bench`'s method (PSS of the app plus its WebKit
//! processes, 3 s after ready, launched directly under Xvfb, median of 5,
//! WebKitGTK 2.50.6, no other WebKit program running): WebKit's defaults
//! 332 MB (the web process 221 MB); the document-viewer cache model alone
//! changes nothing measurable at start (331 MB: the app never navigates, so
//! there is nothing to cache yet), it only keeps caches from growing; without
//! GPU compositing 228 MB (the web process 116 MB). An empty Tauri window
//! with WebKit's defaults measured 246 MB in the same run.
//!
//! Touches only the webview's settings; other platforms are left as they are.

use tauri::{Runtime, WebviewWindow};

/// Applies the lighter WebKit settings to `window`'s webview.
#[cfg(target_os = "linux")]
pub fn lighten<R: Runtime>(window: &WebviewWindow<R>) {
    let _ = window.with_webview(|webview| {
        use webkit2gtk::{
            CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
        };
        let view = webview.inner();
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
}

#[cfg(not(target_os = "linux"))]
pub fn lighten<R: Runtime>(_window: &WebviewWindow<R>) {}
