//! Run after the end-to-end tests, in the same test HOME (`make test` runs
//! every test target, and cargo runs them in name order, so `secrets_scan`
//! comes after `e2e`): no secret the suite used is in the app's config, data
//! or cache folders, anywhere else under the test HOME, or in a log there.
//!
//! The secrets are the test identity server's client secrets and password
//! (from `make test`'s environment), the sandbox's, every token value the
//! e2e tests revealed with Show and every private key line they imported,
//! which `tests/e2e/profiles.rs` lists in a file in the test HOME, and
//! anything that is PEM-armoured as a private key. A finding names the file and the secret's origin, never the
//! value. To run it by hand after the e2e tests:
//!
//! ```text
//! OC_TEST_PACKAGES="-p oauth-console" scripts/test.sh --test e2e --test secrets_scan
//! ```

use std::path::{Path, PathBuf};

/// The sandbox's own credentials (crates/sandbox/src/directory.rs): shown in
/// the window as sandbox ones, never saved.
const SANDBOX_SECRETS: [&str; 4] = ["sandbox-secret", "sandbox-password", "sandbox-cc-only-secret", "sandbox-viewer-password"];

/// Typed by the e2e tests: a wrong secret, a proxy password, a credential
/// header that History must not keep (tests/e2e/workspace.rs), a locked
/// multipart text part of a saved request (tests/e2e/saved_requests.rs).
const TYPED_SECRETS: [&str; 4] = ["not-the-secret", "proxy-test-secret", "history-api-key-not-real", "saved-part-secret-not-real"];

/// What every PEM private key holds, "-----BEGIN PRIVATE KEY-----" and
/// "-----BEGIN RSA PRIVATE KEY-----" alike (keys of tests/e2e/assertion.rs).
const PRIVATE_KEY_MARKER: &[u8] = b"PRIVATE KEY-----";

const IDP_SECRETS: [&str; 4] = ["OC_IDP_CC_CLIENT_SECRET", "OC_IDP_PW_CLIENT_SECRET", "OC_IDP_AC_CLIENT_SECRET", "OC_IDP_PASSWORD"];

/// The list `tests/e2e/profiles.rs` writes in the test HOME (which `make
/// test` removes after the run); the one file the scan skips.
fn secrets_list(home: &str) -> PathBuf {
    Path::new(home).join("secrets-to-scan.txt")
}

/// (where it comes from, value)
fn secrets(home: &str) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = Vec::new();
    for name in IDP_SECRETS {
        if let Ok(value) = std::env::var(name) {
            all.push((name.to_owned(), value));
        }
    }
    all.extend(SANDBOX_SECRETS.iter().chain(&TYPED_SECRETS).map(|s| (format!("the fixed test value {s:?}"), (*s).to_owned())));
    if let Ok(list) = std::fs::read_to_string(secrets_list(home)) {
        all.extend(list.lines().filter(|l| !l.is_empty()).enumerate().map(|(i, v)| (format!("token #{} revealed by the e2e tests", i + 1), v.to_owned())));
    }
    all.retain(|(_, value)| value.len() >= 8);
    all
}

/// Every regular file under `dir`, not following symbolic links.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            files(&entry.path(), out);
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn no_secret_used_by_the_suite_is_in_the_apps_folders_or_logs() {
    let home = std::env::var("HOME").expect("HOME is set");
    let mut roots = vec![PathBuf::from(&home)];
    for var in ["XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"] {
        if let Ok(dir) = std::env::var(var) {
            if !Path::new(&dir).starts_with(&home) {
                roots.push(dir.into());
            }
        }
    }
    let mut all = Vec::new();
    for root in &roots {
        files(root, &mut all);
    }
    all.retain(|path| *path != secrets_list(&home));
    let settings: Vec<&PathBuf> = all.iter().filter(|p| p.file_name().is_some_and(|n| n == "profiles.json")).collect();
    assert!(
        !settings.is_empty(),
        "no profiles.json under {home}: this scan checks what the e2e tests left in the same HOME; run it after them, e.g. \
         OC_TEST_PACKAGES=\"-p oauth-console\" scripts/test.sh --test e2e --test secrets_scan"
    );
    let secrets = secrets(&home);
    assert!(secrets.len() >= SANDBOX_SECRETS.len());
    let mut findings = Vec::new();
    for path in &all {
        let Ok(bytes) = std::fs::read(path) else { continue };
        for (origin, value) in &secrets {
            if contains(&bytes, value.as_bytes()) {
                findings.push(format!("{}: {origin}", path.display()));
            }
        }
        if settings.contains(&path) && contains(&bytes, b"eyJ") {
            findings.push(format!("{}: something that looks like a JWT", path.display()));
        }
        // The PEM armour of a private key (PKCS#8 or PKCS#1): the keys the
        // e2e tests import or generate live in the keychain only.
        if contains(&bytes, PRIVATE_KEY_MARKER) {
            findings.push(format!("{}: a PEM private key", path.display()));
        }
    }
    assert!(findings.is_empty(), "secrets found on disk ({} files scanned):\n{}", all.len(), findings.join("\n"));
    eprintln!("secrets_scan: {} files under {:?} hold none of {} secrets", all.len(), roots, secrets.len());
}
