//! Signed JWT assertions (RFC 7523) as an OCI IAM identity domain reads
//! them, for the JWT Assertion grant (a *user assertion*) and for
//! `private_key_jwt` client authentication (a *client assertion*).
//!
//! What Oracle requires ("Client/User JWT Assertion", OCI IAM identity
//! domains REST API guide):
//!
//! - header: `alg` = `RS256` (the only algorithm accepted), `typ` = `JWT`,
//!   and either `kid`, which must equal the *certificate alias* given when
//!   the certificate was uploaded to the application, or `x5t`, the
//!   base64url SHA-1 thumbprint of that certificate;
//! - user assertion claims: `sub` = the user name, `iss` = the client ID,
//!   `aud` = `https://identity.oraclecloud.com/`, `iat`, `exp`, `jti`;
//! - client assertion claims: `sub` = `iss` = the client ID, the same `aud`,
//!   `iat`, `exp`, `jti`.
//!
//! The signature is made by [`crate::keys::PrivateKey`] (ring); this module
//! only lays out the JSON and the JWS compact form. The clock is passed in.

use crate::error::{Error, Result};
use crate::jwt::DecodedJwt;
use crate::keys::{Certificate, PrivateKey};
use crate::secret::Secret;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};

/// The audience every OCI IAM identity domain accepts in an assertion.
pub const ORACLE_AUDIENCE: &str = "https://identity.oraclecloud.com/";

/// Lifetime of an assertion when the profile does not say (5 minutes).
pub const DEFAULT_LIFETIME_SECS: u64 = 300;

/// How the header names the certificate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyIdKind {
    /// `kid` = the certificate alias (the Key ID field).
    #[default]
    Alias,
    /// `x5t` = the certificate's SHA-1 thumbprint.
    X5t,
}

/// What the window sends to sign assertions: the key (from the keychain),
/// the certificate and alias (from the profile) and the editable claims.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Signing {
    /// The private key PEM ("Private Key").
    pub private_key: Secret,
    /// The certificate PEM uploaded to the application ("Certificate").
    pub certificate: String,
    /// The certificate alias ("Key ID").
    #[serde(default)]
    pub key_id: String,
    #[serde(default)]
    pub key_id_kind: KeyIdKind,
    /// "Assertion Audience"; empty means [`ORACLE_AUDIENCE`].
    #[serde(default)]
    pub audience: String,
    /// Seconds until `exp`; 0 means [`DEFAULT_LIFETIME_SECS`].
    #[serde(default)]
    pub lifetime_secs: u64,
}

/// A signed assertion and what it says, for display before it is sent.
#[derive(Debug, Clone)]
pub struct SignedAssertion {
    pub jwt: Secret,
    pub decoded: DecodedJwt,
}

impl Signing {
    /// The header and claims of an assertion for `subject`, issued by
    /// `client_id` at `now`.
    pub fn layout(&self, client_id: &str, subject: &str, now: SystemTime) -> Result<DecodedJwt> {
        let certificate = Certificate::from_pem(&self.certificate).map_err(Error::Key)?;
        let mut header = json!({"alg": "RS256", "typ": "JWT"});
        match self.key_id_kind {
            KeyIdKind::Alias => {
                let alias = self.key_id.trim();
                if alias.is_empty() {
                    return Err(Error::MissingField { field: "Key ID" });
                }
                header["kid"] = alias.into();
            }
            KeyIdKind::X5t => header["x5t"] = certificate.x5t().into(),
        }
        let issued = now.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let lifetime = if self.lifetime_secs == 0 { DEFAULT_LIFETIME_SECS } else { self.lifetime_secs };
        let audience = match self.audience.trim() {
            "" => ORACLE_AUDIENCE,
            typed => typed,
        };
        let claims = json!({
            "sub": subject,
            "iss": client_id,
            "aud": audience,
            "iat": issued,
            "exp": issued.saturating_add(lifetime),
            "jti": random_jti()?,
        });
        Ok(DecodedJwt { header, claims })
    }

    /// Signs `layout` with the private key, after checking that the key
    /// belongs to the certificate.
    pub fn sign(&self, layout: DecodedJwt) -> Result<SignedAssertion> {
        let pair = crate::keys::KeyPair::import(self.private_key.expose(), &self.certificate).map_err(Error::Key)?;
        let jwt = sign_jws(&pair.private_key, &layout.header, &layout.claims)?;
        Ok(SignedAssertion { jwt, decoded: layout })
    }

