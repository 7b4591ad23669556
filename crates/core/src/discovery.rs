//! Discover: an identity domain's endpoints from its OpenID Connect discovery
//! document (`/.well-known/openid-configuration`), and, where the server has
//! it, Oracle's `/.well-known/idcs-configuration` (for the secure token
//! endpoint of TLS client authentication).
//!
//! A document is refused when it is not JSON, has no `issuer`, or names an
//! issuer other than the URL it came from. One exception, documented by
//! Oracle: every OCI IAM identity domain (`https://idcs-….identity.oraclecloud.com`)
//! names the same issuer, `https://identity.oraclecloud.com/`, which is
//! accepted for those hosts only. Every endpoint must be https (or http to
//! this computer), like a URL the user types.

use crate::error::{Error, Result};
use crate::http::{self, HttpClient};
use serde::Serialize;
use serde_json::Value;
use url::Url;

/// The issuer every OCI IAM identity domain names in its discovery document.
pub const OCI_IAM_ISSUER: &str = "https://identity.oraclecloud.com/";

/// The most a discovery document may weigh.
const DOCUMENT_CAP: u64 = 1024 * 1024;

/// What a discovery document says, as the window shows and uses it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Discovered {
    /// The URL the document came from.
    pub source: String,
    pub issuer: String,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub device_authorization_endpoint: Option<String>,
    pub introspection_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    /// From `idcs-configuration`: the token endpoint that asks for a client
    /// certificate (TLS client authentication).
    pub secure_token_endpoint: Option<String>,
    pub grant_types_supported: Vec<String>,
    pub token_endpoint_auth_methods_supported: Vec<String>,
    pub scopes_supported: Vec<String>,
}

/// The discovery document's URL for what the user typed: an identity domain
/// URL (`https://idcs-….identity.oraclecloud.com`), any URL on it (the
/// Access Token URL: its origin is used), or the document's own URL.
pub fn document_url(input: &str) -> Result<Url> {
    let url = http::endpoint_url("Discovery URL", input)?;
    if url.path().ends_with("/.well-known/openid-configuration") {
        return Ok(url);
    }
    let mut document = url.clone();
    document.set_query(None);
    document.set_fragment(None);
    document.set_path("/.well-known/openid-configuration");
    Ok(document)
}

/// Reads a discovery document that came from `from` (see the module for
/// what is refused).
pub fn parse(body: &[u8], from: &Url) -> Result<Discovered> {
    let refuse = |reason: String| Error::DiscoveryRefused {
        url: from.to_string(),
        reason,
    };
    let doc: Value = serde_json::from_slice(body).map_err(|_| {
        let text = String::from_utf8_lossy(&body[..body.len().min(200)]).to_lowercase();
        refuse(if text.contains("<html") || text.contains("<!doctype") {
            "it answered with a web page, not a JSON discovery document".into()
        } else {
            "its answer is not JSON".into()
        })
    })?;
    let Some(object) = doc.as_object() else {
        return Err(refuse("its answer is JSON but not an object".into()));
    };
    let issuer = match object.get("issuer") {
        Some(Value::String(issuer)) if !issuer.trim().is_empty() => issuer.trim().to_owned(),
        _ => return Err(refuse("it has no issuer".into())),
    };
    if !issuer_matches(&issuer, from) {
        return Err(refuse(format!(
            "it names the issuer {issuer}, not {}",
            expected_issuer(from)
        )));
    }
    let endpoint = |key: &str| -> Result<Option<String>> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(value)) => http::endpoint_url("Discovered endpoint", value)
                .map(|u| Some(u.to_string()))
                .map_err(|_| refuse(format!("its {key} is not an https URL"))),
            Some(_) => Err(refuse(format!("its {key} is not a URL"))),
        }
    };
    let list = |key: &str| -> Vec<String> {
        object
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    Ok(Discovered {
        source: from.to_string(),
        issuer,
        authorization_endpoint: endpoint("authorization_endpoint")?,
        token_endpoint: endpoint("token_endpoint")?,
        device_authorization_endpoint: endpoint("device_authorization_endpoint")?,
        introspection_endpoint: endpoint("introspection_endpoint")?,
        revocation_endpoint: endpoint("revocation_endpoint")?,
        userinfo_endpoint: endpoint("userinfo_endpoint")?,
        jwks_uri: endpoint("jwks_uri")?,
        secure_token_endpoint: None,
        grant_types_supported: list("grant_types_supported"),
        token_endpoint_auth_methods_supported: list("token_endpoint_auth_methods_supported"),
        scopes_supported: list("scopes_supported"),
    })
}

