"""The German catalogue is complete and sound, and a German browser gets a German page."""

from __future__ import annotations

import gettext as gettext_module
import re
from collections.abc import Iterator
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

# %(name)s, %(count)d, %s, %d ... but not a literal "%%".
PLACEHOLDER = re.compile(r"%(?:\((?P<name>\w+)\))?[-+ #0]*\d*(?:\.\d+)?[sdifr]")


def catalogue_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def german_catalogue() -> polib.POFile:
    return polib.pofile(str(catalogue_path("de")))


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", "")))


def describe(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


# --- the catalogue ------------------------------------------------------------------------


def test_the_german_catalogue_has_no_untranslated_entry() -> None:
    """Fails whenever someone adds a string without translating it: run makemessages and
    translate the new entries in crowdmoving/locale/de/LC_MESSAGES/django.po."""
    catalogue = german_catalogue()
    untranslated = [describe(entry) for entry in catalogue.untranslated_entries()]
    assert untranslated == []
    assert len(catalogue.translated_entries()) > 100


def test_the_german_catalogue_has_no_fuzzy_entry() -> None:
    catalogue = german_catalogue()
    assert not catalogue.metadata_is_fuzzy
    assert [describe(entry) for entry in catalogue.fuzzy_entries()] == []


def test_every_german_translation_keeps_the_placeholders_of_its_source() -> None:
    broken = []
    for entry in german_catalogue().translated_entries():
        if entry.msgid_plural:
            pairs = [
                (entry.msgid if index == 0 else entry.msgid_plural, text)
                for index, text in sorted(entry.msgstr_plural.items())
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, text in pairs:
            if placeholders(source) != placeholders(text):
                broken.append(f"{describe(entry)}: {placeholders(text)}")
    assert broken == []


def test_german_translations_use_german_quotation_marks() -> None:
    """„so“, not “so” (English closing marks would look wrong in German text)."""
    english_quotes = [
        describe(entry)
        for entry in german_catalogue().translated_entries()
        for text in [entry.msgstr, *entry.msgstr_plural.values()]
        if "”" in text
    ]
    assert english_quotes == []


def test_the_english_catalogue_exists_beside_the_german_one() -> None:
    english = polib.pofile(str(catalogue_path("en")))
    german_ids = {entry.msgid for entry in german_catalogue()}
    assert {entry.msgid for entry in english} == german_ids


def test_the_placeholder_check_notices_a_lost_placeholder() -> None:
    assert placeholders("%(free)s of %(capacity)s places free") != placeholders(
        "%(free)s von Plätzen frei"
    )
    assert placeholders("%(count)d people") == placeholders("%(count)d Personen")
    assert placeholders("100%% sure, %s") == ["%s"]


# --- a rendered page ----------------------------------------------------------------------


@pytest.fixture
def compiled_catalogues() -> Iterator[None]:
    """Compile the .po files (a fresh clone has no .mo) and forget catalogues that were loaded
    before, so this process really reads the compiled German catalogue."""
    call_command("compiletranslations", verbosity=0)
    # Python's gettext keeps every .mo it read, by path; Django keeps its merged catalogues.
    gettext_module._translations.clear()  # type: ignore[attr-defined]
    trans_real._translations = {}  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.django_db
def test_a_german_browser_gets_the_project_page_in_german(
    compiled_catalogues, login, volunteer, project, task
) -> None:
    response = login(volunteer).get(
        reverse("projects:detail", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="de"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in page
    assert "Aufgabe übernehmen" in page
    assert "0 von 3 Plätzen besetzt" in page
    assert "So weit sind wir" in page
    assert "Take this task" not in page
    assert "places filled" not in page


@pytest.mark.django_db
def test_an_english_browser_gets_the_project_page_in_english(
    compiled_catalogues, login, volunteer, project, task
) -> None:
    response = login(volunteer).get(
        reverse("projects:detail", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in page
    assert "Take this task" in page
    assert "0 of 3 places filled" in page
    assert "How far we are" in page
    assert "Aufgabe übernehmen" not in page


@pytest.mark.django_db
def test_a_visitor_without_account_gets_the_take_over_form_in_german(
    compiled_catalogues, client, project, task
) -> None:
    response = client.get(reverse("projects:detail", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="de")
    page = response.content.decode()
    assert "Aufgabe übernehmen" in page
    assert "3 von 3 Plätzen frei" in page
    hold = reverse("projects:hold", args=[project.pk, task.pk])
    form = client.get(hold, HTTP_ACCEPT_LANGUAGE="de", HTTP_HX_REQUEST="true").content.decode()
    assert "Dein Name" in form
    assert "Deine E-Mail-Adresse" in form


@pytest.mark.django_db
def test_an_unknown_host_answers_in_the_browsers_language(compiled_catalogues) -> None:
    german = Client(HTTP_HOST="evil.example.com", HTTP_ACCEPT_LANGUAGE="de").get("/")
    english = Client(HTTP_HOST="evil.example.com", HTTP_ACCEPT_LANGUAGE="en").get("/")
    assert german.status_code == english.status_code == 404
    assert '<html lang="de">' in german.content.decode()
    assert "keine Crowdmoving-Plattform" in german.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert "not a Crowdmoving platform" in english.content.decode()


# --- allauth's account pages and mails speak "du" -------------------------------------------

# Formal address ("Sie", "Ihr", "Ihnen" ...), as allauth's own German catalogue has it.
FORMAL_ADDRESS = re.compile(r"\b(?:Sie|Ihr|Ihre|Ihrem|Ihren|Ihrer|Ihres|Ihnen)\b")


def test_the_formal_address_check_notices_sie_and_ihr_but_not_du() -> None:
    assert FORMAL_ADDRESS.search("Bitte geben Sie Ihr Passwort ein.")
    assert FORMAL_ADDRESS.search("Ihre E-Mail wurde bestätigt.")
    assert not FORMAL_ADDRESS.search("Bitte gib dein Passwort ein. Siehe oben, Ihringen.")


@pytest.mark.django_db
def test_the_sign_in_page_speaks_to_a_german_visitor_with_du(compiled_catalogues, client) -> None:
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="de")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in page
    assert "Schick mir einen Anmeldecode" in page
    assert "Send me a sign-in code" not in page
    assert FORMAL_ADDRESS.findall(page) == []


@pytest.mark.django_db
def test_the_sign_in_code_pages_and_mail_speak_to_a_german_visitor_with_du(
    compiled_catalogues, client, volunteer, outbox
) -> None:
    request_code = client.get(reverse("account_request_login_code"), HTTP_ACCEPT_LANGUAGE="de")
    assert "ohne Passwort anmelden" in request_code.content.decode()
    assert FORMAL_ADDRESS.findall(request_code.content.decode()) == []

    response = client.post(
        reverse("account_request_login_code"),
        {"email": volunteer.email},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 302
    enter_code = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "gib ihn also bitte bald ein" in enter_code
    assert FORMAL_ADDRESS.findall(enter_code) == []

    mail = outbox()[-1]
    text = f"{mail.subject}\n{mail.body}"
    assert "Bitte gib ihn in deinem geöffneten Browserfenster ein." in text
    assert "Wenn du das nicht warst, kannst du diese E-Mail einfach ignorieren." in text
    assert "Please enter it" not in text
    assert FORMAL_ADDRESS.findall(text) == []
