from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "atom.api"
    label = "api"
