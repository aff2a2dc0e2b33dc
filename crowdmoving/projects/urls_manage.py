"""The organisers' side: organisations, projects, tasks and the project dashboard."""

from django.urls import path

from crowdmoving.organisations import views as organisation_views

from . import views_completion, views_embed, views_export
from . import views_manage as views

app_name = "manage"

project = "projects/<int:pk>"

urlpatterns = [
    path("", organisation_views.index, name="index"),
    path("organisations/new/", organisation_views.create, name="organisation_create"),
    path("o/<slug:slug>/", organisation_views.detail, name="organisation"),
    path("o/<slug:slug>/projects/new/", views.project_create, name="project_create"),
    path(
        "o/<slug:slug>/projects/new/checklist/",
        views.project_checklist_new,
        name="project_checklist_new",
    ),
    path("o/<slug:slug>/members/", organisation_views.members, name="members"),
    path("o/<slug:slug>/embedding/", views_embed.embedding, name="embedding"),
    path(
        "o/<slug:slug>/members/<int:member_id>/role/",
        organisation_views.member_role,
        name="member_role",
    ),
    path(
        "o/<slug:slug>/members/<int:member_id>/remove/",
        organisation_views.member_remove,
        name="member_remove",
    ),
    path(
        "o/<slug:slug>/invitations/<int:invitation_id>/withdraw/",
        organisation_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "invitations/<str:invitation_token>/",
        organisation_views.invitation_accept,
        name="invitation_accept",
    ),
    path(f"{project}/", views.dashboard, name="project"),
    path(f"{project}/edit/", views.project_edit, name="project_edit"),
    path(f"{project}/status/", views.project_status, name="project_status"),
    path(f"{project}/checklist/", views.project_checklist, name="project_checklist"),
    path(f"{project}/preview/", views.project_preview, name="project_preview"),
    path(f"{project}/release/", views.project_release, name="project_release"),
    path(f"{project}/secret/", views.project_secret, name="project_secret"),
    path(f"{project}/tasks/new/", views.task_create, name="task_create"),
    path(f"{project}/tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path(f"{project}/tasks/<int:task_id>/remove/", views.task_remove, name="task_remove"),
    path(f"{project}/tasks/<int:task_id>/move/", views.task_move, name="task_move"),
    path(f"{project}/coordinators/", views_completion.hand_over, name="hand_over"),
    path(
        f"{project}/coordinators/end/",
        views_completion.end_coordination,
        name="end_coordination",
    ),
    path(f"{project}/attendance/", views_completion.attendance, name="attendance"),
    path(f"{project}/supporters.csv", views_export.supporters_csv, name="supporters_csv"),
]
