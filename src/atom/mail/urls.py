from django.urls import path

from atom.mail import views

app_name = "mail"

urlpatterns = [
    path("settings/my-account/emails/", views.preferences, name="preferences"),
]
