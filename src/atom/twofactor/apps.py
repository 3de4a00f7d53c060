from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "atom.twofactor"
    label = "twofactor"
    verbose_name = "Two-step verification"
