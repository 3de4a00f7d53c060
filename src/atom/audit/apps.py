from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "atom.audit"
    label = "audit"
