from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.audit"
    label = "audit"
