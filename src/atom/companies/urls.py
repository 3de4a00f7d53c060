from django.urls import path

from atom.companies import views

app_name = "companies"

urlpatterns = [
    path("settings/my-company/settings/", views.company_settings, name="settings"),
    path("settings/my-company/settings/company/", views.company_rename, name="rename"),
    path("settings/my-company/settings/security/", views.security_save, name="security_save"),
]
