//! The test session's Secret Service (`scripts/test-session.sh`), seen from
//! a test: whether it still answers, and the message a keychain test fails
//! with when it does not, so that a lost keychain is reported as that and not
//! as an unrelated assertion. Shared by `tests/core` and `tests/e2e`.

use std::process::Command;

/// Where a test failing because of the keychain points the reader.
pub const SEE: &str = "see tests/README.md, 'The keychain session'";

/// `None` while the Secret Service of this D-Bus session answers a lookup
/// within 5 s (found or not found); otherwise why it does not.
pub fn not_answering() -> Option<String> {
    let output = Command::new("timeout")
        .args(["5", "secret-tool", "lookup", "service", "oc-test-probe", "probe", "health"])
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) => return Some(format!("secret-tool (package libsecret-tools) could not run: {e}")),
    };
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    match output.status.code() {
        Some(0) => None,
        Some(1) if stderr.is_empty() => None,
        Some(124) => Some("a lookup took over 5 s (a locked keyring waiting for a password prompt?)".into()),
        _ => Some(format!("a lookup failed: {stderr}")),
    }
}

/// The keyring daemon's starts and exits in this run, when the session
/// keeps a log of them.
pub fn daemon_log() -> String {
    std::env::var("OC_KEYRING_SESSION")
        .ok()
        .and_then(|dir| std::fs::read_to_string(format!("{dir}/keyring.log")).ok())
        .map(|log| {
            log.lines()
                .filter(|line| line.contains("gnome-keyring-daemon"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// Fails the test at once, with a message that says so, when the Secret
/// Service does not answer.
pub fn require() {
    if let Some(reason) = not_answering() {
        panic!("{}", lost(&reason));
    }
}

/// The failure message for `what` in a keychain test: the keychain's state
/// first when it is the cause.
pub fn explain(what: &str) -> String {
    if let Some(reason) = not_answering() {
        return lost(&reason);
    }
    let log = daemon_log();
    if log.contains("killed by signal") || log.contains("exited with status") {
        format!(
            "{what}; the keyring daemon had to be restarted during the run, so a keychain call in flight then may have failed: {SEE}\nkeyring daemon log:\n{log}"
        )
    } else {
        format!("{what} (the Secret Service answers, and its daemon has not restarted)")
    }
}

fn lost(reason: &str) -> String {
    let log = daemon_log();
    let log = if log.is_empty() { String::new() } else { format!("\nkeyring daemon log:\n{log}") };
    format!("Secret Service not answering: {reason}; {SEE}{log}")
}
