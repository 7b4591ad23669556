"""Authlib's RFC 7523 authorization server, for what django-oauth-toolkit lacks.

DOT/oauthlib implement neither the JWT bearer grant (RFC 7523 §2.1) nor client
assertions (RFC 7523 §2.2, ``private_key_jwt``), so the suite runs those against
Authlib (a Flask app), mounted by serve.py under ``/authlib`` in the same
waitress process as DOT. Configuration only: the client and user registry, the
key lookup (certificates registered at run time, kept in memory) and the jti
store. Every OAuth behaviour -- reading and verifying assertions, client
authentication, grant checks, errors, token responses -- is Authlib's (and
joserfc's, which picks the key by the header's ``kid``). All credentials are
fake; no key is stored in the repository: the tests generate key pairs and
register their certificates at ``POST /authlib/test/certificates``.

``python authlib_site.py`` prints the seeded ids as ``OC_IDP_AUTHLIB_*`` lines
for scripts/idp.sh's env file (the URLs are written by idp.sh).
"""
import hmac
import ipaddress
import threading

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion, JWTBearerGrant
from flask import Flask, current_app, request
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from idp_site.settings import API_SCOPE, ORACLE_SCOPE

PREFIX = "/authlib"
TOKEN_PATH = "/token"
CERTIFICATES_PATH = "/test/certificates"

USERNAME = "test-invoker"
SCOPES = [ORACLE_SCOPE, API_SCOPE, "offline_access"]

JWT_BEARER = JWTBearerGrant.GRANT_TYPE  # urn:ietf:params:oauth:grant-type:jwt-bearer
CLIENT_ASSERTION = JWTBearerClientAssertion.CLIENT_AUTH_METHOD  # Authlib's name for private_key_jwt
SECRET_METHODS = ["client_secret_basic", "client_secret_post"]

CLIENTS = [
    # (env prefix, client_id, client_secret, grant types, token endpoint auth methods)
    # JWT bearer grant. Authlib's grant names the client by the assertion's
    # "iss" and does not authenticate it; the secret is for the app's Basic header.
    ("JWT", "authlib-jwt-client", "authlib-jwt-secret-not-real", [JWT_BEARER], SECRET_METHODS),
    # Client credentials, authenticated by a client assertion only (no secret).
    ("PKJWT", "authlib-pkjwt-client", "", ["client_credentials", JWT_BEARER], [CLIENT_ASSERTION]),
    # Client credentials only: its user assertions get unauthorized_client.
    ("CC", "authlib-cc-client", "authlib-cc-secret-not-real", ["client_credentials"], SECRET_METHODS),
]


class Client(ClientMixin):
    def __init__(self, client_id, secret, grant_types, auth_methods):
        self.client_id = client_id
        self.secret = secret
        self.grant_types = grant_types
        self.auth_methods = auth_methods

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return scope

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        return bool(self.secret) and hmac.compare_digest(self.secret, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint == "token" and method in self.auth_methods

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type in self.grant_types


class User:
    def __init__(self, username):
        self.username = username

    def get_user_id(self):
        return self.username


REGISTRY = {c[1]: Client(*c[1:]) for c in CLIENTS}
USERS = {USERNAME: User(USERNAME)}

_lock = threading.Lock()
_keys = {}  # client_id -> {kid: RSAKey}, from POST /authlib/test/certificates
_jtis = set()  # (client_id, jti) of client assertions already used


def client_keys(client):
    """The client's registered public keys; joserfc chooses by ``kid``."""
    with _lock:
        return KeySet(list(_keys.get(client.client_id, {}).values()))


def audiences():
    # Set by serve.py once the port is bound: the token URL, as RFC 7523 §3
    # asks the audience to identify this server.
    return [current_app.config["OC_TOKEN_URL"]]


class JWTBearer(JWTBearerGrant):
    def resolve_issuer_client(self, issuer):
        return REGISTRY.get(issuer)

    def resolve_client_public_key(self, client):
        return client_keys(client)

    def authenticate_user(self, subject):
        return USERS.get(subject)

    def has_granted_permission(self, client, user):
        return True  # every seeded client may act for the seeded user

    def get_audiences(self):
        return audiences()


class ClientAssertion(JWTBearerClientAssertion):
    def resolve_client_public_key(self, client):
        return client_keys(client)

    def get_audiences(self):
        return audiences()

    def validate_jti(self, claims, jti):
        key = (claims["sub"], jti)
        with _lock:
            if key in _jtis:
                return False
            _jtis.add(key)
            return True


class ClientCredentials(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = SECRET_METHODS + [CLIENT_ASSERTION]


def create_app():
    app = Flask(__name__)
    app.config.update(
        # Like DOT's ALLOWED_HOSTS: other Host headers get 400.
        TRUSTED_HOSTS=["127.0.0.1", "localhost"],
        OAUTH2_SCOPES_SUPPORTED=SCOPES,
        OAUTH2_TOKEN_EXPIRES_IN={"client_credentials": 3600, JWT_BEARER: 3600},
        OC_TOKEN_URL=None,
    )
    server = AuthorizationServer(app, query_client=REGISTRY.get, save_token=lambda token, req: None)
    server.register_grant(JWTBearer)
    server.register_grant(ClientCredentials)
    server.register_client_auth_method(CLIENT_ASSERTION, ClientAssertion())

    @app.post(TOKEN_PATH)
    def token():
        return server.create_token_response()

    @app.post(CERTIFICATES_PATH)
    def certificates():
        """Test hook (loopback only), like the sandbox's certificate upload:
        form ``client_id``, ``kid``, ``certificate`` (PEM); replaces a key
        registered under the same kid."""
        if not ipaddress.ip_address(request.remote_addr or "0.0.0.0").is_loopback:
            return {"error": "loopback only"}, 403
        client_id, kid, pem = (request.form.get(k, "") for k in ("client_id", "kid", "certificate"))
        if client_id not in REGISTRY:
            return {"error": f"unknown client {client_id!r}"}, 404
        if not kid:
            return {"error": "kid is required"}, 400
        try:
            key = RSAKey.import_key(pem, parameters={"kid": kid, "use": "sig", "alg": "RS256"})
        except (JoseError, ValueError, TypeError) as e:
            return {"error": f"not an RSA certificate: {e}"}, 400
        with _lock:
            _keys.setdefault(client_id, {})[kid] = key
        return {"client_id": client_id, "kid": kid}, 201

    return app


def env_lines():
    out = [f"OC_IDP_AUTHLIB_USERNAME={USERNAME}"]
    for prefix, client_id, secret, _, _ in CLIENTS:
        out.append(f"OC_IDP_AUTHLIB_{prefix}_CLIENT_ID={client_id}")
        if secret:
            out.append(f"OC_IDP_AUTHLIB_{prefix}_CLIENT_SECRET={secret}")
    return out


if __name__ == "__main__":
    print("\n".join(env_lines()))
