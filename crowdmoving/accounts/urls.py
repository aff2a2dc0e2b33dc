from django.urls import path

from . import views

app_name = "me"

urlpatterns = [
    path("tasks/", views.my_tasks, name="tasks"),
    path("settings/", views.settings_view, name="settings"),
]
