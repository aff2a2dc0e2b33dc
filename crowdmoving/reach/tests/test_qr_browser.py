"""The QR codes as a browser draws them: Chromium opens the served SVG, the screenshot is read
by zxing-cpp, and the text must be exactly the shared address."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from crowdmoving import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def read_code(png: bytes) -> list[str]:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return [code.text for code in found if code.format == zxingcpp.BarcodeFormat.QRCode]


def test_chromium_draws_codes_that_decode_to_the_project_and_the_task(
    hub, new_context, live_server
):
    project = f.ProjectFactory(
        organisation=f.OrganisationFactory(platform=hub), title="Kinder malen ihre Welt"
    )
    task = f.TaskFactory(project=project, title="Infostand besetzen")
    page = new_context().new_page()

    response = page.goto(f"/projects/{project.pk}/qr.svg")
    assert response is not None and response.headers["content-type"].startswith("image/svg+xml")
    assert read_code(page.screenshot()) == [f"{live_server.url}/projects/{project.pk}/"]

    page.goto(f"/projects/{project.pk}/tasks/{task.pk}/qr.svg")
    assert read_code(page.screenshot()) == [
        f"{live_server.url}/projects/{project.pk}/tasks/{task.pk}/"
    ]


def test_the_code_on_the_project_page_decodes_at_its_small_size(hub, new_context, live_server):
    project = f.ProjectFactory(organisation=f.OrganisationFactory(platform=hub))
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    page.goto(f"/projects/{project.pk}/")
    image = page.locator(".share-qr img")
    image.scroll_into_view_if_needed()
    assert read_code(image.screenshot()) == [f"{live_server.url}/projects/{project.pk}/"]
