from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.team"
    label = "team"
