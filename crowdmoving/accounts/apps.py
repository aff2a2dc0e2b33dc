from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.accounts"
    label = "accounts"

    def ready(self) -> None:
        from . import signals

        signals.connect()
