//! `/.well-known/openid-configuration`: the sandbox's endpoints and what it
//! supports, as an OCI IAM identity domain publishes them (its issuer is its
//! own URL here; Oracle's domains all name `https://identity.oraclecloud.com/`).

use super::IdentityState;
use axum::extract::State;
use axum::response::Response;
use http::StatusCode;
use serde_json::json;
use std::sync::Arc;

pub async fn openid_configuration(State(state): State<Arc<IdentityState>>) -> Response {
    let base = state.issuer.trim_end_matches('/');
    crate::response::json(StatusCode::OK, &json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/oauth2/v1/authorize"),
        "token_endpoint": format!("{base}/oauth2/v1/token"),
        "device_authorization_endpoint": format!("{base}/oauth2/v1/device"),
        "introspection_endpoint": format!("{base}/oauth2/v1/introspect"),
        "revocation_endpoint": format!("{base}/oauth2/v1/revoke"),
        "jwks_uri": format!("{base}/admin/v1/SigningCert/jwk"),
        "id_token_signing_alg_values_supported": ["ES256"],
        "grant_types_supported": [
            "client_credentials",
            "password",
            "authorization_code",
            "refresh_token",
            "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "urn:ietf:params:oauth:grant-type:device_code",
        ],
        "response_types_supported": ["code"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "tls_client_auth"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "scopes_supported": ["openid", "offline_access", "urn:opc:idm:__myscopes__"],
    }))
}

/// `/.well-known/idcs-configuration`: Oracle's own document beside the
/// OpenID one; the part a client reads is `secure_token_endpoint`, where TLS
/// Client Authentication is done (the sandbox's TLS port).
pub async fn idcs_configuration(State(state): State<Arc<IdentityState>>) -> Response {
    let base = state.issuer.trim_end_matches('/');
    crate::response::json(StatusCode::OK, &json!({
        "openid-configuration": {
            "issuer": base,
            "token_endpoint": format!("{base}/oauth2/v1/token"),
            "secure_token_endpoint": state.secure_token_url,
        },
    }))
}

/// The keys ID tokens are signed with (where OCI IAM publishes its own).
pub async fn jwks(State(state): State<Arc<IdentityState>>) -> Response {
    crate::response::json(StatusCode::OK, &state.id_signer.jwks())
}

/// A test hook: `mode=wrong_key|wrong_nonce|wrong_audience|none` makes the
/// next ID tokens wrong in that way (or right again); `mode=rotate` signs
/// the next ones with a new key, published beside the old one.
pub async fn id_token_fault(State(state): State<Arc<IdentityState>>, body: axum::body::Bytes) -> Response {
    let params = crate::form::Params::parse(&body);
    let mode = params.get("mode").unwrap_or_default();
    if mode == "rotate" {
        return match state.id_signer.rotate() {
            Ok(()) => crate::response::json(StatusCode::OK, &json!({"rotated": true})),
            Err(e) => crate::response::json(StatusCode::INTERNAL_SERVER_ERROR, &json!({"error": e})),
        };
    }
    match crate::id_signing::Fault::parse(mode) {
        Some(fault) => {
            state.id_signer.set_fault(fault);
            crate::response::json(StatusCode::OK, &json!({"mode": mode}))
        }
        None => crate::response::json(
            StatusCode::BAD_REQUEST,
            &json!({"error": "invalid_request", "error_description": "mode must be none, wrong_key, wrong_nonce, wrong_audience or rotate"}),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::Sandbox;

    #[tokio::test]
    async fn the_discovery_document_names_the_sandbox_as_issuer_and_its_endpoints() {
        let sandbox = Sandbox::start().await.unwrap();
        let url = format!("{}/.well-known/openid-configuration", sandbox.identity_url());
        let doc: serde_json::Value = reqwest::get(&url).await.unwrap().json().await.unwrap();
        assert_eq!(doc["issuer"], sandbox.identity_url().trim_end_matches('/'));
        assert_eq!(doc["token_endpoint"], sandbox.token_url());
    }
}
