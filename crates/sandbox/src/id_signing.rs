//! The keys the sandbox signs ID tokens with (ES256, as a JWKS at
//! `/admin/v1/SigningCert/jwk`, where OCI IAM publishes its keys), and the
//! faults a test can ask for (`POST /sandbox/v1/id-token-fault`), so a
//! client's checks of ID tokens can be seen to refuse what they must: a
//! signature by a key not published, a nonce or audience other than the
//! one expected; and a key rotation (the next token is signed by a new key
//! that the JWKS lists from then on).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};
use std::sync::Mutex;

/// What the next ID tokens get wrong on purpose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Fault {
    #[default]
    None,
    /// Signed by a key that the JWKS does not list.
    WrongKey,
    /// A nonce other than the one sent.
    WrongNonce,
    /// An audience other than the client.
    WrongAudience,
}

impl Fault {
    pub fn parse(mode: &str) -> Option<Fault> {
        Some(match mode {
            "none" => Fault::None,
            "wrong_key" => Fault::WrongKey,
            "wrong_nonce" => Fault::WrongNonce,
            "wrong_audience" => Fault::WrongAudience,
            _ => return None,
        })
    }
}

struct Key {
    kid: String,
    pair: EcdsaKeyPair,
}

impl Key {
    fn generate(kid: String) -> Result<Key, String> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).map_err(|e| e.to_string())?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).map_err(|e| e.to_string())?;
        Ok(Key { kid, pair })
    }

    fn jwk(&self) -> Value {
        let point = self.pair.public_key().as_ref();
        json!({
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": self.kid,
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        })
    }

    fn sign(&self, claims: &Value) -> Result<String, String> {
        let header = json!({"alg": "ES256", "typ": "JWT", "kid": self.kid});
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.pair.sign(&SystemRandom::new(), signed.as_bytes()).map_err(|e| e.to_string())?;
        Ok(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref())))
    }
}

struct Keys {
    /// Published, the last one signs.
    published: Vec<Key>,
    fault: Fault,
    generation: u32,
}

pub struct IdSigner {
    keys: Mutex<Keys>,
}

impl IdSigner {
    pub fn new() -> Result<IdSigner, String> {
        Ok(IdSigner {
            keys: Mutex::new(Keys { published: vec![Key::generate("sandbox-id-1".into())?], fault: Fault::None, generation: 1 }),
        })
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, Keys> {
        self.keys.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_fault(&self, fault: Fault) {
        self.keys().fault = fault;
    }

    /// A new signing key, published beside the old one.
    pub fn rotate(&self) -> Result<(), String> {
        let mut keys = self.keys();
        keys.generation += 1;
        let key = Key::generate(format!("sandbox-id-{}", keys.generation))?;
        keys.published.push(key);
        Ok(())
    }

    /// The published keys, as a JWKS.
    pub fn jwks(&self) -> Value {
        json!({"keys": self.keys().published.iter().map(Key::jwk).collect::<Vec<_>>()})
    }

    /// Signs `claims` (with the fault asked for applied).
    pub fn sign(&self, mut claims: Value) -> Result<String, String> {
        let keys = self.keys();
        match keys.fault {
            Fault::WrongNonce => claims["nonce"] = "not-the-nonce-you-sent".into(),
            Fault::WrongAudience => claims["aud"] = "another-client".into(),
            _ => {}
        }
        let signer = keys.published.last().expect("one key at least");
        if keys.fault == Fault::WrongKey {
            // The same kid, another key: the published key does not match.
            return Key::generate(signer.kid.clone())?.sign(&claims);
        }
        signer.sign(&claims)
    }
}
