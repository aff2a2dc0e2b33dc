"""Forms of the organisers' side: projects and their tasks. They only parse and check input;
the writes happen in projects.actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from crowdmoving.core.images import reencode_image

from .models import Project, Task

TOO_LONG = _("This is too long: at most %(limit_value)d characters (it has %(show_value)d).")


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
        fields = ["title", "story", "cover", "place", "starts_on", "ends_on"]
        widgets = {
            "story": forms.Textarea(attrs={"rows": 12}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }
        help_texts = {"place": _("Town or neighbourhood, e.g. “Berlin-Neukölln”.")}
        error_messages = {
            "title": {
                "required": _("Please give the project a title."),
                "max_length": TOO_LONG,
            },
            "story": {"max_length": TOO_LONG},
            "place": {"max_length": TOO_LONG},
        }

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
            "capacity", "skills",
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
