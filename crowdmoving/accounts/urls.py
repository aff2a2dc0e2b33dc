from django.urls import path

from crowdmoving.api import views as api_views

from . import views, views_data

app_name = "me"

urlpatterns = [
    path("tasks/", views.my_tasks, name="tasks"),
    path("settings/", views.settings_view, name="settings"),
    path("calendar/", views.calendar_token, name="calendar_token"),
    path("calendar/<str:calendar_token>.ics", views.calendar_feed, name="calendar_feed"),
    path("tasks/<int:pk>/<int:task_id>/calendar.ics", views.task_ics, name="task_ics"),
    path("data/", views_data.my_data, name="data"),
    path("data/download/", views_data.my_data_download, name="data_download"),
    path("delete/", views_data.delete_account, name="delete_account"),
    path(
        "delete/<str:deletion_token>/",
        views_data.delete_account_confirm,
        name="delete_account_confirm",
    ),
    path("deleted/", views_data.account_deleted, name="account_deleted"),
    # Personal access tokens for the API (crowdmoving.api).
    path("tokens/", api_views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", api_views.token_revoke, name="token_revoke"),
]
