//! Proof Key for Code Exchange (RFC 7636): the challenge sent to
//! `/authorize` and the check of the verifier sent to `/token`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// How the challenge was derived from the verifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Plain,
    S256,
}

/// The `code_challenge` of an authorization request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    method: Method,
    value: String,
}

impl Challenge {
    /// Reads `code_challenge` and `code_challenge_method`. A challenge without
    /// a method is `plain` (RFC 7636 §4.3). The error is the description of an
    /// `invalid_request`.
    pub fn from_request(
        challenge: Option<&str>,
        method: Option<&str>,
    ) -> Result<Option<Challenge>, String> {
        let Some(value) = challenge else {
            return match method {
                Some(_) => Err("code_challenge_method was sent without a code_challenge".into()),
                None => Ok(None),
            };
        };
        let method = match method.unwrap_or("plain") {
            "S256" => Method::S256,
            "plain" => Method::Plain,
            other => {
                return Err(format!(
                    "code_challenge_method '{}' is not supported; use S256 (or plain)",
                    crate::form::printable(other)
                ))
            }
        };
        let well_formed = match method {
            Method::S256 => value.len() == 43 && URL_SAFE_NO_PAD.decode(value).is_ok(),
            Method::Plain => is_verifier_shaped(value),
        };
        if !well_formed {
            return Err(match method {
                Method::S256 => {
                    "code_challenge must be the 43-character base64url SHA-256 of the verifier"
                        .into()
                }
                Method::Plain => {
                    "a plain code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~"
                        .into()
                }
            });
        }
        Ok(Some(Challenge {
            method,
            value: value.to_owned(),
        }))
    }

    /// Whether `verifier` answers this challenge. The error is the
    /// description of an `invalid_grant`.
    pub fn verify(&self, verifier: Option<&str>) -> Result<(), String> {
        let Some(verifier) = verifier else {
            return Err(
                "the authorization request had a code_challenge, so the token request \
                        needs its code_verifier"
                    .into(),
            );
        };
        if !is_verifier_shaped(verifier) {
            return Err("code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~".into());
        }
        let derived = match self.method {
            Method::Plain => verifier.to_owned(),
            Method::S256 => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
        };
        if bool::from(derived.as_bytes().ct_eq(self.value.as_bytes())) {
            Ok(())
        } else {
            Err(match self.method {
                Method::S256 => "the code_verifier does not match the code_challenge: \
                                 BASE64URL(SHA256(code_verifier)) differs"
                    .into(),
                Method::Plain => "the code_verifier does not match the plain code_challenge".into(),
            })
        }
    }
}

fn is_verifier_shaped(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example of RFC 7636 Appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    #[test]
    fn the_rfc_7636_example_verifies_with_s256() {
        let challenge = Challenge::from_request(Some(CHALLENGE), Some("S256"))
            .unwrap()
            .unwrap();
        assert_eq!(challenge.verify(Some(VERIFIER)), Ok(()));
        assert!(challenge.verify(Some(&VERIFIER.replace('d', "e"))).is_err());
        assert!(challenge.verify(None).is_err());
    }

    #[test]
    fn a_challenge_without_a_method_is_plain() {
        let challenge = Challenge::from_request(Some(VERIFIER), None)
            .unwrap()
            .unwrap();
        assert_eq!(challenge.method, Method::Plain);
        assert_eq!(challenge.verify(Some(VERIFIER)), Ok(()));
        assert!(challenge.verify(Some(CHALLENGE)).is_err());
    }

    #[test]
    fn unknown_methods_and_misshapen_challenges_are_refused() {
        assert!(Challenge::from_request(Some(CHALLENGE), Some("S512")).is_err());
        assert!(Challenge::from_request(Some("short"), Some("S256")).is_err());
        assert!(Challenge::from_request(Some("short"), None).is_err());
        assert!(Challenge::from_request(None, Some("S256")).is_err());
        assert_eq!(Challenge::from_request(None, None), Ok(None));
    }
}
