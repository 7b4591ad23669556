//! The README's screenshot, taken under Xvfb by `make screenshot` (ignored in
//! the normal run): the Sandbox profile after Get New Access Token, Use Token
//! and Send. The token is masked, and every credential is a sandbox one.

use crate::app::App;
use std::process::Command;

#[tokio::test]
#[ignore = "run by `make screenshot`"]
async fn the_readme_screenshot() {
    let app = App::launch().await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    app.click("Use Token").await;
    app.click("Send").await;
    app.text_when("response-status", "a status", |t| !t.is_empty()).await;
    // WebKitWebDriver's own screenshot can lag behind the page under Xvfb;
    // the X server's picture of the window (at the origin, no window
    // manager) is what a user sees.
    app.client.execute("window.scrollTo(0, 0); document.activeElement?.blur();", vec![]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/screenshot.png");
    let status = Command::new("import")
        .args(["-window", "root", "-crop", "1180x800+0+0", "+repage", path])
        .status()
        .expect("ImageMagick's import is installed by make test");
    assert!(status.success(), "import failed");
    app.close().await;
}
