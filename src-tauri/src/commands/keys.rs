//! The key pair that signs JWT assertions, in the window: Import (a PEM
//! private key and its certificate, pasted or as file paths), Generate (a
//! key pair and a self-signed certificate), Save certificate…, the
//! assertion preview shown before sending, and the private key filled into
//! a token request from the keychain (or, for the Sandbox profile, from the
//! sandbox). The keys and assertions themselves are the core's
//! (`keys`, `assertion`, `grants::jwt_assertion`).
//!
//! The private key goes to the keychain only ([`SecretKind::PrivateKey`]);
//! the window gets the certificate back, never the key. RSA generation and
//! file reads run on a blocking thread ([`blocking`]).

use super::blocking;
use crate::error::ShellError;
use crate::AppState;
use oauth_console_core::assertion::Signing;
use oauth_console_core::discovery;
use oauth_console_core::grants::exchange::Client;
use oauth_console_core::grants::jwt_assertion;
use oauth_console_core::jwt::DecodedJwt;
use oauth_console_core::keys::{Certificate, KeyPair};
use oauth_console_core::store::{self, Kept, Profile, ProfileKind, SecretKind};
use oauth_console_core::{ClientAuth, Error, IpcError, Secret, TokenRequest};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

/// The largest key or certificate file read for Import (PEM files are a few KB).
const PEM_FILE_LIMIT: u64 = 256 * 1024;

/// Days a generated certificate is valid (Oracle accepts any validity).
const GENERATED_CERTIFICATE_DAYS: u32 = 730;

/// The common name of a generated certificate when none is given.
const GENERATED_COMMON_NAME: &str = "OAuth Console";

/// What Import and Generate give back: the certificate for the profile and
/// where the private key was kept. Never the key.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyPairKept {
    certificate: String,
    /// "keychain", or "session" when the keychain is unavailable.
    kept: &'static str,
}

/// `value` as PEM text: itself when it holds a PEM block (or more than one
/// line, which the key parser then reports on), else the file that the one
/// line names (what the user typed instead of pasting). Reads at most
/// [`PEM_FILE_LIMIT`] bytes. An error names the file of a certificate, and
/// never echoes what was typed for a private key (it could be key material).
pub(crate) fn pem_text(what: &'static str, value: &str) -> Result<String, IpcError> {
    let value = value.trim();
    if value.is_empty() || value.contains("-----BEGIN") || value.contains('\n') {
        return Ok(value.to_owned());
    }
    let path = PathBuf::from(value);
    let read = |path: &Path| -> std::io::Result<String> {
        let file = std::fs::File::open(path)?;
        if !file.metadata()?.is_file() {
            return Err(std::io::Error::other("it is not a file"));
        }
        if file.metadata()?.len() > PEM_FILE_LIMIT {
            return Err(std::io::Error::other(format!("it is larger than {} KB; a PEM {what} is a few KB", PEM_FILE_LIMIT / 1024)));
        }
        std::io::read_to_string(file)
    };
    read(&path).map_err(|e| {
        let file = if what == "certificate" { format!(" {}", path.display()) } else { String::new() };
        ShellError::PemFile { what, file, reason: e.to_string() }.into()
    })
}

/// Import: a PEM private key and its certificate (each pasted, or the path
/// of its file), checked to belong together. The key goes to the keychain;
/// the certificate comes back for the profile.
#[tauri::command]
pub async fn import_key_pair(
    app: AppHandle,
    profile_id: String,
    private_key: Secret,
    certificate: String,
) -> Result<KeyPairKept, IpcError> {
    blocking(&app, move |state| {
        refuse_sandbox(state, &profile_id)?;
        let key = Secret::new(pem_text("private key", private_key.expose())?);
        if key.is_empty() {
            return Err(Error::MissingField { field: "Private Key" }.into());
        }
        let certificate = pem_text("certificate", &certificate)?;
        if certificate.is_empty() {
            return Err(Error::MissingField { field: "Certificate" }.into());
        }
        let pair = KeyPair::import(key.expose(), &certificate).map_err(Error::Key)?;
        keep(state, &profile_id, pair)
    })
    .await
}

/// Generate: a new 2048-bit RSA key and a self-signed certificate for
/// `common_name`, the key to the keychain, the certificate back to the
/// window (to Save certificate… and upload to the application).
#[tauri::command]
pub async fn generate_key_pair(app: AppHandle, profile_id: String, common_name: String) -> Result<KeyPairKept, IpcError> {
    blocking(&app, move |state| {
        refuse_sandbox(state, &profile_id)?;
        let name = match common_name.trim() {
            "" => GENERATED_COMMON_NAME,
            typed => typed,
        };
        let pair = KeyPair::generate(name, GENERATED_CERTIFICATE_DAYS).map_err(Error::Key)?;
        keep(state, &profile_id, pair)
    })
    .await
}

