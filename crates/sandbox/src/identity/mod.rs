//! The identity domain: the token endpoint, the authorization endpoint with
//! its sign-in page, and the in-memory records behind them (sign-ins under
//! way, authorization codes, refresh tokens). Mirrors the parts of an OCI IAM
//! identity domain that the Oracle Integration guides use.

mod assertion;
mod authorize;
mod client_auth;
mod device;
mod discovery;
mod introspect;
mod error;
mod pages;
mod pkce;
mod store;
mod token;

use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::directory::Directory;
use crate::jwt::SigningKey;
use crate::SandboxConfig;

pub use error::{ErrorCode, OAuthError};

/// What every identity handler shares.
pub struct IdentityState {
    config: SandboxConfig,
    directory: Arc<Directory>,
    key: Arc<SigningKey>,
    issuer: String,
    /// `https://127.0.0.1:<port>/oauth2/v1/token`: the same token endpoint
    /// over TLS, asking for a client certificate (see `crate::secure`).
    secure_token_url: String,
    store: Mutex<store::GrantStore>,
    /// Certificates uploaded to clients (public keys only).
    certificates: Mutex<Vec<assertion::UploadedCertificate>>,
    /// Device authorizations waiting for their user.
    devices: Mutex<device::Devices>,
    /// Access tokens revoked here; the design-time host refuses them too.
    revoked: Arc<crate::revoked::Revoked>,
    /// The keys ID tokens are signed with, and the faults a test asks for.
    id_signer: crate::id_signing::IdSigner,
}

impl IdentityState {
    pub fn new(
        config: SandboxConfig,
        directory: Arc<Directory>,
        key: Arc<SigningKey>,
        issuer: String,
        secure_token_url: String,
    ) -> IdentityState {
        IdentityState {
            config,
            directory,
            key,
            issuer,
            secure_token_url,
            store: Mutex::new(store::GrantStore::default()),
            certificates: Mutex::new(Vec::new()),
            devices: Mutex::new(device::Devices::new()),
            revoked: Arc::default(),
            id_signer: crate::id_signing::IdSigner::new().expect("the system's random source for the sandbox's ID token key"),
        }
    }

    /// The access tokens revoked here, for the design-time host.
    pub fn revoked(&self) -> Arc<crate::revoked::Revoked> {
        self.revoked.clone()
    }

    /// The uploaded certificates (a plain list; see [`IdentityState::store`]
    /// on poisoning).
    fn certificates(&self) -> MutexGuard<'_, Vec<assertion::UploadedCertificate>> {
        self.certificates
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn devices(&self) -> MutexGuard<'_, device::Devices> {
        self.devices
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The records, even if a previous holder of the lock panicked: they are
    /// plain maps that every operation leaves consistent.
    fn store(&self) -> MutexGuard<'_, store::GrantStore> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl IdentityState {
    /// Uploads (or replaces, by alias) a certificate of `client_id`; the
    /// error says why the certificate cannot be used.
    pub fn upload_certificate(&self, client_id: &str, alias: &str, pem: &str) -> Result<(), String> {
        let uploaded = assertion::read_certificate(client_id, alias, pem)?;
        let mut certificates = self.certificates();
        certificates.retain(|c| !(c.client_id == client_id && c.alias == alias));
        certificates.push(uploaded);
        Ok(())
    }
}

pub fn router(state: Arc<IdentityState>) -> Router {
    Router::new()
        .route("/oauth2/v1/token", post(token::token))
        .route("/.well-known/openid-configuration", get(discovery::openid_configuration))
        .route("/.well-known/idcs-configuration", get(discovery::idcs_configuration))
        .route("/oauth2/v1/introspect", post(introspect::introspect))
        .route("/admin/v1/SigningCert/jwk", get(discovery::jwks))
        .route("/sandbox/v1/id-token-fault", post(discovery::id_token_fault))
        .route("/oauth2/v1/revoke", post(introspect::revoke))
        .route(
            "/oauth2/v1/authorize",
            get(authorize::show_sign_in).post(authorize::sign_in),
        )
        .route("/sandbox/v1/certificates", post(assertion::upload))
        .route("/oauth2/v1/device", post(device::authorize_device))
        .route("/device", get(device::show_page).post(device::decide))
        .route(
            "/sandbox/v1/echo",
            any(crate::echo::echo).layer(DefaultBodyLimit::max(crate::echo::BODY_LIMIT)),
        )
        .with_state(state)
}

/// A random, URL-safe value of `bytes` bytes of entropy: codes, refresh
/// tokens, `jti`s and sign-in ids.
fn random_id(bytes: usize) -> Result<String, OAuthError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|error| {
        OAuthError::new(
            ErrorCode::ServerError,
            format!("the operating system's random source failed: {error}"),
        )
    })?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}
