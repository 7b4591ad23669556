//! Verified ID tokens: the signature against the identity domain's JWKS
//! (RS256 and ES256, the key chosen by `kid`, the JWKS fetched once and
//! fetched again once when a `kid` is unknown), then `iss`, `aud` (must hold
//! the Client ID), `exp` and `iat` (with a small clock skew) and `nonce`
//! (must equal the one sent). The JWS layer is read here; the signatures are
//! checked by `ring`.
//!
//! OCI IAM publishes its signing keys at `<domain>/admin/v1/SigningCert/jwk`
//! and names the issuer `https://identity.oraclecloud.com/`.

use crate::discovery::OCI_IAM_ISSUER;
use crate::error::{Error, Result};
use crate::http::{self, HttpClient};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use url::Url;

/// Clock skew allowed on `exp` and `iat`, in seconds.
pub const SKEW_SECS: u64 = 120;

/// A JSON Web Key Set (RFC 7517), the keys this module can use.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct Jwks {
    #[serde(default)]
    pub keys: Vec<Jwk>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct Jwk {
    #[serde(default)]
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
    /// RSA modulus and exponent.
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
    /// EC curve and point.
    #[serde(default)]
    pub crv: Option<String>,
    #[serde(default)]
    pub x: Option<String>,
    #[serde(default)]
    pub y: Option<String>,
}

/// What an ID token must say.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    pub issuer: String,
    /// The Client ID: `aud` must hold it (an ID token); `None` for an
    /// access token, whose audience is the resource.
    pub audience: Option<String>,
    /// The nonce sent with the sign-in.
    pub nonce: Option<String>,
    /// Seconds since the epoch.
    pub now: u64,
}

/// Why an ID token was refused, in words for the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Malformed(&'static str),
    Algorithm(String),
    UnknownKey(Option<String>),
    Signature(String),
    Issuer { found: String, expected: String },
    Audience { found: String, client_id: String },
    Expired { exp: u64, now: u64 },
    IssuedInFuture { iat: u64, now: u64 },
    Nonce { missing: bool },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Malformed(what) => write!(f, "it is not a well-formed JWT ({what})"),
            Refusal::Algorithm(alg) => write!(f, "it is signed with {alg}, not RS256 or ES256"),
            Refusal::UnknownKey(Some(kid)) => write!(f, "no key {kid} in the identity domain's JWKS, even after fetching it again"),
            Refusal::UnknownKey(None) => write!(f, "it names no key (kid) and the JWKS has no single key of its kind"),
            Refusal::Signature(kid) => write!(f, "its signature does not match key {kid}"),
            Refusal::Issuer { found, expected } => write!(f, "its issuer is {found}, not {expected}"),
            Refusal::Audience { found, client_id } => write!(f, "its audience is {found}, which does not include the Client ID {client_id}"),
            Refusal::Expired { exp, now } => write!(f, "it expired at {exp} (now {now}, {SKEW_SECS} s of clock skew allowed)"),
            Refusal::IssuedInFuture { iat, now } => write!(f, "it was issued in the future, at {iat} (now {now})"),
            Refusal::Nonce { missing: true } => write!(f, "it has no nonce although one was sent with this sign-in"),
            Refusal::Nonce { missing: false } => write!(f, "its nonce differs from the one sent with this sign-in (a replayed or injected ID token)"),
        }
    }
}

/// A verified ID token: the key that signed it and its claims.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub kid: String,
    pub alg: String,
    pub claims: Map<String, Value>,
}

fn part(token: &str) -> std::result::Result<(Map<String, Value>, Map<String, Value>, Vec<u8>, &str), Refusal> {
    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(Refusal::Malformed("three dot-separated parts"));
    };
    let object = |text: &str, what: &'static str| -> std::result::Result<Map<String, Value>, Refusal> {
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| Refusal::Malformed(what))?;
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(Refusal::Malformed(what)),
        }
    };
    let header = object(h, "its header is not base64url JSON")?;
    let claims = object(c, "its claims are not base64url JSON")?;
    let signature = URL_SAFE_NO_PAD.decode(s).map_err(|_| Refusal::Malformed("its signature is not base64url"))?;
    Ok((header, claims, signature, &token[..h.len() + 1 + c.len()]))
}