fn keep(state: &AppState, profile_id: &str, pair: KeyPair) -> Result<KeyPairKept, IpcError> {
    let key = Secret::new(pair.private_key.expose_pem());
    let kept = store::keep_secret(&state.vault, profile_id, SecretKind::PrivateKey, &key, false)?;
    let kept = match kept {
        Kept::Keychain => "keychain",
        Kept::Session => "session",
    };
    Ok(KeyPairKept { certificate: pair.certificate.pem().to_owned(), kept })
}

/// The Sandbox profile's key pair is the sandbox's own: not replaced.
fn refuse_sandbox(state: &AppState, profile_id: &str) -> Result<(), IpcError> {
    if state.store().profile(profile_id)?.kind == ProfileKind::Sandbox {
        return Err(ShellError::SandboxKeyPair.into());
    }
    Ok(())
}

/// Save certificate…: the certificate PEM written to `path`, or to the file
/// chosen in a save dialog when `path` is empty. Returns the path written,
/// `None` when the dialog was cancelled.
#[tauri::command]
pub async fn save_certificate(app: AppHandle, certificate: String, path: Option<String>) -> Result<Option<String>, IpcError> {
    let certificate = Certificate::from_pem(&certificate).map_err(Error::Key)?;
    let path = match path.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()) {
        Some(path) => PathBuf::from(path),
        None => {
            let dialog = app
                .dialog()
                .file()
                .set_title("Save certificate")
                .set_file_name("oauth-console-certificate.pem")
                .add_filter("PEM certificate", &["pem", "crt", "cer"]);
            let Some(chosen) = super::dialogs::save(dialog).await? else { return Ok(None) };
            chosen
        }
    };
    let pem = certificate.pem().to_owned();
    blocking(&app, move |_| {
        std::fs::write(&path, pem).map_err(|e| ShellError::SaveFailed(format!("{}: {e}", path.display())))?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// The assertions a token request would sign, laid out (header and claims,
/// no signature) for the window to show before sending: the user assertion
/// of JWT Assertion, the client assertion of client assertion auth.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AssertionPreview {
    user: Option<DecodedJwt>,
    client: Option<DecodedJwt>,
}

#[tauri::command]
pub async fn assertion_preview(app: AppHandle, request: TokenRequest) -> Result<AssertionPreview, IpcError> {
    blocking(&app, move |_| {
        let now = SystemTime::now();
        let mut preview = AssertionPreview::default();
        if let TokenRequest::JwtAssertion(grant) = &request {
            let mut grant = grant.clone();
            grant.signing.certificate = pem_text("certificate", &grant.signing.certificate)?;
            preview.user = Some(jwt_assertion::preview(&grant, now)?);
        }
        let (client, _) = request.client_and_label();
        if client.client_auth == ClientAuth::ClientAssertion {
            let mut signing = client.client_assertion.clone().ok_or(Error::MissingField { field: "Certificate" })?;
            signing.certificate = pem_text("certificate", &signing.certificate)?;
            preview.client = Some(signing.layout(client.client_id.trim(), client.client_id.trim(), now)?);
        }
        Ok(preview)
    })
    .await
}

// ---------------------------------------------------------------- filling requests

/// A request's signing key filled in: a typed file path read; an empty
/// Private Key field means the profile's key from the keychain, or the
/// sandbox's own for the Sandbox profile. Blocking (keychain, file).
pub(crate) fn fill_signing(state: &AppState, profile: &Profile, signing: &mut Signing) -> Result<(), IpcError> {
    signing.certificate = pem_text("certificate", &signing.certificate)?;
    if !signing.private_key.is_empty() {
        signing.private_key = Secret::new(pem_text("private key", signing.private_key.expose())?);
        return Ok(());
    }
    if profile.kind == ProfileKind::Sandbox {
        if let Some(sandbox) = state.sandbox.blocking_lock().as_ref() {
            let pair = sandbox.sandbox_key_pair().map_err(|e| ShellError::SandboxUnavailable(e.to_string()))?;
            signing.private_key = Secret::new(pair.private_key_pem);
            if signing.certificate.is_empty() {
                signing.certificate = pair.certificate_pem;
            }
            if signing.key_id.trim().is_empty() {
                signing.key_id = pair.alias;
            }
            return Ok(());
        }
    }
    match state.vault.get(&profile.id, SecretKind::PrivateKey)? {
        Some(key) => signing.private_key = key,
        None => return Err(Error::MissingField { field: "Private Key" }.into()),
    }
    Ok(())
}

/// A client's key pair filled in as [`fill_signing`] does, when it
/// authenticates with a client assertion or presents its certificate
/// (mutual TLS). With TLS client authentication, an Oracle or Sandbox
/// profile sends to the identity domain's secure token endpoint (from its
/// `idcs-configuration`); the built-in sandbox's own CA is trusted for it.
/// Blocking (keychain, file, that one GET).
pub(crate) fn fill_client(state: &AppState, profile: &Profile, client: &mut Client) -> Result<(), IpcError> {
    if client.client_auth != ClientAuth::ClientAssertion && !client.presents_certificate() {
        return Ok(());
    }
    let mut signing = client.client_assertion.take().unwrap_or_else(|| profile_signing(profile));
    fill_signing(state, profile, &mut signing)?;
    client.client_assertion = Some(signing);
    if client.presents_certificate() {
        let sandbox_ca = state.sandbox.blocking_lock().as_ref().map(|sandbox| sandbox.tls_ca_pem());
        client.extra_roots.extend(sandbox_ca);
    }
    if client.client_auth == ClientAuth::TlsClientAuth && matches!(profile.kind, ProfileKind::Oracle | ProfileKind::Sandbox) {
        let http = state.http();
        let token_url = client.token_url.clone();
        // A URL that is already the secure endpoint has no idcs-configuration
        // of its own: it is then used as it is.
        if let Ok(secure) = tauri::async_runtime::block_on(discovery::secure_token_url(&http, &token_url)) {
            client.token_url = secure;
        }
    }
    Ok(())
}

/// The signing settings the profile holds (its certificate, alias, audience
/// and lifetime), without the key.
pub(crate) fn profile_signing(profile: &Profile) -> Signing {
    Signing {
        private_key: Secret::default(),
        certificate: profile.certificate.clone(),
        key_id: profile.key_id.clone(),
        key_id_kind: profile.key_id_kind,
        audience: profile.assertion_audience.clone(),
        lifetime_secs: profile.assertion_lifetime_secs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_pem_is_used_as_it_is_and_a_path_is_read() {
        let pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
        assert_eq!(pem_text("certificate", &format!("  {pem}\n")).unwrap(), pem);
        assert_eq!(pem_text("certificate", "  ").unwrap(), "");
        let dir = std::env::temp_dir().join(format!("oc-pem-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("cert.pem");
        std::fs::write(&file, pem).unwrap();
        assert_eq!(pem_text("certificate", file.to_str().unwrap()).unwrap(), pem);
        let missing = pem_text("certificate", dir.join("missing.pem").to_str().unwrap()).unwrap_err();
        assert_eq!(missing.code, "pem_file");
        assert!(missing.message.contains("missing.pem"), "{}", missing.message);
        let folder = pem_text("certificate", dir.to_str().unwrap()).unwrap_err();
        assert_eq!(folder.code, "pem_file", "a folder is not a PEM file");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_private_key_typed_wrong_is_never_echoed_in_the_error() {
        let typed = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
        let error = pem_text("private key", typed).unwrap_err();
        assert!(!error.message.contains(typed) && !error.hint.unwrap_or_default().contains(typed), "{}", error.message);
    }

    proptest::proptest! {
        #[test]
        fn text_with_pem_armour_or_several_lines_is_never_read_as_a_path(
            before in "\\PC{0,40}", after in "\\PC{0,200}", second in "\\PC{0,40}",
        ) {
            let armoured = format!("{before}-----BEGIN PRIVATE KEY-----{after}");
            proptest::prop_assert_eq!(pem_text("private key", &armoured).unwrap(), armoured.trim());
            let lines = format!("x{before}\n{second}y");
            proptest::prop_assert_eq!(pem_text("private key", &lines).unwrap(), lines.trim());
        }

        #[test]
        fn any_one_line_is_read_as_a_file_or_refused_with_a_pem_file_error(line in "[^\\n]{0,120}") {
            if let Err(e) = pem_text("private key", &line) {
                proptest::prop_assert_eq!(e.code.as_str(), "pem_file");
                if line.trim().chars().count() >= 16 {
                    proptest::prop_assert!(!e.message.contains(line.trim()), "the typed text is not echoed");
                }
            }
        }
    }
}
