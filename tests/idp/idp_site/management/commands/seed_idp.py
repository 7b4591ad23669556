"""Create the test user and OAuth applications (fake, test-only credentials).

Writes nothing but database rows through django-oauth-toolkit's own models; the
plain secrets are passed to Application, which hashes them on save.
"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from oauth2_provider.models import get_application_model

USERNAME = "test-invoker"
PASSWORD = "test-password-not-real"

REDIRECT_URIS = ["http://127.0.0.1:53682/callback", "http://127.0.0.1:53683/callback"]

APPS = [
    # (env prefix, client_id, client_secret, grant type, redirect URIs, skip_authorization)
    ("CC", "cc-test-client", "cc-test-secret-not-real", "client-credentials", [], False),
    ("PW", "pw-test-client", "pw-test-secret-not-real", "password", [], False),
    ("AC", "ac-test-client", "ac-test-secret-not-real", "authorization-code", REDIRECT_URIS, True),
    # Device code (RFC 8628): a public client, as device apps are; no secret.
    ("DC", "dc-test-client", "", "urn:ietf:params:oauth:grant-type:device_code", [], False),
]


class Command(BaseCommand):
    help = "Seed the test IdP with a user and client applications; prints KEY=VALUE lines."

    def handle(self, *args, **options):
        Application = get_application_model()
        User = get_user_model()

        user, _ = User.objects.get_or_create(username=USERNAME)
        user.set_password(PASSWORD)
        user.save()

        out = [f"OC_IDP_USERNAME={USERNAME}", f"OC_IDP_PASSWORD={PASSWORD}"]
        for prefix, client_id, secret, grant, redirects, skip in APPS:
            Application.objects.filter(client_id=client_id).delete()
            Application.objects.create(
                name=f"{prefix.lower()}-test-app",
                client_id=client_id,
                client_secret=secret,  # hashed on save (hash_client_secret=True)
                client_type=Application.CLIENT_CONFIDENTIAL if secret else Application.CLIENT_PUBLIC,
                authorization_grant_type=grant,
                redirect_uris=" ".join(redirects),
                skip_authorization=skip,
                user=user if grant != "client-credentials" else None,
            )
            out.append(f"OC_IDP_{prefix}_CLIENT_ID={client_id}")
            if secret:
                out.append(f"OC_IDP_{prefix}_CLIENT_SECRET={secret}")
        out.append(f"OC_IDP_REDIRECT_URI={REDIRECT_URIS[0]}")
        self.stdout.write("\n".join(out))
