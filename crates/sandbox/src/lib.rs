//! A local OCI IAM identity domain and Oracle Integration (OIC) instance that
//! run inside the app on 127.0.0.1, so every OAuth flow of the console can be
//! tried, taught and tested without an Oracle tenancy.
//!
//! [`Sandbox::start`] binds three random free ports on the loopback interface:
//!
//! - the identity domain (`/oauth2/v1/token`, `/oauth2/v1/authorize` with a
//!   sign-in page), issuing HS256-signed JWT access tokens;
//! - the OIC runtime origin, which answers every `/ic/api/` call with a `302`
//!   to the design-time origin, as Oracle does;
//! - the OIC design-time origin, which checks the bearer token and serves a
//!   seeded catalogue of connections, integrations and instances;
//! - the identity domain's *secure token endpoint* (a fourth port): the same
//!   routes over TLS, asking for a client certificate, for TLS Client
//!   Authentication ([`Sandbox::secure_token_url`], [`Sandbox::tls_ca_pem`]).
//!
//! Every seeded value is an obvious sandbox value (see [`SandboxCredentials`]);
//! nothing here is a real secret. The module touches only the loopback
//! network and memory: no files, no keychain.

mod directory;
mod echo;
mod form;
mod id_signing;
mod identity;
mod integration;
mod jwt;
mod response;
mod revoked;
mod sandbox_key;
mod scope;
mod secure;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use directory::SandboxCredentials;
pub use sandbox_key::{SandboxKeyPair, SANDBOX_KEY_ALIAS};

