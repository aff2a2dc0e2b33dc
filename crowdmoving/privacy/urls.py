from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.current, name="current"),
    path("privacy/v<int:version>/", views.version, name="version"),
    path("privacy/accept/", views.accept, name="accept"),
    path("privacy/consents/", views.consents, name="consents"),
    path("platform/privacy/", views.publish, name="publish"),
]
