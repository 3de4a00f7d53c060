from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "atom.outbox"
    label = "outbox"