/// How long [`Sandbox::shutdown`] waits for open connections before it stops
/// the servers anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// A loopback port could not be bound or read back.
    #[error("could not listen on 127.0.0.1: {0}; check that loopback networking is available")]
    Bind(#[source] std::io::Error),
    /// The operating system's random source failed while making the signing key.
    #[error("could not make the sandbox signing key: {0}")]
    Random(#[from] getrandom::Error),
    /// The sandbox-only RSA key pair for signed assertions could not be made.
    #[error("could not make the sandbox key pair: {0}")]
    KeyPair(String),
    /// The secure token endpoint's certificates could not be made.
    #[error("could not make the sandbox's TLS certificates: {0}")]
    Tls(String),
}

/// Result of starting the sandbox.
pub type Result<T, E = SandboxError> = std::result::Result<T, E>;

/// Where the sandbox reads the time from. The servers never call
/// `SystemTime::now()` themselves, so tests can move time forward to expire
/// codes and tokens without sleeping.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> SystemTime + Send + Sync>);

impl Clock {
    /// The operating system's clock.
    pub fn system() -> Clock {
        Clock(Arc::new(SystemTime::now))
    }

    /// A clock that calls `now` for the time, e.g. one that reads a shared
    /// `Mutex<SystemTime>` a test moves forward.
    pub fn from_fn(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    /// The current time according to this clock.
    pub fn now(&self) -> SystemTime {
        (self.0)()
    }

    /// The current time in whole seconds since the Unix epoch, as JWTs carry it.
    pub(crate) fn unix_seconds(&self) -> u64 {
        self.now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .unwrap_or(0)
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Clock").field(&self.now()).finish()
    }
}

/// Lifetimes and the clock. `SandboxConfig::default()` matches Oracle's
/// defaults: one-hour access tokens, one-week refresh tokens, 60-second codes.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Lifetime of access tokens (`expires_in`).
    pub token_ttl: Duration,
    /// Lifetime of refresh tokens.
    pub refresh_token_ttl: Duration,
    /// Lifetime of authorization codes.
    pub code_ttl: Duration,
    /// Lifetime of a sign-in page before the user must start again.
    pub sign_in_ttl: Duration,
    /// Where the time comes from.
    pub clock: Clock,
}

impl Default for SandboxConfig {
    fn default() -> SandboxConfig {
        SandboxConfig {
            token_ttl: Duration::from_secs(3600),
            refresh_token_ttl: Duration::from_secs(7 * 24 * 3600),
            code_ttl: Duration::from_secs(60),
            sign_in_ttl: Duration::from_secs(600),
            clock: Clock::system(),
        }
    }
}

/// A running sandbox: an identity domain and an OIC instance (runtime and
/// design-time origins) on 127.0.0.1. Dropping it stops the servers; call
/// [`Sandbox::shutdown`] to also wait until they have stopped.
pub struct Sandbox {
    identity_url: String,
    secure_url: String,
    tls_ca_pem: String,
    runtime_url: String,
    design_url: String,
    credentials: SandboxCredentials,
    identity: Arc<identity::IdentityState>,
    stop: watch::Sender<bool>,
    servers: Vec<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts the sandbox with Oracle's default lifetimes and the system clock.
    /// Must be called from within a Tokio runtime.
    pub async fn start() -> Result<Sandbox> {
        Sandbox::start_with(SandboxConfig::default()).await
    }

    /// Starts the sandbox with the given lifetimes and clock.
    /// Must be called from within a Tokio runtime.
    pub async fn start_with(config: SandboxConfig) -> Result<Sandbox> {
        let identity_listener = bind().await?;
        let runtime_listener = bind().await?;
        let design_listener = bind().await?;
        let identity_url = origin(&identity_listener)?;
        let runtime_url = origin(&runtime_listener)?;
        let design_url = origin(&design_listener)?;
        let secure_listener = bind().await?;
        let secure_url = origin(&secure_listener)?.replacen("http://", "https://", 1);
        let tls = secure::SecureTls::generate().map_err(SandboxError::Tls)?;

        let directory = Arc::new(directory::Directory::seeded());
        let key = Arc::new(jwt::SigningKey::generate()?);
        let credentials = directory.credentials();

        let identity_state = Arc::new(identity::IdentityState::new(
            config.clone(),
            directory.clone(),
            key.clone(),
            identity_url.clone(),
            format!("{secure_url}/oauth2/v1/token"),
        ));
        let identity = identity::router(identity_state.clone());
        let runtime = integration::runtime_router(design_url.clone());
        let design = integration::design_router(integration::DesignState::new(
            key,
            directory.audience().to_owned(),
            config.clock.clone(),
            &design_url,
            identity_state.revoked(),
            directory.clone(),
        ));

        let (stop, _) = watch::channel(false);
        let servers = vec![
            serve(identity_listener, identity.clone(), stop.subscribe()),
            serve_secure(tls.listener(secure_listener), identity, stop.subscribe()),
            serve(runtime_listener, runtime, stop.subscribe()),
            serve(design_listener, design, stop.subscribe()),
        ];
        Ok(Sandbox {
            identity_url,
            secure_url,
            tls_ca_pem: tls.ca_pem().to_owned(),
            runtime_url,
            design_url,
            credentials,
            identity: identity_state,
            stop,
            servers,
        })
    }

    /// The identity domain's origin, e.g. `http://127.0.0.1:41234`.
    pub fn identity_url(&self) -> String {
        self.identity_url.clone()
    }

    /// The token endpoint, `<identity>/oauth2/v1/token`.
    pub fn token_url(&self) -> String {
        format!("{}/oauth2/v1/token", self.identity_url)
    }

    /// The secure token endpoint, `https://127.0.0.1:<port>/oauth2/v1/token`:
    /// the token endpoint over TLS, asking for a client certificate (TLS
    /// Client Authentication). Its `/.well-known/idcs-configuration` names
    /// it as `secure_token_endpoint`, as an identity domain's does.
    pub fn secure_token_url(&self) -> String {
        format!("{}/oauth2/v1/token", self.secure_url)
    }

    /// The CA certificate (PEM) of the secure token endpoint's server
    /// certificate, made in memory for this sandbox (127.0.0.1 and
    /// localhost only): what a client trusts to reach it.
    pub fn tls_ca_pem(&self) -> String {
        self.tls_ca_pem.clone()
    }

    /// The authorization endpoint, `<identity>/oauth2/v1/authorize`.
    pub fn authorize_url(&self) -> String {
        format!("{}/oauth2/v1/authorize", self.identity_url)
    }

    /// The device authorization endpoint, `<identity>/oauth2/v1/device`
    /// (RFC 8628); the user enters the code at `<identity>/device`.
    pub fn device_url(&self) -> String {
        format!("{}/oauth2/v1/device", self.identity_url)
    }

    /// `/sandbox/v1/echo`: answers any request with what arrived (method,
    /// headers without credential values, content type, size and SHA-256,
    /// each multipart part's name, file name and size).
    pub fn echo_url(&self) -> String {
        format!("{}/sandbox/v1/echo", self.identity_url())
    }

    /// Where a client uploads a certificate for its signed assertions:
    /// `POST <identity>/sandbox/v1/certificates` with the client's secret
    /// (Basic) and `alias` and `certificate` (PEM) in a form. Sandbox only;
    /// in an identity domain this is the application's *Import certificate*.
    pub fn certificates_url(&self) -> String {
        format!("{}/sandbox/v1/certificates", self.identity_url)
    }

    /// The Sandbox profile's sandbox-only key pair for signed assertions,
    /// with its certificate uploaded to `sandbox-client` under
    /// [`SANDBOX_KEY_ALIAS`]. Generated once per process, in memory only.
    pub fn sandbox_key_pair(&self) -> Result<SandboxKeyPair> {
        let pair = sandbox_key::shared().map_err(SandboxError::KeyPair)?;
        self.identity
            .upload_certificate(&self.credentials.client_id, &pair.alias, &pair.certificate_pem)
            .map_err(SandboxError::KeyPair)?;
        Ok(pair.clone())
    }

    /// The OIC runtime origin; its `/ic/api/` calls redirect to [`Sandbox::design_url`].
    pub fn runtime_url(&self) -> String {
        self.runtime_url.clone()
    }

    /// The OIC design-time origin, which serves the developer APIs.
    pub fn design_url(&self) -> String {
        self.design_url.clone()
    }

    /// The seeded clients, users, audience, scopes and redirect URIs.
    pub fn credentials(&self) -> &SandboxCredentials {
        &self.credentials
    }

    /// Stops accepting connections, lets open requests finish (for up to five
    /// seconds), then returns.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for mut server in std::mem::take(&mut self.servers) {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut server)
                .await
                .is_err()
            {
                server.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // The servers stop accepting at once and finish the requests under way.
        let _ = self.stop.send(true);
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("identity_url", &self.identity_url)
            .field("runtime_url", &self.runtime_url)
            .field("design_url", &self.design_url)
            .finish_non_exhaustive()
    }
}

async fn bind() -> Result<TcpListener> {
    TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .map_err(SandboxError::Bind)
}

fn origin(listener: &TcpListener) -> Result<String> {
    let address = listener.local_addr().map_err(SandboxError::Bind)?;
    Ok(format!("http://{address}"))
}

/// [`serve`] for the secure endpoint: each request knows the client
/// certificate of its connection.
fn serve_secure(
    listener: secure::SecureListener,
    router: axum::Router,
    stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<secure::PeerCertificate>();
        let _ = axum::serve(listener, service)
            .with_graceful_shutdown(stopped(stop))
            .await;
    })
}

fn serve(
    listener: TcpListener,
    router: axum::Router,
    stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(stopped(stop))
            .await;
    })
}

/// Ends when a `true` was sent or the `Sandbox` (the sender) is gone.
async fn stopped(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}
