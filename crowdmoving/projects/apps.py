from django.apps import AppConfig


class Config(AppConfig):
    name = "crowdmoving.projects"
    label = "projects"
