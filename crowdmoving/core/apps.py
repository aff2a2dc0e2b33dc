from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.core"
    label = "core"
