"""QR codes: the SVG the server sends decodes to exactly the shared address (the SVG is drawn
into pixels here and read by zxing-cpp; test_qr_browser.py lets Chromium draw it), it is made
once per address, and it exists only where the project page is visible and shareable."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import segno
import zxingcpp
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageDraw

from crowdmoving import factories as f
from crowdmoving.projects import actions
from crowdmoving.projects.models import Project
from crowdmoving.reach import qr

pytestmark = pytest.mark.django_db

HOST = "krass.example.org"
SVG = "{http://www.w3.org/2000/svg}"


def rasterise(svg: str, pixels_per_module: int = 6) -> Image.Image:
    """Draw segno's SVG: a white rectangle, then one path of horizontal dark strokes (``M``/``m``
    moves, ``h`` draws one module high along y + 0.5), inside a <g transform="scale(n)">."""
    root = ET.fromstring(svg)  # noqa: S314 - our own server's SVG, in a test
    paths = root.findall(f".//{SVG}path")
    background = next(p for p in paths if p.get("fill"))
    dark = next(p for p in paths if p.get("class") == "qrline")
    assert background.get("fill") == "#fff" and dark.get("stroke") == "#000"
    size = int(float(re.findall(r"[\d.]+", background.get("d", ""))[2]))  # "M0 0h37v37h-37z"
    image = Image.new("L", (size * pixels_per_module,) * 2, 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, numbers in re.findall(r"([MmHh])([^MmHh]*)", dark.get("d", "")):
        values = [float(n) for n in re.findall(r"-?[\d.]+", numbers)]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:  # h: a stroke of width 1 centred on y, from x to x + length
            length = values[0] if command == "h" else values[0] - x
            left, right = sorted((x, x + length))
            row = int(y - 0.5)
            draw.rectangle(
                (
                    int(left * pixels_per_module),
                    row * pixels_per_module,
                    int(right * pixels_per_module) - 1,
                    (row + 1) * pixels_per_module - 1,
                ),
                fill=0,
            )
            x += length
    return image


def decode(image: Image.Image) -> str:
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, found
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def test_the_drawing_matches_segnos_own_matrix():
    """The control for rasterise(): the drawn pixels are segno's modules, one by one."""
    url = f"https://{HOST}/projects/1/"
    image = rasterise(qr.render_svg(url), pixels_per_module=1)
    code = segno.make(url, error=qr.ERROR, micro=False, boost_error=False)
    matrix = list(code.matrix_iter(scale=1, border=qr.BORDER))
    assert image.size == (len(matrix), len(matrix))
    assert [
        [image.getpixel((x, y)) == 0 for x in range(image.width)] for y in range(image.height)
    ] == [[bool(module) for module in row] for row in matrix]


def test_the_served_project_code_decodes_to_the_project_page(client, project):
    response = client.get(reverse("sharing:project_qr", args=[project.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=3600"
    svg = response.content.decode()
    assert decode(rasterise(svg)) == f"http://{HOST}/projects/{project.pk}/"
    assert svg == qr.render_svg(f"http://{HOST}/projects/{project.pk}/")


def test_the_served_task_code_decodes_to_the_tasks_page(client, project, task):
    response = client.get(reverse("sharing:task_qr", args=[project.pk, task.pk]))
    assert response.status_code == 200
    url = f"http://{HOST}/projects/{project.pk}/tasks/{task.pk}/"
    assert decode(rasterise(response.content.decode())) == url


def test_an_inner_circles_code_holds_the_secret_link_and_stays_private(login, organiser, project):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.INNER_CIRCLE)
    project.refresh_from_db()
    response = login(organiser).get(reverse("sharing:project_qr", args=[project.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    secret = f"http://{HOST}/projects/{project.pk}/join/{project.secret}/"
    assert decode(rasterise(response.content.decode())) == secret
    # Without the secret, the project and so its code are a 404.
    visitor = Client(HTTP_HOST=HOST)
    assert visitor.get(reverse("sharing:project_qr", args=[project.pk])).status_code == 404


def test_the_code_is_black_on_white_with_its_quiet_zone(client, project):
    svg = client.get(reverse("sharing:project_qr", args=[project.pk])).content.decode()
    root = ET.fromstring(svg)  # noqa: S314 - our own server's SVG, in a test
    assert root.get("viewBox") and root.get("width", "").endswith("px")
    image = rasterise(svg, pixels_per_module=1)
    border = [image.getpixel((x, y)) for x in range(image.width) for y in range(qr.BORDER)]
    assert set(border) == {255}
    assert "style" not in svg and "<script" not in svg


def test_each_address_is_drawn_once(client, project, monkeypatch):
    drawn: list[str] = []
    original = qr.render_svg

    def counting(url: str) -> str:
        drawn.append(url)
        return original(url)

    monkeypatch.setattr(qr, "render_svg", counting)
    url = reverse("sharing:project_qr", args=[project.pk])
    first = client.get(url).content
    assert client.get(url).content == first
    assert drawn == [f"http://{HOST}/projects/{project.pk}/"]


@pytest.mark.parametrize("status", [Project.Status.DRAFT, Project.Status.CLOSED])
def test_drafts_and_closed_projects_have_no_code(login, organiser, project, task, status):
    Project.objects.filter(pk=project.pk).update(status=status)
    browser = login(organiser)  # a member: sees the page, but there is nothing to share
    assert browser.get(reverse("sharing:project_qr", args=[project.pk])).status_code == 404
    assert browser.get(reverse("sharing:task_qr", args=[project.pk, task.pk])).status_code == 404


def test_other_platforms_and_removed_tasks_have_no_code(client, other_client, project, task):
    assert other_client.get(reverse("sharing:project_qr", args=[project.pk])).status_code == 404
    assert (
        other_client.get(reverse("sharing:task_qr", args=[project.pk, task.pk])).status_code == 404
    )
    actions.remove_task(task)
    assert client.get(reverse("sharing:task_qr", args=[project.pk, task.pk])).status_code == 404


def test_a_code_is_only_read(client, project):
    assert client.post(reverse("sharing:project_qr", args=[project.pk])).status_code == 405


def test_a_supporter_outside_the_renewed_link_gets_no_code_poster_or_new_secret(
    login, volunteer, project, task
):
    """Someone who took a task sees the inner circle by that commitment alone; after the
    organisation renewed the link (to lock a leaked one out), the QR code and the poster must
    not hand them the new secret."""
    Project.objects.filter(pk=project.pk).update(status=Project.Status.INNER_CIRCLE)
    project.refresh_from_db()
    f.CommitmentFactory(task=task, user=volunteer)
    client = login(volunteer)
    client.get(reverse("projects:secret_link", args=[project.pk, project.secret]))
    project = actions.regenerate_secret(project)
    assert client.get(project.get_absolute_url()).status_code == 200  # by the commitment
    for url in (
        reverse("sharing:project_qr", args=[project.pk]),
        reverse("sharing:task_qr", args=[project.pk, task.pk]),
        reverse("sharing:poster", args=[project.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert project.secret not in response.content.decode(errors="replace")
