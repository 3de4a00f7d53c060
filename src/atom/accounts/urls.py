from django.urls import path

from atom.accounts import users, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/confirm-password/", views.confirm_password, name="confirm_password"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("settings/my-company/users/", users.user_list, name="users"),
    path("settings/my-company/users/add/", users.user_add, name="user_add"),
    path("settings/my-company/users/<int:user_id>/role/", users.user_role, name="user_role"),
    path("settings/my-company/users/<int:user_id>/active/", users.user_active, name="user_active"),
]
