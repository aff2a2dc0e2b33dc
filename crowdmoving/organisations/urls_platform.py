from django.urls import path

from . import views_platform

app_name = "organisations"

urlpatterns = [
    path("", views_platform.queue, name="queue"),
    path("publishing/", views_platform.publishing, name="publishing"),
    path("<int:organisation_id>/approve/", views_platform.approve, name="approve"),
    path("<int:organisation_id>/decline/", views_platform.decline, name="decline"),
]
