from django.urls import path

from atom.twofactor import admin_reset, verify, views

app_name = "twofactor"

# Everything under PREFIX stays reachable while the company's requirement
# holds a user to the set-up (atom.twofactor.middleware).
PREFIX = "/account/two-step/"

urlpatterns = [
    path("login/two-step/", verify.verify, name="verify"),
    path("account/two-step/", views.manage, name="manage"),
    path("account/two-step/authenticator/", views.authenticator, name="authenticator"),
    path(
        "account/two-step/authenticator/remove/",
        views.authenticator_remove,
        name="authenticator_remove",
    ),
    path("account/two-step/passkeys/add/", views.passkey_add, name="passkey_add"),
    path("account/two-step/passkeys/remove/", views.passkey_remove, name="passkey_remove"),
    path("account/two-step/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "account/two-step/recovery-codes/regenerate/",
        views.recovery_regenerate,
        name="recovery_regenerate",
    ),
    path(
        "settings/my-company/users/<int:user_id>/two-step/reset/",
        admin_reset.reset_user,
        name="reset_user",
    ),
]
