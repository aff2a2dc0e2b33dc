"""Objects as the API's schemas show them (plain dicts; ninja validates them against the
response schema)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from crowdmoving.accounts.deletion import is_tombstone
from crowdmoving.projects.models import Commitment, Project, Task


def organisation_ref(project: Project) -> dict[str, Any]:
    return {"slug": project.organisation.slug, "name": project.organisation.name}


def project_summary(request: HttpRequest, project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "title": project.title,
        "status": project.status,
        "organisation": organisation_ref(project),
        "place": project.place,
        "postal_code": project.postal_code,
        "category": project.category,
        "suitable_for_groups": project.suitable_for_groups,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "places": getattr(project, "places", 0),
        "places_free": getattr(project, "places_free", 0),
        "url": request.build_absolute_uri(project.get_absolute_url()),
    }


def project_detail(request: HttpRequest, project: Project, tasks: list[Task]) -> dict[str, Any]:
    places = sum(task.capacity for task in tasks)
    project.places = places  # type: ignore[attr-defined]
    project.places_free = sum(task.free for task in tasks)  # type: ignore[attr-defined]
    return {
        **project_summary(request, project),
        "story": project.story,
        "story_html": project.story_html,
        "tasks": [task_out(task) for task in tasks],
    }


def task_out(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "title": task.title,
        "description": task.description,
        "timing": task.timing,
        "starts_at": task.starts_at,
        "ends_at": task.ends_at,
        "day": task.day,
        "location": task.location,
        "capacity": task.capacity,
        "taken": task.taken,
        "free": task.free,
        "skills": task.skill_list,
        "easy": task.easy,
    }


def supporter(commitment: Commitment) -> dict[str, Any]:
    """As the supporter list (projects.views_export.write_csv): a deleted account shows
    neither name nor email."""
    person = commitment.user
    gone = is_tombstone(person)
    return {
        "id": commitment.pk,
        "task_id": commitment.task_id,
        "task_title": commitment.task.title,
        "status": commitment.status,
        "name": None if gone else person.name,
        "email": None if gone else person.email,
        "hours": None if commitment.hours is None else f"{commitment.hours:.2f}",
        "joined_at": commitment.joined_at,
        "changed_at": commitment.changed_at,
    }


def my_commitment(commitment: Commitment) -> dict[str, Any]:
    task = commitment.task
    project = task.project
    return {
        "id": commitment.pk,
        "status": commitment.status,
        "wait_position": getattr(commitment, "wait_position", None),
        "project": {
            "id": project.pk,
            "title": project.title,
            "organisation": organisation_ref(project),
        },
        "task": task_out(task),
        "joined_at": commitment.joined_at,
    }
