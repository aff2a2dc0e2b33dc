from django.urls import path

from . import views, views_inbox

app_name = "pages"

urlpatterns = [
    path("p/<slug:page_slug>/", views.page, name="page"),
    path("impressum/", views.imprint, name="imprint"),
    path("platform/pages/", views.admin_list, name="admin_list"),
    path("platform/pages/new/", views.admin_create, name="admin_create"),
    path("platform/pages/<int:page_id>/", views.admin_edit, name="admin_edit"),
    path("platform/pages/<int:page_id>/move/", views.admin_move, name="admin_move"),
    path("platform/pages/<int:page_id>/delete/", views.admin_delete, name="admin_delete"),
    # The inbox of contact messages (views_inbox.py).
    path("platform/messages/", views_inbox.inbox_list, name="inbox"),
    path(
        "platform/messages/<int:contact_message_id>/handled/",
        views_inbox.inbox_handled,
        name="inbox_handled",
    ),
    path(
        "platform/messages/<int:contact_message_id>/delete/",
        views_inbox.inbox_delete,
        name="inbox_delete",
    ),
]
