from django.urls import path

from atom.audit import views

app_name = "audit"

urlpatterns = [path("settings/my-company/activity/", views.activity, name="activity")]
