from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "atom.accounts"
    label = "accounts"
