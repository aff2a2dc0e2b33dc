from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "team"

# Mounted at projects/<int:pk>/team/: every view receives the project's ``pk``.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("messages/<int:message_id>/remove/", views.remove, name="remove"),
    path("contact-sharing/", views.contact_sharing, name="contact_sharing"),
]
