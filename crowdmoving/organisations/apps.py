from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.organisations"
    label = "organisations"
