from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "atom.companies"
    label = "companies"
