from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.reach"
    label = "reach"
