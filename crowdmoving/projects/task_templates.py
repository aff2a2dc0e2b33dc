"""Task templates for common needs: the add-task page offers them as "start from a template"
links (``?template=<key>``) that fill the form; the organiser changes what fits and saves.

A template only fills the form: nothing is saved until the organiser sends it, so a template
never needs a migration. An unknown key (an old link) is ignored: the form starts empty."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Task


@dataclass(frozen=True)
class TaskTemplate:
    key: str
    title: str | Promise
    description: str | Promise
    capacity: int
    easy: bool
    skills: str | Promise = ""

    def initial(self) -> dict[str, Any]:
        """The task form's initial values (in the active language)."""
        return {
            "title": str(self.title),
            "description": str(self.description),
            "capacity": self.capacity,
            "easy": self.easy,
            "skills": str(self.skills),
            "timing": Task.Timing.FLEXIBLE,
        }


TEMPLATES = [
    TaskTemplate(
        "info_stand",
        _("Staff the info stand"),
        _(
            "Stand at our table for two hours, hand out flyers and tell passers-by about the "
            "project. We brief you beforehand; you do not need to know everything."
        ),
        capacity=2,
        easy=True,
        skills=_("friendly manner"),
    ),
    TaskTemplate(
        "transport",
        _("Drive things over"),
        _(
            "Take tables, boxes or donations from A to B with your car or van. Please say in "
            "your message how much fits in."
        ),
        capacity=1,
        easy=False,
        skills=_("driving licence, car"),
    ),
    TaskTemplate(
        "baking",
        _("Bake a cake"),
        _(
            "Bake a cake at home and bring it along on the day. Please note the ingredients "
            "for people with allergies."
        ),
        capacity=4,
        easy=True,
        skills=_("baking"),
    ),
    TaskTemplate(
        "set_up",
        _("Help with the set-up"),
        _("Put up tents, tables and chairs before it starts. Many hands make it quick."),
        capacity=4,
        easy=True,
    ),
    TaskTemplate(
        "tear_down",
        _("Help with the tear-down"),
        _("Clear away tables and chairs and leave the place tidy after it ends."),
        capacity=4,
        easy=True,
    ),
    TaskTemplate(
        "translation",
        _("Translate"),
        _(
            "Translate a short text or help in a conversation, on site or from home. Please "
            "say which languages in the description."
        ),
        capacity=1,
        easy=False,
        skills=_("languages"),
    ),
    TaskTemplate(
        "flyers",
        _("Hand out flyers"),
        _("Put flyers into letterboxes or hang posters in your neighbourhood. We bring them."),
        capacity=3,
        easy=True,
    ),
]

BY_KEY = {template.key: template for template in TEMPLATES}


def find(key: str | None) -> TaskTemplate | None:
    """The template ``key``, or None when there is none (unknown keys are ignored)."""
    return BY_KEY.get(key or "")
