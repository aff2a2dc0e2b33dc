"""Forms announce their errors: a field with an error is marked ``aria-invalid`` and described by
its error text (the id exists), and the form opens with an error summary (role="alert", focused)
whose links lead to the fields. Shared by every form: ``forms/error_summary.html``, included by
the organisers' forms, the settings and allauth's sign-in and sign-up forms."""

from __future__ import annotations

from html.parser import HTMLParser

from django.urls import reverse

HTMX = {"HTTP_HX_REQUEST": "true"}


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text inside each id'd element."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag not in {"input", "br", "img", "meta", "link", "hr"}:
            self._open.append((tag, attributes.get("id")))
        if "id" in attributes:
            self.text_by_id.setdefault(attributes["id"], "")

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            opened, _ = self._open.pop()
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, ident in self._open:
            if ident:
                self.text_by_id[ident] += data

    def find(self, **wanted: str) -> dict[str, str]:
        found = [a for _, a in self.tags if all(a.get(k) == v for k, v in wanted.items())]
        assert len(found) == 1, f"{len(found)} elements with {wanted}"
        return found[0]

    def summary(self) -> dict[str, str]:
        return self.find(**{"class": "error-summary"})


def assert_described_error(page: Elements, name: str, text: str) -> None:
    field = page.find(name=name)
    assert field.get("aria-invalid") == "true", field
    described = [page.text_by_id.get(ident) for ident in field["aria-describedby"].split()]
    assert all(d is not None for d in described), f"{field} points at a missing id"
    assert any(text in (d or "") for d in described), described


def test_an_organisers_form_marks_the_field_and_opens_with_a_focused_summary(
    login, organiser, project
):
    response = login(organiser).post(
        reverse("manage:task_create", args=[project.pk]), {"title": "", "capacity": "0"}
    )
    assert response.status_code == 200
    page = Elements(response.content.decode())
    assert_described_error(page, "title", "Please give the task a title")
    assert page.find(name="title")["id"] == "id_title"
    summary = page.summary()
    assert summary["role"] == "alert"
    assert "autofocus" in summary
    assert summary["tabindex"] == "-1"
    assert page.find(href="#id_title")  # the summary's link to the field
    # Fields without an error are not marked.
    assert "aria-invalid" not in page.find(name="location")


def test_a_valid_form_has_no_summary(login, organiser, project):
    response = login(organiser).get(reverse("manage:task_create", args=[project.pk]))
    html = response.content.decode()
    assert "error-summary" not in html
    assert "aria-invalid" not in html


def test_sign_in_with_a_wrong_password_announces_it(client, platform):
    response = client.post(
        reverse("account_login"), {"login": "nobody@example.org", "password": "wrong"}
    )
    assert response.status_code == 200
    page = Elements(response.content.decode())
    summary = page.summary()
    assert summary["role"] == "alert"
    assert "not correct" in response.content.decode()
    assert page.find(name="login")["id"] == "id_login"  # labelled fields, not placeholders
    assert page.find(**{"for": "id_login"})


def test_sign_up_with_a_bad_address_describes_the_field(client, platform):
    response = client.post(
        reverse("account_signup"),
        {"email": "no-address", "password1": "x", "password2": "y", "name": "Vera"},
    )
    assert response.status_code == 200
    page = Elements(response.content.decode())
    assert_described_error(page, "email", "valid email")
    assert page.find(href="#id_email")
    assert page.summary()["role"] == "alert"


def test_the_hold_form_in_the_card_focuses_the_field_with_the_error(client, task):
    url = reverse("projects:hold", args=[task.project.pk, task.pk])
    response = client.post(url, {"name": "Vera", "email": "vera@"}, **HTMX)
    page = Elements(response.content.decode())
    assert_described_error(page, "email", "valid email")
    assert "autofocus" in page.find(name="email")
    assert "autofocus" not in page.find(name="name")
    assert "aria-invalid" not in page.find(name="name")

    response = client.post(url, {"name": "", "email": "vera@"}, **HTMX)
    page = Elements(response.content.decode())
    assert "autofocus" in page.find(name="name")  # the first field with an error
    assert "autofocus" not in page.find(name="email")
