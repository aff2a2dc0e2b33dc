from django.urls import path

from . import views

app_name = "me"

urlpatterns = [
    path("tasks/", views.my_tasks, name="tasks"),
    path("settings/", views.settings_view, name="settings"),
    path("calendar/", views.calendar_token, name="calendar_token"),
    path("calendar/<str:calendar_token>.ics", views.calendar_feed, name="calendar_feed"),
    path("tasks/<int:pk>/<int:task_id>/calendar.ics", views.task_ics, name="task_ics"),
]
