//! Copies that hold a secret leave the clipboard after the "Clear copied
//! token after" setting (set to 2 s here through Settings, as a user would),
//! but only while the clipboard still holds them: what the user copied
//! meanwhile stays. The clipboard is read with `xclip` from outside the app.

use crate::app::App;
use crate::profiles::record_secret;
use fantoccini::Locator;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What the X clipboard holds now, empty when nothing does.
pub(crate) fn clipboard() -> String {
    let output = Command::new("timeout")
        .args(["5", "xclip", "-selection", "clipboard", "-o"])
        .stderr(Stdio::null())
        .output()
        .expect("xclip (installed by `make test`) reads the clipboard");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Another program's copy, as when the user copies something else: xclip
/// owns the clipboard until stopped (by its PID, when dropped).
struct OtherCopy(Child);

impl OtherCopy {
    fn put(text: &str) -> OtherCopy {
        use std::io::Write;
        let mut child = Command::new("xclip")
            .args(["-selection", "clipboard", "-i", "-quiet"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("xclip starts");
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let started = Instant::now();
        while clipboard() != text {
            assert!(started.elapsed() < Duration::from_secs(10), "xclip did not take the clipboard");
            std::thread::sleep(Duration::from_millis(50));
        }
        OtherCopy(child)
    }
}

impl Drop for OtherCopy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Empties the clipboard (another program takes it and quits), so that the
/// next copy is told apart from an identical earlier one.
pub(crate) fn clear_clipboard() {
    drop(OtherCopy::put("(cleared by the test)"));
    let started = Instant::now();
    while !clipboard().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(10), "the clipboard was not emptied");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until the clipboard satisfies `ready`, up to `within`.
pub(crate) async fn clipboard_when(what: &str, within: Duration, ready: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let now = clipboard();
        if ready(&now) {
            return now;
        }
        assert!(started.elapsed() < within, "the clipboard never held {what}; it holds {} bytes", now.len());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn click_id(app: &App, id: &str) {
    app.client.find(Locator::Id(id)).await.unwrap_or_else(|e| panic!("no #{id}: {e}")).click().await.unwrap();
}

#[tokio::test]
async fn secret_copies_are_cleared_after_the_setting_unless_the_user_copied_something_else() {
    let app = App::launch().await;
    app.save_setting("Clear copied token after (seconds)", "2").await;
    app.click("Get New Access Token").await;
    app.text_when("token-type", "Bearer", |t| t == "Bearer").await;

    // Copy on the token: on the clipboard, then gone after 2 s.
    click_id(&app, "copy-token").await;
    let token = clipboard_when("the token", Duration::from_secs(5), |t| t.starts_with("eyJ")).await;
    record_secret(&token);
    clipboard_when("nothing, after the clear", Duration::from_secs(10), |t| t.is_empty()).await;

    // Copied again, then the user copies something else: that stays.
    click_id(&app, "copy-token").await;
    clipboard_when("the token again", Duration::from_secs(5), |t| t == token).await;
    let other = OtherCopy::put("a note the user copied");
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(clipboard(), "a note the user copied", "the clear leaves another copy alone");
    drop(other);

    // Copy as cURL with secrets carries the token: cleared too.
    app.click("Use Token").await;
    let include = app.client.find(Locator::Id("curl-include-secrets")).await.unwrap();
    if include.prop("checked").await.unwrap().as_deref() != Some("true") {
        include.click().await.unwrap();
    }
    click_id(&app, "copy-curl").await;
    let command = clipboard_when("the curl command", Duration::from_secs(5), |t| t.starts_with("curl")).await;
    assert!(command.contains(&token), "with secrets, the command carries the token");
    clipboard_when("nothing, after the clear", Duration::from_secs(10), |t| t.is_empty()).await;

    // Without secrets, the command is plain text and stays.
    include.click().await.unwrap();
    click_id(&app, "copy-curl").await;
    let command = clipboard_when("the masked curl command", Duration::from_secs(5), |t| t.starts_with("curl")).await;
    assert!(!command.contains(&token), "without secrets, no token: {command}");
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(clipboard().starts_with("curl"), "a copy without a secret is not cleared");
    app.close().await;
}

#[tokio::test]
async fn copy_as_curl_of_a_password_token_request_masks_the_password() {
    let app = App::launch().await;
    app.profile_shown().await;
    app.choose("Grant Type", "Password Credentials").await;
    click_id(&app, "copy-token-curl").await;
    let command = clipboard_when("the curl command", Duration::from_secs(5), |t| t.contains("grant_type=password")).await;
    assert!(command.contains("password=<password>"), "the password is a placeholder: {command}");
    assert!(command.contains("username=sandbox.invoker"), "{command}");
    app.close().await;
}
