from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.api"
    label = "api"

    def ready(self) -> None:
        from . import signals

        signals.connect()
