"""Seed the benchmark database: one platform (bench.localhost), one organisation, one public
project with many tasks and commitments, and the people who will take over places."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from crowdmoving.accounts.models import User
from crowdmoving.organisations.models import Membership, Organisation, Role
from crowdmoving.projects.models import Commitment, Project, Task
from crowdmoving.tenancy.models import Domain, Platform

HOST = "bench.localhost"
STORY = """Wir sind ein kleiner Verein aus Leipzig. **Im Sommer** malen Kinder aus dem Viertel
ihre Welt auf 40 Meter Bauzaun.

- Farben tragen, Pinsel waschen
- Kinder begleiten, Fotos machen

Mehr auf [unserer Seite](https://example.org/verein).
"""


def new_person(handle: str, name: str, visibility: str = User.Visibility.FIRST_NAME) -> User:
    """Someone who signs in by session only (force_login): no password to hash."""
    user = User(email=f"{handle}@bench.example.org", name=f"{name} Beispiel", visibility=visibility)
    user.set_unusable_password()
    return user


@dataclass
class Seeded:
    project: Project
    free_task_ids: list[int]  # tasks with at least one free place, for take-overs
    takers: list[User]  # people without any commitment yet


def seed(*, tasks: int, commitments: int, takers: int, seed_value: int = 42) -> Seeded:
    """Create the data with bulk_create. ``commitments`` live commitments are spread over the
    tasks: most tasks keep one free place, every tenth task is full and has a waiting list."""
    rng = random.Random(seed_value)
    now = timezone.now()
    with scopes_disabled(), transaction.atomic():
        # The migrations may have created the default platform (the hub) already.
        platform = Platform.objects.filter(is_default=True).first() or Platform.objects.create(
            name="Bench Plattform", slug="bench", default_language="de", is_default=True
        )
        Domain.objects.create(platform=platform, domain=HOST, is_primary=True)
        organisation = Organisation.objects.create(
            platform=platform, name="Bench e.V.", slug="bench-ev"
        )
        owner = User.objects.create_user(email="owner@bench.example.org", name="Olga Owner")
        Membership.objects.create(organisation=organisation, user=owner, role=Role.OWNER)
        from crowdmoving.core.text import render_markdown

        project = Project.objects.create(
            organisation=organisation,
            title="Kinder malen ihre Welt",
            story=STORY,
            story_html=render_markdown(STORY),
            place="Leipzig",
            status=Project.Status.PUBLIC,
            created_by=owner,
        )

        per_task = max(commitments // tasks, 1)
        pool_size = max(per_task * 4, 50)
        visibilities = [v for v, _label in User.Visibility.choices]
        pool = User.objects.bulk_create(
            [
                new_person(f"supporter{i}", "Supporter", rng.choice(visibilities))
                for i in range(pool_size)
            ],
            batch_size=1000,
        )
        fresh = User.objects.bulk_create(
            [new_person(f"taker{i}", "Taker") for i in range(takers)], batch_size=1000
        )

        task_rows = []
        for i in range(tasks):
            full = i % 10 == 9
            holders = per_task - 2 if full else per_task
            starts = now + timedelta(days=7 + i % 30, hours=i % 8)
            task_rows.append(
                Task(
                    project=project,
                    title=f"Aufgabe {i + 1}: Farben tragen",
                    description="Eimer vom Lager zum Bauzaun tragen und Pinsel auswaschen.",
                    timing=Task.Timing.SCHEDULED,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=3),
                    location="Bauzaun Eisenbahnstraße",
                    capacity=holders if full else holders + 1,
                    taken=holders,
                    skills="Ausdauer, gute Laune",
                    position=i + 1,
                )
            )
        created_tasks = Task.objects.bulk_create(task_rows, batch_size=500)

        rows = []
        for i, task in enumerate(created_tasks):
            people = rng.sample(pool, per_task)
            full = i % 10 == 9
            for n, person in enumerate(people):
                status = Commitment.Status.ACTIVE
                if full and n >= task.taken:
                    status = Commitment.Status.WAITING
                rows.append(Commitment(task=task, user=person, status=status))
        Commitment.objects.bulk_create(rows, batch_size=1000)

    free = [t.pk for i, t in enumerate(created_tasks) if i % 10 != 9]
    return Seeded(project=project, free_task_ids=free, takers=fresh)
