from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.i18n import set_language

from atom import health
from atom.api.api import api
from atom.companies import home

urlpatterns = [
    path("", login_required(home.home), name="home"),
    # The API next: it is the hot path. Its patterns start with api/ or
    # webhooks/ but for ninja's own root (""), which the home page precedes.
    path("", api.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("atom.accounts.urls")),
    path("", include("atom.companies.urls")),
    path("", include("atom.security.urls")),
    path("", include("atom.audit.urls")),
    path("", include("atom.flows.urls")),
    path("", include("atom.outbox.urls")),
    path("", include("atom.signins.urls")),
    path("", include("atom.mail.urls")),
    path("", include("atom.twofactor.urls")),
]

handler403 = "atom.health.forbidden"
handler404 = "atom.health.not_found"
handler500 = "atom.health.server_error"
