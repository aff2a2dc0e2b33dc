from django.urls import path

from . import views, views_look

app_name = "platform"

urlpatterns = [
    path("", views.home, name="home"),
    path("look/", views_look.look, name="look"),
    path(
        "invitation/<str:admin_invitation_token>/",
        views.invitation_accept,
        name="invitation_accept",
    ),
]
