from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.notifications"
    label = "notifications"
