from django.conf import settings
from django.conf.urls.static import static
from django.urls import URLPattern, URLResolver, include, path

from crowdmoving.core import views as core_views

urlpatterns: list[URLPattern | URLResolver] = [
    # Health endpoints for load balancers: any host, no platform (tenancy middleware).
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("me/", include("crowdmoving.accounts.urls")),
    path("manage/", include("crowdmoving.projects.urls_manage")),
    path("notifications/", include("crowdmoving.notifications.urls")),
    path("projects/<int:pk>/team/", include("crowdmoving.team.urls")),
    path("", include("crowdmoving.projects.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "crowdmoving.core.views.not_found"
handler500 = "crowdmoving.core.views.server_error"
