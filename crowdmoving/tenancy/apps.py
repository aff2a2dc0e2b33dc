from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.tenancy"
    label = "tenancy"
