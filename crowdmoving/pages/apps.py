from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.pages"
    label = "pages"
