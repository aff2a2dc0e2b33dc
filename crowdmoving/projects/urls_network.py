from django.urls import path

from . import views_network

app_name = "network"

urlpatterns = [
    path("", views_network.network_settings, name="settings"),
]
