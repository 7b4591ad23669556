"""Serve the test IdP with waitress on 127.0.0.1: django-oauth-toolkit at the
root, and Authlib's RFC 7523 server (authlib_site.py) under /authlib, in one
process on one port.

Binds port 0 (or the port given in OC_IDP_PORT) so the kernel picks a free port
without a race, then writes the chosen port to <state dir>/port before serving.
"""
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idp_site.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.conf import settings  # noqa: E402
from waitress import create_server  # noqa: E402
from werkzeug.middleware.dispatcher import DispatcherMiddleware  # noqa: E402

import authlib_site  # noqa: E402
from idp_site.wsgi import application  # noqa: E402


def device_page(port):
    """The device flow's Verification URL, with the port just bound (DOT
    hands out OAUTH_DEVICE_VERIFICATION_URI as it is configured)."""
    from oauth2_provider.settings import oauth2_settings

    page = f"http://127.0.0.1:{port}/o/device/"
    settings.OAUTH2_PROVIDER["OAUTH_DEVICE_VERIFICATION_URI"] = page
    settings.OAUTH2_PROVIDER["OAUTH_DEVICE_VERIFICATION_URI_COMPLETE"] = page + "?user_code={user_code}"
    oauth2_settings.reload()


def main():
    state_dir = Path(settings.STATE_DIR)
    port = int(os.environ.get("OC_IDP_PORT", "0"))
    authlib_app = authlib_site.create_app()
    # Werkzeug's dispatcher: /authlib/... goes to Flask (with SCRIPT_NAME
    # /authlib), everything else to Django.
    wsgi = DispatcherMiddleware(application, {authlib_site.PREFIX: authlib_app})
    server = create_server(wsgi, host="127.0.0.1", port=port, threads=4, ident="oc-test-idp")
    device_page(server.effective_port)
    authlib_app.config["OC_TOKEN_URL"] = (
        f"http://127.0.0.1:{server.effective_port}{authlib_site.PREFIX}{authlib_site.TOKEN_PATH}"
    )
    tmp = state_dir / "port.tmp"
    tmp.write_text(f"{server.effective_port}\n")
    tmp.rename(state_dir / "port")
    print(f"serving on http://127.0.0.1:{server.effective_port}", flush=True)
    server.run()


if __name__ == "__main__":
    main()
