from django.urls import path

from . import views_contact

app_name = "contact"

urlpatterns = [
    path("", views_contact.contact, name="form"),
    path("sent/", views_contact.sent, name="sent"),
]
