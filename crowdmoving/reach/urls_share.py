"""Sharing a project or a task (reach.views_share): the task's page, QR codes, the poster and
the Mastodon step. Included at the root, beside projects.urls."""

from django.urls import path

from . import views_share

app_name = "sharing"

project = "projects/<int:pk>"
task = "projects/<int:pk>/tasks/<int:task_id>"

urlpatterns = [
    path(f"{project}/qr.svg", views_share.project_qr, name="project_qr"),
    path(f"{project}/poster/", views_share.poster, name="poster"),
    path(f"{project}/share/mastodon/", views_share.project_mastodon, name="project_mastodon"),
    path(f"{task}/", views_share.task_detail, name="task"),
    path(f"{task}/qr.svg", views_share.task_qr, name="task_qr"),
    path(f"{task}/share/mastodon/", views_share.task_mastodon, name="task_mastodon"),
]
