//! The README's screenshots, taken under Xvfb by `make screenshot` (ignored
//! in the normal run): the Sandbox profile after Get New Access Token, Use
//! Token and Send, in the light theme and in the dark one. The token is
//! masked, and every credential is a sandbox one.

use crate::app::App;
use std::process::Command;

/// The X server's picture of the window (at the origin, no window manager):
/// WebKitWebDriver's own screenshot can lag behind the page under Xvfb.
async fn take(app: &App, file: &str) {
    app.client.execute("document.activeElement?.blur();", vec![]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let path = format!("{}/docs/{file}", env!("CARGO_MANIFEST_DIR"));
    let status = Command::new("import")
        .args(["-window", "root", "-crop", "1280x800+0+0", "+repage", &path])
        .status()
        .expect("ImageMagick's import is installed by make test");
    assert!(status.success(), "import failed");
}

#[tokio::test]
#[ignore = "run by `make screenshot`"]
async fn the_readme_screenshot() {
    let app = App::launch().await;
    app.client.set_window_size(1280, 800).await.unwrap();
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.click("Use Token").await;
    assert_eq!(app.send_and_wait().await, "200 OK");
    take(&app, "screenshot.png").await;

    app.click("Settings").await;
    app.choose("Theme", "Dark").await;
    app.client.execute("document.getElementById('settings-close').click();", vec![]).await.unwrap();
    take(&app, "screenshot-dark.png").await;
    app.close().await;
}
