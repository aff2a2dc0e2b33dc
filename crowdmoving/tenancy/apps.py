from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.tenancy"
    label = "tenancy"

    def ready(self) -> None:
        from . import sessions  # noqa: F401 - binds a session to its platform on sign-in
