"""/healthz and /readyz: what a load balancer asks, on any host."""

from __future__ import annotations

import runpy
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError, connections
from django.test import Client

pytestmark = pytest.mark.django_db

UNKNOWN = "10.0.0.7:8000"  # a load balancer probing an app server by IP


def test_healthz_answers_ok_without_asking_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_answers_ok_when_database_and_cache_work(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_the_health_endpoints_answer_on_a_host_that_is_no_platforms(path):
    assert Client(HTTP_HOST=UNKNOWN).get(path).status_code == 200
    assert Client(HTTP_HOST=UNKNOWN).head(path).status_code == 200


def test_an_unknown_host_still_gets_a_404_everywhere_else():
    assert Client(HTTP_HOST=UNKNOWN).get("/").status_code == 404
    assert Client(HTTP_HOST=UNKNOWN).get("/healthz/").status_code == 404


def test_readyz_is_503_and_names_the_database_when_it_does_not_answer(client):
    down = OperationalError("connection refused")
    with mock.patch.object(connections["default"], "cursor", side_effect=down):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["database"]}


def test_readyz_is_503_and_names_the_cache_when_it_does_not_answer(client):
    down = ConnectionError("Error 111 connecting to 127.0.0.1:6379")
    with mock.patch.object(caches["default"], "set", side_effect=down):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["cache"]}
    assert b"6379" not in response.content  # details go to the log only


def test_readyz_is_503_when_the_cache_forgets_what_it_was_given(client):
    with mock.patch.object(caches["default"], "get", return_value=None):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_the_health_endpoints_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_production_does_not_redirect_the_probes_to_https(client, settings, monkeypatch):
    """Load balancers probe over plain HTTP; everything else is redirected to HTTPS."""
    monkeypatch.setenv("SECRET_KEY", "a-key-only-for-this-test-" * 3)
    monkeypatch.delenv("SECURE_SSL_REDIRECT", raising=False)
    production = runpy.run_module("config.settings.production")
    settings.SECURE_SSL_REDIRECT = production["SECURE_SSL_REDIRECT"]
    settings.SECURE_REDIRECT_EXEMPT = production["SECURE_REDIRECT_EXEMPT"]
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
