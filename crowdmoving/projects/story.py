"""Stories that activate: the optional three-part skeleton of a project's story ("Imagine …",
"This is what we want to make possible …", "Do you want to be part of it?"), short examples,
the organisers' checklist of a project that is ready to be shared, and the share card's summary.

Everything here is pure: it reads a project (saved or not) and its live tasks, never the
database, so the editor can check what the organiser is typing before anything is saved."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crowdmoving.core.text import plain_summary

from .models import Project, Task

SHARE_SUMMARY_LENGTH = 200
# A rough measure of a story that says who benefits and what changes: enough words, in more
# than one paragraph. The template's headings and hints do not count.
STORY_MIN_WORDS = 60
STORY_MIN_PARAGRAPHS = 2
MIN_TASKS = 3

WORD = re.compile(r"\w+", re.UNICODE)


def share_summary(project: Project) -> str:
    """The summary of ``project`` on its share card (and in Open Graph / social previews): the
    story's opening as plain text, at most SHARE_SUMMARY_LENGTH characters, cut at a word.
    Empty when the story is. It is text, not HTML: templates escape it."""
    return plain_summary(project.story, SHARE_SUMMARY_LENGTH)


# --- the activating structure ----------------------------------------------------------------


def skeleton_parts() -> list[tuple[str, str]]:
    """The three sections of an activating story in the active language: (heading, hint)."""
    return [
        (
            gettext("Imagine …"),
            gettext("(Describe the situation: who is it about, what is missing today?)"),
        ),
        (
            gettext("This is what we want to make possible …"),
            gettext("(What changes when the project succeeds, and for whom?)"),
        ),
        (
            gettext("Do you want to be part of it?"),
            gettext("(What can people do? Point to the tasks below: one click is enough.)"),
        ),
    ]


def skeleton() -> str:
    """The story template as Markdown, in the active language: three headings, each with a
    hint in brackets to be replaced by the organiser's own words."""
    return "\n\n".join(f"## {heading}\n\n{hint}" for heading, hint in skeleton_parts()) + "\n"


def _own_text(story: str) -> list[str]:
    """The story's paragraphs without Markdown headings and without the template's hints
    (in any language they were written in)."""
    hints = {hint for _heading, hint in skeleton_parts()}
    paragraphs = []
    for block in re.split(r"\n\s*\n", story or ""):
        lines = [
            line
            for line in block.strip().splitlines()
            if line.strip() and not line.lstrip().startswith("#") and line.strip() not in hints
        ]
        if lines:
            paragraphs.append(" ".join(lines))
    return paragraphs


def story_has_hints(story: str) -> bool:
    """Whether a hint of the template is still in ``story`` (not yet replaced)."""
    return any(hint in (story or "") for _heading, hint in skeleton_parts())


def story_is_activating(story: str) -> bool:
    """The heuristic of the checklist: at least STORY_MIN_WORDS words of the organiser's own
    in at least STORY_MIN_PARAGRAPHS paragraphs, and no template hint left. It measures length
    and shape only; whether the story says who benefits and what changes, a person decides."""
    paragraphs = _own_text(story)
    words = sum(len(WORD.findall(paragraph)) for paragraph in paragraphs)
    return (
        words >= STORY_MIN_WORDS
        and len(paragraphs) >= STORY_MIN_PARAGRAPHS
        and not story_has_hints(story)
    )


@dataclass(frozen=True)
class Example:
    title: str | Promise
    story: str | Promise


EXAMPLES = [
    Example(
        _("A reading corner for the refugee shelter"),
        _(
            "Imagine twenty children in a shelter who have nothing to read in the evening, "
            "while their parents learn German next door.\n\n"
            "This is what we want to make possible: a cosy reading corner with picture books "
            "in German, Arabic and Ukrainian, and someone who reads aloud twice a week.\n\n"
            "Do you want to be part of it? Bring a book, build a shelf with us or read for "
            "an hour."
        ),
    ),
    Example(
        _("Lunch on Saturdays in the neighbourhood centre"),
        _(
            "Imagine eating alone every day, because since your partner died nobody comes "
            "round any more.\n\n"
            "This is what we want to make possible: a warm lunch every Saturday, where older "
            "neighbours sit at one table with young ones.\n\n"
            "Do you want to be part of it? Cook once, bake a cake, or pick up Mrs Yilmaz at "
            "her door."
        ),
    ),
    Example(
        _("Clearing up the river bank"),
        _(
            "Imagine the river bank where your children play, full of broken glass and "
            "plastic.\n\n"
            "This is what we want to make possible: a clean bank in one afternoon, and bins "
            "that the city empties from then on.\n\n"
            "Do you want to be part of it? Two hours with gloves are enough; we bring the rest."
        ),
    ),
]


# --- the checklist ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One point of the checklist: whether it is done, and what helps if it is not."""

    key: str
    label: str | Promise
    done: bool
    hint: str | Promise


def checklist(project: Project, tasks: Sequence[Task]) -> list[Item]:
    """The checklist of a project that activates, for ``project`` (saved or not, e.g. the
    editor's unsaved input) and its live ``tasks`` (removed ones left out by the caller).

    - story: story_is_activating (a heuristic of length and paragraphs, said so in the hint);
    - cover: a cover image;
    - tasks: at least MIN_TASKS tasks;
    - easy: at least one task marked "easy to join" (``Task.easy``): only the organiser knows
      whether a task takes little time or skill, so the flag counts, not a guess from its text;
    - dates: the project's start date, or at least one task and each with its date or marked
      flexible (the task form asks for the date of every dated task)."""
    has_dates = project.starts_on is not None or (
        bool(tasks)
        and all(
            task.timing == Task.Timing.FLEXIBLE
            or (task.timing == Task.Timing.SCHEDULED and task.starts_at is not None)
            or (task.timing == Task.Timing.DAY and task.day is not None)
            for task in tasks
        )
    )
    return [
        Item(
            "story",
            _("The story says who benefits and what changes"),
            story_is_activating(project.story),
            _(
                "A rough check only: at least %(words)d words of your own in at least two "
                "paragraphs, and no hint in brackets left. Whether it tells who benefits and "
                "what changes, you decide: the three-part structure helps."
            )
            % {"words": STORY_MIN_WORDS},
        ),
        Item(
            "cover",
            _("There is a cover image"),
            bool(project.cover),
            _("A photo of the people or the place: it is shown when the project is shared."),
        ),
        Item(
            "tasks",
            _("At least three concrete tasks"),
            len(tasks) >= MIN_TASKS,
            _("Concrete tasks (when, where, how many people) make it easy to say yes."),
        ),
        Item(
            "easy",
            _("At least one task that is easy to join"),
            any(task.easy for task in tasks),
            _("Mark a task that takes little time and no special skill as “easy to join”."),
        ),
        Item(
            "dates",
            _("Dates are set"),
            has_dates,
            _("Give the project a start date, or give every task its date or mark it flexible."),
        ),
    ]
