from django.urls import path

from . import views_operator as views

app_name = "operator"

# Mounted at operator/; every address answers on the hub only (views_operator.operator_view).
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:platform_id>/", views.detail, name="detail"),
    path("<int:platform_id>/domains/", views.domain_add, name="domain_add"),
    path(
        "<int:platform_id>/domains/<int:domain_id>/primary/",
        views.domain_primary,
        name="domain_primary",
    ),
    path(
        "<int:platform_id>/domains/<int:domain_id>/remove/",
        views.domain_remove,
        name="domain_remove",
    ),
    path("<int:platform_id>/invitations/", views.invite, name="invite"),
    path(
        "<int:platform_id>/invitations/<int:admin_invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "<int:platform_id>/admins/<int:admin_id>/remove/", views.admin_remove, name="admin_remove"
    ),
    path("<int:platform_id>/features/", views.features, name="features"),
    path("<int:platform_id>/suspend/", views.suspend, name="suspend"),
    path("<int:platform_id>/reactivate/", views.reactivate, name="reactivate"),
]
