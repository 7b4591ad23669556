//! The README's screenshot, taken under Xvfb by `make screenshot` (ignored in
//! the normal run). The token is masked and comes from the local test
//! server, so no secret is in the picture.

use crate::app::{idp, App};
use std::process::Command;

#[tokio::test]
#[ignore = "run by `make screenshot`"]
async fn the_readme_screenshot() {
    let app = App::launch().await;
    app.fill("Access Token URL", &idp("OC_IDP_TOKEN_URL")).await;
    app.fill("Client ID", &idp("OC_IDP_CC_CLIENT_ID")).await;
    app.fill("Client Secret", &idp("OC_IDP_CC_CLIENT_SECRET")).await;
    app.fill("Scope", &idp("OC_IDP_SCOPE")).await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;
    // WebKitWebDriver's own screenshot can lag behind the page under Xvfb;
    // the X server's picture of the window (1180x800 at the origin, no window
    // manager) is what a user sees.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/screenshot.png");
    let status = Command::new("import")
        .args(["-window", "root", "-crop", "1180x800+0+0", "+repage", path])
        .status()
        .expect("ImageMagick's import is installed by make test");
    assert!(status.success(), "import failed");
    app.close().await;
}
