from django.urls import path

from atom.signins import views

app_name = "signins"

urlpatterns = [
    path("settings/my-account/sessions/", views.session_list, name="sessions"),
    path(
        "settings/my-account/sessions/<int:signin_id>/end/", views.session_end, name="session_end"
    ),
    path(
        "settings/my-account/sessions/end-others/",
        views.sessions_end_others,
        name="sessions_end_others",
    ),
    path(
        "settings/my-company/users/<int:user_id>/sign-out/",
        views.user_sign_out,
        name="user_sign_out",
    ),
]