/// The issuer a document from `from` must name: its origin.
fn expected_issuer(from: &Url) -> String {
    from.origin().ascii_serialization()
}

fn issuer_matches(issuer: &str, from: &Url) -> bool {
    let trimmed = issuer.trim_end_matches('/');
    if trimmed == expected_issuer(from) {
        return true;
    }
    // An issuer with a path: the document lives under it (RFC 8414 §3).
    if let Ok(issuer_url) = Url::parse(issuer) {
        let base = from.as_str().trim_end_matches("/.well-known/openid-configuration");
        if issuer_url.origin() == from.origin() && base.trim_end_matches('/') == trimmed {
            return true;
        }
    }
    is_oci_iam_domain(from) && trimmed == OCI_IAM_ISSUER.trim_end_matches('/')
}

/// An OCI IAM identity domain's host (`idcs-<id>.identity.oraclecloud.com`
/// and the other realms' `….identity.oraclecloud.<tld>` or
/// `….identity.oci.oraclecloud.<tld>`).
pub(crate) fn is_oci_iam_domain(url: &Url) -> bool {
    url.scheme() == "https"
        && url.host_str().is_some_and(|host| {
            let host = host.to_ascii_lowercase();
            host.starts_with("idcs-") && host.contains(".identity.") && host.contains(".oraclecloud.")
        })
}

/// The secure token endpoint from an `idcs-configuration` document, wherever
/// it sits in it (`secure_token_endpoint`, at any depth).
pub fn secure_token_endpoint(body: &[u8]) -> Option<String> {
    fn find(value: &Value) -> Option<&str> {
        match value {
            Value::Object(map) => map
                .get("secure_token_endpoint")
                .and_then(Value::as_str)
                .or_else(|| map.values().find_map(find)),
            Value::Array(items) => items.iter().find_map(find),
            _ => None,
        }
    }
    let doc: Value = serde_json::from_slice(body).ok()?;
    let found = find(&doc)?;
    http::endpoint_url("Secure token endpoint", found).ok().map(|u| u.to_string())
}

/// Fetches and reads the discovery document for `input` (see
/// [`document_url`]), then Oracle's `idcs-configuration` beside it when the
/// server has one (its absence is not an error).
pub async fn discover(client: &HttpClient, input: &str) -> Result<Discovered> {
    let url = document_url(input)?;
    let body = fetch(client, &url).await?;
    let mut discovered = parse(&body, &url)?;
    let mut idcs = url.clone();
    idcs.set_path(&url.path().replace("openid-configuration", "idcs-configuration"));
    if let Ok(body) = fetch(client, &idcs).await {
        discovered.secure_token_endpoint = secure_token_endpoint(&body);
    }
    Ok(discovered)
}

/// The secure token endpoint of the identity domain that `token_url` is
/// on: `secure_token_endpoint` of its `/.well-known/idcs-configuration`,
/// where OCI IAM does TLS client authentication.
pub async fn secure_token_url(client: &HttpClient, token_url: &str) -> Result<String> {
    let mut url = http::endpoint_url("Access Token URL", token_url)?;
    url.set_query(None);
    url.set_fragment(None);
    url.set_path("/.well-known/idcs-configuration");
    let body = fetch(client, &url).await?;
    secure_token_endpoint(&body).ok_or_else(|| Error::DiscoveryRefused {
        url: url.to_string(),
        reason: "it names no secure_token_endpoint (where the identity domain does TLS client authentication)".into(),
    })
}

