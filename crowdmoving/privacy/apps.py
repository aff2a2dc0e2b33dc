from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.privacy"
    label = "privacy"