    /// A user assertion (JWT Assertion grant): `sub` = the user name.
    pub fn user_assertion(&self, client_id: &str, username: &str, now: SystemTime) -> Result<SignedAssertion> {
        let username = username.trim();
        if username.is_empty() {
            return Err(Error::MissingField { field: "Username" });
        }
        self.sign(self.layout(client_id.trim(), username, now)?)
    }

    /// A client assertion (`private_key_jwt`): `sub` = `iss` = the client ID.
    pub fn client_assertion(&self, client_id: &str, now: SystemTime) -> Result<SignedAssertion> {
        let client_id = client_id.trim();
        self.sign(self.layout(client_id, client_id, now)?)
    }
}

fn sign_jws(key: &PrivateKey, header: &Value, claims: &Value) -> Result<Secret> {
    let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
    let signing_input = format!("{}.{}", encode(header), encode(claims));
    let signature = key.sign_rs256(signing_input.as_bytes()).map_err(Error::Key)?;
    Ok(Secret::new(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))))
}

fn random_jti() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("the random source failed: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::tests::test_pair;
    use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
    use std::time::Duration;

    fn signing(kind: KeyIdKind) -> Signing {
        let pair = test_pair();
        Signing {
            private_key: Secret::new(pair.private_key.expose_pem()),
            certificate: pair.certificate.pem().to_owned(),
            key_id: "my-alias".into(),
            key_id_kind: kind,
            audience: String::new(),
            lifetime_secs: 0,
        }
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn a_user_assertion_has_the_claims_oracle_requires() {
        let signed = signing(KeyIdKind::Alias).user_assertion(" my-client ", " jane.doe ", at(1_700_000_000)).unwrap();
        let DecodedJwt { header, claims } = &signed.decoded;
        assert_eq!(header, &json!({"alg": "RS256", "typ": "JWT", "kid": "my-alias"}));
        assert_eq!(claims["sub"], "jane.doe");
        assert_eq!(claims["iss"], "my-client");
        assert_eq!(claims["aud"], ORACLE_AUDIENCE);
        assert_eq!(claims["iat"], 1_700_000_000u64);
        assert_eq!(claims["exp"], 1_700_000_300u64, "five minutes by default");
        assert_eq!(claims["jti"].as_str().unwrap().len(), 22);
        assert_eq!(crate::jwt::decode(signed.jwt.expose()).as_ref(), Some(&signed.decoded), "what is shown is what is sent");
    }

    #[test]
    fn the_signature_verifies_with_the_certificate_key() {
        let signed = signing(KeyIdKind::Alias).client_assertion("my-client", at(1_700_000_000)).unwrap();
        let jwt = signed.jwt.expose();
        let (input, signature) = jwt.rsplit_once('.').unwrap();
        let key = UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, test_pair().certificate.rsa_public_key());
        key.verify(input.as_bytes(), &URL_SAFE_NO_PAD.decode(signature).unwrap()).expect("RS256 verifies");
        assert_eq!(signed.decoded.claims["sub"], "my-client");
        assert_eq!(signed.decoded.claims["iss"], "my-client");
    }

    #[test]
    fn audience_lifetime_and_x5t_follow_the_settings() {
        let mut s = signing(KeyIdKind::X5t);
        s.audience = "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token".into();
        s.lifetime_secs = 60;
        s.key_id = String::new();
        let layout = s.layout("c", "u", at(10)).unwrap();
        assert_eq!(layout.header["x5t"], test_pair().certificate.x5t());
        assert!(layout.header.get("kid").is_none(), "x5t or kid, not both");
        assert_eq!(layout.claims["aud"], "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token");
        assert_eq!(layout.claims["exp"], 70);
    }

    #[test]
    fn each_assertion_gets_its_own_jti() {
        let s = signing(KeyIdKind::Alias);
        let a = s.layout("c", "u", at(10)).unwrap();
        let b = s.layout("c", "u", at(10)).unwrap();
        assert_ne!(a.claims["jti"], b.claims["jti"]);
    }

    #[test]
    fn an_empty_alias_or_username_is_reported_before_signing() {
        let mut s = signing(KeyIdKind::Alias);
        s.key_id = " ".into();
        assert!(matches!(s.layout("c", "u", at(10)), Err(Error::MissingField { field: "Key ID" })));
        let s = signing(KeyIdKind::Alias);
        assert!(matches!(s.user_assertion("c", "  ", at(10)), Err(Error::MissingField { field: "Username" })));
    }

    #[test]
    fn debug_of_a_signed_assertion_hides_the_jwt() {
        let signed = signing(KeyIdKind::Alias).client_assertion("c", at(10)).unwrap();
        assert!(!format!("{signed:?}").contains(signed.jwt.expose()));
    }
}
