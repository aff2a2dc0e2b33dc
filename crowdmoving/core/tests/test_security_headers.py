"""Every answer carries the security headers; production adds HSTS (one year, without
includeSubDomains and preload unless asked for: platforms live on their organisations' own
domains)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/no-such-page/", "/healthz"])
def test_every_answer_carries_the_security_headers(client, url):
    response = client.get(url)
    for header, value in COMMON.items():
        assert response.headers[header] == value, header
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.django_db
def test_an_unknown_host_gets_the_headers_too():
    from django.test import Client

    response = Client(HTTP_HOST="nobody.example.net").get("/")
    assert response.status_code == 404
    # Answered by the tenancy middleware, before X-Frame-Options' middleware: the CSP's
    # frame-ancestors keeps it out of frames.
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


PRODUCTION_REQUEST = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz", secure=True, HTTP_HOST="mitmachen.example.org")
print(json.dumps({"status": response.status_code, "headers": dict(response.headers)}))
"""


def production_headers(**environment: str) -> dict[str, str]:
    """The headers of an HTTPS answer under the production settings, in a fresh process."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "sqlite:///var/production-headers.sqlite3",  # never opened
        **environment,
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", PRODUCTION_REQUEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200
    return answer["headers"]


def test_production_sends_hsts_for_a_year_without_subdomains_or_preload():
    headers = production_headers()
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    for header, value in COMMON.items():
        assert headers[header] == value, header
    policy = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "script-src 'self'" in policy


def test_an_installation_may_switch_on_subdomains_and_preload():
    headers = production_headers(SECURE_HSTS_INCLUDE_SUBDOMAINS="1", SECURE_HSTS_PRELOAD="1")
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_a_page_is_sent_compressed_to_a_browser_that_asks_for_it(client, project):
    import gzip

    url = project.get_absolute_url()
    plain = client.get(url, HTTP_HOST="krass.example.org")
    packed = client.get(url, HTTP_HOST="krass.example.org", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert project.title in page
    assert len(packed.content) < len(plain.content) / 2
    # Django pads the compressed body by a random length (its BREACH mitigation).
    again = client.get(url, HTTP_HOST="krass.example.org", HTTP_ACCEPT_ENCODING="gzip")
    lengths = {len(packed.content), len(again.content)}
    for _ in range(8):
        lengths.add(
            len(client.get(url, HTTP_HOST="krass.example.org", HTTP_ACCEPT_ENCODING="gzip").content)
        )
    assert len(lengths) > 1
