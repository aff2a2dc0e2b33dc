from django.urls import path

from . import views, views_directory, views_embed

app_name = "projects"

task = "projects/<int:pk>/tasks/<int:task_id>"

urlpatterns = [
    path("", views.home, name="home"),
    # The directory: search, filters, sort; on the hub the network's (views_directory).
    path("projects/", views_directory.directory, name="directory"),
    path("projects/<int:pk>/", views.detail, name="detail"),
    path("projects/<int:pk>/join/<str:secret>/", views.secret_link, name="secret_link"),
    path(f"{task}/take/", views.take, name="take"),
    path(f"{task}/hold/", views.hold, name="hold"),
    path(f"{task}/code/", views.enter_code, name="enter_code"),
    path(f"{task}/wait/", views.wait, name="wait"),
    path(f"{task}/withdraw/", views.withdraw, name="withdraw"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    # A project's task list in a frame on the organisation's website (views_embed).
    path("embed/projects/<int:pk>/", views_embed.project, name="embed"),
    path(
        "embed/projects/<int:pk>/tasks/<int:task_id>/hold/",
        views_embed.hold,
        name="embed_hold",
    ),
    path("embed.js", views_embed.script, name="embed_script"),
]