/// The key of `jwks` that `kid` (and `alg`) name; `None` if there is none.
fn key_for<'a>(jwks: &'a Jwks, kid: Option<&str>, alg: &str) -> Option<&'a Jwk> {
    let kty = if alg == "RS256" { "RSA" } else { "EC" };
    let usable = |k: &&Jwk| k.kty == kty && k.use_.as_deref().is_none_or(|u| u == "sig");
    match kid {
        Some(kid) => jwks.keys.iter().filter(usable).find(|k| k.kid.as_deref() == Some(kid)),
        // Without a kid: only when exactly one key could have signed it.
        None => {
            let mut candidates = jwks.keys.iter().filter(usable);
            let first = candidates.next();
            if candidates.next().is_some() {
                None
            } else {
                first
            }
        }
    }
}

fn check_signature(key: &Jwk, alg: &str, signed: &str, signature: &[u8]) -> bool {
    use ring::signature;
    let decode = |v: &Option<String>| v.as_deref().and_then(|v| URL_SAFE_NO_PAD.decode(v).ok());
    match alg {
        "RS256" => {
            let (Some(n), Some(e)) = (decode(&key.n), decode(&key.e)) else { return false };
            signature::RsaPublicKeyComponents { n: &n, e: &e }
                .verify(&signature::RSA_PKCS1_2048_8192_SHA256, signed.as_bytes(), signature)
                .is_ok()
        }
        "ES256" => {
            let (Some(x), Some(y)) = (decode(&key.x), decode(&key.y)) else { return false };
            if key.crv.as_deref() != Some("P-256") || x.len() != 32 || y.len() != 32 {
                return false;
            }
            let mut point = vec![4u8];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(signed.as_bytes(), signature)
                .is_ok()
        }
        _ => false,
    }
}

/// Verifies `token` against `jwks` and `expect` (see the module).
pub fn verify(token: &str, jwks: &Jwks, expect: &Expect) -> std::result::Result<Verified, Refusal> {
    let (header, claims, signature, signed) = part(token.trim())?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("none").to_owned();
    if alg != "RS256" && alg != "ES256" {
        return Err(Refusal::Algorithm(alg));
    }
    let kid = header.get("kid").and_then(Value::as_str);
    let key = key_for(jwks, kid, &alg).ok_or_else(|| Refusal::UnknownKey(kid.map(str::to_owned)))?;
    let kid = key.kid.clone().unwrap_or_else(|| "(no kid)".into());
    if !check_signature(key, &alg, signed, &signature) {
        return Err(Refusal::Signature(kid));
    }
    let issuer = claims.get("iss").and_then(Value::as_str).unwrap_or_default();
    if issuer.trim_end_matches('/') != expect.issuer.trim_end_matches('/') {
        return Err(Refusal::Issuer { found: issuer.to_owned(), expected: expect.issuer.clone() });
    }
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if let Some(client_id) = &expect.audience {
        if !audiences.contains(&client_id.as_str()) {
            return Err(Refusal::Audience { found: audiences.join(", "), client_id: client_id.clone() });
        }
    }
    let number = |key: &str| claims.get(key).and_then(Value::as_u64);
    let exp = number("exp").ok_or(Refusal::Malformed("it has no exp"))?;
    if expect.now > exp.saturating_add(SKEW_SECS) {
        return Err(Refusal::Expired { exp, now: expect.now });
    }
    if let Some(iat) = number("iat") {
        if iat > expect.now.saturating_add(SKEW_SECS) {
            return Err(Refusal::IssuedInFuture { iat, now: expect.now });
        }
    }
    if let Some(sent) = &expect.nonce {
        match claims.get("nonce").and_then(Value::as_str) {
            Some(returned) if returned == sent => {}
            Some(_) => return Err(Refusal::Nonce { missing: false }),
            None => return Err(Refusal::Nonce { missing: true }),
        }
    }
    Ok(Verified { kid, alg, claims })
}

/// The JWKS URL: the one typed, else OCI IAM's `/admin/v1/SigningCert/jwk`
/// beside the token endpoint.
pub fn jwks_url(typed: &str, token_url: &str) -> Option<String> {
    if !typed.trim().is_empty() {
        return Some(typed.trim().to_owned());
    }
    token_url
        .trim()
        .strip_suffix("/oauth2/v1/token")
        .map(|domain| format!("{domain}/admin/v1/SigningCert/jwk"))
}

/// The issuer an ID token from the domain of `token_url` must name: Oracle's
/// one issuer for OCI IAM hosts, else the token URL's origin.
pub fn expected_issuer(token_url: &str) -> String {
    let Ok(url) = Url::parse(token_url.trim()) else { return String::new() };
    if crate::discovery::is_oci_iam_domain(&url) {
        OCI_IAM_ISSUER.to_owned()
    } else {
        url.origin().ascii_serialization()
    }
}

