"""Forms of the organisers' side: projects and their tasks. They only parse and check input;
the writes happen in projects.actions."""

from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdmoving.core.images import reencode_image

from .models import Project, Task

TOO_LONG = _("This is too long: at most %(limit_value)d characters (it has %(show_value)d).")

# German postal codes have five digits; other countries' (Austria 1010, the Netherlands
# 1012 AB, Poland 00-950, the UK SW1A 1AA) are let through: letters, digits, spaces, hyphens.
POSTAL_CODE = re.compile(r"^(?=.*[0-9])[A-Z0-9][A-Z0-9 -]{1,8}[A-Z0-9]$")


def clean_postal_code(value: str) -> str:
    """``value`` tidied (capitals, single spaces), or ValidationError with a message."""
    code = " ".join((value or "").split()).upper()
    if not code:
        return ""
    if code.isdigit() and len(code) not in (4, 5):
        raise ValidationError(
            _("A German postal code has five digits, like 10115."), code="postal_code_digits"
        )
    if len(code) > 10 or not POSTAL_CODE.match(code):
        raise ValidationError(
            _("Please enter a postal code: digits, letters, spaces or hyphens, like 10115."),
            code="postal_code",
        )
    return code


def check_public_on(day: datetime.date | None, status: str) -> None:
    """Raise ValidationError unless ``day`` (going public automatically) is empty, or after
    today while the project is (or is about to be) in the inner circle."""
    if day is None:
        return
    if status != Project.Status.INNER_CIRCLE:
        raise ValidationError(
            _(
                "A day for going public automatically works only while the project is in the "
                "inner circle. Open it to the inner circle on the dashboard, and choose the day "
                "there."
            ),
            code="public_on_stage",
        )
    if day <= timezone.localdate():
        raise ValidationError(
            _("Please choose a day after today: on that day the project becomes public."),
            code="public_on_past",
        )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ProjectForm(forms.ModelForm):
    # A plain file field: the image is checked and re-encoded by core.images, not by Django's
    # ImageField, so that every refusal carries our own message.
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        help_text=_("A photo that shows what the project is about (JPEG, PNG or WebP)."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Project
        fields = [
            "title", "story", "cover", "category", "place", "postal_code", "starts_on",
            "ends_on", "suitable_for_groups", "public_on",
        ]  # fmt: skip
        widgets = {
            "story": forms.Textarea(attrs={"rows": 12}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "public_on": DateInput(),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        }
        help_texts = {
            "place": _("Town or neighbourhood, e.g. “Berlin-Neukölln”."),
            "postal_code": _("Helps people nearby find the project, e.g. 10115."),
            "public_on": _(
                "Only while the project is in the inner circle: on this day the project "
                "becomes public by itself, and you are told."
            ),
        }
        error_messages = {
            "title": {
                "required": _("Please give the project a title."),
                "max_length": TOO_LONG,
            },
            "story": {"max_length": TOO_LONG},
            "place": {"max_length": TOO_LONG},
            "postal_code": {"max_length": TOO_LONG},
            "starts_on": {"invalid": _("Please enter a date.")},
            "ends_on": {"invalid": _("Please enter a date.")},
            "public_on": {"invalid": _("Please enter a date.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = cast(forms.ChoiceField, self.fields["category"])
        category.choices = [("", _("Please choose (optional)")), *Project.Category.choices]
        if self.instance.status != Project.Status.INNER_CIRCLE and not self.instance.public_on:
            # Set on the dashboard when the project opens to the inner circle; here it is
            # only shown (and validated) when it means something.
            self.fields["public_on"].widget = forms.HiddenInput()

    def clean_postal_code(self) -> str:
        return clean_postal_code(self.cleaned_data.get("postal_code") or "")

    def clean_public_on(self) -> datetime.date | None:
        day = self.cleaned_data.get("public_on")
        if day is not None and day == self.instance.public_on:
            return day  # unchanged: the worker may not have come round to it yet
        check_public_on(day, self.instance.status)
        return day

    def clean_cover(self) -> Any:
        cover = self.cleaned_data.get("cover")
        if cover is False:  # "clear" ticked
            return ""
        if isinstance(cover, UploadedFile):
            # Raises ValidationError with a translated message; Django puts it at this field.
            return reencode_image(cover, prefix="cover")
        return cover

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end is before the start."))
        return data


class TaskForm(forms.ModelForm):
    capacity = forms.IntegerField(
        label=_("People needed"),
        min_value=1,
        max_value=10000,
        initial=1,
        error_messages={
            "required": _("How many people are needed? At least one."),
            "min_value": _("At least one person is needed for a task."),
            "max_value": _("At most %(limit_value)s people per task."),
            "invalid": _("Please enter a whole number, like 3."),
        },
    )

    class Meta:
        model = Task
        fields = [
            "title", "description", "timing", "starts_at", "ends_at", "day", "location",
            "capacity", "skills", "easy",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "timing": forms.RadioSelect,
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "day": DateInput(),
        }
        help_texts = {
            "title": _("What is to be done, in a few words: “Staff the info stand”."),
            "starts_at": _("Needed for “on a date, from - to”."),
            "ends_at": _("Optional."),
            "day": _("Needed for “a whole day”."),
            "skills": _("Separated by commas, e.g. “cooking, driving licence”."),
        }
        error_messages = {
            "title": {
                "required": _("Please give the task a title."),
                "max_length": TOO_LONG,
            },
            "description": {"max_length": TOO_LONG},
            "location": {"max_length": TOO_LONG},
            "skills": {"max_length": TOO_LONG},
            "starts_at": {"invalid": _("Please enter a date and time.")},
            "ends_at": {"invalid": _("Please enter a date and time.")},
            "day": {"invalid": _("Please enter a date.")},
        }

    def clean_skills(self) -> str:
        skills = self.cleaned_data.get("skills") or ""
        return ", ".join(s.strip() for s in skills.split(",") if s.strip())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        timing = data.get("timing")
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if timing == Task.Timing.SCHEDULED:
            if not starts_at and "starts_at" not in self.errors:
                self.add_error("starts_at", _("Please say when the task starts."))
            if starts_at and ends_at and ends_at <= starts_at:
                self.add_error("ends_at", _("The end must be after the start."))
            data["day"] = None
        elif timing == Task.Timing.DAY:
            if not data.get("day") and "day" not in self.errors:
                self.add_error("day", _("Please choose the day."))
            data["starts_at"] = data["ends_at"] = None
        elif timing == Task.Timing.FLEXIBLE:
            data["starts_at"] = data["ends_at"] = data["day"] = None
        return data


class ReleaseForm(forms.Form):
    """The dashboard's "public automatically on <day>": set, changed or cleared while the
    project is in the inner circle, or together with opening it to the inner circle."""

    public_on = forms.DateField(
        label=_("Public automatically on"),
        required=False,
        help_text=_("On this day the project becomes public by itself, and you are told."),
        widget=DateInput(),
        error_messages={"invalid": _("Please enter a date.")},
    )

    def __init__(self, *args: Any, project: Project, opening: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.opening = opening

    def clean_public_on(self) -> datetime.date | None:
        day = self.cleaned_data.get("public_on")
        if self.opening and day is None:
            raise ValidationError(
                _("Please choose the day on which the project becomes public."),
                code="required",
            )
        status = Project.Status.INNER_CIRCLE if self.opening else self.project.status
        check_public_on(day, status)
        return day
