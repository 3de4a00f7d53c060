from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "atom.mail"
    label = "mail"
    verbose_name = "Security emails"
