from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    # Login page used by the authorization-code flow (template: registration/login.html).
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    # django-oauth-toolkit endpoints: /o/authorize/, /o/token/, /o/revoke_token/, /o/introspect/, ...
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
