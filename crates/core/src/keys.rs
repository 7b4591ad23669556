//! The RSA key pair that signs JWT assertions: a private key (PKCS#8 or
//! PKCS#1 PEM, what `openssl genrsa`/`openssl req` and `keytool` make) and the
//! X.509 certificate uploaded to the application in the Oracle console
//! (*Integrated applications → your application → OAuth configuration →
//! Certificate*, with its alias).
//!
//! Nothing here is hand-written crypto: `pem` reads the armour, `ring` loads
//! and uses the key, `x509-parser` reads the certificate, `rsa` generates a
//! key (ring cannot) and `rcgen` makes its self-signed certificate. The
//! private key is a [`PrivateKey`]: `Debug` prints `[redacted]`, there is no
//! `Serialize`, and its PEM leaves the core only through
//! [`PrivateKey::expose_pem`] (to the keychain). The profile keeps the
//! certificate PEM and the alias, which are public.

use ring::rand::SystemRandom;
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use std::fmt;
use std::sync::Arc;

/// Why a key or certificate could not be used. Never carries key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error("the {what} is not PEM text: {detail}")]
    NotPem { what: &'static str, detail: String },
    #[error("the {what} PEM holds a \"{found}\" block, not {expected}")]
    WrongPemBlock { what: &'static str, found: String, expected: &'static str },
    #[error("the private key is encrypted (ENCRYPTED PRIVATE KEY); OAuth Console needs it unencrypted")]
    EncryptedKey,
    #[error("the private key is not an RSA key of 2048 to 8192 bits: {detail}")]
    UnsupportedKey { detail: String },
    #[error("the certificate cannot be read: {detail}")]
    BadCertificate { detail: String },
    #[error("the certificate holds a {algorithm} public key; JWT assertions are signed with RSA (RS256)")]
    UnsupportedCertificateKey { algorithm: String },
    #[error("the private key does not belong to the certificate: their public keys differ")]
    Mismatch,
    #[error("could not generate a key pair: {detail}")]
    Generate { detail: String },
    #[error("could not sign the assertion: {detail}")]
    Sign { detail: String },
}

impl KeyError {
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::NotPem { .. } | KeyError::WrongPemBlock { .. } => "invalid_pem",
            KeyError::EncryptedKey => "encrypted_key",
            KeyError::UnsupportedKey { .. } | KeyError::UnsupportedCertificateKey { .. } => "unsupported_key",
            KeyError::BadCertificate { .. } => "invalid_certificate",
            KeyError::Mismatch => "key_certificate_mismatch",
            KeyError::Generate { .. } => "key_generation",
            KeyError::Sign { .. } => "signing",
        }
    }
}

/// An RSA private key, loaded and ready to sign RS256.
#[derive(Clone)]
pub struct PrivateKey {
    pem: crate::Secret,
    pair: Arc<RsaKeyPair>,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey([redacted])")
    }
}

impl PrivateKey {
    /// Reads a PEM `PRIVATE KEY` (PKCS#8) or `RSA PRIVATE KEY` (PKCS#1).
    /// Any input gives a key or a [`KeyError`], never a panic.
    pub fn from_pem(text: &str) -> Result<PrivateKey, KeyError> {
        let block = pem::parse(text.trim()).map_err(|e| KeyError::NotPem { what: "private key", detail: e.to_string() })?;
        let pair = match block.tag() {
            "PRIVATE KEY" => RsaKeyPair::from_pkcs8(block.contents()),
            "RSA PRIVATE KEY" => RsaKeyPair::from_der(block.contents()),
            "ENCRYPTED PRIVATE KEY" => return Err(KeyError::EncryptedKey),
            "EC PRIVATE KEY" | "OPENSSH PRIVATE KEY" | "DSA PRIVATE KEY" => {
                return Err(KeyError::UnsupportedKey { detail: format!("it is a \"{}\" block", block.tag()) })
            }
            other => {
                return Err(KeyError::WrongPemBlock {
                    what: "private key",
                    found: other.chars().take(40).collect(),
                    expected: "PRIVATE KEY or RSA PRIVATE KEY",
                })
            }
        }
        .map_err(|e| KeyError::UnsupportedKey { detail: e.to_string() })?;
        Ok(PrivateKey { pem: crate::Secret::new(text.trim().to_owned() + "\n"), pair: Arc::new(pair) })
    }

