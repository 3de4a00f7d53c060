from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "atom.security"
    label = "security"
