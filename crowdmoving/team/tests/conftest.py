"""A project team: Claudia organises, Kai coordinates for the organisation, Paula was handed
the coordination of the project, and Margit, Bernd and Anke support it (Bernd shares his
address, Anke stays anonymous). Everyone reads English."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core import mail

from crowdmoving import factories as f
from crowdmoving.accounts.models import User
from crowdmoving.projects.models import Commitment, Project, Task


@dataclass
class Team:
    project: Project
    stand: Task  # Margit and Bernd
    kitchen: Task  # Anke and Paula
    organiser: User
    coordinator: User
    paula: User  # project coordinator (hand-over), also a supporter
    margit: User
    bernd: User
    anke: User


@pytest.fixture
def team(project, task, organiser, coordinator, volunteer) -> Team:
    kitchen = f.TaskFactory(project=project, title="Küche", capacity=4)
    bernd = f.UserFactory(email="bernd@example.org", name="Bernd Brot", share_contact=True)
    anke = f.UserFactory(email="anke@example.org", name="Anke Anonym", visibility="anonymous")
    paula = f.UserFactory(email="paula@example.org", name="Paula Plan")
    for user, on in ((volunteer, task), (bernd, task), (anke, kitchen), (paula, kitchen)):
        f.CommitmentFactory(task=on, user=user, status=Commitment.Status.ACTIVE)
    project.coordinators.add(paula)
    User.objects.update(language="en")
    for user in (organiser, coordinator, volunteer, bernd, anke, paula):
        user.refresh_from_db()
    mail.outbox.clear()
    return Team(
        project=project,
        stand=task,
        kitchen=kitchen,
        organiser=organiser,
        coordinator=coordinator,
        paula=paula,
        margit=volunteer,
        bernd=bernd,
        anke=anke,
    )