    /// The PEM text, for the keychain only.
    pub fn expose_pem(&self) -> &str {
        self.pem.expose()
    }

    /// The public key as DER `RSAPublicKey` (PKCS#1).
    fn public_key_der(&self) -> &[u8] {
        self.pair.public().as_ref()
    }

    /// RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature of `message`.
    pub fn sign_rs256(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let mut signature = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), message, &mut signature)
            .map_err(|e| KeyError::Sign { detail: e.to_string() })?;
        Ok(signature)
    }
}

/// The X.509 certificate uploaded to the application (public).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pem: String,
    der: Vec<u8>,
    rsa_public_key: Vec<u8>,
}

const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";

impl Certificate {
    /// Reads the first `CERTIFICATE` block of `text`.
    pub fn from_pem(text: &str) -> Result<Certificate, KeyError> {
        let blocks = pem::parse_many(text.trim()).map_err(|e| KeyError::NotPem { what: "certificate", detail: e.to_string() })?;
        let Some(block) = blocks.first() else {
            return Err(KeyError::NotPem { what: "certificate", detail: "no -----BEGIN CERTIFICATE----- block".into() });
        };
        if block.tag() != "CERTIFICATE" {
            return Err(KeyError::WrongPemBlock {
                what: "certificate",
                found: block.tag().chars().take(40).collect(),
                expected: "CERTIFICATE",
            });
        }
        let der = block.contents().to_vec();
        let rsa_public_key = {
            let (_, cert) = x509_parser::parse_x509_certificate(&der).map_err(|e| KeyError::BadCertificate { detail: e.to_string() })?;
            let spki = cert.public_key();
            let algorithm = spki.algorithm.algorithm.to_id_string();
            if algorithm != RSA_ENCRYPTION {
                return Err(KeyError::UnsupportedCertificateKey { algorithm });
            }
            spki.subject_public_key.data.to_vec()
        };
        // LF line endings, as openssl writes them and the window's fields keep them.
        let pem = pem::encode_config(block, pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF));
        Ok(Certificate { pem, der, rsa_public_key })
    }

    /// The certificate as PEM, for the profile and for **Save certificate…**.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// `x5t`: base64url of the certificate's SHA-1 thumbprint, as Oracle's
    /// assertion documents define it.
    pub fn x5t(&self) -> String {
        use base64::Engine;
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &self.der);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
    }

    /// The certificate's RSA public key as DER `RSAPublicKey` (PKCS#1), the
    /// form `ring` verifies with.
    pub fn rsa_public_key(&self) -> &[u8] {
        &self.rsa_public_key
    }
}

/// A private key and the certificate of its public key.
#[derive(Debug, Clone)]
pub struct KeyPair {
    pub private_key: PrivateKey,
    pub certificate: Certificate,
}

impl KeyPair {
    /// Imports a private key and its certificate, checking that they belong
    /// together.
    pub fn import(private_key_pem: &str, certificate_pem: &str) -> Result<KeyPair, KeyError> {
        let private_key = PrivateKey::from_pem(private_key_pem)?;
        let certificate = Certificate::from_pem(certificate_pem)?;
        if private_key.public_key_der() != certificate.rsa_public_key() {
            return Err(KeyError::Mismatch);
        }
        Ok(KeyPair { private_key, certificate })
    }