async fn fetch(client: &HttpClient, url: &Url) -> Result<Vec<u8>> {
    http::get_document(client, url, DOCUMENT_CAP)
        .await?
        .map_err(|reason| Error::DiscoveryRefused { url: url.to_string(), reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(url: &str) -> Url {
        Url::parse(url).unwrap()
    }

    const DOMAIN: &str = "https://idcs-0123456789abcdef.identity.oraclecloud.com/.well-known/openid-configuration";

    #[test]
    fn the_document_url_comes_from_a_domain_url_a_token_url_or_itself() {
        let expect = "https://idcs-x.identity.oraclecloud.com/.well-known/openid-configuration";
        for input in [
            "https://idcs-x.identity.oraclecloud.com",
            "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token?x=1",
            expect,
        ] {
            assert_eq!(document_url(input).unwrap().as_str(), expect, "{input}");
        }
        assert!(matches!(document_url("http://idcs-x.example.com"), Err(Error::InsecureUrl { .. })));
    }

    #[test]
    fn an_oci_iam_document_with_oracles_one_issuer_is_read_whole() {
        let body = serde_json::json!({
            "issuer": "https://identity.oraclecloud.com/",
            "authorization_endpoint": "https://idcs-0123456789abcdef.identity.oraclecloud.com/oauth2/v1/authorize",
            "token_endpoint": "https://idcs-0123456789abcdef.identity.oraclecloud.com/oauth2/v1/token",
            "introspection_endpoint": "https://idcs-0123456789abcdef.identity.oraclecloud.com/oauth2/v1/introspect",
            "jwks_uri": "https://idcs-0123456789abcdef.identity.oraclecloud.com/admin/v1/SigningCert/jwk",
            "grant_types_supported": ["client_credentials", "password", "authorization_code"],
        });
        let found = parse(body.to_string().as_bytes(), &from(DOMAIN)).unwrap();
        assert_eq!(found.issuer, OCI_IAM_ISSUER);
        assert!(found.token_endpoint.unwrap().ends_with("/oauth2/v1/token"));
        assert_eq!(found.revocation_endpoint, None);
        assert_eq!(found.grant_types_supported.len(), 3);
    }

    #[test]
    fn oracles_issuer_is_refused_from_any_other_host() {
        let body = br#"{"issuer": "https://identity.oraclecloud.com/"}"#;
        let err = parse(body, &from("https://login.example.com/.well-known/openid-configuration")).unwrap_err();
        assert!(err.to_string().contains("not https://login.example.com"), "{err}");
        assert_eq!(err.code(), "discovery_refused");
    }

    #[test]
    fn a_page_a_non_object_no_issuer_and_an_http_endpoint_are_refused_plainly() {
        let url = from("https://login.example.com/.well-known/openid-configuration");
        let reason = |body: &[u8]| parse(body, &url).unwrap_err().to_string();
        assert!(reason(b"<!DOCTYPE html><html>Sign in</html>").contains("web page"));
        assert!(reason(b"not json").contains("not JSON"));
        assert!(reason(b"[1, 2]").contains("not an object"));
        assert!(reason(b"{\"token_endpoint\": \"https://login.example.com/t\"}").contains("no issuer"));
        assert!(reason(br#"{"issuer": "https://login.example.com", "token_endpoint": "http://login.example.com/t"}"#)
            .contains("token_endpoint is not an https URL"));
    }

    #[test]
    fn an_issuer_with_a_path_matches_the_document_under_it() {
        let body = br#"{"issuer": "https://login.example.com/tenant/a"}"#;
        parse(body, &from("https://login.example.com/tenant/a/.well-known/openid-configuration")).unwrap();
        assert!(parse(body, &from("https://login.example.com/.well-known/openid-configuration")).is_err());
    }

    #[test]
    fn the_secure_token_endpoint_is_found_at_any_depth() {
        let body = br#"{"openid-configuration": {"secure_token_endpoint": "https://idcs-x.identity.oraclecloud.com:443/oauth2/v1/token"}}"#;
        assert_eq!(
            secure_token_endpoint(body).as_deref(),
            Some("https://idcs-x.identity.oraclecloud.com/oauth2/v1/token")
        );
        assert_eq!(secure_token_endpoint(b"{}"), None);
        assert_eq!(secure_token_endpoint(br#"{"secure_token_endpoint": "http://evil.example/t"}"#), None);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_bytes_are_read_or_refused_without_a_panic(body in prop::collection::vec(any::<u8>(), 0..300)) {
                let _ = parse(&body, &from(DOMAIN));
                let _ = secure_token_endpoint(&body);
            }

            #[test]
            fn any_issuer_but_the_origin_or_oracles_is_refused(issuer in "https://[a-z]{1,8}\\.example/?") {
                let body = serde_json::json!({"issuer": issuer}).to_string();
                let result = parse(body.as_bytes(), &from("https://login.test/.well-known/openid-configuration"));
                prop_assert!(result.is_err());
            }

            #[test]
            fn every_endpoint_that_is_read_is_https(host in "[a-z]{1,8}", scheme in prop::sample::select(vec!["http", "https", "ftp"])) {
                let body = serde_json::json!({
                    "issuer": "https://login.test",
                    "token_endpoint": format!("{scheme}://{host}.example/token"),
                }).to_string();
                if let Ok(found) = parse(body.as_bytes(), &from("https://login.test/.well-known/openid-configuration")) {
                    prop_assert!(found.token_endpoint.unwrap().starts_with("https://"));
                }
            }
        }
    }
}
