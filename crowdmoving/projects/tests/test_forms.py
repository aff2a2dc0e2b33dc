from datetime import date
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from crowdmoving.projects.forms import ProjectForm, TaskForm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


def image_upload(image_format: str = "PNG", size: tuple[int, int] = (30, 20)) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(out, format=image_format)
    return SimpleUploadedFile(f"bild.{image_format.lower()}", out.getvalue())


def project_form(files=None, **changes) -> ProjectForm:  # type: ignore[no-untyped-def]
    return ProjectForm({"title": "Ein Garten für alle", "story": "Wir graben."} | changes, files)


def task_form(**changes) -> TaskForm:  # type: ignore[no-untyped-def]
    data = {
        "title": "Beete anlegen",
        "timing": "scheduled",
        "starts_at": "2031-05-03T10:00",
        "ends_at": "2031-05-03T14:00",
        "capacity": "2",
    }
    return TaskForm(data | changes)


# --- ProjectForm ----------------------------------------------------------------------------


def test_a_project_needs_only_a_title():
    assert ProjectForm({"title": "Nur ein Titel"}).is_valid()
    form = ProjectForm({"title": "  "})
    assert form.errors["title"] == ["Please give the project a title."]


def test_overlong_project_texts_say_how_long_they_may_be():
    form = project_form(title="x" * 121, story="y" * 20001)
    assert form.errors["title"] == ["This is too long: at most 120 characters (it has 121)."]
    assert form.errors["story"] == ["This is too long: at most 20000 characters (it has 20001)."]


def test_a_project_cannot_end_before_it_starts():
    form = project_form(starts_on="2031-06-10", ends_on="2031-06-09")
    assert form.errors == {"ends_on": ["The end is before the start."]}
    assert project_form(starts_on="2031-06-10", ends_on="2031-06-10").is_valid()


@pytest.mark.parametrize("image_format", ["PNG", "WEBP", "GIF", "JPEG"])
def test_a_cover_image_is_re_encoded_as_jpeg(image_format):
    form = project_form(files={"cover": image_upload(image_format)})
    assert form.is_valid(), form.errors
    cover = form.cleaned_data["cover"]
    assert isinstance(cover, ContentFile)
    assert str(cover.name).endswith(".jpg")
    with Image.open(BytesIO(cover.read())) as image:
        assert image.format == "JPEG"
        assert image.size == (30, 20)


def test_a_file_that_is_no_image_is_refused_at_the_cover_field():
    form = project_form(files={"cover": SimpleUploadedFile("x.jpg", b"<script>")})
    assert list(form.errors) == ["cover"]
    assert "not an image we can read" in form.errors["cover"][0]


def test_an_image_in_another_format_is_refused():
    form = project_form(files={"cover": image_upload("BMP")})
    assert form.errors["cover"] == ["Please upload a JPEG, PNG or WebP image."]


def test_an_oversize_cover_is_refused(settings):
    settings.CROWDMOVING = settings.CROWDMOVING | {"COVER_MAX_BYTES": 2 * 2**20}
    big = SimpleUploadedFile("big.png", b"0" * (2 * 2**20 + 1))
    form = project_form(files={"cover": big})
    assert form.errors["cover"] == ["The image is too large (at most 2 MB)."]


def test_clearing_the_cover_empties_it():
    form = project_form(**{"cover-clear": "on"})
    assert form.is_valid()
    assert form.cleaned_data["cover"] in ("", None)


# --- TaskForm -------------------------------------------------------------------------------


def test_a_scheduled_task_is_valid_with_start_and_end():
    form = task_form()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_at"].hour == 10
    assert form.cleaned_data["day"] is None


def test_a_task_needs_a_title_of_at_most_120_characters():
    assert task_form(title="").errors["title"] == ["Please give the task a title."]
    assert task_form(title="x" * 121).errors["title"] == [
        "This is too long: at most 120 characters (it has 121)."
    ]


@pytest.mark.parametrize("capacity", ["0", "-3"])
def test_a_task_needs_at_least_one_person(capacity):
    form = task_form(capacity=capacity)
    assert form.errors == {"capacity": ["At least one person is needed for a task."]}


def test_a_task_needs_a_whole_number_of_people():
    assert task_form(capacity="drei").errors["capacity"] == ["Please enter a whole number, like 3."]


def test_a_scheduled_task_needs_a_start():
    form = task_form(starts_at="", ends_at="")
    assert form.errors == {"starts_at": ["Please say when the task starts."]}


@pytest.mark.parametrize("ends_at", ["2031-05-03T10:00", "2031-05-03T09:59"])
def test_a_scheduled_task_must_end_after_it_starts(ends_at):
    form = task_form(ends_at=ends_at)
    assert form.errors == {"ends_at": ["The end must be after the start."]}


def test_a_garbled_time_is_refused_at_its_field():
    assert task_form(starts_at="morgen früh").errors["starts_at"] == [
        "Please enter a date and time."
    ]


def test_a_whole_day_task_needs_its_day_and_forgets_times():
    assert task_form(timing="day").errors == {"day": ["Please choose the day."]}
    form = task_form(timing="day", day="2031-05-04")
    assert form.is_valid()
    assert form.cleaned_data["day"] == date(2031, 5, 4)
    assert form.cleaned_data["starts_at"] is None
    assert form.cleaned_data["ends_at"] is None


def test_a_flexible_task_needs_no_time_and_keeps_none():
    form = task_form(timing="flexible", ends_at="2031-05-03T09:00", day="2031-05-04")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_at"] is None
    assert form.cleaned_data["day"] is None


def test_skills_are_tidied():
    form = task_form(skills=" kochen ,, Führerschein ,")
    assert form.is_valid()
    assert form.cleaned_data["skills"] == "kochen, Führerschein"


def test_the_date_and_time_fields_use_the_browsers_pickers():
    html = str(task_form())
    assert 'type="datetime-local"' in html
    assert 'value="2031-05-03T10:00"' in html
    assert 'type="date"' in html
    assert 'type="radio"' in html
