from django.urls import path

from atom.audit import views

app_name = "audit"

urlpatterns = [
    path("settings/my-company/activity/", views.activity, name="activity"),
    path(
        "settings/my-company/activity/export.csv",
        views.export_events,
        {"fmt": "csv"},
        name="export_csv",
    ),
    path(
        "settings/my-company/activity/export.jsonl",
        views.export_events,
        {"fmt": "jsonl"},
        name="export_jsonl",
    ),
]
