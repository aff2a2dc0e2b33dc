"""The checklist of a project that activates, the story's skeleton and the share card's
summary (projects.story): pure functions of a project and its tasks, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from crowdmoving.projects import story
from crowdmoving.projects.models import Project, Task


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


GOOD_STORY = (
    "Imagine twenty children in a shelter on the edge of town who have nothing to read in "
    "the evening, while their parents learn German in the room next door and the corridor "
    "is the only place to play.\n\n"
    "This is what we want to make possible: a cosy reading corner with picture books in "
    "German, Arabic and Ukrainian, a shelf the children painted themselves, and someone who "
    "reads aloud to them twice a week, so that the evenings belong to stories again.\n\n"
    "Do you want to be part of it? Bring a book, build the shelf with us, or read for an hour."
)


def task(**fields) -> Task:  # type: ignore[no-untyped-def]
    values = {"title": "Vorlesen", "timing": Task.Timing.FLEXIBLE} | fields
    return Task(**values)


def points(project: Project, tasks: list[Task]) -> dict[str, bool]:
    return {item.key: item.done for item in story.checklist(project, tasks)}


def test_the_checklist_has_five_points_each_with_a_hint():
    items = story.checklist(Project(), [])
    assert [item.key for item in items] == ["story", "cover", "tasks", "easy", "dates"]
    assert all(str(item.label) and str(item.hint) for item in items)
    assert not any(item.done for item in items)


def test_a_story_of_enough_words_in_paragraphs_counts():
    assert points(Project(story=GOOD_STORY), [])["story"] is True


def test_a_long_story_in_one_paragraph_does_not_count():
    one_block = GOOD_STORY.replace("\n\n", " ")
    assert points(Project(story=one_block), [])["story"] is False


def test_a_short_story_does_not_count():
    assert points(Project(story="Wir graben.\n\nKomm mit!"), [])["story"] is False


def test_the_skeleton_alone_does_not_count_nor_do_its_hints_left_in():
    assert points(Project(story=story.skeleton()), [])["story"] is False
    with_hint = GOOD_STORY + "\n\n" + story.skeleton_parts()[1][1]
    assert story.story_has_hints(with_hint)
    assert points(Project(story=with_hint), [])["story"] is False


def test_the_skeleton_filled_with_own_words_counts():
    (h1, _), (h2, _), (h3, _) = story.skeleton_parts()
    paragraphs = GOOD_STORY.split("\n\n")
    filled = (
        f"## {h1}\n\n{paragraphs[0]}\n\n## {h2}\n\n{paragraphs[1]}\n\n## {h3}\n\n{paragraphs[2]}"
    )
    assert points(Project(story=filled), [])["story"] is True


def test_the_skeleton_speaks_the_language_of_the_page():
    skeleton = story.skeleton()
    assert skeleton.startswith("## Imagine …")
    assert "## This is what we want to make possible …" in skeleton
    assert "## Do you want to be part of it?" in skeleton


def test_a_cover_image_counts():
    assert points(Project(cover="covers/bild.jpg"), [])["cover"] is True
    assert points(Project(cover=""), [])["cover"] is False


def test_three_tasks_are_needed():
    assert points(Project(), [task(), task()])["tasks"] is False
    assert points(Project(), [task(), task(), task()])["tasks"] is True


def test_only_a_task_marked_easy_to_join_counts_as_easy():
    assert points(Project(), [task(skills=""), task(capacity=1)])["easy"] is False
    assert points(Project(), [task(), task(easy=True)])["easy"] is True


def test_dates_are_set_by_the_project_start_or_by_every_task():
    assert points(Project(), [])["dates"] is False
    assert points(Project(starts_on=date(2031, 5, 3)), [])["dates"] is True
    dated = task(timing=Task.Timing.SCHEDULED, starts_at=timezone.now() + timedelta(days=3))
    a_day = task(timing=Task.Timing.DAY, day=date(2031, 5, 3))
    assert points(Project(), [dated, a_day, task()])["dates"] is True
    undated = task(timing=Task.Timing.DAY, day=None)
    assert points(Project(), [dated, undated])["dates"] is False


def test_the_share_summary_is_plain_text_of_at_most_200_characters():
    project = Project(
        story="**Stell dir vor**, <script>alert(1)</script> Kinder & Bücher.\n\n" * 20
    )
    summary = story.share_summary(project)
    assert len(summary) <= 200
    assert summary.startswith("Stell dir vor, ")
    assert "<" not in summary and "**" not in summary and "&amp;" not in summary
    assert summary.endswith("…")


def test_the_share_summary_of_an_empty_story_is_empty():
    assert story.share_summary(Project(story="")) == ""
