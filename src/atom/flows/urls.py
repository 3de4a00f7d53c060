from django.urls import path

from atom.flows import views

app_name = "flows"

urlpatterns = [
    path("settings/flows/", views.flow_list, name="list"),
    path("settings/flows/add/", views.flow_add, name="add"),
    path("settings/flows/<int:flow_id>/", views.flow_detail, name="detail"),
]
