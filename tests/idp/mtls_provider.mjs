// RFC 8705 (OAuth 2.0 Mutual-TLS Client Authentication) for the test suite:
// node-oidc-provider (npm `oidc-provider`, third-party), served over HTTPS on
// 127.0.0.1 by Node's own https server, which asks every client for a
// certificate and hands whatever it got to the provider. This file is
// configuration only: client registration, client authentication, tokens,
// introspection and every error are oidc-provider's.
//
// Started by `scripts/idp.sh start`, which first makes a CA and a server
// certificate for 127.0.0.1 in <state dir>/mtls/ (openssl). Binds port 0 (or
// OC_IDP_MTLS_PORT) and writes the chosen port to <state dir>/mtls-port once
// it serves. Everything, signing keys included, lives in memory and is made
// at start: no key is in the repository.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import Provider from 'oidc-provider';

const state = process.env.OC_IDP_STATE_DIR;
if (!state) {
  throw new Error('OC_IDP_STATE_DIR is not set (start this with scripts/idp.sh start)');
}
const tlsDir = path.join(state, 'mtls');

// The scope a client credentials request may ask for (any registered client).
const SCOPE = 'api:read';

const server = https.createServer({
  key: readFileSync(path.join(tlsDir, 'server.key')),
  cert: readFileSync(path.join(tlsDir, 'server.pem')),
  // Ask for a client certificate, accept any (or none): which certificate
  // authenticates which client is oidc-provider's decision
  // (self_signed_tls_client_auth compares the registered one's thumbprint).
  requestCert: true,
  rejectUnauthorized: false,
});

server.listen(Number(process.env.OC_IDP_MTLS_PORT || 0), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `https://127.0.0.1:${port}`;
  // The provider's own signing key (RS256, its default algorithm).
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  const provider = new Provider(issuer, {
    clients: [],
    jwks: { keys: [{ ...signing, kid: 'signing', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', SCOPE],
    // The one client authentication this server is for (RFC 8705 §2.2).
    clientAuthMethods: ['self_signed_tls_client_auth'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      // Dynamic client registration (RFC 7591) without an initial access
      // token: the server listens on 127.0.0.1 only.
      registration: { enabled: true, initialAccessToken: false },
      mTLS: {
        enabled: true,
        selfSignedTlsClientAuth: true,
        certificateBoundAccessTokens: true,
        // The certificate the client presented in this connection's
        // handshake, or undefined when it presented none.
        getCertificate(ctx) {
          const peer = ctx.socket.getPeerCertificate();
          if (!peer || !peer.raw) return undefined;
          return new X509Certificate(peer.raw);
        },
      },
    },
  });
  server.on('request', provider.callback());

  const tmp = path.join(state, 'mtls-port.tmp');
  writeFileSync(tmp, `${port}\n`);
  renameSync(tmp, path.join(state, 'mtls-port'));
  console.log(`serving ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
