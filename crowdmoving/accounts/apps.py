from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.accounts"
    label = "accounts"
