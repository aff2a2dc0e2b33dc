"""Email alerts (views_alerts), included at the root: /alerts/... and /me/alerts/."""

from django.urls import URLPattern, URLResolver, path

from . import views_alerts

app_name = "alerts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("alerts/new/", views_alerts.new, name="new"),
    path("alerts/sent/", views_alerts.sent, name="sent"),
    path("alerts/confirm/<str:alert_token>/", views_alerts.confirm, name="confirm"),
    path("alerts/unsubscribe/<str:alert_token>/", views_alerts.unsubscribe, name="unsubscribe"),
    path("me/alerts/", views_alerts.mine, name="mine"),
]
