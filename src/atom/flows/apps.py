from django.apps import AppConfig


class FlowsConfig(AppConfig):
    name = "atom.flows"
    label = "flows"
