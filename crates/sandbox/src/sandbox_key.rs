//! The Sandbox profile's own key pair for signed assertions (JWT Assertion
//! grant, client assertion). It is generated once per process on first use,
//! kept in memory only, and its certificate is uploaded to `sandbox-client`
//! under [`SANDBOX_KEY_ALIAS`] by [`crate::Sandbox::sandbox_key_pair`].
//! Sandbox-only: it is trusted by nothing but this sandbox.

use std::fmt;
use std::sync::OnceLock;

/// The certificate alias (the `kid`) of the sandbox key pair.
pub const SANDBOX_KEY_ALIAS: &str = "sandbox-only-key";

/// A key pair made for the sandbox: the private key PEM (PKCS#8), its
/// self-signed certificate PEM and the alias it is uploaded under.
#[derive(Clone, PartialEq, Eq)]
pub struct SandboxKeyPair {
    pub alias: String,
    pub private_key_pem: String,
    pub certificate_pem: String,
}

impl fmt::Debug for SandboxKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxKeyPair")
            .field("alias", &self.alias)
            .field("private_key_pem", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// The process's sandbox key pair, generated on the first call.
pub(crate) fn shared() -> Result<&'static SandboxKeyPair, String> {
    static PAIR: OnceLock<Result<SandboxKeyPair, String>> = OnceLock::new();
    PAIR.get_or_init(generate).as_ref().map_err(Clone::clone)
}

fn generate() -> Result<SandboxKeyPair, String> {
    use rsa::pkcs8::{EncodePrivateKey, LineEnding};
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(|e| e.to_string())?;
    let der = key.to_pkcs8_der().map_err(|e| e.to_string())?;
    let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| e.to_string())?;
    let signer = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&der.as_bytes().into(), &rcgen::PKCS_RSA_SHA256)
        .map_err(|e| e.to_string())?;
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "OAuth Console sandbox only - not trusted anywhere else");
    let certificate = params.self_signed(&signer).map_err(|e| e.to_string())?;
    Ok(SandboxKeyPair {
        alias: SANDBOX_KEY_ALIAS.to_owned(),
        private_key_pem: pem.to_string(),
        certificate_pem: certificate.pem(),
    })
}