/// JWKS by URL, fetched on first use and fetched again once when a token
/// names a key they do not have (the domain rotated its keys).
#[derive(Debug, Default)]
pub struct JwksCache {
    sets: Mutex<HashMap<String, Jwks>>,
}

impl JwksCache {
    /// Verifies `token` with the JWKS at `url`. `Err` is a transport or
    /// JWKS error (the token could not be checked); `Ok(Err)` a refusal.
    pub async fn verify(
        &self,
        http: &HttpClient,
        url: &str,
        token: &str,
        expect: &Expect,
    ) -> Result<std::result::Result<Verified, Refusal>> {
        let cached = self.sets.lock().unwrap_or_else(|p| p.into_inner()).get(url).cloned();
        let fresh = cached.is_none();
        let jwks = match cached {
            Some(jwks) => jwks,
            None => self.fetch(http, url).await?,
        };
        match verify(token, &jwks, expect) {
            Err(Refusal::UnknownKey(_)) if !fresh => {
                let jwks = self.fetch(http, url).await?;
                Ok(verify(token, &jwks, expect))
            }
            outcome => Ok(outcome),
        }
    }

    async fn fetch(&self, http: &HttpClient, url: &str) -> Result<Jwks> {
        let jwks = fetch_jwks(http, url).await?;
        self.sets.lock().unwrap_or_else(|p| p.into_inner()).insert(url.to_owned(), jwks.clone());
        Ok(jwks)
    }
}

/// The app's one JWKS cache.
fn cache() -> &'static JwksCache {
    static CACHE: std::sync::OnceLock<JwksCache> = std::sync::OnceLock::new();
    CACHE.get_or_init(JwksCache::default)
}

/// After a sign-in (authorization code or implicit): checks the ID token of
/// `token`, if any, against the identity domain's JWKS (beside the token
/// endpoint of `client`) and the `nonce` sent. A refused ID token fails the
/// sign-in; one that could not be checked (no JWKS) is kept with the reason,
/// and the nonce is still compared ([`nonce_warning`]).
pub async fn check_sign_in(
    http: &HttpClient,
    token: &mut crate::token::Token,
    client: &crate::grants::exchange::Client,
    nonce: &str,
    now: std::time::SystemTime,
) -> Result<()> {
    let Some(id_token) = token.id_token.clone() else { return Ok(()) };
    let unchecked = |token: &mut crate::token::Token, why: String| {
        token.id_token_check = Some(format!("Not verified: {why}"));
        if let Some(warning) = nonce_warning(id_token.expose(), nonce) {
            token.warnings.push(warning);
        }
    };
    let Some(url) = jwks_url("", &client.token_url) else {
        unchecked(token, "no JWKS URL is known for this server (OCI IAM's is <domain>/admin/v1/SigningCert/jwk)".into());
        return Ok(());
    };
    let expect = Expect {
        issuer: expected_issuer(&client.token_url),
        audience: Some(client.client_id.trim().to_owned()),
        nonce: Some(nonce.to_owned()),
        now: now.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
    };
    match cache().verify(http, &url, id_token.expose(), &expect).await {
        Ok(Ok(verified)) => {
            token.id_token_check = Some(format!(
                "Signature verified with key {} ({}); issuer, audience, expiry and nonce checked.",
                verified.kid, verified.alg
            ));
            Ok(())
        }
        Ok(Err(refusal)) => Err(Error::IdTokenRefused { reason: refusal.to_string() }),
        Err(error) => {
            unchecked(token, error.to_string());
            Ok(())
        }
    }
}

/// Verify signature, on demand, of an access token that is a JWT (OCI IAM
/// signs them with the same keys as ID tokens): the signature against the
/// JWKS beside `token_url` (or `jwks_typed`), `iss` and `exp`; its `aud` is
/// the resource, not the client, so it is not compared. Says what was
/// checked, or why the token was refused.
pub async fn verify_access_token(
    http: &HttpClient,
    token_url: &str,
    jwks_typed: &str,
    access_token: &str,
    now: std::time::SystemTime,
) -> Result<String> {
    let url = jwks_url(jwks_typed, token_url).ok_or_else(|| Error::JwksUnavailable {
        url: token_url.to_owned(),
        reason: "no JWKS URL is known for this server (OCI IAM publishes its keys at <domain>/admin/v1/SigningCert/jwk, beside <domain>/oauth2/v1/token)".into(),
    })?;
    let expect = Expect {
        issuer: expected_issuer(token_url),
        audience: None,
        nonce: None,
        now: now.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
    };
    match cache().verify(http, &url, access_token, &expect).await? {
        Ok(verified) => Ok(format!(
            "Signature verified with key {} ({}); issuer and expiry checked.",
            verified.kid, verified.alg
        )),
        Err(refusal) => Err(Error::TokenSignatureRefused { reason: refusal.to_string() }),
    }
}

