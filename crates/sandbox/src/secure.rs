//! The sandbox's *secure token endpoint*: the identity domain's routes over
//! TLS on a port of their own, asking every client for a certificate, as an
//! OCI IAM domain's `secure_token_endpoint` (from its
//! `/.well-known/idcs-configuration`) does for TLS Client Authentication.
//!
//! The server certificate is issued for 127.0.0.1 and localhost by a CA made
//! in memory when the sandbox starts; [`SecureTls::ca_pem`] is what a client
//! trusts (the app adds it for its own sandbox only). Any client certificate
//! is accepted at the handshake, where rustls checks that the client holds
//! its key; *which* certificate it is decides at the token endpoint, where it
//! must be one uploaded to the client (see `identity::client_auth`).

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// How long a client may take over its TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The secure endpoint's certificate authority and TLS configuration.
pub(crate) struct SecureTls {
    ca_pem: String,
    acceptor: TlsAcceptor,
}

impl SecureTls {
    /// A new CA, a server certificate for 127.0.0.1 and localhost signed by
    /// it, and a server that asks every client for a certificate.
    pub(crate) fn generate() -> Result<SecureTls, String> {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "OAuth Console sandbox CA - this computer only");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
        let ca_key = KeyPair::generate().map_err(|e| e.to_string())?;
        let ca_pem = ca.self_signed(&ca_key).map_err(|e| e.to_string())?.pem();
        let issuer = Issuer::new(ca, ca_key);

        let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).map_err(|e| e.to_string())?;
        leaf.distinguished_name
            .push(DnType::CommonName, "OAuth Console sandbox secure token endpoint");
        leaf.use_authority_key_identifier_extension = true;
        let leaf_key = KeyPair::generate().map_err(|e| e.to_string())?;
        let leaf_certificate = leaf.signed_by(&leaf_key, &issuer).map_err(|e| e.to_string())?;

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_client_cert_verifier(Arc::new(AnyClientCertificate { provider }))
            .with_single_cert(
                vec![leaf_certificate.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
            )
            .map_err(|e| e.to_string())?;
        Ok(SecureTls {
            ca_pem,
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }

    /// The CA certificate (PEM) that issued the server's certificate.
    pub(crate) fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    pub(crate) fn listener(&self, tcp: TcpListener) -> SecureListener {
        SecureListener {
            tcp,
            acceptor: self.acceptor.clone(),
        }
    }
}

/// Asks for a client certificate and accepts any whose key the client
/// proves it holds (the handshake signature, checked as rustls does);
/// whose certificate it is, is the token endpoint's question.
#[derive(Debug)]
struct AnyClientCertificate {
    provider: Arc<CryptoProvider>,
}

impl ClientCertVerifier for AnyClientCertificate {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(&self, _end_entity: &CertificateDer<'_>, _intermediates: &[CertificateDer<'_>], _now: UnixTime) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(&self, message: &[u8], cert: &CertificateDer<'_>, dss: &DigitallySignedStruct) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// Accepts TCP connections and completes their TLS handshake; a client
/// that fails it (no certificate, a certificate it has no key for, an
/// untrusted server) is dropped and the next one accepted.
pub(crate) struct SecureListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
}

impl axum::serve::Listener for SecureListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, address)) = self.tcp.accept().await else {
                // Out of file descriptors and the like: let them come back.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            if let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, self.acceptor.accept(stream)).await {
                return (tls, address);
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// The DER client certificate the connection presented, for the handlers
/// (`ConnectInfo<PeerCertificate>`).
#[derive(Clone, Debug)]
pub(crate) struct PeerCertificate(pub Option<Vec<u8>>);

impl Connected<IncomingStream<'_, SecureListener>> for PeerCertificate {
    fn connect_info(stream: IncomingStream<'_, SecureListener>) -> Self {
        let (_, connection) = stream.io().get_ref();
        PeerCertificate(
            connection
                .peer_certificates()
                .and_then(|chain| chain.first())
                .map(|der| der.as_ref().to_vec()),
        )
    }
}
