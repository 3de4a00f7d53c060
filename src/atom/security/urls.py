from django.urls import path

from atom.security import integration_views, views

app_name = "security"

urlpatterns = [
    path(
        "settings/my-company/settings/security/allowlist/check/",
        views.allowlist_check,
        name="allowlist_check",
    ),
    path(
        "settings/my-company/settings/security/token/reveal/",
        views.token_reveal,
        name="token_reveal",
    ),
    path(
        "settings/my-company/settings/security/token/generate/",
        views.token_generate,
        name="token_generate",
    ),
    path(
        "settings/my-company/settings/security/token/discard/",
        views.token_discard,
        name="token_discard",
    ),
    path(
        "settings/my-company/settings/security/token/<int:token_id>/end-grace/",
        views.token_end_grace,
        name="token_end_grace",
    ),
    path(
        "settings/my-company/settings/integration-tokens/",
        integration_views.integration_tokens,
        name="integration_tokens",
    ),
    path(
        "settings/my-company/settings/integration-tokens/<int:token_id>/rotate/",
        integration_views.integration_token_rotate,
        name="integration_token_rotate",
    ),
    path(
        "settings/my-company/settings/integration-tokens/<int:token_id>/revoke/",
        integration_views.integration_token_revoke,
        name="integration_token_revoke",
    ),
    path(
        "settings/my-company/settings/integration-tokens/maximum-lifetime/",
        integration_views.integration_token_maximum,
        name="integration_token_maximum",
    ),
]