    /// A new 2048-bit RSA key and a self-signed certificate for
    /// `common_name`, valid from now for `days`, to upload in the Oracle
    /// console.
    pub fn generate(common_name: &str, days: u32) -> Result<KeyPair, KeyError> {
        use rsa::pkcs8::{EncodePrivateKey, LineEnding};
        let generate = |e: &dyn fmt::Display| KeyError::Generate { detail: e.to_string() };
        let mut rng = rsa::rand_core::OsRng;
        let key = rsa::RsaPrivateKey::new(&mut rng, 2048).map_err(|e| generate(&e))?;
        let der = key.to_pkcs8_der().map_err(|e| generate(&e))?;
        let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| generate(&e))?;
        let signer = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&der.as_bytes().into(), &rcgen::PKCS_RSA_SHA256)
        .map_err(|e| generate(&e))?;
        let mut params = rcgen::CertificateParams::default();
        params.distinguished_name.push(rcgen::DnType::CommonName, common_name);
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::minutes(5);
        params.not_after = now + time::Duration::days(i64::from(days));
        let certificate = params.self_signed(&signer).map_err(|e| generate(&e))?;
        KeyPair::import(pem.as_str(), &certificate.pem())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// One generated pair per test run (generating RSA keys takes a moment).
    pub(crate) fn test_pair() -> &'static KeyPair {
        static PAIR: OnceLock<KeyPair> = OnceLock::new();
        PAIR.get_or_init(|| KeyPair::generate("oauth-console-unit-test", 1).expect("a key pair"))
    }

    #[test]
    fn a_generated_pair_imports_again_and_its_certificate_is_pem() {
        let pair = test_pair();
        assert!(pair.certificate.pem().starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(pair.private_key.expose_pem().starts_with("-----BEGIN PRIVATE KEY-----"));
        let again = KeyPair::import(pair.private_key.expose_pem(), pair.certificate.pem()).unwrap();
        assert_eq!(again.certificate, pair.certificate);
    }

    #[test]
    fn a_certificate_is_kept_with_lf_line_endings_whatever_it_came_with() {
        let crlf = test_pair().certificate.pem().replace('\n', "\r\n");
        let read = Certificate::from_pem(&crlf).unwrap();
        assert!(!read.pem().contains('\r'), "LF only, as the window's fields and openssl have it");
        assert_eq!(read, test_pair().certificate);
    }

    #[test]
    fn a_pkcs1_rsa_private_key_is_accepted() {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::pkcs8::DecodePrivateKey;
        let pair = test_pair();
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(pair.private_key.expose_pem()).unwrap();
        let pkcs1 = key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).unwrap();
        assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
        KeyPair::import(&pkcs1, pair.certificate.pem()).expect("PKCS#1 is what openssl genrsa writes");
    }

    #[test]
    fn a_key_of_another_certificate_is_a_mismatch() {
        let other = KeyPair::generate("other", 1).unwrap();
        let err = KeyPair::import(other.private_key.expose_pem(), test_pair().certificate.pem()).unwrap_err();
        assert_eq!(err, KeyError::Mismatch);
        assert_eq!(err.code(), "key_certificate_mismatch");
    }

    #[test]
    fn bad_pem_encrypted_keys_and_other_key_types_get_typed_errors() {
        assert!(matches!(PrivateKey::from_pem("not a key"), Err(KeyError::NotPem { .. })));
        let encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assert_eq!(PrivateKey::from_pem(encrypted).unwrap_err(), KeyError::EncryptedKey);
        let ec = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        assert!(matches!(PrivateKey::from_pem(&ec.serialize_pem()), Err(KeyError::UnsupportedKey { .. })), "an EC PKCS#8 key is not RSA");
        let ec_cert = rcgen::CertificateParams::new(vec!["x".into()]).unwrap().self_signed(&ec).unwrap();
        assert!(matches!(Certificate::from_pem(&ec_cert.pem()), Err(KeyError::UnsupportedCertificateKey { .. })));
        let err = Certificate::from_pem(test_pair().private_key.expose_pem()).unwrap_err();
        assert!(matches!(err, KeyError::WrongPemBlock { expected: "CERTIFICATE", .. }), "{err:?}");
        assert!(!err.to_string().contains("MII"), "no key material in the message");
    }

    #[test]
    fn debug_never_shows_the_private_key() {
        let pair = test_pair();
        let shown = format!("{pair:?}");
        assert!(shown.contains("[redacted]"));
        let body_line = pair.private_key.expose_pem().lines().nth(1).unwrap();
        assert!(!shown.contains(body_line));
    }

    #[test]
    fn x5t_is_the_base64url_sha1_thumbprint() {
        let x5t = test_pair().certificate.x5t();
        assert_eq!(x5t.len(), 27, "20 bytes of SHA-1 in unpadded base64url");
        assert!(!x5t.contains(['=', '+', '/']));
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_give_a_key_or_a_typed_error(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = PrivateKey::from_pem(&text);
            let _ = Certificate::from_pem(&text);
        }

        #[test]
        fn any_body_inside_pem_armour_gives_a_typed_error(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400),
            tag in proptest::sample::select(vec!["PRIVATE KEY", "RSA PRIVATE KEY", "CERTIFICATE", "EC PRIVATE KEY", "X"]),
        ) {
            let block = pem::Pem::new(tag, bytes);
            let text = pem::encode(&block);
            proptest::prop_assert!(PrivateKey::from_pem(&text).is_err());
            proptest::prop_assert!(Certificate::from_pem(&text).is_err());
        }
    }
}
