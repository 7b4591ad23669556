"""Settings of the test OAuth 2.0 authorization server (django-oauth-toolkit).

Configuration only: every OAuth behaviour comes from django-oauth-toolkit/oauthlib.
Test-only server bound to 127.0.0.1; all secrets here are fake.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent  # tests/idp
REPO_ROOT = BASE_DIR.parent.parent
STATE_DIR = Path(os.environ.get("OC_IDP_STATE_DIR", REPO_ROOT / ".cache" / "idp"))

SECRET_KEY = "test-only-django-secret-key-not-real-0123456789abcdefghijklmnop"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "idp_site",  # login template + seed_idp management command
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "idp_site.urls"
WSGI_APPLICATION = "idp_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": STATE_DIR / "db.sqlite3",
        # Tests call the server from several threads at once. A deferred
        # transaction that later needs to write fails at once with "database
        # is locked" (HTTP 500) instead of waiting; IMMEDIATE transactions
        # and WAL make concurrent requests wait their turn.
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }
}

# Fast hasher: this server only ever sees fake test credentials, and Django's default
# PBKDF2 (1e6 iterations) would cost ~0.2 s of CPU per client/user authentication.
# django-oauth-toolkit hashes client secrets with the same hasher (hash_client_secret).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = []

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# No static files or admin are needed: the login page is plain HTML.
STATIC_URL = "static/"

ORACLE_SCOPE = "https://sandbox-audience.integration.test:443urn:opc:resource:consumer::all"
API_SCOPE = "https://sandbox-audience.integration.test:443/ic/api/"

OAUTH2_PROVIDER = {
    "SCOPES": {
        ORACLE_SCOPE: "Oracle-style audience + consumer::all scope",
        API_SCOPE: "Oracle-style audience + API path scope",
        "offline_access": "Refresh tokens",
    },
    # No scope requested -> all scopes above (DOT default "__all__").
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "PKCE_REQUIRED": False,  # PKCE allowed, not required
    "ROTATE_REFRESH_TOKEN": True,  # DOT default, stated for clarity
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,  # DOT default: an old refresh token fails at once
    # The password grant is used by the tests; DOT 3.x allows it (logging an RFC 9700
    # warning per use) and plans to flip this default in 4.0, so it is pinned here.
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": False,
    # Device authorization (RFC 8628) at /o/device-authorization/: the page
    # where the user enters the code is DOT's /o/device/ (login required).
    # The port is known only once serve.py has bound it: serve.py replaces
    # these two with the real address before serving.
    "OAUTH_DEVICE_VERIFICATION_URI": "http://127.0.0.1/o/device/",
    "OAUTH_DEVICE_VERIFICATION_URI_COMPLETE": "http://127.0.0.1/o/device/?user_code={user_code}",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "oauth2_provider": {"level": "INFO"},
        "oauthlib": {"level": "INFO"},
        "waitress": {"level": "INFO"},
        "idp_site": {"level": "INFO"},
    },
}
