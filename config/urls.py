from django.conf import settings
from django.conf.urls.static import static
from django.urls import URLPattern, URLResolver, include, path

from crowdmoving.core import views as core_views
from crowdmoving.tenancy import views_look

urlpatterns: list[URLPattern | URLResolver] = [
    # Health endpoints for load balancers: any host, no platform (tenancy middleware).
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    # The platform's colours (tenancy.views_look.stylesheet), linked from base.html.
    path("platform.css", views_look.stylesheet, name="platform_css"),
    path("accounts/", include("allauth.urls")),
    # The JSON API (crowdmoving.api): /api/v1/, its schema and docs; JSON 404s under /api/.
    path("api/", include("crowdmoving.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("me/", include("crowdmoving.accounts.urls")),
    path("manage/", include("crowdmoving.projects.urls_manage")),
    path("notifications/", include("crowdmoving.notifications.urls")),
    path("projects/<int:pk>/team/", include("crowdmoving.team.urls")),
    path("platform/audit/", include("crowdmoving.audit.urls")),
    path("platform/network/", include("crowdmoving.projects.urls_network")),
    path("platform/", include("crowdmoving.tenancy.urls")),
    # The operator console: answers on the hub only (tenancy.views_operator).
    path("operator/", include("crowdmoving.tenancy.urls_operator")),
    path("contact/", include("crowdmoving.pages.urls_contact")),
    path("", include("crowdmoving.privacy.urls")),
    # Content pages (/p/<slug>/, /impressum/) and their administration (/platform/pages/).
    path("", include("crowdmoving.pages.urls")),
    path("platform/organisations/", include("crowdmoving.organisations.urls_platform")),
    # Atom feeds, a project's calendar, sitemap.xml and robots.txt (crowdmoving.reach).
    path("", include("crowdmoving.reach.urls_feeds")),
    # Email alerts: /alerts/new/, the emailed links, /me/alerts/ (crowdmoving.reach).
    path("", include("crowdmoving.reach.urls_alerts")),
    # A task's page, QR codes, the poster and the Mastodon step (crowdmoving.reach.sharing).
    path("", include("crowdmoving.reach.urls_share")),
    path("", include("crowdmoving.projects.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "crowdmoving.core.views.bad_request"
handler403 = "crowdmoving.core.views.permission_denied"
handler404 = "crowdmoving.core.views.not_found"
handler500 = "crowdmoving.core.views.server_error"
# Not Django's: allauth answers its own rate limits (sign-in, sign-up, codes) with this view.
handler429 = "crowdmoving.core.views.too_many_requests"
