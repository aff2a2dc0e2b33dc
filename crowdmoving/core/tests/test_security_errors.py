"""Error pages in the platform's look, in the visitor's language, and never a traceback: this
module is its own URLconf (the real one plus views that fail on purpose)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.test import Client
from django.urls import path
from django_ratelimit.exceptions import Ratelimited

from config import urls as project_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

SECRET = "a-secret-detail-of-the-failure"


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(SECRET)


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(SECRET)


def limited(request: HttpRequest) -> HttpResponse:
    raise Ratelimited(SECRET)


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


urlpatterns = [
    path("fail/400/", suspicious),
    path("fail/403/", forbidden),
    path("fail/429/", limited),
    path("fail/500/", broken),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.fixture
def failing_client(platform) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="en")
    client.raise_request_exception = False
    return client


def assert_no_detail(html: str) -> None:
    assert SECRET not in html
    assert "Traceback" not in html
    assert "SELECT" not in html


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/fail/400/", 400, "Request not understood"),
        ("/fail/403/", 403, "Not allowed"),
        ("/no-such-page/", 404, "Page not found"),
        ("/fail/429/", 429, "Please wait a moment"),
    ],
)
def test_each_error_has_a_page_in_the_platforms_look(failing_client, url, status, heading):
    response = failing_client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'class="site-header"' in html and "Krass" in html  # base.html, the platform's name
    assert 'lang="en"' in html
    assert_no_detail(html)


def test_the_error_pages_answer_in_german_too(platform):
    client = Client(HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="de")
    html = client.get("/no-such-page/").content.decode()
    assert 'lang="de"' in html
    assert "Page not found" not in html


def test_a_failing_view_gets_the_500_page_without_a_traceback(failing_client):
    response = failing_client.get("/fail/500/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and "Etwas ist schiefgelaufen" in html
    assert "Krass" in html
    assert_no_detail(html)


def test_the_500_page_renders_without_the_database(failing_client, django_assert_num_queries):
    from crowdmoving.core.views import server_error

    request = HttpRequest()
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Crowdmoving" in response.content.decode()


def test_the_500_page_renders_while_the_database_is_down(failing_client, monkeypatch):
    def no_database(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database is down")

    with connection.execute_wrapper(no_database):
        response = failing_client.get("/fail/500/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_a_failed_csrf_check_explains_itself(platform):
    client = Client(
        HTTP_HOST="krass.example.org", HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True
    )
    response = client.post("/i18n/setlang/", {"language": "de"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form has expired" in html
    assert 'class="site-header"' in html
    assert REASON_NO_CSRF_COOKIE not in html  # the reason is for the log


def test_the_error_pages_keep_the_strict_csp(failing_client):
    for url in ("/fail/400/", "/fail/403/", "/no-such-page/", "/fail/429/", "/fail/500/"):
        policy = failing_client.get(url).headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
