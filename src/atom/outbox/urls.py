from django.urls import path

from atom.outbox import views

app_name = "outbox"

urlpatterns = [
    path("settings/templates/", views.template_list, name="templates"),
    path("settings/templates/add/", views.template_add, name="template_add"),
    path("settings/templates/<int:template_id>/", views.template_edit, name="template_edit"),
]