/// An ID token that could not be verified must still carry the nonce of its
/// sign-in (OpenID Connect Core §3.1.3.7); says so when it does not.
pub fn nonce_warning(id_token: &str, nonce: &str) -> Option<String> {
    let payload = id_token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    match claims.get("nonce").and_then(Value::as_str) {
        Some(returned) if returned == nonce => None,
        Some(_) => Some("The ID token's nonce differs from the one sent with this sign-in: do not trust this ID token.".into()),
        None => Some("The ID token has no nonce although one was sent with this sign-in.".into()),
    }
}

/// Fetches a JWKS (at most 1 MB).
pub async fn fetch_jwks(client: &HttpClient, url: &str) -> Result<Jwks> {
    let parsed = http::endpoint_url("JWKS URL", url)?;
    let refuse = |reason: String| Error::JwksUnavailable { url: url.to_owned(), reason };
    let body = http::get_document(client, &parsed, 1024 * 1024).await?.map_err(refuse)?;
    serde_json::from_slice(&body).map_err(|_| refuse("its answer is not a JSON Web Key Set".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
    use serde_json::json;

    /// A P-256 key pair made for the test, and its JWK.
    fn es256_key(kid: &str) -> (EcdsaKeyPair, Jwk) {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
        let point = pair.public_key().as_ref();
        let jwk = Jwk {
            kty: "EC".into(),
            kid: Some(kid.into()),
            crv: Some("P-256".into()),
            x: Some(URL_SAFE_NO_PAD.encode(&point[1..33])),
            y: Some(URL_SAFE_NO_PAD.encode(&point[33..65])),
            ..Jwk::default()
        };
        (pair, jwk)
    }

    fn sign_es256(pair: &EcdsaKeyPair, kid: &str, claims: &Value) -> String {
        let header = json!({"alg": "ES256", "typ": "JWT", "kid": kid});
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = pair.sign(&SystemRandom::new(), signed.as_bytes()).unwrap();
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
    }

    fn rs256(kid: &str, claims: &Value) -> (String, Jwk) {
        use rsa::pkcs8::EncodePrivateKey;
        use rsa::traits::PublicKeyParts;
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let der = key.to_pkcs8_der().unwrap();
        let pair = ring::signature::RsaKeyPair::from_pkcs8(der.as_bytes()).unwrap();
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0u8; pair.public().modulus_len()];
        pair.sign(&ring::signature::RSA_PKCS1_SHA256, &SystemRandom::new(), signed.as_bytes(), &mut signature).unwrap();
        let jwk = Jwk {
            kty: "RSA".into(),
            kid: Some(kid.into()),
            n: Some(URL_SAFE_NO_PAD.encode(key.n().to_bytes_be())),
            e: Some(URL_SAFE_NO_PAD.encode(key.e().to_bytes_be())),
            ..Jwk::default()
        };
        (format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature)), jwk)
    }

    fn claims() -> Value {
        json!({"iss": "https://identity.oraclecloud.com/", "aud": ["client-1"], "sub": "u", "iat": 1000, "exp": 4600, "nonce": "n-1"})
    }

    fn expect() -> Expect {
        Expect { issuer: OCI_IAM_ISSUER.into(), audience: Some("client-1".into()), nonce: Some("n-1".into()), now: 2000 }
    }

    #[test]
    fn an_es256_id_token_with_every_claim_right_is_verified_with_its_key() {
        let (pair, jwk) = es256_key("k1");
        let (_, other) = es256_key("k0");
        let token = sign_es256(&pair, "k1", &claims());
        let verified = verify(&token, &Jwks { keys: vec![other, jwk] }, &expect()).unwrap();
        assert_eq!((verified.kid.as_str(), verified.alg.as_str()), ("k1", "ES256"));
    }

    #[test]
    fn an_rs256_id_token_is_verified_and_a_changed_claim_breaks_it() {
        let (token, jwk) = rs256("rsa-1", &claims());
        let jwks = Jwks { keys: vec![jwk] };
        assert_eq!(verify(&token, &jwks, &expect()).unwrap().alg, "RS256");
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut forged = claims();
        forged["sub"] = "admin".into();
        parts[1] = URL_SAFE_NO_PAD.encode(forged.to_string());
        assert_eq!(verify(&parts.join("."), &jwks, &expect()), Err(Refusal::Signature("rsa-1".into())));
    }

    #[test]
    fn each_wrong_claim_is_refused_with_what_was_wrong() {
        let (pair, jwk) = es256_key("k1");
        let jwks = Jwks { keys: vec![jwk] };
        let with = |key: &str, value: Value| {
            let mut c = claims();
            c[key] = value;
            verify(&sign_es256(&pair, "k1", &c), &jwks, &expect()).unwrap_err()
        };
        assert!(matches!(with("iss", "https://evil.example".into()), Refusal::Issuer { .. }));
        assert!(matches!(with("aud", "another-client".into()), Refusal::Audience { .. }));
        assert!(matches!(with("exp", 1000.into()), Refusal::Expired { .. }));
        assert!(matches!(with("iat", 9999.into()), Refusal::IssuedInFuture { .. }));
        assert_eq!(with("nonce", "n-2".into()), Refusal::Nonce { missing: false });
        let mut no_nonce = claims();
        no_nonce.as_object_mut().unwrap().remove("nonce");
        assert_eq!(verify(&sign_es256(&pair, "k1", &no_nonce), &jwks, &expect()).unwrap_err(), Refusal::Nonce { missing: true });
        // Within the clock skew, an expiry just passed is accepted.
        assert!(verify(&sign_es256(&pair, "k1", &claims()), &jwks, &Expect { now: 4600 + SKEW_SECS, ..expect() }).is_ok());
    }

    #[test]
    fn another_key_an_unknown_kid_and_alg_none_are_refused() {
        let (pair, _) = es256_key("k1");
        let (_, stranger) = es256_key("k1");
        let token = sign_es256(&pair, "k1", &claims());
        assert_eq!(verify(&token, &Jwks { keys: vec![stranger] }, &expect()), Err(Refusal::Signature("k1".into())));
        assert_eq!(verify(&token, &Jwks::default(), &expect()), Err(Refusal::UnknownKey(Some("k1".into()))));
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#), URL_SAFE_NO_PAD.encode(claims().to_string()));
        assert_eq!(verify(&none, &Jwks::default(), &expect()), Err(Refusal::Algorithm("none".into())));
    }

    #[test]
    fn an_access_token_is_checked_without_its_audience() {
        let (pair, jwk) = es256_key("k1");
        let mut c = claims();
        c["aud"] = "https://oic.example:443".into();
        c.as_object_mut().unwrap().remove("nonce");
        let access = Expect { audience: None, nonce: None, ..expect() };
        assert!(verify(&sign_es256(&pair, "k1", &c), &Jwks { keys: vec![jwk] }, &access).is_ok());
    }

    #[test]
    fn the_jwks_url_and_the_issuer_follow_oci_iam_or_the_server() {
        assert_eq!(
            jwks_url("", "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token").as_deref(),
            Some("https://idcs-x.identity.oraclecloud.com/admin/v1/SigningCert/jwk")
        );
        assert_eq!(jwks_url("", "https://login.example/o/token/"), None);
        assert_eq!(expected_issuer("https://idcs-x.identity.oraclecloud.com/oauth2/v1/token"), OCI_IAM_ISSUER);
        assert_eq!(expected_issuer("http://127.0.0.1:4000/oauth2/v1/token"), "http://127.0.0.1:4000");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_text_is_refused_without_a_panic(token in "[A-Za-z0-9_.=-]{0,120}") {
                prop_assert!(verify(&token, &Jwks::default(), &expect()).is_err());
            }

            #[test]
            fn changing_any_byte_of_a_signed_token_makes_it_fail(index in 0usize..400, byte in any::<u8>()) {
                let (pair, jwk) = es256_key("k1");
                let token = sign_es256(&pair, "k1", &claims());
                let mut bytes = token.clone().into_bytes();
                let i = index % bytes.len();
                prop_assume!(bytes[i] != byte);
                bytes[i] = byte;
                let changed = String::from_utf8_lossy(&bytes).into_owned();
                // base64url has a few equivalent trailing encodings; a change
                // that still decodes to the same bytes is the same token.
                prop_assume!(changed.split('.').map(|p| URL_SAFE_NO_PAD.decode(p).ok()).collect::<Vec<_>>()
                    != token.split('.').map(|p| URL_SAFE_NO_PAD.decode(p).ok()).collect::<Vec<_>>());
                let jwks = Jwks { keys: vec![jwk] };
                prop_assert!(verify(&changed, &jwks, &expect()).is_err());
            }
        }
    }
}
