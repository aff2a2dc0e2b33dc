from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.api"
    label = "api"
